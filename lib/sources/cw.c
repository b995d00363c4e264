/*
 * cw.c: one CloudWatch alarms poll of one target: DescribeAlarms over JSON
 * 1.0, metric and composite alarms, page by page, once per group of at most
 * 100 names when the filter names them. Every answer is checked for shape;
 * any failure ends the poll with an error and no snapshot.
 * Owns its aws requests; does not touch SQLite or alerts.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"
#include "pager.h"
#include "cw.h"

#define CW_MAX_TIME 253402300799LL /* 9999-12-31T23:59:59Z */

struct cw_poll {
	struct aws *aws;
	struct endpoint ep;
	cw_done_cb done;
	void *arg;
	struct aws_req *req;
	char *prefix; /* AlarmNamePrefix, or NULL */
	char **names; /* AlarmNames, or NULL */
	size_t nnames;
	size_t name_off;     /* first name of the current group */
	struct aws_pager pg; /* NextToken of the listing in progress */
	struct cw_snapshot snap;
	size_t cap;
};

static const char *const cw_state_names[] = {
	[CW_OK] = "OK",
	[CW_ALARM] = "ALARM",
	[CW_INSUFFICIENT_DATA] = "INSUFFICIENT_DATA",
};

int
cw_parse_state(const char *s, enum cw_state *out)
{
	size_t i;

	for (i = 0; s != NULL && i < 3; i++) {
		if (strcmp(s, cw_state_names[i]) == 0) {
			*out = (enum cw_state)i;
			return 0;
		}
	}
	return -1;
}

const char *
cw_state_name(enum cw_state s)
{
	return (unsigned)s < 3 ? cw_state_names[s] : "?";
}

int
cw_parse_time(const json_t *j, struct cw_time *out)
{
	long long ms;
	double d;

	if (json_is_integer(j)) {
		if (json_integer_value(j) < 0 ||
		    json_integer_value(j) > CW_MAX_TIME)
			return -1;
		out->sec = (time_t)json_integer_value(j);
		out->ms = 0;
		return 0;
	}
	if (!json_is_real(j))
		return -1;
	d = json_real_value(j);
	if (!isfinite(d) || d < 0 || d > (double)CW_MAX_TIME)
		return -1;
	ms = llround(d * 1000.0);
	out->sec = (time_t)(ms / 1000);
	out->ms = (int)(ms % 1000);
	return 0;
}

static void
cw_alarm_clear(struct cw_alarm *a)
{
	free(a->arn);
	free(a->name);
	free(a->reason);
	free(a->namespace);
	free(a->metric);
	free(a->rule);
	memset(a, 0, sizeof *a);
}

static void
cw_poll_free(struct cw_poll *p)
{
	size_t i;

	aws_cancel(p->req);
	free(p->prefix);
	for (i = 0; i < p->nnames; i++)
		free(p->names[i]);
	free(p->names);
	free(p->pg.token);
	for (i = 0; i < p->snap.n; i++)
		cw_alarm_clear(&p->snap.alarms[i]);
	free(p->snap.alarms);
	free(p);
}

void
cw_poll_cancel(struct cw_poll *p)
{
	if (p != NULL)
		cw_poll_free(p);
}

static void
cw_fail(struct cw_poll *p, const struct sm_err *err)
{
	p->req = NULL;
	p->done(NULL, err, p->arg);
	cw_poll_free(p);
}

/* A malformed answer: what is wrong with it. */
static void
cw_malformed(struct cw_poll *p, const char *what)
{
	struct sm_err err;

	sm_err_set(&err, "MalformedResponse",
	    "CloudWatch.DescribeAlarms: MalformedResponse: %s", what);
	cw_fail(p, &err);
}

static int
cw_cmp_time(const struct cw_time *a, const struct cw_time *b)
{
	if (a->sec != b->sec)
		return a->sec < b->sec ? -1 : 1;
	return a->ms < b->ms ? -1 : a->ms > b->ms;
}

static int
cw_cmp_arn(const void *a, const void *b)
{
	const struct cw_alarm *x = a, *y = b;

	return strcmp(x->arn, y->arn);
}

/*
 * Sort by ARN; an alarm seen twice (in two name groups, or moved between
 * pages while listed) is kept once, as last updated.
 */
static void
cw_sort_unique(struct cw_snapshot *s)
{
	struct cw_alarm *a = s->alarms;
	size_t i, n = 0;

	if (s->n == 0)
		return;
	qsort(a, s->n, sizeof *a, cw_cmp_arn);
	for (i = 1; i < s->n; i++) {
		if (strcmp(a[n].arn, a[i].arn) != 0) {
			a[++n] = a[i];
			continue;
		}
		if (cw_cmp_time(&a[i].updated, &a[n].updated) >= 0) {
			cw_alarm_clear(&a[n]);
			a[n] = a[i];
		} else
			cw_alarm_clear(&a[i]);
	}
	s->n = n + 1;
}

static void
cw_succeed(struct cw_poll *p)
{
	p->req = NULL;
	cw_sort_unique(&p->snap);
	p->done(&p->snap, NULL, p->arg);
	cw_poll_free(p);
}

/*
 * A string member of o into *out (bounded, copied): absent or null reads
 * as "" unless required; anything else, past max bytes or with a NUL
 * inside, is -1.
 */
static int
cw_str(json_t *o, const char *name, size_t max, int required, char **out)
{
	json_t *v = json_object_get(o, name);

	if (v == NULL || json_is_null(v)) {
		if (required)
			return -1;
		*out = xstrdup("");
		return 0;
	}
	if (!json_is_string(v) || json_string_length(v) > max ||
	    (required && json_string_length(v) == 0) ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return -1;
	*out = xstrndup(json_string_value(v), max);
	return 0;
}

/* A timestamp member: absent or null reads as 0; -1 if malformed. */
static int
cw_time_member(json_t *o, const char *name, struct cw_time *out)
{
	json_t *v = json_object_get(o, name);

	memset(out, 0, sizeof *out);
	if (v == NULL || json_is_null(v))
		return 0;
	return cw_parse_time(v, out);
}

/* The members both alarm types share; -1 if malformed. */
static int
cw_parse_common(json_t *o, struct cw_alarm *a)
{
	json_t *ae = json_object_get(o, "ActionsEnabled");

	if (cw_str(o, "AlarmArn", CW_MAX_ARN, 1, &a->arn) == -1 ||
	    cw_str(o, "AlarmName", CW_MAX_NAME, 1, &a->name) == -1 ||
	    cw_parse_state(json_string_value(json_object_get(o, "StateValue")),
		&a->state) == -1 ||
	    cw_str(o, "StateReason", CW_MAX_REASON, 0, &a->reason) == -1 ||
	    cw_time_member(o, "StateUpdatedTimestamp", &a->updated) == -1 ||
	    cw_time_member(o, "StateTransitionedTimestamp", &a->transitioned) ==
		-1)
		return -1;
	if (ae != NULL && !json_is_null(ae) && !json_is_boolean(ae))
		return -1;
	a->actions_enabled = json_is_true(ae);
	return 0;
}

/* One alarm of an answer into a; -1 if malformed (a is cleared then). */
static int
cw_parse_alarm(json_t *o, enum cw_type type, struct cw_alarm *a)
{
	int rc;

	memset(a, 0, sizeof *a);
	a->type = type;
	if (!json_is_object(o) || cw_parse_common(o, a) == -1) {
		cw_alarm_clear(a);
		return -1;
	}
	if (type == CW_METRIC) {
		a->rule = xstrdup("");
		rc = cw_str(o, "Namespace", CW_MAX_NAME, 0, &a->namespace);
		if (rc == 0)
			rc =
			    cw_str(o, "MetricName", CW_MAX_NAME, 0, &a->metric);
	} else {
		a->namespace = xstrdup("");
		a->metric = xstrdup("");
		rc = cw_str(o, "AlarmRule", CW_MAX_RULE, 0, &a->rule);
	}
	if (rc == -1)
		cw_alarm_clear(a);
	return rc;
}

/* One alarm into the snapshot; NULL, or what is wrong. */
static const char *
cw_add_alarm(struct cw_poll *p, json_t *o, enum cw_type type)
{
	if (p->snap.n == CW_MAX_ALARMS)
		return "too many alarms";
	if (p->snap.n == p->cap) {
		p->cap = p->cap == 0 ? 64 : p->cap * 2;
		p->snap.alarms = xreallocarray(
		    p->snap.alarms, p->cap, sizeof *p->snap.alarms);
	}
	if (cw_parse_alarm(o, type, &p->snap.alarms[p->snap.n]) == -1)
		return "an alarm without ARN, name or a valid state, or with a "
		       "bad member";
	p->snap.n++;
	return NULL;
}

/* The alarms of one list of an answer into the snapshot; NULL or why not. */
static const char *
cw_take_list(
    struct cw_poll *p, json_t *res, const char *member, enum cw_type type)
{
	json_t *list = json_object_get(res, member);
	const char *why = NULL;
	size_t i;

	if (list == NULL || json_is_null(list))
		return NULL;
	if (!json_is_array(list))
		return "MetricAlarms or CompositeAlarms is not a list";
	if (json_array_size(list) > CW_PAGE)
		return "more alarms in a page than MaxRecords";
	for (i = 0; why == NULL && i < json_array_size(list); i++)
		why = cw_add_alarm(p, json_array_get(list, i), type);
	return why;
}

/*
 * Take NextToken from an answer: absent, null or "" ends the listing; a
 * token that repeats, is too long, or too many pages, is an error (why).
 */
static const char *
cw_take_token(struct cw_poll *p, json_t *j)
{
	return aws_pager_take(
	    &p->pg, j, "NextToken", CW_MAX_TOKEN, CW_MAX_PAGES, 0);
}

/* The request body of the next call. */
static json_t *
cw_body(struct cw_poll *p)
{
	json_t *body, *names;
	size_t i;

	body = json_pack("{s:[s,s],s:i}", "AlarmTypes", "MetricAlarm",
	    "CompositeAlarm", "MaxRecords", CW_PAGE);
	if (p->prefix != NULL)
		json_object_set_new(
		    body, "AlarmNamePrefix", json_string(p->prefix));
	if (p->names != NULL) {
		names = json_array();
		for (i = p->name_off;
		     i < p->nnames && i < p->name_off + CW_NAMES_PER_CALL; i++)
			json_array_append_new(names, json_string(p->names[i]));
		json_object_set_new(body, "AlarmNames", names);
	}
	if (p->pg.token != NULL)
		json_object_set_new(
		    body, "NextToken", json_string(p->pg.token));
	return body;
}

static void cw_describe_cb(struct aws_result *, void *);

/* Send the next DescribeAlarms; -1 with err if it cannot start. */
static int
cw_describe(struct cw_poll *p, struct sm_err *err)
{
	json_t *body = cw_body(p);
	struct aws_call c = {
		.service_label = "CloudWatch",
		.op = "DescribeAlarms",
		.proto = AWS_JSON_10,
		.ep = &p->ep,
		.method = "POST",
		.path = "/",
		.body = body,
		.target = "GraniteServiceVersion20100801.DescribeAlarms",
	};

	p->snap.calls++;
	p->req = aws_call(p->aws, &c, cw_describe_cb, p, err);
	json_decref(body);
	return p->req == NULL ? -1 : 0;
}

/* What comes next: another page, the next group of names, or done. */
static void
cw_next(struct cw_poll *p)
{
	struct sm_err err;

	if (p->pg.token == NULL && p->names != NULL &&
	    p->name_off + CW_NAMES_PER_CALL < p->nnames) {
		p->name_off += CW_NAMES_PER_CALL;
		p->pg.pages = 0;
	} else if (p->pg.token == NULL) {
		cw_succeed(p);
		return;
	}
	if (cw_describe(p, &err) == -1)
		cw_fail(p, &err);
}

static void
cw_describe_cb(struct aws_result *res, void *arg)
{
	struct cw_poll *p = arg;
	const char *why;

	p->req = NULL;
	if (!res->ok) {
		cw_fail(p, &res->err);
		return;
	}
	why = cw_take_list(p, res->json, "MetricAlarms", CW_METRIC);
	if (why == NULL)
		why =
		    cw_take_list(p, res->json, "CompositeAlarms", CW_COMPOSITE);
	if (why == NULL)
		why = cw_take_token(p, res->json);
	if (why != NULL) {
		cw_malformed(p, why);
		return;
	}
	cw_next(p);
}

/* A name or prefix of 1..CW_MAX_NAME bytes? */
static int
cw_name_ok(const char *s)
{
	return s != NULL && s[0] != '\0' && strlen(s) <= CW_MAX_NAME;
}

static int
cw_filter_check(const struct cw_filter *f, struct sm_err *err)
{
	size_t i;

	if (f->prefix != NULL && f->nnames > 0)
		return sm_err_set(err, "BadFilter",
		    "CloudWatch: a name prefix and names are exclusive");
	if (f->prefix != NULL && !cw_name_ok(f->prefix))
		return sm_err_set(err, "BadFilter",
		    "CloudWatch: the alarm name prefix must be 1-%d bytes",
		    CW_MAX_NAME);
	if (f->nnames > CW_MAX_NAMES || (f->nnames > 0 && f->names == NULL))
		return sm_err_set(err, "BadFilter",
		    "CloudWatch: at most %d alarm names", CW_MAX_NAMES);
	for (i = 0; i < f->nnames; i++)
		if (!cw_name_ok(f->names[i]))
			return sm_err_set(err, "BadFilter",
			    "CloudWatch: alarm names must be 1-%d bytes",
			    CW_MAX_NAME);
	return 0;
}

static void
cw_filter_copy(struct cw_poll *p, const struct cw_filter *f)
{
	size_t i;

	if (f->prefix != NULL)
		p->prefix = xstrdup(f->prefix);
	if (f->nnames == 0)
		return;
	p->names = xcalloc(f->nnames, sizeof *p->names);
	for (i = 0; i < f->nnames; i++)
		p->names[p->nnames++] = xstrdup(f->names[i]);
}

struct cw_poll *
cw_poll_start(struct aws *aws, const struct endpoint *ep,
    const struct cw_filter *f, cw_done_cb done, void *arg, struct sm_err *err)
{
	static const struct cw_filter all;
	struct cw_poll *p;

	if (f == NULL)
		f = &all;
	if (cw_filter_check(f, err) == -1)
		return NULL;
	p = xcalloc(1, sizeof *p);
	p->aws = aws;
	p->ep = *ep;
	p->done = done;
	p->arg = arg;
	cw_filter_copy(p, f);
	if (cw_describe(p, err) == -1) {
		cw_poll_free(p);
		return NULL;
	}
	return p;
}
