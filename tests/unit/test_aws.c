/*
 * test_aws.c: the pure parts of the AWS layer: endpoint resolution and its
 * overrides, the credential chain's static providers, error code
 * normalisation and the standard retry mode's classification.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "aws.h"
#include "creds.h"
#include "endpoint.h"

static void
clear_env(void)
{
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_GUARDDUTY");
	unsetenv("AWS_ENDPOINT_URL_CLOUDWATCH");
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_SECURITY_TOKEN");
	unsetenv("AWS_PROFILE");
}

static void
test_endpoint(void **st)
{
	struct endpoint ep;
	struct sm_err err;

	(void)st;
	clear_env();
	assert_int_equal(
	    endpoint_resolve("guardduty", "eu-west-1", NULL, NULL, &ep, &err),
	    0);
	assert_string_equal(
	    ep.url, "https://guardduty.eu-west-1.amazonaws.com");
	assert_string_equal(ep.signing_name, "guardduty");
	assert_string_equal(ep.signing_region, "eu-west-1");
	assert_int_equal(
	    endpoint_resolve("monitoring", "cn-north-1", NULL, NULL, &ep, &err),
	    0);
	assert_string_equal(
	    ep.url, "https://monitoring.cn-north-1.amazonaws.com.cn");

	/* Config: the service's key beats [aws]; the env beats both. */
	assert_int_equal(
	    endpoint_resolve("guardduty", "us-east-1", "http://127.0.0.1:1/",
		"http://127.0.0.1:2", &ep, &err),
	    0);
	assert_string_equal(ep.url, "http://127.0.0.1:1");
	assert_string_equal(ep.signing_region, "us-east-1");
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:3", 1);
	endpoint_resolve(
	    "guardduty", "us-east-1", "http://127.0.0.1:1", NULL, &ep, &err);
	assert_string_equal(ep.url, "http://127.0.0.1:3");
	setenv("AWS_ENDPOINT_URL_GUARDDUTY", "http://127.0.0.1:4", 1);
	endpoint_resolve("guardduty", "us-east-1", NULL, NULL, &ep, &err);
	assert_string_equal(ep.url, "http://127.0.0.1:4");
	/* CloudWatch's variable is named for the service, not the prefix. */
	setenv("AWS_ENDPOINT_URL_CLOUDWATCH", "http://127.0.0.1:5", 1);
	endpoint_resolve("monitoring", "us-east-1", NULL, NULL, &ep, &err);
	assert_string_equal(ep.url, "http://127.0.0.1:5");
	assert_string_equal(ep.signing_name, "monitoring");
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
	endpoint_resolve(
	    "guardduty", "us-east-1", "http://127.0.0.1:1", NULL, &ep, &err);
	assert_string_equal(
	    ep.url, "https://guardduty.us-east-1.amazonaws.com");
	assert_int_equal(
	    endpoint_resolve("nosuch", "us-east-1", NULL, NULL, &ep, &err), -1);
	clear_env();
}

struct got {
	int called;
	char id[64], secret[64], token[64], source[96], err[256];
};

static void
got_cb(const struct creds *c, const struct sm_err *err, void *arg)
{
	struct got *g = arg;

	g->called++;
	if (c == NULL) {
		snprintf(g->err, sizeof g->err, "%s", err->msg);
		return;
	}
	snprintf(g->id, sizeof g->id, "%s", c->access_key_id);
	snprintf(g->secret, sizeof g->secret, "%s", c->secret_access_key);
	snprintf(g->token, sizeof g->token, "%s",
	    c->session_token != NULL ? c->session_token : "");
	snprintf(g->source, sizeof g->source, "%s", c->source);
}

/* Resolve the chain for profile and run the loop until it answers. */
static struct got
resolve(const char *profile)
{
	struct event_base *base = event_base_new();
	struct creds_ctx ctx = { base, NULL, 1000, 1000, NULL };
	struct creds_src *s = creds_chain_new(&ctx, profile, "us-east-1");
	struct got g;

	memset(&g, 0, sizeof g);
	creds_get(s, got_cb, &g);
	/* Never called back from inside creds_get. */
	assert_int_equal(g.called, 0);
	event_base_dispatch(base);
	assert_int_equal(g.called, 1);
	creds_src_free(s);
	event_base_free(base);
	return g;
}

static void
test_creds(void **st)
{
	char path[] = "/tmp/test_aws_creds.XXXXXX";
	struct got g;
	FILE *f;
	int fd;

	(void)st;
	clear_env();
	setenv("AWS_CONFIG_FILE", "/dev/null", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	assert_true((fd = mkstemp(path)) != -1);
	assert_non_null(f = fdopen(fd, "w"));
	fputs(
	    "[default]\naws_access_key_id = AKIDDEFAULT\n"
	    "aws_secret_access_key = sdefault\n\n"
	    "[prod]\naws_access_key_id=AKIDPROD\naws_secret_access_key=sprod\n"
	    "aws_session_token = tprod\n\n[empty]\nregion = x\n",
	    f);
	fclose(f);
	setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);

	g = resolve(NULL);
	assert_string_equal(g.id, "AKIDDEFAULT");
	assert_string_equal(g.token, "");
	assert_string_equal(g.source, "profile:default");

	setenv("AWS_PROFILE", "prod", 1);
	g = resolve(NULL);
	assert_string_equal(g.secret, "sprod");
	assert_string_equal(g.token, "tprod");

	/* The environment wins over AWS_PROFILE, not over a chosen profile. */
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "senv", 1);
	g = resolve(NULL);
	assert_string_equal(g.id, "AKIDENV");
	assert_string_equal(g.source, "environment");
	g = resolve("default");
	assert_string_equal(g.id, "AKIDDEFAULT");

	/* A profile without keys and no other provider: a clear error. */
	g = resolve("empty");
	assert_non_null(strstr(g.err, "profile empty has none"));
	assert_null(strstr(g.err, "sprod"));
	g = resolve("nosuch");
	assert_non_null(strstr(g.err, "profile nosuch: not in"));
	unlink(path);
	unsetenv("AWS_SHARED_CREDENTIALS_FILE");
	unsetenv("AWS_CONFIG_FILE");
	unsetenv("AWS_EC2_METADATA_DISABLED");
	clear_env();
}

static void
test_codes(void **st)
{
	char out[64];
	int thr;

	(void)st;
	aws_normalize_code("BadRequestException:http://internal.amazon.com/x",
	    out, sizeof out);
	assert_string_equal(out, "BadRequestException");
	aws_normalize_code(
	    "com.amazonaws.guardduty#InternalServerErrorException", out,
	    sizeof out);
	assert_string_equal(out, "InternalServerErrorException");
	aws_normalize_code("aws.protocoltests#Foo:http://x#y", out, sizeof out);
	assert_string_equal(out, "Foo");
	aws_normalize_code("Plain", out, sizeof out);
	assert_string_equal(out, "Plain");

	assert_true(aws_is_retryable(400, "ThrottlingException", &thr));
	assert_true(thr);
	assert_true(aws_is_retryable(429, "TooManyRequestsException", &thr));
	assert_true(thr);
	assert_true(aws_is_retryable(429, "Whatever", &thr));
	assert_true(aws_is_retryable(503, "ServiceUnavailable", &thr));
	assert_false(thr);
	assert_true(aws_is_retryable(0, "Transport", &thr));
	assert_false(aws_is_retryable(403, "AccessDeniedException", &thr));
	assert_false(aws_is_retryable(400, "BadRequestException", &thr));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_endpoint),
		cmocka_unit_test(test_creds),
		cmocka_unit_test(test_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
