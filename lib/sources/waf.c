/*
 * waf.c: one WAF blocked-requests review of one target over JSON 1.0:
 * ListMetrics page by page for the web ACL totals (Rule=ALL), then
 * GetMetricData in batches of at most 500 queries, page by page, summing
 * the hourly Sums into this week and last week. Every answer is checked
 * for shape; any failure, a result that stays PartialData, a Forbidden
 * or InternalError result, or a Message about the whole call, ends the
 * review with an error and no report.
 * Owns its aws requests; does not touch SQLite or alerts.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"
#include "pager.h"
#include "cw.h"
#include "waf.h"

#define WAF_MAX_TIME 253402300799LL /* 9999-12-31T23:59:59Z */
#define WAF_TARGET "GraniteServiceVersion20100801."

/* What the review knows of one web ACL's datapoints. */
struct waf_track {
	unsigned char slot[(WAF_SLOTS + 7) / 8]; /* hours seen */
	unsigned call; /* the call whose answer had its last result; 0 none */
	int complete;  /* that result's StatusCode was Complete */
};

struct waf_poll {
	struct aws *aws;
	struct endpoint ep;
	waf_done_cb done;
	void *arg;
	struct aws_req *req;
	const char *op;          /* of the call in flight */
	struct aws_pager pg;     /* NextToken of the listing or batch */
	size_t batch;            /* first web ACL of the GetMetricData batch */
	size_t nbatch;           /* web ACLs in it */
	size_t cap;              /* of report.acls */
	struct waf_track *track; /* one per web ACL, once listed */
	struct waf_report report;
};

int
waf_window(time_t end, time_t *start, time_t *middle, time_t *end_out)
{
	if (end < 2 * WAF_WEEK || (long long)end > WAF_MAX_TIME)
		return -1;
	end -= end % WAF_PERIOD;
	*end_out = end;
	*middle = end - WAF_WEEK;
	*start = end - 2 * WAF_WEEK;
	return 0;
}

static void
waf_poll_free(struct waf_poll *p)
{
	size_t i;

	aws_cancel(p->req);
	free(p->pg.token);
	for (i = 0; i < p->report.n; i++) {
		free(p->report.acls[i].web_acl);
		free(p->report.acls[i].region);
	}
	free(p->report.acls);
	free(p->track);
	free(p);
}

void
waf_poll_cancel(struct waf_poll *p)
{
	if (p != NULL)
		waf_poll_free(p);
}

static void
waf_fail(struct waf_poll *p, const struct sm_err *err)
{
	p->req = NULL;
	p->done(NULL, err, p->arg);
	waf_poll_free(p);
}

/* A malformed answer to the call in flight: what is wrong with it. */
static void
waf_malformed(struct waf_poll *p, const char *what)
{
	struct sm_err err;

	sm_err_set(&err, "MalformedResponse",
	    "CloudWatch.%s: MalformedResponse: %s", p->op, what);
	waf_fail(p, &err);
}

static void
waf_succeed(struct waf_poll *p)
{
	p->req = NULL;
	p->done(&p->report, NULL, p->arg);
	waf_poll_free(p);
}

/* A string of 1..max bytes without NUL, or NULL. */
static const char *
waf_str(json_t *v, size_t max)
{
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) > max ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return NULL;
	return json_string_value(v);
}

/* Is v the string s? */
static int
waf_is(json_t *v, const char *s)
{
	return json_is_string(v) && json_string_length(v) == strlen(s) &&
	    strcmp(json_string_value(v), s) == 0;
}

/*
 * Take NextToken from an answer: absent, null or "" ends the listing or
 * batch; a token that repeats after a page with something in it, is too
 * long, or too many pages, is an error (why). An empty page may repeat
 * its token (it says "try again"); the page cap still holds.
 */
static const char *
waf_take_token(struct waf_poll *p, json_t *j, int empty)
{
	return aws_pager_take(
	    &p->pg, j, "NextToken", WAF_MAX_TOKEN, WAF_MAX_PAGES, empty);
}

static void waf_call_cb(struct aws_result *, void *);

/* Send body to op (ListMetrics, GetMetricData); -1 with err if it can't. */
static int
waf_call(struct waf_poll *p, const char *op, json_t *body, struct sm_err *err)
{
	char target[64];
	struct aws_call c = {
		.service_label = "CloudWatch",
		.op = op,
		.proto = AWS_JSON_10,
		.ep = &p->ep,
		.method = "POST",
		.path = "/",
		.body = body,
		.target = target,
	};

	snprintf(target, sizeof target, "%s%s", WAF_TARGET, op);
	if (p->pg.token != NULL)
		json_object_set_new(
		    body, "NextToken", json_string(p->pg.token));
	p->op = op;
	p->report.calls++;
	p->req = aws_call(p->aws, &c, waf_call_cb, p, err);
	json_decref(body);
	return p->req == NULL ? -1 : 0;
}

/* The next ListMetrics page. */
static int
waf_list(struct waf_poll *p, struct sm_err *err)
{
	json_t *body = json_pack("{s:s,s:s,s:[{s:s,s:s}]}", "Namespace",
	    WAF_NAMESPACE, "MetricName", WAF_METRIC, "Dimensions", "Name",
	    "Rule", "Value", "ALL");

	return waf_call(p, "ListMetrics", body, err);
}

/* The GetMetricData query of web ACL a, Id "m<k>". */
static json_t *
waf_query(const struct waf_acl *a, size_t k)
{
	json_t *dims;
	char id[24];

	snprintf(id, sizeof id, "m%zu", k);
	dims = json_pack("[{s:s,s:s},{s:s,s:s}]", "Name", "WebACL", "Value",
	    a->web_acl, "Name", "Rule", "Value", "ALL");
	if (dims != NULL && a->region[0] != '\0')
		json_array_append_new(dims,
		    json_pack(
			"{s:s,s:s}", "Name", "Region", "Value", a->region));
	return json_pack("{s:s,s:{s:{s:s,s:s,s:o},s:i,s:s},s:b}", "Id", id,
	    "MetricStat", "Metric", "Namespace", WAF_NAMESPACE, "MetricName",
	    WAF_METRIC, "Dimensions", dims, "Period", WAF_PERIOD, "Stat", "Sum",
	    "ReturnData", 1);
}

/* The next GetMetricData page of the current batch. */
static int
waf_get(struct waf_poll *p, struct sm_err *err)
{
	json_t *body, *qs = json_array(), *q;
	size_t k;

	for (k = 0; k < p->nbatch; k++) {
		q = waf_query(&p->report.acls[p->batch + k], k);
		if (q == NULL || json_array_append_new(qs, q) == -1) {
			json_decref(qs);
			return sm_err_set(err, "BadRequest",
			    "CloudWatch.GetMetricData: cannot encode a query");
		}
	}
	body = json_pack("{s:o,s:I,s:I,s:i}", "MetricDataQueries", qs,
	    "StartTime", (json_int_t)p->report.start, "EndTime",
	    (json_int_t)p->report.end, "MaxDatapoints", WAF_MAX_DATAPOINTS);
	return waf_call(p, "GetMetricData", body, err);
}

/* Start the batch from first web ACL on. */
static int
waf_batch(struct waf_poll *p, size_t first, struct sm_err *err)
{
	size_t k;

	p->batch = first;
	p->nbatch = p->report.n - first;
	if (p->nbatch > WAF_BATCH)
		p->nbatch = WAF_BATCH;
	p->pg.pages = 0;
	for (k = first; k < first + p->nbatch; k++) {
		p->track[k].call = 0;
		p->track[k].complete = 0;
	}
	return waf_get(p, err);
}

static int
waf_cmp_acl(const void *a, const void *b)
{
	const struct waf_acl *x = a, *y = b;
	int c = strcmp(x->web_acl, y->web_acl);

	return c != 0 ? c : strcmp(x->region, y->region);
}

/* Sort the web ACLs; one listed twice (the listing moved) is kept once. */
static void
waf_sort_unique(struct waf_report *r)
{
	struct waf_acl *a = r->acls;
	size_t i, n = 0;

	if (r->n == 0)
		return;
	qsort(a, r->n, sizeof *a, waf_cmp_acl);
	for (i = 1; i < r->n; i++) {
		if (waf_cmp_acl(&a[n], &a[i]) != 0) {
			a[++n] = a[i];
			continue;
		}
		free(a[i].web_acl);
		free(a[i].region);
	}
	r->n = n + 1;
}

/* The listing is complete: sums next, or an empty report. */
static void
waf_listed(struct waf_poll *p)
{
	struct sm_err err;

	waf_sort_unique(&p->report);
	if (p->report.n == 0) {
		waf_succeed(p);
		return;
	}
	p->track = xcalloc(p->report.n, sizeof *p->track);
	if (waf_batch(p, 0, &err) == -1)
		waf_fail(p, &err);
}

/* What one dimension list says: the web ACL, Region, Rule=ALL, others. */
struct waf_dims {
	const char *web_acl;
	const char *region;
	int rule_all;
	size_t others;
};

/* The Dimensions of a listed metric into d; NULL, or what is wrong. */
static const char *
waf_take_dims(json_t *dims, struct waf_dims *d)
{
	const char *name[WAF_MAX_DIMS], *value;
	size_t i, j, n = json_array_size(dims);

	memset(d, 0, sizeof *d);
	if (!json_is_array(dims) || n > WAF_MAX_DIMS)
		return "Dimensions is not a list of at most 30";
	for (i = 0; i < n; i++) {
		json_t *o = json_array_get(dims, i);

		name[i] = waf_str(json_object_get(o, "Name"), WAF_MAX_NAME);
		value = waf_str(json_object_get(o, "Value"), WAF_MAX_VALUE);
		if (name[i] == NULL || value == NULL)
			return "a dimension without a valid Name and Value";
		for (j = 0; j < i; j++)
			if (strcmp(name[i], name[j]) == 0)
				return "a dimension name repeats";
		if (strcmp(name[i], "WebACL") == 0)
			d->web_acl = value;
		else if (strcmp(name[i], "Region") == 0)
			d->region = value;
		else if (strcmp(name[i], "Rule") == 0 &&
		    strcmp(value, "ALL") == 0)
			d->rule_all = 1;
		else
			d->others++;
	}
	return NULL;
}

/*
 * One listed metric: a web ACL total into the report, anything else with
 * Rule=ALL counted as skipped; NULL, or what is wrong.
 */
static const char *
waf_take_metric(struct waf_poll *p, json_t *m)
{
	struct waf_report *r = &p->report;
	struct waf_dims d;
	const char *why;

	if (!waf_is(json_object_get(m, "Namespace"), WAF_NAMESPACE) ||
	    !waf_is(json_object_get(m, "MetricName"), WAF_METRIC))
		return "a metric of another namespace or name than asked";
	if ((why = waf_take_dims(json_object_get(m, "Dimensions"), &d)) != NULL)
		return why;
	if (!d.rule_all)
		return "a metric without the dimension Rule=ALL asked for";
	if (d.web_acl == NULL || d.others > 0) {
		r->skipped++;
		return NULL;
	}
	if (r->n == WAF_MAX_ACLS)
		return "too many web ACLs";
	if (r->n == p->cap) {
		p->cap = p->cap == 0 ? 16 : p->cap * 2;
		r->acls = xreallocarray(r->acls, p->cap, sizeof *r->acls);
	}
	memset(&r->acls[r->n], 0, sizeof r->acls[r->n]);
	r->acls[r->n].web_acl = xstrdup(d.web_acl);
	r->acls[r->n].region = xstrdup(d.region != NULL ? d.region : "");
	r->n++;
	return NULL;
}

/* One ListMetrics answer; NULL, or what is wrong with it. */
static const char *
waf_take_list(struct waf_poll *p, json_t *res)
{
	json_t *list = json_object_get(res, "Metrics");
	const char *why = NULL;
	size_t i;

	if (list == NULL || json_is_null(list))
		return waf_take_token(p, res, 1);
	if (!json_is_array(list))
		return "Metrics is not a list";
	if (json_array_size(list) > WAF_LIST_PAGE)
		return "more than 500 metrics in a page";
	for (i = 0; why == NULL && i < json_array_size(list); i++)
		why = waf_take_metric(p, json_array_get(list, i));
	return why != NULL ? why
			   : waf_take_token(p, res, json_array_size(list) == 0);
}

/* The text of a Messages list into buf; -1 if it is malformed. */
static int
waf_messages(json_t *list, char *buf, size_t len, unsigned *n)
{
	size_t i;

	*n = 0;
	buf[0] = '\0';
	if (list == NULL || json_is_null(list))
		return 0;
	if (!json_is_array(list) || json_array_size(list) > WAF_MAX_MESSAGES)
		return -1;
	for (i = 0; i < json_array_size(list); i++) {
		json_t *m = json_array_get(list, i);
		const char *code =
		    json_string_value(json_object_get(m, "Code"));
		const char *val =
		    json_string_value(json_object_get(m, "Value"));

		if (!json_is_object(m))
			return -1;
		if (i == 0)
			snprintf(buf, len, "%s: %s", code != NULL ? code : "?",
			    val != NULL ? val : "");
		(*n)++;
	}
	return 0;
}

/* The web ACL of a result's Id "m<k>" of this batch, or -1. */
static long
waf_result_index(struct waf_poll *p, json_t *id)
{
	const char *s = json_string_value(id);
	unsigned long k;
	char *end;

	if (s == NULL || s[0] != 'm' || s[1] < '0' || s[1] > '9' ||
	    (s[1] == '0' && s[2] != '\0'))
		return -1;
	errno = 0;
	k = strtoul(s + 1, &end, 10);
	if (errno != 0 || *end != '\0' || k >= p->nbatch)
		return -1;
	return (long)(p->batch + k);
}

/* One datapoint of web ACL i; NULL, or what is wrong. */
static const char *
waf_take_point(struct waf_poll *p, size_t i, json_t *ts, json_t *v)
{
	struct waf_acl *a = &p->report.acls[i];
	struct waf_track *t = &p->track[i];
	struct cw_time when;
	size_t slot;
	double x;

	if (cw_parse_time(ts, &when) == -1 || when.sec < p->report.start ||
	    when.sec >= p->report.end)
		return "a timestamp outside the window asked for";
	if (!json_is_number(v) || !isfinite(x = json_number_value(v)) || x < 0)
		return "a value that is not a finite number >= 0";
	slot = (size_t)((when.sec - p->report.start) / WAF_PERIOD);
	if (t->slot[slot / 8] & (1u << (slot % 8)))
		return "a datapoint repeats";
	t->slot[slot / 8] |= (unsigned char)(1u << (slot % 8));
	if (when.sec < p->report.middle)
		a->last_week += x;
	else
		a->this_week += x;
	a->points++;
	return NULL;
}

/* The datapoints of one result of web ACL i; NULL, or what is wrong. */
static const char *
waf_take_points(struct waf_poll *p, size_t i, json_t *res, size_t *npoints)
{
	json_t *ts = json_object_get(res, "Timestamps");
	json_t *vs = json_object_get(res, "Values");
	const char *why = NULL;
	size_t k, n = json_array_size(ts);

	if ((ts != NULL && !json_is_null(ts) && !json_is_array(ts)) ||
	    (vs != NULL && !json_is_null(vs) && !json_is_array(vs)) ||
	    n != json_array_size(vs))
		return "Timestamps and Values are not lists of one length";
	if ((*npoints += n) > WAF_MAX_DATAPOINTS)
		return "more datapoints in a page than MaxDatapoints";
	for (k = 0; why == NULL && k < n; k++)
		why = waf_take_point(
		    p, i, json_array_get(ts, k), json_array_get(vs, k));
	return why;
}

/*
 * A result that is Forbidden or InternalError: the error, with its
 * messages; code "Forbidden" / "InternalError".
 */
static void
waf_result_failed(
    struct waf_poll *p, size_t i, const char *status, const char *messages)
{
	const struct waf_acl *a = &p->report.acls[i];
	struct sm_err err;

	sm_err_set(&err, status,
	    "CloudWatch.GetMetricData: %s: %.80s%s%.32s%s %s", status,
	    a->web_acl, a->region[0] != '\0' ? " (" : "", a->region,
	    a->region[0] != '\0' ? ")" : "", messages);
	waf_fail(p, &err);
}

/* A StatusCode of the model: Complete, PartialData, Forbidden, ... */
static int
waf_status_known(const char *st)
{
	static const char *const known[] = { "Complete", "PartialData",
		"Forbidden", "InternalError" };
	size_t i;

	for (i = 0; st != NULL && i < sizeof known / sizeof known[0]; i++)
		if (strcmp(st, known[i]) == 0)
			return 1;
	return 0;
}

/*
 * One MetricDataResult; 0, or -1 after failing the review (malformed or a
 * failed result).
 */
static int
waf_take_result(struct waf_poll *p, json_t *res, size_t *npoints)
{
	const char *st, *why = NULL;
	char msg[160];
	unsigned nmsg;
	long i;

	if (!json_is_object(res) ||
	    (i = waf_result_index(p, json_object_get(res, "Id"))) == -1)
		why = "a result with an Id not asked for";
	else if (p->track[i].call == p->report.calls)
		why = "a result repeats";
	st = json_string_value(json_object_get(res, "StatusCode"));
	if (why == NULL &&
	    waf_messages(
		json_object_get(res, "Messages"), msg, sizeof msg, &nmsg) == -1)
		why = "Messages is not a list of at most 100";
	if (why == NULL && !waf_status_known(st))
		why = "a result without a known StatusCode";
	if (why != NULL) {
		waf_malformed(p, why);
		return -1;
	}
	if (strcmp(st, "Forbidden") == 0 || strcmp(st, "InternalError") == 0) {
		waf_result_failed(p, (size_t)i, st, msg);
		return -1;
	}
	if ((why = waf_take_points(p, (size_t)i, res, npoints)) != NULL) {
		waf_malformed(p, why);
		return -1;
	}
	p->track[i].call = p->report.calls;
	p->track[i].complete = strcmp(st, "Complete") == 0;
	p->report.notes += nmsg;
	return 0;
}

/*
 * The batch's last page is in: every web ACL of it needs a Complete
 * result; then the next batch, or the report.
 */
static void
waf_batch_done(struct waf_poll *p)
{
	const struct waf_acl *a;
	struct sm_err err;
	size_t k;

	for (k = p->batch; k < p->batch + p->nbatch; k++) {
		if (p->track[k].call != 0 && p->track[k].complete)
			continue;
		a = &p->report.acls[k];
		sm_err_set(&err, "PartialData",
		    "CloudWatch.GetMetricData: PartialData: %s for "
		    "%.80s%s%.32s "
		    "and no NextToken",
		    p->track[k].call == 0 ? "no result" : "a partial result",
		    a->web_acl, a->region[0] != '\0' ? " in " : "", a->region);
		waf_fail(p, &err);
		return;
	}
	if (p->batch + p->nbatch == p->report.n) {
		waf_succeed(p);
		return;
	}
	if (waf_batch(p, p->batch + p->nbatch, &err) == -1)
		waf_fail(p, &err);
}

/*
 * One GetMetricData answer: 0 if it was taken in; -1 after failing the
 * review. A Message about the whole call means it did less than asked.
 */
static int
waf_take_data(struct waf_poll *p, json_t *res)
{
	json_t *list = json_object_get(res, "MetricDataResults");
	struct sm_err err;
	size_t i, npoints = 0;
	const char *why;
	char msg[160];
	unsigned nmsg;

	if (waf_messages(json_object_get(res, "Messages"), msg, sizeof msg,
		&nmsg) == -1) {
		waf_malformed(p, "Messages is not a list of at most 100");
		return -1;
	}
	if (nmsg > 0) {
		sm_err_set(&err, "Incomplete",
		    "CloudWatch.GetMetricData: Incomplete: %s", msg);
		waf_fail(p, &err);
		return -1;
	}
	if (list != NULL && !json_is_null(list) &&
	    (!json_is_array(list) || json_array_size(list) > p->nbatch)) {
		waf_malformed(p,
		    "MetricDataResults is not a list, or longer "
		    "than the queries");
		return -1;
	}
	for (i = 0; i < json_array_size(list); i++)
		if (waf_take_result(p, json_array_get(list, i), &npoints) == -1)
			return -1;
	if ((why = waf_take_token(p, res, npoints == 0)) != NULL) {
		waf_malformed(p, why);
		return -1;
	}
	return 0;
}

static void
waf_call_cb(struct aws_result *res, void *arg)
{
	struct waf_poll *p = arg;
	struct sm_err err;
	const char *why;
	int rc;

	p->req = NULL;
	if (!res->ok) {
		waf_fail(p, &res->err);
		return;
	}
	if (strcmp(p->op, "ListMetrics") == 0) {
		if ((why = waf_take_list(p, res->json)) != NULL) {
			waf_malformed(p, why);
			return;
		}
		if (p->pg.token == NULL) {
			waf_listed(p);
			return;
		}
		rc = waf_list(p, &err);
	} else {
		if (waf_take_data(p, res->json) == -1)
			return;
		if (p->pg.token == NULL) {
			waf_batch_done(p);
			return;
		}
		rc = waf_get(p, &err);
	}
	if (rc == -1)
		waf_fail(p, &err);
}

struct waf_poll *
waf_poll_start(struct aws *aws, const struct endpoint *ep, time_t end,
    waf_done_cb done, void *arg, struct sm_err *err)
{
	struct waf_poll *p;
	time_t start, middle;

	if (waf_window(end, &start, &middle, &end) == -1) {
		sm_err_set(err, "BadWindow",
		    "WAF review: the end time %lld is out of range",
		    (long long)end);
		return NULL;
	}
	p = xcalloc(1, sizeof *p);
	p->aws = aws;
	p->ep = *ep;
	p->done = done;
	p->arg = arg;
	p->report.start = start;
	p->report.middle = middle;
	p->report.end = end;
	if (waf_list(p, err) == -1) {
		waf_poll_free(p);
		return NULL;
	}
	return p;
}
