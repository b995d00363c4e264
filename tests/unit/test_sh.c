/*
 * test_sh.c: sh_poll end to end against the fake Security Hub
 * (tests/fakeaws, scenario securityhub.json): consolidated (us-east-1)
 * and per-standard (eu-west-1) findings, a region without a hub, a step
 * that fails a control, and faults (empty pages, a malformed page, a
 * server that keeps failing). Scores must match GET /_fake/expected within
 * 0.1 points, counts exactly. Skipped when python3 or the fake is missing.
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
#include "endpoint.h"
#include "http.h"
#include "sh.h"

#define FAKE "tests/fakeaws/fakeaws.py"
#define SCENARIO "tests/fakeaws/scenarios/securityhub.json"
#define ACCOUNT "111122223333"

struct fake {
	FILE *out;
	pid_t pid;
	char url[128];
};

static struct fake fake;

/* What a poll gave: the snapshot as JSON (the caller builds JSON). */
struct got {
	int called;
	json_t *snap;
	struct sm_err err;
};

/* Start the fake; without python3, botocore or the fake, tests skip. */
static int
fake_start(void **st)
{
	char line[256];

	(void)st;
	if (access(FAKE, R_OK) != 0 ||
	    (fake.out = popen("echo $$; exec python3 " FAKE
			      " --scenario " SCENARIO " 2>/dev/null",
		 "r")) == NULL)
		return 0;
	if (fgets(line, sizeof line, fake.out) != NULL)
		fake.pid = (pid_t)strtol(line, NULL, 10);
	if (fgets(line, sizeof line, fake.out) == NULL ||
	    sscanf(line, "fakeaws listening on %127s", fake.url) != 1) {
		pclose(fake.out);
		memset(&fake, 0, sizeof fake);
		return 0;
	}
	setenv("AWS_ACCESS_KEY_ID", "AKIDSECMONFAKE0000001", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "fake/secret+key=for/tests", 1);
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_PROFILE");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return 0;
}

static int
fake_stop(void **st)
{
	(void)st;
	if (fake.pid > 0)
		kill(fake.pid, SIGTERM);
	if (fake.out != NULL)
		pclose(fake.out);
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

/* An admin request to the fake; its JSON answer (NULL if none). */
static json_t *
admin(const char *method, const char *path, const char *body)
{
	CURL *c = curl_easy_init();
	struct buf b = { NULL, 0 };
	char url[256];
	json_t *j;

	snprintf(url, sizeof url, "%s%s", fake.url, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body != NULL)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, admin_write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_cleanup(c);
	j = b.p != NULL ? json_loadb(b.p, b.n, 0, NULL) : NULL;
	free(b.p);
	return j;
}

static json_t *
counts_json(const struct score_counts *k)
{
	return json_pack("{s:f,s:i,s:I,s:I,s:I,s:I,s:I}", "score", k->score,
	    "rounded", k->rounded, "passed", (json_int_t)k->passed, "failed",
	    (json_int_t)k->failed, "unknown", (json_int_t)k->unknown, "no_data",
	    (json_int_t)k->no_data, "disabled", (json_int_t)k->disabled);
}

static json_t *
snap_json(const struct sh_snapshot *s)
{
	const struct score_result *r = &s->score;
	json_t *stds = json_object(), *failed = json_object();
	size_t i;

	for (i = 0; i < r->nstandards; i++)
		json_object_set_new(
		    stds, r->standards[i].arn, counts_json(&r->standards[i].c));
	for (i = 0; i < r->ncontrols; i++)
		if (r->controls[i].status == SCORE_ST_FAILED)
			json_object_set_new(failed, r->controls[i].control_id,
			    json_pack("{s:s,s:s,s:I}", "title",
				s->info[i].title, "severity",
				s->info[i].severity, "failed_resources",
				(json_int_t)r->controls[i].failed_resources));
	return json_pack("{s:b,s:b,s:o,s:o,s:o,s:i,s:I,s:I}", "enabled",
	    s->hub_enabled, "consolidated", s->consolidated, "standards", stds,
	    "overall", counts_json(&r->overall), "failed", failed, "calls",
	    (int)s->calls, "findings", (json_int_t)s->findings, "incomplete",
	    (json_int_t)s->incomplete);
}

static void
done_cb(const struct sh_snapshot *snap, const struct sm_err *err, void *arg)
{
	struct got *g = arg;

	g->called++;
	if (snap != NULL)
		g->snap = snap_json(snap);
	else
		g->err = *err;
}

/* One poll of region, run to the end. */
static struct got
poll_region(const char *region)
{
	struct event_base *base = event_base_new();
	struct sm_err err;
	struct http *http = http_new(base, &err);
	struct creds_ctx ctx = { base, http, 2000, 10000, NULL };
	struct creds_src *src = creds_chain_new(&ctx, NULL, region);
	struct aws_opts o = { 2000, 30000, 16 << 20, 3, 10 };
	struct aws *aws = aws_new(base, http, &o, src);
	struct endpoint ep;
	struct got g = { 0 };
	struct sh_poll *p;

	assert_int_equal(
	    endpoint_resolve("securityhub", region, fake.url, NULL, &ep, &err),
	    0);
	p = sh_poll_start(aws, &ep, done_cb, &g, &err);
	assert_non_null(p);
	assert_int_equal(g.called, 0); /* never from inside start */
	event_base_dispatch(base);
	assert_int_equal(g.called, 1);
	aws_free(aws);
	creds_src_free(src);
	http_free(http);
	event_base_free(base);
	return g;
}

static void
check_counts(json_t *got, json_t *want)
{
	double d;

	assert_non_null(got);
	assert_int_equal(json_integer_value(json_object_get(got, "passed")),
	    json_integer_value(json_object_get(want, "passed")));
	assert_int_equal(json_integer_value(json_object_get(got, "failed")),
	    json_integer_value(json_object_get(want, "failed")));
	assert_int_equal(json_integer_value(json_object_get(got, "unknown")),
	    json_integer_value(json_object_get(want, "unknown")));
	assert_int_equal(json_integer_value(json_object_get(got, "rounded")),
	    json_integer_value(json_object_get(want, "score")));
	d = json_real_value(json_object_get(got, "score")) -
	    json_number_value(json_object_get(want, "score_exact"));
	assert_true(d > -0.1 && d < 0.1);
}

static void
check_failed(json_t *got, json_t *want)
{
	json_t *w, *g;
	size_t i;

	assert_int_equal(json_object_size(got), json_array_size(want));
	json_array_foreach(want, i, w)
	{
		g = json_object_get(
		    got, json_string_value(json_object_get(w, "id")));
		assert_non_null(g);
		assert_string_equal(
		    json_string_value(json_object_get(g, "title")),
		    json_string_value(json_object_get(w, "title")));
		assert_string_equal(
		    json_string_value(json_object_get(g, "severity")),
		    json_string_value(json_object_get(w, "severity")));
		assert_int_equal(
		    json_integer_value(json_object_get(g, "failed_resources")),
		    json_integer_value(json_object_get(w, "failed_resources")));
	}
}

/* Poll region and compare with what the fake expects. */
static void
check_region(const char *region)
{
	json_t *exp = admin("GET", "/_fake/expected", NULL), *want, *v;
	struct got g = poll_region(region);
	const char *arn;

	want = json_object_get(json_object_get(exp, ACCOUNT), region);
	assert_non_null(want);
	if (g.snap == NULL)
		fail_msg("%s: %s", region, g.err.msg);
	assert_true(json_is_true(json_object_get(g.snap, "enabled")));
	assert_int_equal(json_is_true(json_object_get(g.snap, "consolidated")),
	    strcmp(json_string_value(json_object_get(want, "mode")),
		"SECURITY_CONTROL") == 0);
	assert_int_equal(json_object_size(json_object_get(g.snap, "standards")),
	    json_object_size(json_object_get(want, "standards")));
	json_object_foreach(json_object_get(want, "standards"), arn, v)
	    check_counts(
		json_object_get(json_object_get(g.snap, "standards"), arn), v);
	check_counts(json_object_get(g.snap, "overall"),
	    json_object_get(want, "overall"));
	check_failed(json_object_get(g.snap, "failed"),
	    json_object_get(want, "failed_controls"));
	json_decref(g.snap);
	json_decref(exp);
}

static void
test_consolidated(void **st)
{
	(void)st;
	if (fake.pid == 0)
		skip();
	check_region("us-east-1");
}

static void
test_per_standard(void **st)
{
	struct got g;

	(void)st;
	if (fake.pid == 0)
		skip();
	check_region("eu-west-1");
	g = poll_region("eu-west-1");
	assert_int_equal(
	    json_integer_value(json_object_get(g.snap, "incomplete")), 1);
	json_decref(g.snap);
}

static void
test_not_enabled(void **st)
{
	struct got g;

	(void)st;
	if (fake.pid == 0)
		skip();
	g = poll_region("ap-southeast-2");
	assert_non_null(g.snap);
	assert_false(json_is_true(json_object_get(g.snap, "enabled")));
	assert_int_equal(
	    json_integer_value(json_object_get(g.snap, "calls")), 1);
	json_decref(g.snap);
}

static void
test_faults(void **st)
{
	struct got g;

	(void)st;
	if (fake.pid == 0)
		skip();
	json_decref(admin("POST", "/_fake/faults",
	    "{\"service\":\"securityhub\",\"op\":\"GetFindings\","
	    "\"kind\":\"emptypage\",\"times\":3,\"after\":2}"));
	check_region("us-east-1"); /* empty pages change nothing */
	json_decref(admin("POST", "/_fake/faults",
	    "{\"service\":\"securityhub\",\"op\":\"GetFindings\","
	    "\"kind\":\"malformed\",\"times\":3,\"after\":5}"));
	g = poll_region("us-east-1");
	assert_null(g.snap);
	assert_non_null(strstr(g.err.msg, "GetFindings"));
	json_decref(admin("DELETE", "/_fake/faults", NULL));
	json_decref(admin("POST", "/_fake/faults",
	    "{\"service\":\"securityhub\","
	    "\"op\":\"BatchGetStandardsControlAssociations\",\"kind\":"
	    "\"status\",\"status\":500,\"times\":-1}"));
	g = poll_region("us-east-1");
	assert_null(g.snap);
	assert_non_null(strstr(g.err.msg, "BatchGetStandardsControlAssoc"));
	json_decref(admin("DELETE", "/_fake/faults", NULL));
}

/* Last: the scenario moves on (EC2.1 fails, then S3.1 is enabled again). */
static void
test_steps(void **st)
{
	(void)st;
	if (fake.pid == 0)
		skip();
	json_decref(admin("POST", "/_fake/step", NULL));
	check_region("us-east-1");
	json_decref(admin("POST", "/_fake/step", NULL));
	check_region("eu-west-1");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_consolidated),
		cmocka_unit_test(test_per_standard),
		cmocka_unit_test(test_not_enabled),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_steps),
	};

	return cmocka_run_group_tests(tests, fake_start, fake_stop);
}
