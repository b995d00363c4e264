/*
 * test_cw.c: the CloudWatch alarms poll: timestamps and states, filter
 * checks, no callback when a poll cannot start, and whole polls against
 * the fake AWS (tests/fakeaws): DescribeAlarms over several pages with
 * both alarm types, and GuardDuty's severity counts from
 * GetFindingsStatistics. Run from the repository top.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <event2/event.h>
#include <jansson.h>

#include "aws.h"
#include "creds.h"
#include "cw.h"
#include "gd.h"
#include "http.h"

#define FAKE "tests/fakeaws/fakeaws.py"
#define FAKE_KEY "AKIDSECMONFAKE0000001"
#define FAKE_SECRET "fake/secret+key=for/tests"

static struct cw_time
time_of(const char *text)
{
	struct cw_time t = { -1, -1 };
	json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);

	assert_non_null(j);
	assert_int_equal(cw_parse_time(j, &t), 0);
	json_decref(j);
	return t;
}

static int
time_bad(const char *text)
{
	struct cw_time t;
	json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
	int rc;

	assert_non_null(j);
	rc = cw_parse_time(j, &t);
	json_decref(j);
	return rc == -1;
}

static void
test_time(void **st)
{
	struct cw_time t;

	(void)st;
	t = time_of("1700000000");
	assert_int_equal(t.sec, 1700000000);
	assert_int_equal(t.ms, 0);
	t = time_of("1700000000.123");
	assert_int_equal(t.sec, 1700000000);
	assert_int_equal(t.ms, 123);
	t = time_of("1.700000000123E9");
	assert_int_equal(t.sec, 1700000000);
	assert_int_equal(t.ms, 123);
	t = time_of("1.7e9");
	assert_int_equal(t.sec, 1700000000);
	assert_int_equal(t.ms, 0);
	t = time_of("1700000000.9996"); /* rounds into the next second */
	assert_int_equal(t.sec, 1700000001);
	assert_int_equal(t.ms, 0);
	t = time_of("0.5");
	assert_int_equal(t.sec, 0);
	assert_int_equal(t.ms, 500);
	t = time_of("253402300799"); /* 9999-12-31T23:59:59Z */
	assert_int_equal(t.sec, 253402300799LL);

	assert_true(time_bad("\"1700000000\""));
	assert_true(time_bad("\"2023-11-14T22:13:20.123Z\""));
	assert_true(time_bad("-1"));
	assert_true(time_bad("-0.5"));
	assert_true(time_bad("1e300"));
	assert_true(time_bad("253402300800"));
	assert_true(time_bad("null"));
	assert_true(time_bad("true"));
	assert_true(time_bad("[1700000000]"));
	assert_int_equal(cw_parse_time(NULL, &t), -1);
}

static void
test_state(void **st)
{
	enum cw_state s;

	(void)st;
	assert_int_equal(cw_parse_state("OK", &s), 0);
	assert_int_equal(s, CW_OK);
	assert_int_equal(cw_parse_state("ALARM", &s), 0);
	assert_int_equal(s, CW_ALARM);
	assert_int_equal(cw_parse_state("INSUFFICIENT_DATA", &s), 0);
	assert_int_equal(s, CW_INSUFFICIENT_DATA);
	assert_int_equal(cw_parse_state("ok", &s), -1);
	assert_int_equal(cw_parse_state("", &s), -1);
	assert_int_equal(cw_parse_state("ALARMS", &s), -1);
	assert_int_equal(cw_parse_state("INSUFFICIENT", &s), -1);
	assert_int_equal(cw_parse_state(NULL, &s), -1);
	assert_string_equal(cw_state_name(CW_ALARM), "ALARM");
	assert_string_equal(
	    cw_state_name(CW_INSUFFICIENT_DATA), "INSUFFICIENT_DATA");
	assert_string_equal(gd_band_name(gd_band_of(3.9)), "low");
	assert_string_equal(gd_band_name(gd_band_of(4.0)), "medium");
	assert_string_equal(gd_band_name(gd_band_of(8.9)), "high");
	assert_string_equal(gd_band_name(gd_band_of(9.0)), "critical");
}

static int ncalled;

static void
never_cw_cb(const struct cw_snapshot *s, const struct sm_err *e, void *arg)
{
	(void)s;
	(void)e;
	(void)arg;
	ncalled++;
}

static void
never_gd_cb(const struct gd_snapshot *s, const struct sm_err *e, void *arg)
{
	(void)s;
	(void)e;
	(void)arg;
	ncalled++;
}

/* A bad filter: NULL, BadFilter, no callback. */
static void
filter_bad(const struct cw_filter *f)
{
	struct endpoint ep;
	struct sm_err err;

	memset(&ep, 0, sizeof ep);
	memset(&err, 0, sizeof err);
	assert_null(cw_poll_start(NULL, &ep, f, never_cw_cb, NULL, &err));
	assert_string_equal(err.code, "BadFilter");
}

static void
test_start_fails(void **st)
{
	char long_name[CW_MAX_NAME + 2];
	const char *names[] = { "a", long_name };
	struct cw_filter f;
	struct aws_opts o = { 1000, 1000, 1 << 20, 1, 10 };
	struct event_base *base = event_base_new();
	struct aws *aws = aws_new(base, NULL, &o, NULL);
	struct endpoint ep;
	struct sm_err err;

	(void)st;
	memset(long_name, 'x', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	f = (struct cw_filter){ long_name, NULL, 0 };
	filter_bad(&f);
	f = (struct cw_filter){ "", NULL, 0 };
	filter_bad(&f);
	f = (struct cw_filter){ "a", names, 1 };
	filter_bad(&f);
	f = (struct cw_filter){ NULL, names, 2 };
	filter_bad(&f);
	f = (struct cw_filter){ NULL, NULL, 3 };
	filter_bad(&f);

	/* No credentials: both polls fail at start, never calling back. */
	memset(&ep, 0, sizeof ep);
	strcpy(ep.url, "http://127.0.0.1:1");
	assert_null(cw_poll_start(aws, &ep, NULL, never_cw_cb, NULL, &err));
	assert_string_equal(err.code, "NoCredentials");
	assert_null(gd_poll_start(aws, &ep, 4.0, never_gd_cb, NULL, &err));
	assert_string_equal(err.code, "NoCredentials");
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(ncalled, 0);
	aws_free(aws);
	event_base_free(base);
}

/* The fake AWS, started with popen. */
struct fake {
	FILE *f;
	long pid;
	char url[128];
};

/* Start the fake on scenario; 0, or -1 if it cannot run here. */
static int
fake_start(struct fake *fk, const char *scenario)
{
	const char *py =
	    getenv("PYTHON") != NULL ? getenv("PYTHON") : "python3";
	char cmd[1024], line[256];
	const char *p;

	snprintf(cmd, sizeof cmd, "echo $$; exec %s %s --scenario %s", py, FAKE,
	    scenario);
	memset(fk, 0, sizeof *fk);
	if ((fk->f = popen(cmd, "r")) == NULL)
		return -1;
	if (fgets(line, sizeof line, fk->f) == NULL)
		return -1;
	fk->pid = strtol(line, NULL, 10);
	if (fgets(line, sizeof line, fk->f) == NULL ||
	    (p = strstr(line, "fakeaws listening on ")) == NULL) {
		kill((pid_t)fk->pid, SIGTERM);
		pclose(fk->f);
		return -1;
	}
	p += strlen("fakeaws listening on ");
	snprintf(fk->url, sizeof fk->url, "%.*s", (int)strcspn(p, "\r\n"), p);
	return 0;
}

static void
fake_stop(struct fake *fk)
{
	kill((pid_t)fk->pid, SIGTERM);
	pclose(fk->f);
}

static size_t
fake_write_cb(char *data, size_t size, size_t n, void *arg)
{
	json_t *buf = arg;
	char *old = xstrdup(json_string_value(buf)), *s;

	xasprintf(&s, "%s%.*s", old, (int)(size * n), data);
	json_string_set(buf, s);
	free(old);
	free(s);
	return size * n;
}

/* An admin request to the fake (blocking); its JSON answer. */
static json_t *
fake_admin(
    struct fake *fk, const char *method, const char *path, const char *body)
{
	CURL *c = curl_easy_init();
	json_t *buf = json_string(""), *j;
	char url[256];

	snprintf(url, sizeof url, "%s%s", fk->url, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body != NULL)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fake_write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, buf);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_cleanup(c);
	j = json_loads(json_string_value(buf), 0, NULL);
	json_decref(buf);
	assert_non_null(j);
	return j;
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
client_new(struct client *c, const struct fake *fk, const char *service)
{
	struct aws_opts o = { 2000, 10000, 8 << 20, 1, 10 };
	struct creds_ctx ctx;
	struct sm_err err;

	setenv("AWS_ACCESS_KEY_ID", FAKE_KEY, 1);
	setenv("AWS_SECRET_ACCESS_KEY", FAKE_SECRET, 1);
	setenv("AWS_CONFIG_FILE", "/dev/null", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_PROFILE");
	c->base = event_base_new();
	assert_non_null(c->http = http_new(c->base, &err));
	ctx = (struct creds_ctx){ c->base, c->http, 2000, 2000, NULL };
	c->src = creds_chain_new(&ctx, NULL, "us-east-1");
	c->aws = aws_new(c->base, c->http, &o, c->src);
	memset(&c->ep, 0, sizeof c->ep);
	snprintf(c->ep.url, sizeof c->ep.url, "%s", fk->url);
	snprintf(c->ep.signing_name, sizeof c->ep.signing_name, "%s", service);
	strcpy(c->ep.signing_region, "us-east-1");
}

static void
client_free(struct client *c)
{
	aws_free(c->aws);
	creds_src_free(c->src);
	http_free(c->http);
	event_base_free(c->base);
}

/* What a poll handed over, kept past its callback. */
struct got {
	int called;
	json_t
	    *alarms; /* arn -> [name, type, state, reason, upd, trans, ...] */
	long long counts[GD_NBANDS];
	size_t n;
	unsigned calls;
	struct sm_err err;
};

static void
got_cw_cb(const struct cw_snapshot *s, const struct sm_err *e, void *arg)
{
	struct got *g = arg;
	const struct cw_alarm *a;
	size_t i;

	g->called++;
	if (s == NULL) {
		g->err = *e;
		return;
	}
	g->n = s->n;
	g->calls = s->calls;
	g->alarms = json_object();
	for (i = 0; i < s->n; i++) {
		a = &s->alarms[i];
		json_object_set_new(g->alarms, a->arn,
		    json_pack("{s:s,s:s,s:s,s:s,s:I,s:i,s:I,s:b,s:s,s:s,s:s}",
			"name", a->name, "type",
			a->type == CW_METRIC ? "metric" : "composite", "state",
			cw_state_name(a->state), "reason", a->reason, "upd",
			(json_int_t)a->updated.sec, "upd_ms", a->updated.ms,
			"trans", (json_int_t)a->transitioned.sec, "actions",
			a->actions_enabled, "ns", a->namespace, "metric",
			a->metric, "rule", a->rule));
	}
}

static void
got_gd_cb(const struct gd_snapshot *s, const struct sm_err *e, void *arg)
{
	struct got *g = arg;

	g->called++;
	if (s == NULL) {
		g->err = *e;
		return;
	}
	memcpy(g->counts, s->counts, sizeof g->counts);
	g->n = s->n;
	g->calls = s->calls;
}

/* GuardDuty's counts by band cover every active finding of the fake. */
static void
test_gd_statistics(void **st)
{
	struct fake fk;
	struct client c;
	struct got g;
	struct sm_err err;
	json_t *state, *fs, *f;
	long long want[GD_NBANDS] = { 0 };
	size_t i;

	(void)st;
	if (fake_start(&fk, "tests/fakeaws/scenarios/demo.json") == -1)
		skip();
	client_new(&c, &fk, "guardduty");
	memset(&g, 0, sizeof g);
	assert_non_null(gd_poll_start(c.aws, &c.ep, 7.0, got_gd_cb, &g, &err));
	assert_int_equal(g.called, 0);
	event_base_dispatch(c.base);
	assert_int_equal(g.called, 1);
	assert_string_equal(g.err.msg, "");

	state = fake_admin(&fk, "GET", "/_fake/state", NULL);
	fs = json_object_get(
	    json_object_get(json_object_get(state, "guardduty"), "us-east-1"),
	    "findings");
	for (i = 0; i < json_array_size(fs); i++) {
		f = json_array_get(fs, i);
		if (!json_is_true(json_object_get(
			json_object_get(f, "service"), "archived")))
			want[gd_band_of(json_number_value(
			    json_object_get(f, "severity")))]++;
	}
	for (i = 0; i < GD_NBANDS; i++)
		assert_int_equal(g.counts[i], want[i]);
	/* All bands, not only the findings at or above 7.0. */
	assert_true(want[GD_LOW] > 0 && want[GD_MEDIUM] > 0);
	assert_true(g.n < (size_t)(want[0] + want[1] + want[2] + want[3]));
	json_decref(state);
	client_free(&c);
	fake_stop(&fk);
}

/* Every object with an AlarmArn under j, into arn -> object. */
static void
collect_alarms(json_t *j, json_t *out)
{
	void *it;
	size_t i;

	if (json_is_object(j) &&
	    json_is_string(json_object_get(j, "AlarmArn"))) {
		json_object_set(
		    out, json_string_value(json_object_get(j, "AlarmArn")), j);
		return;
	}
	if (json_is_array(j))
		for (i = 0; i < json_array_size(j); i++)
			collect_alarms(json_array_get(j, i), out);
	if (json_is_object(j))
		for (it = json_object_iter(j); it != NULL;
		     it = json_object_iter_next(j, it))
			collect_alarms(json_object_iter_value(it), out);
}

/* The fake's alarms in us-east-1 (arn -> its DescribeAlarms object). */
static json_t *
fake_alarms(struct fake *fk)
{
	json_t *state = fake_admin(fk, "GET", "/_fake/state", NULL);
	json_t *out = json_object();

	collect_alarms(
	    json_object_get(json_object_get(state, "cloudwatch"), "us-east-1"),
	    out);
	json_decref(state);
	return out;
}

/* A string member of the fake's alarm, "" if absent. */
static const char *
fake_str(json_t *a, const char *name)
{
	const char *s = json_string_value(json_object_get(a, name));

	return s != NULL ? s : "";
}

static int nexponent; /* exponent-form timestamps compared */

/*
 * A timestamp of the fake's state: a number, or "@@RAWNUM:1.7E9" for what
 * it sends in exponent form.
 */
static void
fake_time(json_t *a, const char *name, struct cw_time *t)
{
	const char *s = json_string_value(json_object_get(a, name));
	json_t *j;

	if (s == NULL) {
		assert_int_equal(cw_parse_time(json_object_get(a, name), t), 0);
		return;
	}
	assert_int_equal(strncmp(s, "@@RAWNUM:", 9), 0);
	assert_non_null(j = json_loads(s + 9, JSON_DECODE_ANY, NULL));
	assert_int_equal(cw_parse_time(j, t), 0);
	json_decref(j);
	nexponent++;
}

static void
check_times(json_t *want, json_t *got)
{
	struct cw_time t;

	fake_time(want, "StateUpdatedTimestamp", &t);
	assert_int_equal(
	    t.sec, json_integer_value(json_object_get(got, "upd")));
	assert_int_equal(
	    t.ms, json_integer_value(json_object_get(got, "upd_ms")));
	fake_time(want, "StateTransitionedTimestamp", &t);
	assert_int_equal(
	    t.sec, json_integer_value(json_object_get(got, "trans")));
}

/* One alarm we got against the fake's own. */
static void
check_alarm(json_t *want, json_t *got)
{
	int composite = json_object_get(want, "AlarmRule") != NULL;

	assert_non_null(got);
	assert_string_equal(fake_str(want, "AlarmName"), fake_str(got, "name"));
	assert_string_equal(
	    fake_str(got, "type"), composite ? "composite" : "metric");
	assert_string_equal(
	    fake_str(want, "StateValue"), fake_str(got, "state"));
	assert_string_equal(
	    fake_str(want, "StateReason"), fake_str(got, "reason"));
	assert_string_equal(
	    fake_str(want, composite ? "AlarmRule" : "MetricName"),
	    fake_str(got, composite ? "rule" : "metric"));
	if (!composite)
		assert_string_equal(
		    fake_str(want, "Namespace"), fake_str(got, "ns"));
	assert_int_equal(json_is_true(json_object_get(want, "ActionsEnabled")),
	    json_is_true(json_object_get(got, "actions")));
	check_times(want, got);
}

/* A fault on the second DescribeAlarms: an error, no snapshot. */
static void
check_fault(
    struct fake *fk, struct client *c, const char *fault, const char *code)
{
	struct sm_err err;
	struct got g;
	char body[512];

	snprintf(body, sizeof body,
	    "{\"service\":\"monitoring\",\"op\":\"DescribeAlarms\","
	    "\"after\":1,%s}",
	    fault);
	json_decref(fake_admin(fk, "POST", "/_fake/faults", body));
	memset(&g, 0, sizeof g);
	assert_non_null(
	    cw_poll_start(c->aws, &c->ep, NULL, got_cw_cb, &g, &err));
	event_base_dispatch(c->base);
	assert_int_equal(g.called, 1);
	assert_null(g.alarms);
	assert_string_equal(g.err.code, code);
	json_decref(fake_admin(fk, "DELETE", "/_fake/faults", NULL));
}

/* Run one poll to its end. */
static void
run_cw(struct client *c, const struct cw_filter *f, struct got *g)
{
	struct sm_err err;

	memset(g, 0, sizeof *g);
	assert_non_null(cw_poll_start(c->aws, &c->ep, f, got_cw_cb, g, &err));
	assert_int_equal(g->called, 0);
	event_base_dispatch(c->base);
	assert_int_equal(g->called, 1);
	assert_string_equal(g->err.msg, "");
}

/* Every alarm, then 150 of them by name (two groups), then by prefix. */
static void
test_cw_fake(void **st)
{
	struct fake fk;
	struct client c;
	struct got g;
	json_t *want, *a;
	void *it;
	const char *arn, *names[150], *prefix;
	size_t n = 0, ncomposite = 0, nprefix = 0;

	(void)st;
	if (access("tests/fakeaws/svc_cloudwatch.py", R_OK) != 0 ||
	    fake_start(&fk, "tests/fakeaws/scenarios/cloudwatch.json") == -1)
		skip();
	client_new(&c, &fk, "monitoring");
	run_cw(&c, NULL, &g);
	want = fake_alarms(&fk);
	assert_int_equal(g.n, json_object_size(want));
	assert_true(g.n > CW_PAGE);
	assert_true(g.calls >= 2);
	for (it = json_object_iter(want); it != NULL;
	     it = json_object_iter_next(want, it)) {
		arn = json_object_iter_key(it);
		a = json_object_iter_value(it);
		check_alarm(a, json_object_get(g.alarms, arn));
		ncomposite += json_object_get(a, "AlarmRule") != NULL;
		if (n < 150)
			names[n++] = fake_str(a, "AlarmName");
	}
	assert_true(ncomposite > 0 && ncomposite < g.n);
	assert_true(nexponent > 0);
	json_decref(g.alarms);

	run_cw(&c, &(struct cw_filter){ NULL, names, n }, &g);
	assert_int_equal(g.n, n);
	assert_true(g.calls >= 2);
	json_decref(g.alarms);

	prefix = names[0];
	for (it = json_object_iter(want); it != NULL;
	     it = json_object_iter_next(want, it))
		nprefix +=
		    strncmp(fake_str(json_object_iter_value(it), "AlarmName"),
			prefix, strlen(prefix)) == 0;
	run_cw(&c, &(struct cw_filter){ prefix, NULL, 0 }, &g);
	assert_int_equal(g.n, nprefix);
	json_decref(g.alarms);

	/* x-amzn-query-error's code wins over __type ThrottlingException. */
	check_fault(&fk, &c,
	    "\"kind\":\"status\",\"status\":400,\"code\":\"Throttling\"",
	    "Throttling");
	check_fault(&fk, &c, "\"kind\":\"malformed\"", "MalformedResponse");
	json_decref(want);
	client_free(&c);
	fake_stop(&fk);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_state),
		cmocka_unit_test(test_start_fails),
		cmocka_unit_test(test_gd_statistics),
		cmocka_unit_test(test_cw_fake),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
