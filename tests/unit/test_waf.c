/*
 * test_waf.c: the WAF blocked-requests review: its window, starts that
 * fail, and whole reviews against the fake AWS (tests/fakeaws): demo.json's
 * web ACL totals (Rule=ALL; per-rule and rule-group series left out; a
 * CloudFront one without Region) summed into two weeks and checked against
 * the fake's per-minute data fetched independently; a region without WAF;
 * an estate of 1,203 web ACLs (ListMetrics pages, GetMetricData batches,
 * empty pages); PartialData pages, failed results, messages, duplicates and
 * malformed or huge answers scripted through /_fake/cloudwatch/replies or
 * faults. Run from the repository top; skipped without python3/botocore.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <event2/event.h>
#include <jansson.h>

#include "aws.h"
#include "creds.h"
#include "cw.h"
#include "endpoint.h"
#include "http.h"
#include "waf.h"

#define FAKE "tests/fakeaws/fakeaws.py"
#define DEMO "tests/fakeaws/scenarios/demo.json"
#define FAKE_KEY "AKIDSECMONFAKE0000001"
#define FAKE_SECRET "fake/secret+key=for/tests"
#define NBIG 1203 /* web ACLs of the big estate: 3 pages, 3 batches */

/* The fake AWS, started with popen. */
struct fake {
	FILE *out;
	pid_t pid;
	char url[128];
};

static struct fake demo; /* demo.json, for the whole run */

/* Start the fake on scenario; 0, or -1 if it cannot run here. */
static int
fake_start(struct fake *fk, const char *scenario)
{
	const char *py =
	    getenv("PYTHON") != NULL ? getenv("PYTHON") : "python3";
	char cmd[1024], line[256];

	memset(fk, 0, sizeof *fk);
	if (access(FAKE, R_OK) != 0)
		return -1;
	snprintf(cmd, sizeof cmd,
	    "echo $$; exec %s %s --scenario %s 2>/dev/null", py, FAKE,
	    scenario);
	if ((fk->out = popen(cmd, "r")) == NULL)
		return -1;
	if (fgets(line, sizeof line, fk->out) != NULL)
		fk->pid = (pid_t)strtol(line, NULL, 10);
	if (fgets(line, sizeof line, fk->out) == NULL ||
	    sscanf(line, "fakeaws listening on %127s", fk->url) != 1) {
		if (fk->pid > 0)
			kill(fk->pid, SIGTERM);
		pclose(fk->out);
		memset(fk, 0, sizeof *fk);
		return -1;
	}
	return 0;
}

static void
fake_stop(struct fake *fk)
{
	if (fk->pid > 0)
		kill(fk->pid, SIGTERM);
	if (fk->out != NULL)
		pclose(fk->out);
	memset(fk, 0, sizeof *fk);
}

static int
group_setup(void **st)
{
	(void)st;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	setenv("AWS_ACCESS_KEY_ID", FAKE_KEY, 1);
	setenv("AWS_SECRET_ACCESS_KEY", FAKE_SECRET, 1);
	setenv("AWS_CONFIG_FILE", "/dev/null", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_PROFILE");
	if (fake_start(&demo, DEMO) == -1)
		memset(&demo, 0, sizeof demo);
	return 0;
}

static int
group_teardown(void **st)
{
	(void)st;
	fake_stop(&demo);
	return 0;
}

struct buf {
	char *p;
	size_t n;
};

static size_t
admin_write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;

	b->p = xreallocarray(b->p, b->n + size * n + 1, 1);
	memcpy(b->p + b->n, p, size * n);
	b->n += size * n;
	b->p[b->n] = '\0';
	return size * n;
}

/* An admin request to the fake (blocking); its JSON answer. */
static json_t *
admin(struct fake *fk, const char *method, const char *path, const char *body)
{
	CURL *c = curl_easy_init();
	struct buf b = { NULL, 0 };
	char url[256];
	long status = 0;
	json_t *j;

	snprintf(url, sizeof url, "%s%s", fk->url, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body != NULL)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, admin_write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	assert_int_equal(status, 200);
	assert_non_null(j = json_loadb(b.p, b.n, 0, NULL));
	free(b.p);
	return j;
}

/* admin() with a JSON body (stolen). */
static void
admin_post(struct fake *fk, const char *path, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);

	json_decref(admin(fk, "POST", path, text));
	free(text);
	json_decref(body);
}

/* A loop, http, the environment's credentials and a client. */
struct client {
	struct event_base *base;
	struct http *http;
	struct creds_src *src;
	struct aws *aws;
	struct endpoint ep;
};

static void
client_new(struct client *c, const struct fake *fk, const char *region,
    size_t max_body)
{
	struct aws_opts o = { 2000, 20000, max_body, 1, 10 };
	struct creds_ctx ctx;
	struct sm_err err;

	c->base = event_base_new();
	assert_non_null(c->http = http_new(c->base, &err));
	ctx = (struct creds_ctx){ c->base, c->http, 2000, 2000, NULL };
	c->src = creds_chain_new(&ctx, NULL, region);
	c->aws = aws_new(c->base, c->http, &o, c->src);
	memset(&c->ep, 0, sizeof c->ep);
	snprintf(c->ep.url, sizeof c->ep.url, "%s", fk->url);
	strcpy(c->ep.signing_name, "monitoring");
	snprintf(
	    c->ep.signing_region, sizeof c->ep.signing_region, "%s", region);
}

static void
client_free(struct client *c)
{
	aws_free(c->aws);
	creds_src_free(c->src);
	http_free(c->http);
	event_base_free(c->base);
}

/* What a review handed over, kept past its callback. */
struct got {
	int called;
	json_t
	    *acls; /* "web_acl|region" -> {this, last, points}; NULL: error */
	json_t *order;          /* the keys in report order */
	struct waf_report meta; /* its scalars (acls NULL) */
	struct sm_err err;
};

static void
got_cb(const struct waf_report *r, const struct sm_err *e, void *arg)
{
	struct got *g = arg;
	const struct waf_acl *a;
	char key[2200];
	size_t i;

	g->called++;
	if (r == NULL) {
		g->err = *e;
		return;
	}
	g->meta = *r;
	g->meta.acls = NULL;
	g->acls = json_object();
	g->order = json_array();
	for (i = 0; i < r->n; i++) {
		a = &r->acls[i];
		if (i > 0) { /* sorted by web ACL then region, no duplicates */
			int c = strcmp(r->acls[i - 1].web_acl, a->web_acl);

			assert_true(c < 0 ||
			    (c == 0 &&
				strcmp(r->acls[i - 1].region, a->region) < 0));
		}
		snprintf(key, sizeof key, "%s|%s", a->web_acl, a->region);
		json_object_set_new(g->acls, key,
		    json_pack("{s:f,s:f,s:i}", "this", a->this_week, "last",
			a->last_week, "points", (int)a->points));
		json_array_append_new(g->order, json_string(key));
	}
}

static void
got_clear(struct got *g)
{
	json_decref(g->acls);
	json_decref(g->order);
	memset(g, 0, sizeof *g);
}

/* Run one review to its end; the callback ran exactly once, later. */
static void
run(struct client *c, time_t end, struct got *g)
{
	struct sm_err err;

	memset(g, 0, sizeof *g);
	assert_non_null(waf_poll_start(c->aws, &c->ep, end, got_cb, g, &err));
	assert_int_equal(g->called, 0);
	event_base_dispatch(c->base);
	assert_int_equal(g->called, 1);
}

/* Run one review that must succeed. */
static void
run_ok(struct client *c, time_t end, struct got *g)
{
	run(c, end, g);
	if (g->acls == NULL)
		fail_msg("review failed: %s: %s", g->err.code, g->err.msg);
}

static double
num(json_t *o, const char *name)
{
	return json_number_value(json_object_get(o, name));
}

static void
test_window(void **st)
{
	time_t s, m, e, t;

	(void)st;
	for (t = 2 * WAF_WEEK; t < 2 * WAF_WEEK + 3 * WAF_PERIOD; t += 1799) {
		assert_int_equal(waf_window(t, &s, &m, &e), 0);
		assert_true(
		    e <= t && t - e < WAF_PERIOD && e % WAF_PERIOD == 0);
		assert_int_equal(m, e - 7 * 86400);
		assert_int_equal(s, e - 14 * 86400);
	}
	t = 1793350799; /* 2026-10-30T09:39:59Z */
	assert_int_equal(waf_window(t, &s, &m, &e), 0);
	assert_int_equal(e, t - t % 3600);
	assert_int_equal(e - s, WAF_SLOTS * WAF_PERIOD);
	assert_int_equal(waf_window(2 * WAF_WEEK - 1, &s, &m, &e), -1);
	assert_int_equal(waf_window(-1, &s, &m, &e), -1);
	assert_int_equal(waf_window((time_t)253402300800LL, &s, &m, &e), -1);
}

static int ncalled;

static void
never_cb(const struct waf_report *r, const struct sm_err *e, void *arg)
{
	(void)r;
	(void)e;
	(void)arg;
	ncalled++;
}

/* A bad end, or no credentials: NULL, the reason, never a callback. */
static void
test_start_fails(void **st)
{
	struct aws_opts o = { 1000, 1000, 1 << 20, 1, 10 };
	struct event_base *base = event_base_new();
	struct aws *aws = aws_new(base, NULL, &o, NULL);
	struct endpoint ep;
	struct sm_err err;

	(void)st;
	memset(&ep, 0, sizeof ep);
	strcpy(ep.url, "http://127.0.0.1:1");
	assert_null(waf_poll_start(aws, &ep, 1000, never_cb, NULL, &err));
	assert_string_equal(err.code, "BadWindow");
	assert_null(waf_poll_start(aws, &ep, time(NULL), never_cb, NULL, &err));
	assert_string_equal(err.code, "NoCredentials");
	waf_poll_cancel(NULL);
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(ncalled, 0);
	aws_free(aws);
	event_base_free(base);
}

/* One direct aws_call's answer (stolen). */
static void
direct_cb(struct aws_result *res, void *arg)
{
	json_t **out = arg;

	if (!res->ok)
		fail_msg("direct call: %s", res->err.msg);
	*out = res->json;
	res->json = NULL;
}

/*
 * GetMetricData of queries over [a, b), every page, straight through
 * aws_call: Id -> [[timestamp, value], ...].
 */
static json_t *
direct(struct client *c, json_t *queries, time_t a, time_t b)
{
	json_t *out = json_object(), *ans, *body, *rs, *r, *pts;
	const char *tok = NULL;
	char *token = NULL;
	struct sm_err err;
	size_t i, k;
	struct aws_call call = {
		.service_label = "CloudWatch",
		.op = "GetMetricData",
		.proto = AWS_JSON_10,
		.ep = &c->ep,
		.method = "POST",
		.path = "/",
		.target = "GraniteServiceVersion20100801.GetMetricData",
	};

	do {
		body = json_pack("{s:O,s:I,s:I}", "MetricDataQueries", queries,
		    "StartTime", (json_int_t)a, "EndTime", (json_int_t)b);
		if (token != NULL)
			json_object_set_new(
			    body, "NextToken", json_string(token));
		call.body = body;
		ans = NULL;
		assert_non_null(aws_call(c->aws, &call, direct_cb, &ans, &err));
		event_base_dispatch(c->base);
		json_decref(body);
		assert_non_null(ans);
		rs = json_object_get(ans, "MetricDataResults");
		for (i = 0; i < json_array_size(rs); i++) {
			r = json_array_get(rs, i);
			pts = json_object_get(
			    out, json_string_value(json_object_get(r, "Id")));
			if (pts == NULL) {
				pts = json_array();
				json_object_set_new(out,
				    json_string_value(json_object_get(r, "Id")),
				    pts);
			}
			for (k = 0;
			     k < json_array_size(json_object_get(r, "Values"));
			     k++)
				json_array_append_new(pts,
				    json_pack("[O,O]",
					json_array_get(
					    json_object_get(r, "Timestamps"),
					    k),
					json_array_get(
					    json_object_get(r, "Values"), k)));
		}
		free(token);
		tok = json_string_value(json_object_get(ans, "NextToken"));
		token = tok != NULL && *tok != '\0' ? xstrdup(tok) : NULL;
		json_decref(ans);
	} while (token != NULL);
	return out;
}

/* Does the series' dimension list name exactly WebACL, Rule=ALL[, Region]? */
static int
is_total(json_t *dims, const char **acl, const char **region, int *rule_all)
{
	size_t i, other = 0;
	json_t *d;
	const char *n, *v;

	*acl = NULL;
	*region = "";
	*rule_all = 0;
	for (i = 0; i < json_array_size(dims); i++) {
		d = json_array_get(dims, i);
		n = json_string_value(json_object_get(d, "Name"));
		v = json_string_value(json_object_get(d, "Value"));
		if (strcmp(n, "WebACL") == 0)
			*acl = v;
		else if (strcmp(n, "Region") == 0)
			*region = v;
		else if (strcmp(n, "Rule") == 0 && strcmp(v, "ALL") == 0)
			*rule_all = 1;
		else
			other++;
	}
	return *acl != NULL && *rule_all && other == 0;
}

/*
 * What the review of region must find, from the fake's own series: key ->
 * {dims, factor (the spike's, or 1)}; *skipped = other Rule=ALL series.
 */
static json_t *
want_acls(struct fake *fk, const char *region, unsigned *skipped)
{
	json_t *state = admin(fk, "GET", "/_fake/state", NULL);
	json_t *series = json_object_get(
	    json_object_get(json_object_get(state, "cloudwatch"), region),
	    "series");
	json_t *out = json_object(), *s, *sp;
	const char *acl, *reg;
	char key[2200];
	int all;
	size_t i;

	*skipped = 0;
	for (i = 0; i < json_array_size(series); i++) {
		s = json_array_get(series, i);
		if (strcmp(json_string_value(json_object_get(s, "namespace")),
			"AWS/WAFV2") != 0 ||
		    strcmp(json_string_value(json_object_get(s, "metric")),
			"BlockedRequests") != 0)
			continue;
		if (!is_total(
			json_object_get(s, "dimensions"), &acl, &reg, &all)) {
			*skipped += all;
			continue;
		}
		sp = json_object_get(s, "spike");
		snprintf(key, sizeof key, "%s|%s", acl, reg);
		json_object_set_new(out, key,
		    json_pack("{s:O,s:f}", "dims",
			json_object_get(s, "dimensions"), "factor",
			sp != NULL ? num(sp, "factor") : 1.0));
	}
	json_decref(state);
	return out;
}

/*
 * The fake's own sums for want over r's window: Period-60 Sums of each
 * web ACL's exact dimensions, fetched directly, split at the middle, and
 * the hours that have data: into want[key] "this", "last", "points".
 */
static void
want_sums(struct client *c, json_t *want, const struct waf_report *r)
{
	json_t *qs = json_array(), *res, *pts, *w;
	unsigned char hour[WAF_SLOTS];
	const char *key;
	struct cw_time t;
	double week[2];
	unsigned n;
	size_t i = 0, k;
	char id[32];

	json_object_foreach(want, key, w)
	{
		snprintf(id, sizeof id, "q%zu", i++);
		json_array_append_new(qs,
		    json_pack("{s:s,s:{s:{s:s,s:s,s:O},s:i,s:s}}", "Id", id,
			"MetricStat", "Metric", "Namespace", "AWS/WAFV2",
			"MetricName", "BlockedRequests", "Dimensions",
			json_object_get(w, "dims"), "Period", 60, "Stat",
			"Sum"));
	}
	res = direct(c, qs, r->start, r->end);
	i = 0;
	json_object_foreach(want, key, w)
	{
		snprintf(id, sizeof id, "q%zu", i++);
		pts = json_object_get(res, id);
		memset(hour, 0, sizeof hour);
		week[0] = week[1] = 0;
		n = 0;
		for (k = 0; k < json_array_size(pts); k++) {
			assert_int_equal(
			    cw_parse_time(
				json_array_get(json_array_get(pts, k), 0), &t),
			    0);
			assert_true(t.sec >= r->start && t.sec < r->end);
			week[t.sec >= r->middle] += json_number_value(
			    json_array_get(json_array_get(pts, k), 1));
			if (!hour[(t.sec - r->start) / WAF_PERIOD]++)
				n++;
		}
		json_object_set_new(w, "last", json_real(week[0]));
		json_object_set_new(w, "this", json_real(week[1]));
		json_object_set_new(w, "points", json_integer(n));
	}
	json_decref(res);
	json_decref(qs);
}

/* A sum the review found equals the fake's, exactly (integers). */
static void
same_sum(json_t *got, json_t *want, const char *name)
{
	double a = num(got, name), b = num(want, name);

	if (a != b || a != (double)(long long)a)
		fail_msg("%s: review %.1f, fake %.1f", name, a, b);
}

/* Every web ACL of want found, with the fake's sums; spikes show. */
static void
check_sums(struct got *g, json_t *want, size_t *up, size_t *down)
{
	const char *key;
	json_t *w, *v;

	*up = *down = 0;
	json_object_foreach(want, key, w)
	{
		if ((v = json_object_get(g->acls, key)) == NULL)
			fail_msg("web ACL %s not in the review", key);
		same_sum(v, w, "this");
		same_sum(v, w, "last");
		assert_int_equal(num(v, "points"), num(w, "points"));
		if (num(w, "factor") > 1) {
			assert_true(num(v, "this") > 2 * num(v, "last"));
			++*up;
		} else if (num(w, "factor") < 1) {
			assert_true(num(v, "this") < 0.5 * num(v, "last"));
			++*down;
		}
	}
}

/*
 * The requests the review sent, from the fake's log: as many as it
 * counted, ListMetrics with the WAF filter, GetMetricData over its window
 * with hourly Sums, at most 500 queries; the first page of each batch
 * into *nqueries (their total).
 */
static void
check_requests(struct fake *fk, const struct waf_report *r, size_t *nqueries)
{
	json_t *log = admin(fk, "GET", "/_fake/requests", NULL), *rec, *p, *q;
	json_t *filter =
	    json_pack("[{s:s,s:s}]", "Name", "Rule", "Value", "ALL");
	const char *op;
	unsigned calls = 0;
	size_t i, k;

	*nqueries = 0;
	for (i = 0; i < json_array_size(log); i++) {
		rec = json_array_get(log, i);
		p = json_object_get(rec, "params");
		if ((op = json_string_value(json_object_get(rec, "op"))) ==
		    NULL)
			continue;
		calls++;
		if (strcmp(op, "ListMetrics") == 0) {
			assert_string_equal(
			    json_string_value(json_object_get(p, "Namespace")),
			    "AWS/WAFV2");
			assert_string_equal(
			    json_string_value(json_object_get(p, "MetricName")),
			    "BlockedRequests");
			assert_true(json_equal(
			    json_object_get(p, "Dimensions"), filter));
			continue;
		}
		assert_string_equal(op, "GetMetricData");
		assert_int_equal(num(p, "StartTime"), r->start);
		assert_int_equal(num(p, "EndTime"), r->end);
		q = json_object_get(p, "MetricDataQueries");
		assert_true(
		    json_array_size(q) >= 1 && json_array_size(q) <= WAF_BATCH);
		for (k = 0; k < json_array_size(q); k++) {
			json_t *ms =
			    json_object_get(json_array_get(q, k), "MetricStat");

			assert_int_equal(num(ms, "Period"), 3600);
			assert_string_equal(
			    json_string_value(json_object_get(ms, "Stat")),
			    "Sum");
		}
		if (json_object_get(p, "NextToken") == NULL)
			*nqueries += json_array_size(q);
	}
	assert_int_equal(calls, r->calls);
	json_decref(filter);
	json_decref(log);
}

/* demo.json in us-east-1: the web ACL totals, summed as the fake sums. */
static void
test_demo(void **st)
{
	struct client c;
	struct got g;
	json_t *want;
	unsigned skipped;
	size_t up, down, nq;
	time_t end = time(NULL), s, m, e;

	(void)st;
	if (demo.pid == 0)
		skip();
	client_new(&c, &demo, "us-east-1", 8 << 20);
	json_decref(admin(&demo, "DELETE", "/_fake/requests", NULL));
	run_ok(&c, end, &g);
	assert_int_equal(waf_window(end, &s, &m, &e), 0);
	assert_int_equal(g.meta.start, s);
	assert_int_equal(g.meta.middle, m);
	assert_int_equal(g.meta.end, e);
	check_requests(&demo, &g.meta, &nq);
	assert_int_equal(nq, g.meta.n);
	assert_int_equal(g.meta.calls, 2);
	assert_int_equal(g.meta.notes, 0);

	want = want_acls(&demo, "us-east-1", &skipped);
	assert_true(json_object_size(want) >= 4);
	assert_true(skipped >= 1); /* the rule group's total */
	assert_int_equal(g.meta.skipped, skipped);
	assert_int_equal(g.meta.n, json_object_size(want));
	want_sums(&c, want, &g.meta);
	check_sums(&g, want, &up, &down);
	assert_true(up >= 1 && down >= 1);
	/* a CloudFront web ACL: no Region dimension, region "" */
	assert_non_null(json_object_get(g.acls, "cdn-edge-acl|"));
	assert_true(
	    num(json_object_get(g.acls, "cdn-edge-acl|"), "points") > 300);
	json_decref(want);
	got_clear(&g);
	client_free(&c);
}

/* No WAF at all: an empty report, not an error; another region's ACL. */
static void
test_empty(void **st)
{
	struct client c;
	struct got g;
	json_t *want;
	unsigned skipped;
	size_t up, down;

	(void)st;
	if (demo.pid == 0)
		skip();
	client_new(&c, &demo, "eu-central-1", 8 << 20);
	run_ok(&c, time(NULL), &g);
	assert_int_equal(g.meta.n, 0);
	assert_int_equal(g.meta.calls, 1);
	assert_int_equal(g.meta.skipped, 0);
	got_clear(&g);
	client_free(&c);

	client_new(&c, &demo, "eu-west-1", 8 << 20);
	run_ok(&c, time(NULL), &g);
	want = want_acls(&demo, "eu-west-1", &skipped);
	assert_int_equal(json_object_size(want), 1);
	assert_int_equal(g.meta.n, 1);
	want_sums(&c, want, &g.meta);
	check_sums(&g, want, &up, &down);
	assert_non_null(json_object_get(g.acls, "eu-shop-acl|eu-west-1"));
	json_decref(want);
	got_clear(&g);
	client_free(&c);
}

/*
 * The big estate: NBIG web ACL totals (every other one without Region),
 * three with data, the others listed but silent; rule-group totals and
 * per-rule series beside them.
 */
static json_t *
big_scenario(void)
{
	json_t *series = json_array(), *dims;
	char name[64];
	int i;

	for (i = 0; i < NBIG; i++) {
		snprintf(name, sizeof name, "acl-%04d", i);
		dims = json_pack("{s:s,s:s}", "WebACL", name, "Rule", "ALL");
		if (i % 2 == 0)
			json_object_set_new(
			    dims, "Region", json_string("us-east-1"));
		json_array_append_new(series,
		    json_pack("{s:s,s:s,s:o,s:i,s:f}", "namespace", "AWS/WAFV2",
			"metric", "BlockedRequests", "dimensions", dims, "max",
			9, "missing_fraction", i % 400 == 7 ? 0.1 : 1.0));
	}
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof name, "group-%02d", i);
		json_array_append_new(series,
		    json_pack("{s:s,s:s,s:{s:s,s:s,s:s},s:f}", "namespace",
			"AWS/WAFV2", "metric", "BlockedRequests", "dimensions",
			"RuleGroup", name, "Rule", "ALL", "Region", "us-east-1",
			"missing_fraction", 1.0));
		json_array_append_new(series,
		    json_pack("{s:s,s:s,s:{s:s,s:s,s:s},s:f}", "namespace",
			"AWS/WAFV2", "metric", "BlockedRequests", "dimensions",
			"WebACL", "acl-0007", "Rule", name, "Region",
			"us-east-1", "missing_fraction", 1.0));
	}
	return json_pack("{s:[{s:s,s:s}],s:{s:{s:{s:i,s:o}}}}", "credentials",
	    "access_key_id", FAKE_KEY, "secret_access_key", FAKE_SECRET,
	    "cloudwatch", "us-east-1", "metric_data", "seed", 3, "series",
	    series);
}

/*
 * NBIG web ACLs: ListMetrics over 3 pages of 500 (one empty page more),
 * GetMetricData in 3 batches (one with an empty PartialData page and a
 * NextToken), the silent ACLs at 0, the others as the fake sums them.
 */
static void
test_big_estate(void **st)
{
	char dir[] = "/tmp/test_waf.XXXXXX", path[64];
	struct fake fk;
	struct client c;
	struct got g;
	json_t *sc = big_scenario(), *want, *v;
	unsigned skipped;
	size_t up, down, nq, zero = 0, i;
	const char *key;

	(void)st;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/big.json", dir);
	assert_int_equal(json_dump_file(sc, path, 0), 0);
	json_decref(sc);
	if (fake_start(&fk, path) == -1) {
		unlink(path);
		rmdir(dir);
		skip();
	}
	client_new(&c, &fk, "us-east-1", 16 << 20);
	admin_post(&fk, "/_fake/faults",
	    json_pack("{s:s,s:s,s:s,s:i}", "service", "cloudwatch", "op",
		"ListMetrics", "kind", "emptypage", "after", 1));
	admin_post(&fk, "/_fake/faults",
	    json_pack("{s:s,s:s,s:s,s:i}", "service", "cloudwatch", "op",
		"GetMetricData", "kind", "emptypage", "after", 1));
	run_ok(&c, time(NULL), &g);
	check_requests(&fk, &g.meta, &nq);
	assert_int_equal(nq, NBIG);
	/* ListMetrics: 3 pages + 1 empty; GetMetricData: 3 batches + 1 */
	assert_int_equal(g.meta.calls, 4 + 4);
	assert_int_equal(g.meta.n, NBIG);
	assert_int_equal(g.meta.skipped, 20);

	want = want_acls(&fk, "us-east-1", &skipped);
	assert_int_equal(skipped, 20);
	for (i = 0; i < json_array_size(g.order); i++) {
		key = json_string_value(json_array_get(g.order, i));
		v = json_object_get(g.acls, key);
		if (num(v, "points") == 0 && num(v, "this") == 0 &&
		    num(v, "last") == 0) {
			json_object_del(want, key);
			zero++;
		}
	}
	assert_int_equal(zero, NBIG - 3);
	want_sums(&c, want, &g.meta);
	check_sums(&g, want, &up, &down);
	json_decref(want);
	got_clear(&g);
	client_free(&c);
	fake_stop(&fk);
	unlink(path);
	rmdir(dir);
}

/* The window of a review ending now, as the review computes it. */
struct win {
	time_t end_arg;
	time_t start, middle, end;
};

static void
win_now(struct win *w)
{
	w->end_arg = time(NULL);
	assert_int_equal(
	    waf_window(w->end_arg, &w->start, &w->middle, &w->end), 0);
}

/* What a scripted web ACL must add up to. */
struct sums {
	double week[2];
	unsigned points;
};

/*
 * A scripted MetricDataResult of Id m<k>: hours [h0, h1) of the window,
 * values from seed, added into s (if not NULL).
 * Timestamps alternate between integers and reals.
 */
static json_t *
result(size_t k, const char *status, const struct win *w, int h0, int h1,
    unsigned *seed, struct sums *s)
{
	json_t *ts = json_array(), *vs = json_array();
	char id[24];
	time_t t;
	double v;
	int h;

	for (h = h0; h < h1; h++) {
		t = w->start + (time_t)h * WAF_PERIOD;
		v = (double)(rand_r(seed) % 1000);
		json_array_append_new(ts,
		    h % 2 ? json_real((double)t) : json_integer((json_int_t)t));
		json_array_append_new(vs, json_real(v));
		if (s != NULL) {
			s->week[t >= w->middle] += v;
			s->points++;
		}
	}
	snprintf(id, sizeof id, "m%zu", k);
	return json_pack("{s:s,s:s,s:o,s:o,s:s}", "Id", id, "Label",
	    "BlockedRequests", "Timestamps", ts, "Values", vs, "StatusCode",
	    status);
}

/* Results m0..m(n-1), every hour, Complete. */
static json_t *
all_complete(const struct win *w, size_t n, unsigned *seed)
{
	json_t *a = json_array();
	size_t k;

	for (k = 0; k < n; k++)
		json_array_append_new(
		    a, result(k, "Complete", w, 0, WAF_SLOTS, seed, NULL));
	return a;
}

/* A scripted reply of op with body (stolen). */
static json_t *
reply(const char *op, json_t *body)
{
	return json_pack(
	    "{s:s,s:s,s:o}", "op", op, "region", "us-east-1", "body", body);
}

/* The web ACLs demo.json has in us-east-1 (the review's batch size). */
static size_t
demo_nacls(void)
{
	unsigned skipped;
	json_t *want = want_acls(&demo, "us-east-1", &skipped);
	size_t n = json_object_size(want);

	json_decref(want);
	assert_true(n >= 2);
	return n;
}

/*
 * GetMetricData in two pages: PartialData with a NextToken, then the
 * rest (one web ACL only on the second page, one with a gap, one with a
 * message): the sums of what was sent, split at the middle.
 */
static void
test_partial_pages(void **st)
{
	struct client c;
	struct got g;
	struct win w;
	struct sums want[WAF_BATCH];
	json_t *p1 = json_array(), *p2 = json_array(), *log, *r, *v;
	unsigned seed = 42;
	size_t n, k, ngmd = 0, i;

	(void)st;
	if (demo.pid == 0)
		skip();
	n = demo_nacls();
	memset(want, 0, sizeof want);
	win_now(&w);
	for (k = 0; k + 1 < n; k++)
		json_array_append_new(
		    p1, result(k, "PartialData", &w, 0, 200, &seed, &want[k]));
	for (k = 0; k < n; k++) {
		r = result(k, "Complete", &w, k + 1 == n ? 0 : 200,
		    k == 1 ? 300 : WAF_SLOTS, &seed, &want[k]);
		if (k == 0)
			json_object_set_new(r, "Messages",
			    json_pack(
				"[{s:s,s:s}]", "Code", "Info", "Value", "fyi"));
		json_array_append_new(p2, r);
	}
	json_decref(admin(&demo, "DELETE", "/_fake/requests", NULL));
	admin_post(&demo, "/_fake/cloudwatch/replies",
	    json_pack("[o,o]",
		reply("GetMetricData",
		    json_pack("{s:o,s:s,s:[]}", "MetricDataResults", p1,
			"NextToken", "page+2/=", "Messages")),
		reply("GetMetricData",
		    json_pack("{s:o}", "MetricDataResults", p2))));
	client_new(&c, &demo, "us-east-1", 8 << 20);
	run_ok(&c, w.end_arg, &g);
	assert_int_equal(g.meta.n, n);
	assert_int_equal(g.meta.calls, 3);
	assert_int_equal(g.meta.notes, 1);
	for (k = 0; k < n; k++) {
		v = json_object_get(
		    g.acls, json_string_value(json_array_get(g.order, k)));
		assert_true(num(v, "last") == want[k].week[0]);
		assert_true(num(v, "this") == want[k].week[1]);
		assert_int_equal(num(v, "points"), want[k].points);
	}
	/* the second page asked with the token, for the same queries */
	log = admin(&demo, "GET", "/_fake/requests", NULL);
	for (i = 0; i < json_array_size(log); i++) {
		json_t *p = json_object_get(json_array_get(log, i), "params");

		if (json_object_get(p, "MetricDataQueries") == NULL)
			continue;
		assert_int_equal(
		    json_array_size(json_object_get(p, "MetricDataQueries")),
		    n);
		if (ngmd++ == 1)
			assert_string_equal(
			    json_string_value(json_object_get(p, "NextToken")),
			    "page+2/=");
	}
	assert_int_equal(ngmd, 2);
	json_decref(log);
	log = admin(&demo, "GET", "/_fake/cloudwatch/replies", NULL);
	assert_int_equal(json_array_size(json_object_get(log, "queued")), 0);
	json_decref(log);
	got_clear(&g);
	client_free(&c);
}

/*
 * Dimensions from "Name=Value,Name=Value" (no escapes: test data), as
 * [{Name, Value}] in that order.
 */
static json_t *
dims(const char *spec)
{
	json_t *out = json_array();
	char *copy = xstrdup(spec), *tok, *save = NULL, *eq;

	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		assert_non_null(eq = strchr(tok, '='));
		*eq = '\0';
		json_array_append_new(
		    out, json_pack("{s:s,s:s}", "Name", tok, "Value", eq + 1));
	}
	free(copy);
	return out;
}

/* A WAF BlockedRequests metric with these dimensions (stolen). */
static json_t *
waf_metric(json_t *dims)
{
	return json_pack("{s:s,s:s,s:o}", "Namespace", "AWS/WAFV2",
	    "MetricName", "BlockedRequests", "Dimensions", dims);
}

/*
 * A listing with duplicates, a web ACL with and without Region, and
 * Rule=ALL metrics that are not web ACL totals; listings with no web ACL.
 */
static void
test_listing_rules(void **st)
{
	struct client c;
	struct got g;
	json_t *m, *want, *log, *q;
	unsigned skipped;
	size_t up, down, i;

	(void)st;
	if (demo.pid == 0)
		skip();
	m = json_pack("[o,o,o,o]",
	    waf_metric(dims("WebACL=shop-prod-acl,Rule=ALL,Region=us-east-1")),
	    waf_metric(dims("Rule=ALL,WebACL=shop-prod-acl")),
	    waf_metric(dims("RuleGroup=shared-bot-rules,Rule=ALL,"
			    "Region=us-east-1")),
	    waf_metric(dims("ManagedRuleGroup=AWSManagedRulesCommonRuleSet,"
			    "WebACL=shop-prod-acl,Rule=ALL,Region=us-east-1")));
	admin_post(&demo, "/_fake/cloudwatch/replies",
	    json_pack("[o,o]",
		reply("ListMetrics",
		    json_pack("{s:o,s:s}", "Metrics", m, "NextToken", "p2")),
		reply("ListMetrics",
		    json_pack("{s:[o,o]}", "Metrics",
			waf_metric(dims(
			    "Region=us-east-1,Rule=ALL,WebACL=shop-prod-acl")),
			waf_metric(dims("Country=US,WebACL=shop-prod-acl,"
					"Rule=ALL,Region=us-east-1"))))));
	json_decref(admin(&demo, "DELETE", "/_fake/requests", NULL));
	client_new(&c, &demo, "us-east-1", 8 << 20);
	run_ok(&c, time(NULL), &g);
	assert_int_equal(g.meta.n, 2);
	assert_int_equal(g.meta.skipped, 3);
	assert_int_equal(g.meta.calls, 3);
	assert_string_equal(
	    json_string_value(json_array_get(g.order, 0)), "shop-prod-acl|");
	assert_string_equal(json_string_value(json_array_get(g.order, 1)),
	    "shop-prod-acl|us-east-1");
	/* each metric asked for with its own dimension set */
	log = admin(&demo, "GET", "/_fake/requests", NULL);
	for (i = 0; i < json_array_size(log); i++) {
		q = json_object_get(
		    json_object_get(json_array_get(log, i), "params"),
		    "MetricDataQueries");
		if (q == NULL)
			continue;
		assert_int_equal(
		    json_array_size(json_object_get(
			json_object_get(
			    json_object_get(json_array_get(q, 0), "MetricStat"),
			    "Metric"),
			"Dimensions")),
		    2);
		assert_int_equal(
		    json_array_size(json_object_get(
			json_object_get(
			    json_object_get(json_array_get(q, 1), "MetricStat"),
			    "Metric"),
			"Dimensions")),
		    3);
	}
	json_decref(log);
	/* the fake has data for the regional one only */
	assert_int_equal(
	    num(json_object_get(g.acls, "shop-prod-acl|"), "points"), 0);
	want = want_acls(&demo, "us-east-1", &skipped);
	{
		const char *key;
		json_t *w;
		void *tmp;

		json_object_foreach_safe(want, tmp, key, w)
		{
			if (strcmp(key, "shop-prod-acl|us-east-1") != 0)
				json_object_del(want, key);
		}
	}
	assert_int_equal(json_object_size(want), 1);
	want_sums(&c, want, &g.meta);
	check_sums(&g, want, &up, &down);
	assert_int_equal(up, 1);
	json_decref(want);
	got_clear(&g);

	/* only what is not a web ACL, or nothing at all: an empty report */
	admin_post(&demo, "/_fake/cloudwatch/replies",
	    json_pack("[o,o]",
		reply("ListMetrics",
		    json_pack("{s:[o]}", "Metrics",
			waf_metric(dims("RuleGroup=g,Rule=ALL")))),
		reply("ListMetrics", json_object())));
	run_ok(&c, time(NULL), &g);
	assert_int_equal(g.meta.n, 0);
	assert_int_equal(g.meta.skipped, 1);
	assert_int_equal(g.meta.calls, 1);
	got_clear(&g);
	run_ok(&c, time(NULL), &g);
	assert_int_equal(g.meta.n, 0);
	assert_int_equal(g.meta.skipped, 0);
	got_clear(&g);
	client_free(&c);
}

/*
 * A review that must fail: the scripted replies (stolen; NULL: none)
 * and/or an armed fault (JSON text), then the error code and a piece of
 * its message; nothing handed over, the script used up.
 */
static void
expect_fail(struct client *c, json_t *replies, const char *fault,
    const char *code, const char *needle)
{
	struct got g;
	json_t *left;

	json_decref(admin(&demo, "DELETE", "/_fake/cloudwatch/replies", NULL));
	if (replies != NULL)
		admin_post(&demo, "/_fake/cloudwatch/replies", replies);
	if (fault != NULL)
		json_decref(admin(&demo, "POST", "/_fake/faults", fault));
	run(c, time(NULL), &g);
	if (g.acls != NULL)
		fail_msg("a review succeeded, %s expected", code);
	if (strcmp(g.err.code, code) != 0 ||
	    (needle != NULL && strstr(g.err.msg, needle) == NULL))
		fail_msg("got %s: %s; want %s with \"%s\"", g.err.code,
		    g.err.msg, code, needle != NULL ? needle : "");
	left = admin(&demo, "GET", "/_fake/cloudwatch/replies", NULL);
	if (replies != NULL && json_array_size(json_object_get(left, "queued")))
		fail_msg("%s: replies left unused", code);
	json_decref(left);
	json_decref(admin(&demo, "DELETE", "/_fake/cloudwatch/replies", NULL));
	json_decref(admin(&demo, "DELETE", "/_fake/faults", NULL));
}

/* One GetMetricData answer with these results (stolen), no token. */
static json_t *
gmd1(json_t *results)
{
	return json_pack("[o]",
	    reply("GetMetricData",
		json_pack("{s:o}", "MetricDataResults", results)));
}

/* Every result Complete, but result k replaced by r (stolen). */
static json_t *
gmd_with(const struct win *w, size_t n, size_t k, json_t *r)
{
	unsigned seed = 7;
	json_t *a = all_complete(w, n, &seed);

	json_array_set_new(a, k, r);
	return gmd1(a);
}

/* Result k of a fresh Complete set, with member name set to v (stolen). */
static json_t *
gmd_member(const struct win *w, size_t n, const char *name, json_t *v)
{
	unsigned seed = 9;
	json_t *r = result(n - 1, "Complete", w, 0, 3, &seed, NULL);

	json_object_set_new(r, name, v);
	return gmd_with(w, n, n - 1, r);
}

/* Failed results, messages, and results that stay partial: errors. */
static void
test_result_errors(void **st)
{
	struct client c;
	struct win w;
	unsigned seed = 3;
	json_t *r, *a;
	size_t n;

	(void)st;
	if (demo.pid == 0)
		skip();
	n = demo_nacls();
	win_now(&w);
	client_new(&c, &demo, "us-east-1", 8 << 20);
	/* a Message about the whole call: less was done than asked */
	expect_fail(&c,
	    json_pack("[o]",
		reply("GetMetricData",
		    json_pack("{s:o,s:[{s:s,s:s}]}", "MetricDataResults",
			all_complete(&w, n, &seed), "Messages", "Code",
			"MaxMetricsExceeded", "Value",
			"Maximum number of allowed metrics exceeded"))),
	    NULL, "Incomplete", "Maximum number");
	r = result(1, "Forbidden", &w, 0, 0, &seed, NULL);
	json_object_set_new(r, "Messages",
	    json_pack("[{s:s,s:s}]", "Code", "Forbidden", "Value",
		"no access to this metric"));
	expect_fail(&c, gmd_with(&w, n, 1, r), NULL, "Forbidden", "no access");
	expect_fail(&c,
	    gmd_with(
		&w, n, 0, result(0, "InternalError", &w, 0, 0, &seed, NULL)),
	    NULL, "InternalError", NULL);
	/* PartialData on the last page, and a query without any result */
	expect_fail(&c,
	    gmd_with(&w, n, n - 1,
		result(n - 1, "PartialData", &w, 0, 100, &seed, NULL)),
	    NULL, "PartialData", "a partial result");
	a = all_complete(&w, n, &seed);
	json_array_remove(a, n - 1);
	expect_fail(&c, gmd1(a), NULL, "PartialData", "no result");
	/* faults of the service itself */
	expect_fail(&c, NULL,
	    "{\"service\":\"cloudwatch\",\"op\":\"ListMetrics\",\"kind\":"
	    "\"status\",\"status\":400,\"code\":\"Throttling\"}",
	    "Throttling", NULL);
	expect_fail(&c, NULL,
	    "{\"service\":\"cloudwatch\",\"op\":\"GetMetricData\",\"kind\":"
	    "\"malformed\"}",
	    "MalformedResponse", NULL);
	client_free(&c);
	/* a huge answer: past the client's body cap */
	client_new(&c, &demo, "us-east-1", 1 << 20);
	expect_fail(&c, NULL,
	    "{\"service\":\"cloudwatch\",\"op\":\"GetMetricData\",\"kind\":"
	    "\"oversize\",\"bytes\":2097152}",
	    "ResponseTooLarge", NULL);
	client_free(&c);
}

/* GetMetricData answers of the wrong shape: MalformedResponse each. */
static void
test_malformed_data(void **st)
{
	struct client c;
	struct win w;
	unsigned seed = 5;
	json_t *r, *ts, *vs, *a, *p1, *p2;
	size_t n, i;
	char *big;

	(void)st;
	if (demo.pid == 0)
		skip();
	n = demo_nacls();
	win_now(&w);
	client_new(&c, &demo, "us-east-1", 16 << 20);
#define BAD(replies, needle)                                                   \
	expect_fail(&c, (replies), NULL, "MalformedResponse", (needle))
	BAD(gmd_member(&w, n, "Values", json_pack("[f]", 1.0)),
	    "not lists of one length");
	BAD(gmd_member(&w, n, "Timestamps", json_string("x")),
	    "not lists of one length");
	BAD(gmd_member(&w, n, "Timestamps",
		json_pack("[I,I,I]", (json_int_t)w.start,
		    (json_int_t)w.start + 3600, (json_int_t)w.end)),
	    "outside the window");
	BAD(gmd_member(&w, n, "Timestamps",
		json_pack("[I,I,I]", (json_int_t)w.start - 3600,
		    (json_int_t)w.start, (json_int_t)w.start + 3600)),
	    "outside the window");
	BAD(gmd_member(&w, n, "Timestamps",
		json_pack("[s,I,I]", "2026-11-01T00:00:00Z",
		    (json_int_t)w.start, (json_int_t)w.start + 3600)),
	    "outside the window");
	BAD(gmd_member(&w, n, "Timestamps",
		json_pack("[I,I,I]", (json_int_t)w.start,
		    (json_int_t)w.start + 7200, (json_int_t)w.start)),
	    "repeats");
	BAD(gmd_member(&w, n, "Values", json_pack("[f,f,f]", 1.0, -1.0, 2.0)),
	    "finite number");
	BAD(gmd_member(&w, n, "Values", json_pack("[f,s,f]", 1.0, "12", 2.0)),
	    "finite number");
	BAD(gmd_member(&w, n, "StatusCode", json_string("Done")), "StatusCode");
	BAD(gmd_member(&w, n, "StatusCode", json_null()), "StatusCode");
	BAD(gmd_member(&w, n, "Messages", json_string("x")), "Messages");
	BAD(gmd_member(&w, n, "Id", json_sprintf("m%zu", n)), "Id");
	BAD(gmd_member(&w, n, "Id", json_string("x0")), "Id");
	BAD(gmd_member(&w, n, "Id", json_string("m00")), "Id");
	BAD(gmd_member(&w, n, "Id", json_null()), "Id");
	/* the same result twice in a page; more results than queries */
	a = all_complete(&w, n, &seed);
	json_array_set_new(
	    a, n - 1, result(0, "Complete", &w, 0, 1, &seed, NULL));
	BAD(gmd1(a), "repeats");
	a = all_complete(&w, n, &seed);
	json_array_append_new(a, result(0, "Complete", &w, 0, 1, &seed, NULL));
	BAD(gmd1(a), "longer than the queries");
	BAD(json_pack("[o]",
		reply(
		    "GetMetricData", json_pack("{s:{}}", "MetricDataResults"))),
	    "not a list");
	BAD(json_pack("[o]",
		reply("GetMetricData",
		    json_pack("{s:o,s:s}", "MetricDataResults",
			all_complete(&w, n, &seed), "Messages", "x"))),
	    "Messages");
	/* a datapoint on two pages */
	p1 = json_pack("[o]", result(0, "PartialData", &w, 5, 6, &seed, NULL));
	p2 = all_complete(&w, n, &seed);
	BAD(json_pack("[o,o]",
		reply("GetMetricData",
		    json_pack("{s:o,s:s}", "MetricDataResults", p1, "NextToken",
			"t1")),
		reply("GetMetricData",
		    json_pack("{s:o}", "MetricDataResults", p2))),
	    "repeats");
	/* tokens: the same again, too long, not a string */
	p1 = json_pack("[o]", result(0, "PartialData", &w, 5, 6, &seed, NULL));
	p2 = json_pack("[o]", result(0, "PartialData", &w, 6, 7, &seed, NULL));
	BAD(json_pack("[o,o]",
		reply("GetMetricData",
		    json_pack("{s:o,s:s}", "MetricDataResults", p1, "NextToken",
			"same")),
		reply("GetMetricData",
		    json_pack("{s:o,s:s}", "MetricDataResults", p2, "NextToken",
			"same"))),
	    "NextToken repeats");
	big = xmalloc(WAF_MAX_TOKEN + 2);
	memset(big, 'x', WAF_MAX_TOKEN + 1);
	big[WAF_MAX_TOKEN + 1] = '\0';
	BAD(json_pack("[o]",
		reply("GetMetricData",
		    json_pack("{s:o,s:s}", "MetricDataResults",
			all_complete(&w, n, &seed), "NextToken", big))),
	    "too long");
	free(big);
	BAD(json_pack("[o]",
		reply("GetMetricData",
		    json_pack("{s:o,s:i}", "MetricDataResults",
			all_complete(&w, n, &seed), "NextToken", 5))),
	    "NextToken");
	/* a huge page: more datapoints than MaxDatapoints */
	ts = json_array();
	vs = json_array();
	for (i = 0; i <= WAF_MAX_DATAPOINTS; i++) {
		json_array_append_new(ts, json_integer((json_int_t)w.start));
		json_array_append_new(vs, json_real(1.0));
	}
	r = json_pack("{s:s,s:o,s:o,s:s}", "Id", "m0", "Timestamps", ts,
	    "Values", vs, "StatusCode", "Complete");
	BAD(gmd_with(&w, n, 0, r), "MaxDatapoints");
	/* not JSON at all */
	BAD(json_pack("[{s:s,s:s}]", "op", "GetMetricData", "raw",
		"{\"MetricDataResults\": ["),
	    NULL);
#undef BAD
	client_free(&c);
}

/* One ListMetrics answer: Metrics = these (stolen). */
static json_t *
lm1(json_t *metrics)
{
	return json_pack("[o]",
	    reply("ListMetrics", json_pack("{s:o}", "Metrics", metrics)));
}

/* ListMetrics answers of the wrong shape: MalformedResponse each. */
static void
test_malformed_listing(void **st)
{
	struct client c;
	json_t *a;
	size_t i;

	(void)st;
	if (demo.pid == 0)
		skip();
	client_new(&c, &demo, "us-east-1", 8 << 20);
#define BAD(replies, needle)                                                   \
	expect_fail(&c, (replies), NULL, "MalformedResponse", (needle))
	BAD(json_pack("[o]",
		reply("ListMetrics", json_pack("{s:s}", "Metrics", "x"))),
	    "not a list");
	BAD(lm1(json_pack("[{s:s,s:s,s:[{s:s,s:s},{s:s,s:s}]}]", "Namespace",
		"AWS/EC2", "MetricName", "BlockedRequests", "Dimensions",
		"Name", "WebACL", "Value", "a", "Name", "Rule", "Value",
		"ALL")),
	    "another namespace");
	BAD(lm1(json_pack("[{s:s,s:s,s:[{s:s,s:s}]}]", "Namespace", "AWS/WAFV2",
		"MetricName", "AllowedRequests", "Dimensions", "Name", "Rule",
		"Value", "ALL")),
	    "another namespace");
	BAD(lm1(json_pack("[o]", waf_metric(dims("WebACL=a")))), "Rule=ALL");
	BAD(lm1(json_pack("[o]", waf_metric(dims("WebACL=a,Rule=all")))),
	    "Rule=ALL");
	BAD(lm1(json_pack("[o]",
		waf_metric(json_pack("[{s:s},{s:s,s:s}]", "Name", "WebACL",
		    "Name", "Rule", "Value", "ALL")))),
	    "valid Name and Value");
	BAD(lm1(json_pack(
		"[o]", waf_metric(dims("WebACL=a,WebACL=b,Rule=ALL")))),
	    "repeats");
	BAD(lm1(json_pack("[o]", waf_metric(json_string("x")))), "Dimensions");
	a = json_array();
	for (i = 0; i <= WAF_MAX_DIMS; i++)
		json_array_append_new(a,
		    json_pack("{s:o,s:s}", "Name", json_sprintf("D%zu", i),
			"Value", "v"));
	BAD(lm1(json_pack("[o]", waf_metric(a))), "at most 30");
	a = json_array();
	for (i = 0; i <= WAF_LIST_PAGE; i++)
		json_array_append_new(a, waf_metric(dims("WebACL=a,Rule=ALL")));
	BAD(lm1(a), "more than 500");
	/* a page with something in it, then its token again */
	a = json_pack("[o]", waf_metric(dims("RuleGroup=g,Rule=ALL")));
	BAD(json_pack("[o,o]",
		reply("ListMetrics",
		    json_pack("{s:O,s:s}", "Metrics", a, "NextToken", "a")),
		reply("ListMetrics",
		    json_pack("{s:o,s:s}", "Metrics", a, "NextToken", "a"))),
	    "NextToken repeats");
#undef BAD
	client_free(&c);
}

/* Cancelled before anything came back: never a callback. */
static void
test_cancel(void **st)
{
	struct client c;
	struct waf_poll *p;
	struct sm_err err;

	(void)st;
	if (demo.pid == 0)
		skip();
	client_new(&c, &demo, "us-east-1", 8 << 20);
	ncalled = 0;
	p = waf_poll_start(c.aws, &c.ep, time(NULL), never_cb, NULL, &err);
	assert_non_null(p);
	waf_poll_cancel(p);
	event_base_dispatch(c.base);
	assert_int_equal(ncalled, 0);
	client_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_start_fails),
		cmocka_unit_test(test_demo),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_big_estate),
		cmocka_unit_test(test_partial_pages),
		cmocka_unit_test(test_listing_rules),
		cmocka_unit_test(test_result_errors),
		cmocka_unit_test(test_malformed_data),
		cmocka_unit_test(test_malformed_listing),
		cmocka_unit_test(test_cancel),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
