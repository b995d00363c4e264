/*
 * test_conf.c: conf_load on the fixtures of tests/data/conf and on files
 * written to a fresh mkdtemp directory per test: defaults, every key, the
 * drop-in order, [account NAME] and [sink NAME] sections, [alerts], and the
 * exact "file:line: message" of every error kind.
 * Runs from the top of the repository.
 */
#include <sys/stat.h>
#include <syslog.h>

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"
#include "util.h"

#define DATA "tests/data/conf/"
#define CONF_NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define ARN "arn:aws:iam::111122223333:role/secmond"
#define TOPIC "arn:aws:sns:us-east-1:111122223333:secops"
#define KINDS_MSG                                                              \
	"(new_finding, finding_escalated, control_failing, score_drop, "       \
	"score_below_target, alarm, source_blind, task_overdue, test, digest " \
	"or task_due)"
#define TOPIC_NAME_MSG                                                         \
	"has a bad topic name (1 to 256 letters, digits, '_' or '-', ending "  \
	"in .fifo for a FIFO topic)"
#define IDENT_MSG                                                              \
	"is not an identifier (1 to 64 letters, digits, '_', '.' or '-')"
#define SECRET_MSG                                                             \
	"secrets do not belong in the config: secmond reads credentials "      \
	"from the standard AWS chain (environment, shared credentials file, "  \
	"...)"

/* A per-test directory with its main file, dir/secmond.conf. */
struct tdir {
	char dir[64];
	char main[128];
};

static int
rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
setup_dir(void **state)
{
	struct tdir *t = xcalloc(1, sizeof *t);

	strlcpy(t->dir, "/tmp/test_conf.XXXXXX", sizeof t->dir);
	if (mkdtemp(t->dir) == NULL)
		return -1;
	snprintf(t->main, sizeof t->main, "%s/secmond.conf", t->dir);
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	*state = t;
	return 0;
}

static int
teardown_dir(void **state)
{
	struct tdir *t = *state;

	nftw(t->dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(t);
	return 0;
}

static int
setup_env(void **state)
{
	(void)state;
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	return 0;
}

/* Write len bytes of text to dir/name; returns the path (caller frees). */
static char *
write_bytes(
    const struct tdir *t, const char *name, const char *text, size_t len)
{
	char *path;
	FILE *f;

	xasprintf(&path, "%s/%s", t->dir, name);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static void
write_file(const struct tdir *t, const char *name, const char *text)
{
	free(write_bytes(t, name, text, strlen(text)));
}

static void
dump_errors(const struct conf_errors *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		print_message("error %zu: %s\n", i, e->msg[i]);
}

/* Error i is exactly the formatted string. */
static void __attribute__((format(printf, 3, 4)))
assert_error(const struct conf_errors *e, size_t i, const char *fmt, ...)
{
	va_list ap;
	char *want;

	va_start(ap, fmt);
	assert_true(vasprintf(&want, fmt, ap) != -1);
	va_end(ap);
	if (i >= e->n || strcmp(e->msg[i], want) != 0)
		dump_errors(e);
	assert_in_range(i, 0, e->n - 1);
	assert_string_equal(e->msg[i], want);
	free(want);
}

/* The errors are exactly want[0..n-1], in order. */
static void
assert_errors(const struct conf_errors *e, const char *const *want, size_t n)
{
	size_t i;

	if (e->n != n)
		dump_errors(e);
	assert_int_equal(e->n, n);
	for (i = 0; i < n; i++)
		assert_error(e, i, "%s", want[i]);
}

/* Load a file that must be good. */
static struct conf *
load_ok(const char *path)
{
	struct conf_errors e = { 0 };
	struct conf *c = NULL;
	int rc;

	rc = conf_load(path, &c, &e);
	dump_errors(&e);
	assert_int_equal(rc, 0);
	assert_int_equal(e.n, 0);
	assert_non_null(c);
	return c;
}

/* Load a file that must fail; errors in e. */
static void
load_bad(const char *path, struct conf_errors *e)
{
	struct conf *c = (struct conf *)1;

	memset(e, 0, sizeof *e);
	assert_int_equal(conf_load(path, &c, e), -1);
	assert_null(c);
	assert_true(e->n > 0);
}

static void
assert_defaults_but_regions(const struct conf *c)
{
	assert_string_equal(c->state_dir, CONF_DEFAULT_STATE_DIR);
	assert_string_equal(c->socket, CONF_DEFAULT_SOCKET);
	assert_int_equal(c->socket_mode, 0660);
	assert_null(c->admin_group);
	assert_int_equal(c->debug, 0);
	assert_null(c->profile);
	assert_null(c->endpoint_url);
	assert_int_equal(c->connect_timeout_ms, 5000);
	assert_int_equal(c->timeout_ms, 30000);
	assert_int_equal(c->max_body, 16 * 1024 * 1024);
	assert_int_equal(c->max_attempts, 3);
	assert_int_equal(c->max_concurrency, 16);
	assert_true(c->rate_limit_factor == 0.5);
	assert_null(c->role_session_name);
	assert_int_equal(c->guardduty.enabled, 1);
	assert_int_equal(c->guardduty.interval, 300);
	assert_true(c->guardduty.min_severity == 4.0);
	assert_null(c->guardduty.endpoint_url);
	assert_null(c->accounts);
	assert_int_equal(c->naccounts, 0);
	assert_int_equal(c->guardduty.blind_after, 0);
	assert_int_equal(c->securityhub.enabled, 1);
	assert_int_equal(c->securityhub.interval, 900);
	assert_true(c->securityhub.score_target == 75.0);
	assert_int_equal(c->cloudwatch.enabled, 1);
	assert_int_equal(c->cloudwatch.interval, 60);
	assert_null(c->cloudwatch.alarm_prefix);
	assert_int_equal(c->cloudwatch.nalarm_names, 0);
	assert_true(c->securityhub.score_drop == 2.0);
	assert_int_equal(c->securityhub.baseline, 7 * 86400);
	assert_int_equal(c->securityhub.control_min_severity, CONF_SH_HIGH);
	assert_int_equal(c->alerts.group_wait, 30);
	assert_int_equal(c->alerts.repeat_interval, 4 * 3600);
	assert_int_equal(c->alerts.retry_max_backoff, 300);
	assert_null(c->sinks); /* the daemon's implicit journal sink */
	assert_int_equal(c->nsinks, 0);
}

/* [securityhub] and [cloudwatch]: keys, lists with spaces, exclusions. */
static void
test_sources(void **state)
{
	struct tdir *t = *state;
	struct conf_errors e;
	struct conf *c;
	char *path;

	xasprintf(&path, "%s/secmond.conf", t->dir);
	write_file(t, "secmond.conf",
	    "[aws]\nregions = us-east-1\n[securityhub]\ninterval = 30m\n"
	    "score_target = 90.5\nblind_after = 2h\n[cloudwatch]\n"
	    "alarm_names = security-root login, waf blocked ,x\n"
	    "interval = 2m\n[guardduty]\nblind_after = 20m\n");
	c = load_ok(path);
	assert_int_equal(c->securityhub.interval, 1800);
	assert_true(c->securityhub.score_target == 90.5);
	assert_int_equal(c->securityhub.blind_after, 7200);
	assert_int_equal(c->cloudwatch.nalarm_names, 3);
	assert_string_equal(
	    c->cloudwatch.alarm_names[0], "security-root login");
	assert_string_equal(c->cloudwatch.alarm_names[1], "waf blocked");
	assert_string_equal(c->cloudwatch.alarm_names[2], "x");
	assert_int_equal(c->cloudwatch.interval, 120);
	assert_int_equal(c->guardduty.blind_after, 1200);
	conf_free(c);

	write_file(t, "secmond.conf",
	    "[aws]\nregions = us-east-1\n[securityhub]\nscore_target = 101\n"
	    "interval = 30s\n[cloudwatch]\nalarm_prefix = security-\n"
	    "alarm_names = a,a\n");
	load_bad(path, &e);
	assert_error(&e, 0,
	    "%s:4: score_target: '101' is not a percentage "
	    "(0 to 100, at most one decimal)",
	    path);
	assert_int_equal(e.n, 3);
	conf_errors_clear(&e);

	write_file(t, "secmond.conf",
	    "[aws]\nregions = us-east-1\n[cloudwatch]\nalarm_prefix = s-\n"
	    "alarm_names = a, b\n");
	load_bad(path, &e);
	assert_error(&e, 0,
	    "%s: [cloudwatch] alarm_prefix and alarm_names "
	    "exclude each other",
	    path);
	conf_errors_clear(&e);
	free(path);
}

static void
test_minimal_defaults(void **state)
{
	struct conf *c;

	(void)state;
	c = load_ok(DATA "minimal.conf");
	assert_string_equal(c->path, DATA "minimal.conf");
	assert_defaults_but_regions(c);
	assert_int_equal(c->nregions, 1);
	assert_string_equal(c->regions[0], "us-east-1");
	assert_null(c->regions[1]);
	conf_free(c);
}

static void
test_every_key(void **state)
{
	static const char *const regions[] = { "us-east-1", "eu-west-1",
		"us-gov-west-1", "cn-north-1", "ap-southeast-2" };
	struct conf *c;
	size_t i;

	(void)state;
	c = load_ok(DATA "full.conf");
	assert_string_equal(c->state_dir, "/srv/secmond/state");
	assert_string_equal(c->socket, "/run/secmond test/ctl.sock");
	assert_int_equal(c->socket_mode, 0600);
	assert_string_equal(c->admin_group, "secops");
	assert_int_equal(c->debug, 1);
	assert_int_equal(c->nregions, 5);
	for (i = 0; i < 5; i++)
		assert_string_equal(c->regions[i], regions[i]);
	assert_string_equal(c->profile, "security-audit");
	assert_string_equal(c->endpoint_url, "http://127.0.0.1:4566");
	assert_int_equal(c->connect_timeout_ms, 150000);
	assert_int_equal(c->timeout_ms, 3600000);
	assert_int_equal(c->max_body, 512 * 1024);
	assert_int_equal(c->guardduty.enabled, 0);
	assert_int_equal(c->guardduty.interval, 5400);
	assert_true(c->guardduty.min_severity == 7.5);
	assert_string_equal(c->guardduty.endpoint_url,
	    "https://guardduty.example.com/base/path");
	assert_int_equal(c->max_attempts, 10);
	assert_int_equal(c->max_concurrency, 256);
	assert_true(c->rate_limit_factor == 0.25);
	assert_string_equal(c->role_session_name, "secmond@host-1");
	assert_int_equal(c->naccounts, 1);
	assert_string_equal(c->accounts[0].name, "prod");
	assert_string_equal(c->accounts[0].role_arn,
	    "arn:aws:iam::111122223333:role/security/secmond-readonly");
	assert_string_equal(
	    c->accounts[0].external_id, "Org:prod/7f3a-11ee+=,.@_");
	assert_int_equal(c->accounts[0].nregions, 2);
	assert_string_equal(c->accounts[0].regions[0], "eu-west-1");
	assert_string_equal(c->accounts[0].regions[1], "eu-central-1");
	assert_null(c->accounts[0].regions[2]);
	assert_int_equal(c->accounts[0].duration, 12 * 3600);
	assert_int_equal(c->accounts[0].enabled, 0);
	assert_int_equal(c->accounts[0].line, 28);
	assert_string_equal(c->accounts[0].file, DATA "full.conf");
	assert_true(c->securityhub.score_drop == 0.5);
	assert_int_equal(c->securityhub.baseline, 30 * 86400);
	assert_int_equal(
	    c->securityhub.control_min_severity, CONF_SH_INFORMATIONAL);
	assert_int_equal(c->alerts.group_wait, 0);
	assert_int_equal(c->alerts.repeat_interval, 86400);
	assert_int_equal(c->alerts.retry_max_backoff, 3600);
	assert_int_equal(c->nsinks, 1);
	assert_string_equal(c->sinks[0].name, "log");
	assert_int_equal(c->sinks[0].type, CONF_SINK_SYSLOG);
	assert_null(c->sinks[0].topic_arn);
	assert_null(c->sinks[0].topic_region);
	assert_int_equal(c->sinks[0].min_severity, CONF_SEV_CRITICAL);
	assert_int_equal(
	    c->sinks[0].kinds, CONF_KIND_ALARM | CONF_KIND_SOURCE_BLIND);
	assert_int_equal(c->sinks[0].send_resolved, 0);
	assert_int_equal(c->sinks[0].facility, LOG_LOCAL3);
	assert_string_equal(c->sinks[0].identifier, "secmond.audit");
	assert_int_equal(c->sinks[0].enabled, 0);
	assert_int_equal(c->sinks[0].line, 45);
	assert_string_equal(c->sinks[0].file, DATA "full.conf");
	conf_free(c);
}

/* 10-first, 20-second, 9-last: byte order; README and .hidden skipped. */
static void
test_dropin_order(void **state)
{
	struct conf *c;

	(void)state;
	c = load_ok(DATA "dropins/secmond.conf");
	assert_int_equal(c->guardduty.interval, 240);
	assert_true(c->guardduty.min_severity == 7.0);
	assert_int_equal(c->timeout_ms, 10000);
	assert_int_equal(c->nregions, 2);
	assert_string_equal(c->regions[0], "eu-west-1");
	assert_string_equal(c->regions[1], "eu-central-1");
	conf_free(c);
}

static void
test_bad_values(void **state)
{
	static const char *const want[] = {
		DATA "bad-values.conf:2: state_dir: 'var/lib/secmond' is not "
		     "an absolute path",
		DATA "bad-values.conf:3: socket: path is 112 bytes, a socket "
		     "path must be under 108",
		DATA "bad-values.conf:4: socket_mode: '0666' gives access to "
		     "other users; use 0660 or 0600",
		DATA "bad-values.conf:5: admin_group: '1bad' is not a group "
		     "name",
		DATA "bad-values.conf:6: log_level: 'verbose' is not info or "
		     "debug",
		DATA
		"bad-values.conf:9: regions: 'moon-1' is not a region name "
		"(like us-east-1)",
		DATA "bad-values.conf:10: profile: 'my profile' is not a "
		     "profile name",
		DATA "bad-values.conf:11: endpoint_url: 'ftp://example.com': "
		     "must start with http:// or https://",
		DATA "bad-values.conf:12: connect_timeout: '10m' is out of "
		     "range 1s..5m",
		DATA "bad-values.conf:13: timeout: 'soon' is not a duration "
		     "(like 30s, 5m, 1h)",
		DATA "bad-values.conf:14: max_body: '1K' is out of range "
		     "64K..1G",
		DATA "bad-values.conf:17: enabled: 'maybe' is not yes or no",
		DATA "bad-values.conf:18: interval: '5s' is less than 10s",
		DATA "bad-values.conf:19: min_severity: '4.25' is not a "
		     "severity (0.0 to 10.0, low, medium, high or critical)",
		DATA "bad-values.conf:20: endpoint_url: "
		     "'https://example.com/?x=1': must have no query or "
		     "fragment",
	};
	struct conf_errors e;

	(void)state;
	load_bad(DATA "bad-values.conf", &e);
	assert_errors(&e, want, sizeof want / sizeof want[0]);
	conf_errors_clear(&e);
}

static void
test_bad_syntax(void **state)
{
	static const char *const want[] = {
		DATA "bad-syntax.conf:1: key 'stray' is outside any section",
		DATA "bad-syntax.conf:3: syntax error: expected key = value",
		DATA "bad-syntax.conf:4: unknown section [acount prod]",
		DATA "bad-syntax.conf:6: syntax error: expected [section]",
		DATA "bad-syntax.conf:9: unknown key 'region' in [aws]",
		DATA "bad-syntax.conf:10: syntax error: bad key name 'bad key'",
		DATA "bad-syntax.conf:11: unterminated quote",
		/* line 7 sat in the broken [aws of line 6 */
		DATA "bad-syntax.conf: no region: set regions in [aws] or "
		     "AWS_REGION",
	};
	struct conf_errors e;

	(void)state;
	load_bad(DATA "bad-syntax.conf", &e);
	assert_errors(&e, want, sizeof want / sizeof want[0]);
	conf_errors_clear(&e);
}

static void
test_secrets(void **state)
{
	static const char *const want[] = {
		DATA "secrets.conf:3: " SECRET_MSG,
		DATA "secrets.conf:4: " SECRET_MSG,
		DATA "secrets.conf:6: " SECRET_MSG,
		DATA "secrets.conf:7: " SECRET_MSG,
		DATA "secrets.conf:8: unknown section [nonsense]",
		DATA "secrets.conf:9: " SECRET_MSG,
	};
	struct conf_errors e;
	size_t i;

	(void)state;
	load_bad(DATA "secrets.conf", &e);
	assert_errors(&e, want, sizeof want / sizeof want[0]);
	for (i = 0; i < e.n; i++) { /* the values are never echoed */
		assert_null(strstr(e.msg[i], "EXAMPLE"));
		assert_null(strstr(e.msg[i], "hunter2"));
	}
	conf_errors_clear(&e);
}

static void
test_duplicate_key(void **state)
{
	static const char *const want[] = {
		DATA
		"dup.conf:8: duplicate key 'regions' (first set at line 2)",
		DATA "dup.conf:10: duplicate key 'interval' (first set at line "
		     "5)",
	};
	struct conf_errors e;

	(void)state;
	load_bad(DATA "dup.conf", &e);
	assert_errors(&e, want, sizeof want / sizeof want[0]);
	conf_errors_clear(&e);
	load_bad(DATA "dup-region.conf", &e);
	assert_error(&e, 0,
	    DATA "dup-region.conf:2: regions: duplicate region "
		 "'us-east-1'");
	assert_int_equal(e.n, 1);
	conf_errors_clear(&e);
}

static void
test_missing_file(void **state)
{
	struct conf_errors e;

	(void)state;
	load_bad(DATA "no-such.conf", &e);
	assert_int_equal(e.n, 1);
	assert_error(
	    &e, 0, DATA "no-such.conf: cannot open: %s", strerror(ENOENT));
	conf_errors_clear(&e);
}

static void
test_region_from_env(void **state)
{
	struct conf_errors e;
	struct conf *c;

	(void)state;
	setenv("AWS_DEFAULT_REGION", "eu-west-1", 1);
	c = load_ok(DATA "noregion.conf");
	assert_int_equal(c->nregions, 1);
	assert_string_equal(c->regions[0], "eu-west-1");
	conf_free(c);

	setenv("AWS_REGION", "ap-southeast-2", 1); /* AWS_REGION first */
	c = load_ok(DATA "noregion.conf");
	assert_string_equal(c->regions[0], "ap-southeast-2");
	conf_free(c);

	c = load_ok(DATA "minimal.conf"); /* the file wins */
	assert_int_equal(c->nregions, 1);
	assert_string_equal(c->regions[0], "us-east-1");
	conf_free(c);

	setenv("AWS_REGION", "Moon", 1);
	load_bad(DATA "noregion.conf", &e);
	assert_int_equal(e.n, 1);
	assert_error(&e, 0,
	    DATA "noregion.conf: AWS_REGION 'Moon' is not a "
		 "region name");
	conf_errors_clear(&e);
}

static void
test_no_region(void **state)
{
	struct conf_errors e;

	(void)state;
	setenv("AWS_REGION", "", 1); /* empty counts as unset */
	load_bad(DATA "noregion.conf", &e);
	assert_int_equal(e.n, 1);
	assert_error(&e, 0,
	    DATA "noregion.conf: no region: set regions in "
		 "[aws] or AWS_REGION");
	conf_errors_clear(&e);
}

/* A line of exactly n bytes, "# xxx...". */
static char *
long_line(size_t n)
{
	char *s = xmalloc(n + 1);

	memset(s, 'x', n);
	memcpy(s, "# ", 2);
	s[n] = '\0';
	return s;
}

static void
test_long_line(void **state)
{
	struct tdir *t = *state;
	struct conf_errors e;
	char *at_max, *past_max, *text;

	at_max = long_line(CONF_MAX_LINE);
	past_max = long_line(CONF_MAX_LINE + 1);
	xasprintf(
	    &text, "[aws]\n%s\nregions = us-east-1\n%s\n", at_max, past_max);
	write_file(t, "secmond.conf", text);
	load_bad(t->main, &e);
	assert_int_equal(e.n, 1);
	assert_error(
	    &e, 0, "%s:4: line longer than %d bytes", t->main, CONF_MAX_LINE);
	conf_errors_clear(&e);
	free(text);
	free(at_max);
	free(past_max);
}

/* Values past inih's 200-byte line buffer arrive whole. */
static void
test_long_value(void **state)
{
	struct tdir *t = *state;
	struct conf_errors e;
	struct conf *c;
	char text[2048], name[16];
	size_t i;

	strlcpy(text, "[aws]\nregions =", sizeof text);
	for (i = 1; i <= CONF_MAX_REGIONS; i++) {
		snprintf(name, sizeof name, " us-east-%zu", i);
		strlcat(text, name, sizeof text);
	}
	write_file(t, "secmond.conf", strcat(text, "\n"));
	c = load_ok(t->main);
	assert_int_equal(c->nregions, CONF_MAX_REGIONS);
	assert_string_equal(c->regions[CONF_MAX_REGIONS - 1], "us-east-64");
	conf_free(c);

	strcpy(text + strlen(text) - 1, " us-west-2\n");
	write_file(t, "secmond.conf", text);
	load_bad(t->main, &e);
	assert_int_equal(e.n, 1);
	assert_error(&e, 0, "%s:2: regions: more than %d regions", t->main,
	    CONF_MAX_REGIONS);
	conf_errors_clear(&e);
}

static void
test_too_many_errors(void **state)
{
	struct tdir *t = *state;
	struct conf_errors e;
	char text[4096];
	size_t i;

	strlcpy(text, "[daemon]\n", sizeof text);
	for (i = 0; i < 2 * CONF_MAX_ERRORS; i++)
		strlcat(text, "nope = 1\n", sizeof text);
	write_file(t, "secmond.conf", text);
	load_bad(t->main, &e);
	assert_int_equal(e.n, CONF_MAX_ERRORS);
	assert_error(&e, 0, "%s:2: unknown key 'nope' in [daemon]", t->main);
	assert_error(&e, CONF_MAX_ERRORS - 2,
	    "%s:%d: unknown key 'nope' in [daemon]", t->main, CONF_MAX_ERRORS);
	assert_error(
	    &e, CONF_MAX_ERRORS - 1, "%s: too many errors, giving up", t->main);
	conf_errors_clear(&e);
}

/* Drop-ins override the main file, report their own path and lines. */
static void
test_dropin_errors(void **state)
{
	struct tdir *t = *state;
	struct conf_errors e;
	char dropins[128];

	snprintf(dropins, sizeof dropins, "%s/conf.d", t->dir);
	write_file(t, "secmond.conf",
	    "[aws]\nregions = us-east-1\n"
	    "timeout = 10s\n");
	assert_int_equal(mkdir(dropins, 0700), 0);
	write_file(t, "conf.d/50-x.conf", "[aws]\n\ntimeout = 0\n");
	assert_int_equal(mkdir(strcat(dropins, "/60-dir.conf"), 0700), 0);
	load_bad(t->main, &e);
	assert_int_equal(e.n, 2);
	assert_error(&e, 0,
	    "%s/conf.d/50-x.conf:3: timeout: '0' is out of range 1s..1h",
	    t->dir);
	assert_error(&e, 1, "%s/conf.d/60-dir.conf: read error: %s", t->dir,
	    strerror(EISDIR));
	conf_errors_clear(&e);
}

static void
test_dropin_dir_is_file(void **state)
{
	struct tdir *t = *state;
	struct conf_errors e;

	write_file(t, "secmond.conf", "[aws]\nregions = us-east-1\n");
	write_file(t, "conf.d", "not a directory\n");
	load_bad(t->main, &e);
	assert_int_equal(e.n, 1);
	assert_error(
	    &e, 0, "%s/conf.d: cannot open: %s", t->dir, strerror(ENOTDIR));
	conf_errors_clear(&e);
}

static void
test_unreadable_dropin(void **state)
{
	struct tdir *t = *state;
	struct conf_errors e;
	char dropins[128], *path;

	if (geteuid() == 0)
		skip(); /* root reads mode 000 files */
	snprintf(dropins, sizeof dropins, "%s/conf.d", t->dir);
	write_file(t, "secmond.conf", "[aws]\nregions = us-east-1\n");
	assert_int_equal(mkdir(dropins, 0700), 0);
	path = write_bytes(t, "conf.d/x.conf", "", 0);
	assert_int_equal(chmod(path, 0), 0);
	load_bad(t->main, &e);
	assert_int_equal(e.n, 1);
	assert_error(&e, 0, "%s: cannot open: %s", path, strerror(EACCES));
	conf_errors_clear(&e);
	free(path);
}

/* A UTF-8 BOM, CRLF line ends, quotes, a ';' inside a value, a NUL. */
static void
test_odd_bytes(void **state)
{
	static const char text[] = "\xef\xbb\xbf[aws]\r\n"
				   "regions = \"us-east-1\"\r\n"
				   "profile = a;b\r\n"
				   "[daemon]\r\n"
				   "state_dir = /x\0y\r\n";
	struct tdir *t = *state;
	struct conf_errors e;
	char *path;

	path = write_bytes(t, "secmond.conf", text, sizeof text - 1);
	load_bad(path, &e);
	assert_int_equal(e.n, 2);
	assert_error(&e, 0, "%s:3: profile: 'a;b' is not a profile name", path);
	assert_error(&e, 1, "%s:5: NUL byte in line", path);
	conf_errors_clear(&e);
	free(path);
}

/* Account i is name with role_arn, first seen at file:line. */
static const struct conf_account *
assert_account(const struct conf *c, size_t i, const char *name,
    const char *role_arn, const char *file, unsigned line)
{
	const struct conf_account *a;

	assert_in_range(i, 0, c->naccounts - 1);
	a = &c->accounts[i];
	assert_string_equal(a->name, name);
	assert_string_equal(a->role_arn, role_arn);
	assert_string_equal(a->file, file);
	assert_int_equal(a->line, line);
	return a;
}

/* Several accounts in file order; no regions: those of [aws]. */
static void
test_accounts(void **state)
{
	const struct conf_account *a;
	struct conf *c;

	(void)state;
	c = load_ok(DATA "accounts.conf");
	assert_int_equal(c->naccounts, 4);
	a = assert_account(c, 0, "prod", ARN, DATA "accounts.conf", 5);
	assert_string_equal(a->external_id, "0123456789abcdef");
	assert_null(a->regions);
	assert_int_equal(a->nregions, 0);
	assert_int_equal(a->duration, 3600);
	assert_int_equal(a->enabled, 1);
	a = assert_account(c, 1, "dev.sandbox-1",
	    "arn:aws:iam::444455556666:role/ops/audit/secmond",
	    DATA "accounts.conf", 9);
	assert_null(a->external_id);
	assert_int_equal(a->nregions, 1);
	assert_string_equal(a->regions[0], "ap-southeast-2");
	assert_null(a->regions[1]);
	assert_int_equal(a->duration, 900);
	a = assert_account(c, 2, "China_1",
	    "arn:aws-cn:iam::777788889999:role/secmond", DATA "accounts.conf",
	    14);
	assert_int_equal(a->enabled, 0);
	assert_null(a->regions);
	a = assert_account(c, 3, "gov",
	    "arn:aws-us-gov:iam::000011112222:role/secmond",
	    DATA "accounts.conf", 18);
	assert_int_equal(a->enabled, 1);
	assert_int_equal(c->nregions, 2); /* what the others watch */
	conf_free(c);
}

/*
 * A drop-in overrides the keys it sets of an account (prod), completes
 * one (dev: its role_arn) and adds one (staging, after the main file's).
 */
static void
test_account_dropins(void **state)
{
	static const char main[] = DATA "accounts-dropin/secmond.conf";
	static const char drop[] =
	    DATA "accounts-dropin/conf.d/50-accounts.conf";
	const struct conf_account *a;
	struct conf *c;

	(void)state;
	c = load_ok(main);
	assert_int_equal(c->naccounts, 3);
	a = assert_account(c, 0, "prod", ARN, main, 4);
	assert_int_equal(a->duration, 3 * 3600);
	a = assert_account(
	    c, 1, "dev", "arn:aws:iam::444455556666:role/secmond", main, 9);
	assert_int_equal(a->nregions, 1);
	assert_string_equal(a->regions[0], "eu-west-1");
	assert_int_equal(a->duration, 3600);
	a = assert_account(
	    c, 2, "staging", "arn:aws:iam::999988887777:role/secmond", drop, 2);
	assert_null(a->regions);
	conf_free(c);
}

static void
test_bad_accounts(void **state)
{
	static const char *const want[] = {
		DATA "bad-accounts.conf:6: unknown key 'colour' in [account "
		     "prod]",
		DATA "bad-accounts.conf:8: duplicate section [account prod] "
		     "(first at line 4)",
		DATA "bad-accounts.conf:11: section [account] needs a name: "
		     "[account NAME]",
		DATA "bad-accounts.conf:12: bad account name 'bad/name': 1 to "
		     "64 letters, digits, '_', '.' or '-'",
		DATA "bad-accounts.conf:13: unknown section [aws extra]",
		DATA "bad-accounts.conf:22: role_arn: "
		     "'arn:aws:iam::1111:role/secmond' has no 12-digit account "
		     "id",
		DATA "bad-accounts.conf:23: duration: '1d' is out of range "
		     "15m..12h",
		DATA "bad-accounts.conf:24: regions: duplicate region "
		     "'us-east-1'",
		DATA "bad-accounts.conf:25: enabled: 'sometimes' is not yes or "
		     "no",
		DATA
		"bad-accounts.conf:26: external_id: 'x' is not an external "
		"id (2 to 1224 letters, digits or +=,.@:/_-)",
		/* after every file: the checks across accounts */
		DATA "bad-accounts.conf:15: [account nobody] has no role_arn",
		DATA "bad-accounts.conf:18: [account copy] has the role_arn of "
		     "[account prod] (" DATA "bad-accounts.conf:4)",
	};
	struct conf_errors e;

	(void)state;
	load_bad(DATA "bad-accounts.conf", &e);
	assert_errors(&e, want, sizeof want / sizeof want[0]);
	conf_errors_clear(&e);
}

/* In a drop-in too: a name once per file, a role_arn once overall. */
static void
test_account_dropin_errors(void **state)
{
	struct tdir *t = *state;
	struct conf_errors e;
	char dropins[128];

	snprintf(dropins, sizeof dropins, "%s/conf.d", t->dir);
	write_file(t, "secmond.conf",
	    "[aws]\nregions = us-east-1\n"
	    "[account a]\nrole_arn = " ARN "\n"
	    "[account b]\n");
	assert_int_equal(mkdir(dropins, 0700), 0);
	write_file(t, "conf.d/10-x.conf",
	    "[account b]\nrole_arn = " ARN "\nrole_arn = " ARN "\n"
	    "\n[account a]\n[account b]\n");
	load_bad(t->main, &e);
	assert_int_equal(e.n, 3);
	assert_error(&e, 0,
	    "%s/conf.d/10-x.conf:3: duplicate key 'role_arn' (first set at "
	    "line 2)",
	    t->dir);
	assert_error(&e, 1,
	    "%s/conf.d/10-x.conf:6: duplicate section [account b] (first at "
	    "line 1)",
	    t->dir);
	assert_error(&e, 2,
	    "%s:5: [account b] has the role_arn of [account a] (%s:3)", t->main,
	    t->main);
	conf_errors_clear(&e);
}

/* CONF_MAX_ACCOUNTS sections, then one too many. */
static void
test_too_many_accounts(void **state)
{
	struct tdir *t = *state;
	struct conf_errors e;
	struct conf *c;
	char *text, line[128];
	size_t i, len = 64 * (CONF_MAX_ACCOUNTS + 2);

	text = xcalloc(1, len);
	strlcpy(text, "[aws]\nregions = us-east-1\n", len);
	for (i = 0; i < CONF_MAX_ACCOUNTS; i++) {
		snprintf(line, sizeof line,
		    "[account a%zu]\nrole_arn = arn:aws:iam::%012zu:role/r\n",
		    i, i);
		strlcat(text, line, len);
	}
	write_file(t, "secmond.conf", text);
	c = load_ok(t->main);
	assert_int_equal(c->naccounts, CONF_MAX_ACCOUNTS);
	assert_string_equal(c->accounts[CONF_MAX_ACCOUNTS - 1].role_arn,
	    "arn:aws:iam::000000000255:role/r");
	conf_free(c);

	strlcat(text, "[account one-more]\nrole_arn = " ARN "\n", len);
	write_file(t, "secmond.conf", text);
	load_bad(t->main, &e);
	assert_int_equal(e.n, 1);
	assert_error(&e, 0, "%s:%d: more than %d accounts", t->main,
	    3 + 2 * CONF_MAX_ACCOUNTS, CONF_MAX_ACCOUNTS);
	conf_errors_clear(&e);
	free(text);
}

/* An external id is no secret, and may be 1224 bytes long. */
static void
test_external_id(void **state)
{
	struct tdir *t = *state;
	struct conf_errors e;
	struct conf *c;
	char id[1226], *text;

	memset(id, 'e', sizeof id - 1);
	id[1224] = '\0';
	xasprintf(&text,
	    "[aws]\nregions = us-east-1\n[account x]\n"
	    "role_arn = " ARN "\nexternal_id = %s\n",
	    id);
	write_file(t, "secmond.conf", text);
	free(text);
	c = load_ok(t->main);
	assert_string_equal(c->accounts[0].external_id, id);
	conf_free(c);

	id[1224] = 'e';
	id[1225] = '\0';
	xasprintf(&text,
	    "[account x]\nrole_arn = " ARN
	    "\nexternal_id = %s\n[aws]\nregions = us-east-1\n",
	    id);
	write_file(t, "secmond.conf", text);
	free(text);
	load_bad(t->main, &e);
	assert_int_equal(e.n, 1);
	assert_error(&e, 0,
	    "%s:3: external_id: '%.72s...' is not an external id (2 to 1224 "
	    "letters, digits or +=,.@:/_-)",
	    t->main, id);
	conf_errors_clear(&e);
}

/* Sink i is name of type, first seen at file:line. */
static const struct conf_sink *
assert_sink(const struct conf *c, size_t i, const char *name, int type,
    const char *file, unsigned line)
{
	const struct conf_sink *s;

	assert_in_range(i, 0, c->nsinks - 1);
	s = &c->sinks[i];
	assert_string_equal(s->name, name);
	assert_int_equal(s->type, type);
	assert_string_equal(s->file, file);
	assert_int_equal(s->line, line);
	return s;
}

/* Several sinks in file order, with their defaults and their own keys. */
static void
test_sinks(void **state)
{
	static const char f[] = DATA "sinks.conf";
	const struct conf_sink *s;
	struct conf *c;

	(void)state;
	c = load_ok(f);
	assert_int_equal(c->nsinks, 4);
	s = assert_sink(c, 0, "oncall", CONF_SINK_SNS, f, 5);
	assert_string_equal(s->topic_arn, TOPIC);
	assert_string_equal(s->topic_region, "us-east-1");
	assert_int_equal(s->fifo, 0);
	assert_int_equal(s->min_severity, CONF_SEV_HIGH);
	assert_int_equal(s->kinds, CONF_KIND_ALL);
	assert_int_equal(s->send_resolved, 1);
	assert_int_equal(s->enabled, 1);
	s = assert_sink(c, 1, "audit.fifo-1", CONF_SINK_SNS, f, 10);
	assert_string_equal(s->topic_arn,
	    "arn:aws-us-gov:sns:us-gov-west-1:444455556666:audit_trail-1.fifo");
	assert_string_equal(s->topic_region, "us-gov-west-1");
	assert_int_equal(s->fifo, 1);
	assert_int_equal(s->min_severity, CONF_SEV_LOW);
	assert_int_equal(s->kinds,
	    CONF_KIND_NEW_FINDING | CONF_KIND_FINDING_ESCALATED |
		CONF_KIND_CONTROL_FAILING);
	assert_int_equal(s->send_resolved, 0);
	s = assert_sink(c, 2, "log", CONF_SINK_JOURNAL, f, 16);
	assert_null(s->topic_arn);
	assert_null(s->topic_region);
	assert_string_equal(s->identifier, "secmond");
	assert_int_equal(s->facility, LOG_DAEMON);
	assert_int_equal(s->min_severity, CONF_SEV_LOW);
	assert_int_equal(s->kinds, CONF_KIND_ALL);
	assert_int_equal(s->send_resolved, 1);
	assert_int_equal(s->enabled, 1);
	s = assert_sink(c, 3, "Syslog_2", CONF_SINK_SYSLOG, f, 19);
	assert_int_equal(s->facility, LOG_LOCAL7);
	assert_string_equal(s->identifier, "secmond-sec");
	assert_int_equal(s->min_severity, CONF_SEV_MEDIUM);
	assert_int_equal(s->kinds, CONF_KIND_TEST);
	assert_int_equal(s->enabled, 0);
	assert_int_equal(c->naccounts, 0);
	conf_free(c);
}

/*
 * A drop-in overrides the keys it sets of a sink (oncall: its topic, and
 * so its region), completes one (log: its type) and adds one (chat).
 */
static void
test_sink_dropins(void **state)
{
	static const char main[] = DATA "sinks-dropin/secmond.conf";
	static const char drop[] = DATA "sinks-dropin/conf.d/50-sinks.conf";
	const struct conf_sink *s;
	struct conf *c;

	(void)state;
	c = load_ok(main);
	assert_int_equal(c->nsinks, 3);
	s = assert_sink(c, 0, "oncall", CONF_SINK_SNS, main, 4);
	assert_int_equal(s->min_severity, CONF_SEV_CRITICAL);
	assert_string_equal(
	    s->topic_arn, "arn:aws-cn:sns:cn-north-1:111122223333:secops-cn");
	assert_string_equal(s->topic_region, "cn-north-1");
	assert_int_equal(s->fifo, 0);
	s = assert_sink(c, 1, "log", CONF_SINK_SYSLOG, main, 10);
	assert_string_equal(s->identifier, "secmond-main");
	s = assert_sink(c, 2, "chat", CONF_SINK_SNS, drop, 2);
	assert_string_equal(s->topic_region, "eu-west-1");
	assert_int_equal(s->fifo, 1);
	assert_int_equal(s->min_severity, CONF_SEV_LOW);
	conf_free(c);
}

static void
test_bad_sinks(void **state)
{
	static const char *const want[] = {
		DATA "bad-sinks.conf:7: unknown key 'colour' in [sink oncall]",
		DATA "bad-sinks.conf:9: duplicate section [sink oncall] (first "
		     "at line 4)",
		DATA "bad-sinks.conf:12: section [sink] needs a name: [sink "
		     "NAME]",
		DATA "bad-sinks.conf:13: bad sink name 'bad/name': 1 to 64 "
		     "letters, digits, '_', '.' or '-'",
		DATA "bad-sinks.conf:29: type: 'email' is not sns, journal or "
		     "syslog",
		DATA
		"bad-sinks.conf:30: topic_arn: "
		"'arn:aws:sns:us-east-1:111122223333:bad.name' " TOPIC_NAME_MSG,
		DATA "bad-sinks.conf:31: min_severity: 'informational' is not "
		     "low, medium, high or critical",
		DATA
		"bad-sinks.conf:32: kinds: 'alarms' is not a kind " KINDS_MSG,
		DATA "bad-sinks.conf:33: send_resolved: 'maybe' is not yes or "
		     "no",
		DATA "bad-sinks.conf:34: facility: 'kern' is not daemon or "
		     "local0 to local7",
		DATA "bad-sinks.conf:35: identifier: 'has space' " IDENT_MSG,
		DATA "bad-sinks.conf:36: enabled: '2' is not yes or no",
		/* after every file: the checks across keys */
		DATA "bad-sinks.conf:15: [sink notype] has no type",
		DATA "bad-sinks.conf:18: [sink notopic] of type sns has no "
		     "topic_arn",
		DATA "bad-sinks.conf:20: facility: [sink notopic] is of type "
		     "sns; only sinks of type syslog take facility",
		DATA
		"bad-sinks.conf:21: identifier: [sink notopic] is of type "
		"sns; only sinks of type journal or syslog take identifier",
		DATA "bad-sinks.conf:25: topic_arn: [sink log] is of type "
		     "journal; only sinks of type sns take topic_arn",
		DATA "bad-sinks.conf:26: facility: [sink log] is of type "
		     "journal; only sinks of type syslog take facility",
	};
	struct conf_errors e;

	(void)state;
	load_bad(DATA "bad-sinks.conf", &e);
	assert_errors(&e, want, sizeof want / sizeof want[0]);
	conf_errors_clear(&e);
}

/*
 * Across files: a drop-in that changes a sink's type leaves the main
 * file's topic_arn on the wrong type, named at its own file and line; a
 * name opens once per file; a drop-in-only sink still needs its type.
 */
static void
test_sink_dropin_errors(void **state)
{
	struct tdir *t = *state;
	struct conf_errors e;
	char dropins[128];

	snprintf(dropins, sizeof dropins, "%s/conf.d", t->dir);
	write_file(t, "secmond.conf",
	    "[aws]\nregions = us-east-1\n"
	    "[sink a]\ntype = sns\ntopic_arn = " TOPIC "\n");
	assert_int_equal(mkdir(dropins, 0700), 0);
	write_file(t, "conf.d/10-x.conf",
	    "[sink a]\ntype = journal\n[sink b]\nenabled = no\n[sink a]\n");
	load_bad(t->main, &e);
	assert_int_equal(e.n, 3);
	assert_error(&e, 0,
	    "%s/conf.d/10-x.conf:5: duplicate section [sink a] (first at "
	    "line 1)",
	    t->dir);
	assert_error(&e, 1,
	    "%s:5: topic_arn: [sink a] is of type journal; only sinks of type "
	    "sns take topic_arn",
	    t->main);
	assert_error(
	    &e, 2, "%s/conf.d/10-x.conf:3: [sink b] has no type", t->dir);
	conf_errors_clear(&e);
}

/* CONF_MAX_SINKS sections, then one too many. */
static void
test_too_many_sinks(void **state)
{
	struct tdir *t = *state;
	struct conf_errors e;
	struct conf *c;
	char text[4096], line[64];
	size_t i;

	strlcpy(text, "[aws]\nregions = us-east-1\n", sizeof text);
	for (i = 0; i < CONF_MAX_SINKS; i++) {
		snprintf(line, sizeof line, "[sink s%zu]\ntype = journal\n", i);
		strlcat(text, line, sizeof text);
	}
	write_file(t, "secmond.conf", text);
	c = load_ok(t->main);
	assert_int_equal(c->nsinks, CONF_MAX_SINKS);
	assert_string_equal(c->sinks[CONF_MAX_SINKS - 1].name, "s31");
	conf_free(c);

	strlcat(text, "[sink one-more]\ntype = journal\n", sizeof text);
	write_file(t, "secmond.conf", text);
	load_bad(t->main, &e);
	assert_int_equal(e.n, 1);
	assert_error(&e, 0, "%s:%d: more than %d sinks", t->main,
	    3 + 2 * CONF_MAX_SINKS, CONF_MAX_SINKS);
	conf_errors_clear(&e);
}

/* The kind names round-trip, in the order of their bits. */
static void
test_kinds(void **state)
{
	static const char *const names[] = { "new_finding", "finding_escalated",
		"control_failing", "score_drop", "score_below_target", "alarm",
		"source_blind", "task_overdue", "test", "digest", "task_due" };
	unsigned bit, all = 0;
	size_t i;

	(void)state;
	for (i = 0; i < CONF_NELEM(names); i++) {
		assert_string_equal(conf_kind_name(1u << i), names[i]);
		assert_int_equal(conf_kind_parse(names[i], &bit), 0);
		assert_int_equal(bit, 1u << i);
		all |= bit;
	}
	assert_int_equal(all, CONF_KIND_ALL);
	assert_int_equal(CONF_KIND_TEST, 1u << 8);
	assert_int_equal(CONF_KIND_SCORE_DROP, 1u << 3);
	assert_null(conf_kind_name(0));
	assert_null(conf_kind_name(CONF_KIND_ALARM | CONF_KIND_TEST));
	assert_int_equal(CONF_KIND_TASK_DUE, 1u << 10);
	assert_null(conf_kind_name(1u << 11));
	bit = 42;
	assert_int_equal(conf_kind_parse("Alarm", &bit), -1);
	assert_int_equal(conf_kind_parse("", &bit), -1);
	assert_int_equal(bit, 42);
	assert_string_equal(conf_sink_type_name(CONF_SINK_SNS), "sns");
	assert_string_equal(conf_sink_type_name(CONF_SINK_JOURNAL), "journal");
	assert_string_equal(conf_sink_type_name(CONF_SINK_SYSLOG), "syslog");
	assert_null(conf_sink_type_name(CONF_SINK_NONE));
	assert_null(conf_sink_type_name(42));
	assert_string_equal(conf_action_name(CONF_ACTION_MANUAL), "manual");
	assert_string_equal(conf_action_name(CONF_ACTION_WAF), "waf-digest");
	assert_null(conf_action_name(CONF_ACTION_NONE));
	assert_null(conf_action_name(42));
}

/* One line in one section: good (want NULL) or the error after "line: ". */
struct value_case {
	const char *section;
	const char *line;
	const char *want;
};

static const struct value_case value_cases[] = {
	{ "daemon", "socket_mode = 600", NULL },
	{ "daemon", "socket_mode = 0660", NULL },
	{ "daemon", "socket_mode = 0750", NULL },
	{ "daemon", "socket_mode = 1660",
	    "socket_mode: '1660' is not an octal mode (0660)" },
	{ "daemon", "socket_mode = 0668",
	    "socket_mode: '0668' is not an octal mode (0660)" },
	{ "daemon", "socket_mode = 0661",
	    "socket_mode: '0661' gives access to other users; use 0660 or "
	    "0600" },
	{ "daemon",
	    "socket = /r/"
	    "12345678901234567890123456789012345678901234567890"
	    "12345678901234567890123456789012345678901234567890abcd",
	    NULL },
	{ "daemon",
	    "socket = /r/"
	    "12345678901234567890123456789012345678901234567890"
	    "12345678901234567890123456789012345678901234567890abcde",
	    "socket: path is 108 bytes, a socket path must be under 108" },
	{ "daemon", "state_dir =", "state_dir: '' is not an absolute path" },
	{ "daemon", "state_dir = \"\"",
	    "state_dir: '' is not an absolute path" },
	{ "daemon", "state_dir = \"/a b\" ", NULL },
	{ "daemon", "admin_group = _sec-ops.1", NULL },
	{ "daemon", "admin_group = sec ops",
	    "admin_group: 'sec ops' is not a group name" },
	{ "daemon", "admin_group = abcdefghijabcdefghijabcdefghijabc",
	    "admin_group: 'abcdefghijabcdefghijabcdefghijabc' is not a group "
	    "name" },
	{ "daemon", "log_level = \"debug\"", NULL },
	{ "daemon", "log_level = DEBUG",
	    "log_level: 'DEBUG' is not info or debug" },
	{ "daemon", "nope = 1", "unknown key 'nope' in [daemon]" },
	{ "daemon", "API_Token = x", SECRET_MSG },
	{ "daemon", "sns_secret = x", SECRET_MSG },
	{ "daemon", "Password = x", SECRET_MSG },
	{ "aws", "regions = us-east-1,eu-west-1, us-gov-east-1", NULL },
	{ "aws", "regions = ,", "regions: no region given" },
	{ "aws", "regions = US-EAST-1",
	    "regions: 'US-EAST-1' is not a region name (like us-east-1)" },
	{ "aws", "regions = us-east",
	    "regions: 'us-east' is not a region name (like us-east-1)" },
	{ "aws", "regions = useast-1",
	    "regions: 'useast-1' is not a region name (like us-east-1)" },
	{ "aws", "regions = us-east-1a",
	    "regions: 'us-east-1a' is not a region name (like us-east-1)" },
	{ "aws", "regions = us-east-1 ; eu-west-1",
	    "regions: ';' is not a region name (like us-east-1)" },
	{ "aws", "profile = a+b@c.d-e_F9", NULL },
	{ "aws", "profile = a/b", "profile: 'a/b' is not a profile name" },
	{ "aws", "endpoint_url = http://localhost", NULL },
	{ "aws", "endpoint_url = https://[::1]:8443/", NULL },
	{ "aws", "endpoint_url = http://h:0",
	    "endpoint_url: 'http://h:0': bad host or port" },
	{ "aws", "endpoint_url = http://h:65536",
	    "endpoint_url: 'http://h:65536': bad host or port" },
	{ "aws", "endpoint_url = http://",
	    "endpoint_url: 'http://': bad host or port" },
	{ "aws", "endpoint_url = http://h/p#f",
	    "endpoint_url: 'http://h/p#f': must have no query or fragment" },
	{ "aws", "endpoint_url = https://AKIA:hunter2@h",
	    "endpoint_url: must not hold user:password@" },
	{ "aws", "endpoint_url = http://h/a b",
	    "endpoint_url: 'http://h/a b': bad path" },
	{ "aws", "connect_timeout = 1", NULL },
	{ "aws", "connect_timeout = 5m", NULL },
	{ "aws", "connect_timeout = 301s",
	    "connect_timeout: '301s' is out of range 1s..5m" },
	{ "aws", "timeout = 0", "timeout: '0' is out of range 1s..1h" },
	{ "aws", "timeout = 1h1s", "timeout: '1h1s' is out of range 1s..1h" },
	{ "aws", "max_body = 64K", NULL },
	{ "aws", "max_body = 1g", NULL },
	{ "aws", "max_body = 65535",
	    "max_body: '65535' is out of range 64K..1G" },
	{ "aws", "max_body = 1025M",
	    "max_body: '1025M' is out of range 64K..1G" },
	{ "aws", "max_body = 16MB",
	    "max_body: '16MB' is not a size (like 512K, 16M, 1G)" },
	{ "aws", "max_body = 99999999999999999999G",
	    "max_body: '99999999999999999999G' is not a size (like 512K, 16M, "
	    "1G)" },
	{ "guardduty", "enabled = YES", NULL },
	{ "guardduty", "enabled = 0", NULL },
	{ "guardduty", "enabled = 2", "enabled: '2' is not yes or no" },
	{ "guardduty", "interval = 10s", NULL },
	{ "guardduty", "interval = 9", "interval: '9' is less than 10s" },
	{ "guardduty", "min_severity = 0", NULL },
	{ "guardduty", "min_severity = 10.0", NULL },
	{ "guardduty", "min_severity = Critical", NULL },
	{ "guardduty", "min_severity = 10.1",
	    "min_severity: '10.1' is not a severity (0.0 to 10.0, low, "
	    "medium, high or critical)" },
	{ "guardduty", "min_severity = 4.",
	    "min_severity: '4.' is not a severity (0.0 to 10.0, low, medium, "
	    "high or critical)" },
	{ "guardduty", "min_severity = -1",
	    "min_severity: '-1' is not a severity (0.0 to 10.0, low, medium, "
	    "high or critical)" },
	{ "aws", "max_attempts = 1", NULL },
	{ "aws", "max_attempts = 10", NULL },
	{ "aws", "max_attempts = 0",
	    "max_attempts: '0' is out of range 1..10" },
	{ "aws", "max_attempts = 11",
	    "max_attempts: '11' is out of range 1..10" },
	{ "aws", "max_attempts = three",
	    "max_attempts: 'three' is not a whole number" },
	{ "aws", "max_attempts = -1",
	    "max_attempts: '-1' is not a whole number" },
	{ "aws", "max_attempts =", "max_attempts: '' is not a whole number" },
	{ "aws", "max_concurrency = 256", NULL },
	{ "aws", "max_concurrency = 0016", NULL },
	{ "aws", "max_concurrency = 257",
	    "max_concurrency: '257' is out of range 1..256" },
	{ "aws", "max_concurrency = 99999999999999999999",
	    "max_concurrency: '99999999999999999999' is out of range 1..256" },
	{ "aws", "max_concurrency = 1e3",
	    "max_concurrency: '1e3' is not a whole number" },
	{ "aws", "rate_limit_factor = 0.05", NULL },
	{ "aws", "rate_limit_factor = 1", NULL },
	{ "aws", "rate_limit_factor = 1.000", NULL },
	{ "aws", "rate_limit_factor = 0.125", NULL },
	{ "aws", "rate_limit_factor = 0.049",
	    "rate_limit_factor: '0.049' is out of range 0.05..1.0" },
	{ "aws", "rate_limit_factor = 1.001",
	    "rate_limit_factor: '1.001' is out of range 0.05..1.0" },
	{ "aws", "rate_limit_factor = 0",
	    "rate_limit_factor: '0' is out of range 0.05..1.0" },
	{ "aws", "rate_limit_factor = .5",
	    "rate_limit_factor: '.5' is not a number (like 0.5, at most 3 "
	    "decimals)" },
	{ "aws", "rate_limit_factor = 0,5",
	    "rate_limit_factor: '0,5' is not a number (like 0.5, at most 3 "
	    "decimals)" },
	{ "aws", "rate_limit_factor = 0.0625",
	    "rate_limit_factor: '0.0625' is not a number (like 0.5, at most 3 "
	    "decimals)" },
	{ "aws", "rate_limit_factor = 50%",
	    "rate_limit_factor: '50%' is not a number (like 0.5, at most 3 "
	    "decimals)" },
	{ "aws", "role_session_name = ab", NULL },
	{ "aws", "role_session_name = A+=,.@_-z9", NULL },
	{ "aws", "role_session_name =", NULL },
	{ "aws",
	    "role_session_name = "
	    "1234567890123456789012345678901234567890123456789012345678901234",
	    NULL },
	{ "aws",
	    "role_session_name = "
	    "12345678901234567890123456789012345678901234567890123456789012345",
	    "role_session_name: "
	    "'12345678901234567890123456789012345678901234567890123456789012345"
	    "' is not a session name (2 to 64 letters, digits or +=,.@_-)" },
	{ "aws", "role_session_name = a",
	    "role_session_name: 'a' is not a session name (2 to 64 letters, "
	    "digits or +=,.@_-)" },
	{ "aws", "role_session_name = secmond host",
	    "role_session_name: 'secmond host' is not a session name (2 to 64 "
	    "letters, digits or +=,.@_-)" },
	{ "aws", "role_session_name = a:b",
	    "role_session_name: 'a:b' is not a session name (2 to 64 letters, "
	    "digits or +=,.@_-)" },
	/* [account x]: test_values adds role_arn unless the case sets it */
	{ "account x", "role_arn = arn:aws-us-gov:iam::111122223333:role/a/b/c",
	    NULL },
	{ "account x", "role_arn = arn:aws:iam::111122223333:role/A+=,.@_-",
	    NULL },
	{ "account x", "role_arn = arn:aws:iam::111122223333:user/x",
	    "role_arn: 'arn:aws:iam::111122223333:user/x' is not an IAM role "
	    "ARN (arn:aws:iam::123456789012:role/name)" },
	{ "account x", "role_arn = arn:aws:sts::111122223333:role/x",
	    "role_arn: 'arn:aws:sts::111122223333:role/x' is not an IAM role "
	    "ARN (arn:aws:iam::123456789012:role/name)" },
	{ "account x", "role_arn = arn:aws:iam:us-east-1:111122223333:role/x",
	    "role_arn: 'arn:aws:iam:us-east-1:111122223333:role/x' is not an "
	    "IAM role ARN (arn:aws:iam::123456789012:role/name)" },
	{ "account x", "role_arn = secmond",
	    "role_arn: 'secmond' is not an IAM role ARN "
	    "(arn:aws:iam::123456789012:role/name)" },
	{ "account x", "role_arn = arn:aws-eu:iam::111122223333:role/x",
	    "role_arn: 'arn:aws-eu:iam::111122223333:role/x' has an unknown "
	    "partition (aws, aws-cn or aws-us-gov)" },
	{ "account x", "role_arn = arn:aws:iam::11112222333:role/x",
	    "role_arn: 'arn:aws:iam::11112222333:role/x' has no 12-digit "
	    "account id" },
	{ "account x", "role_arn = arn:aws:iam::1111222233334:role/x",
	    "role_arn: 'arn:aws:iam::1111222233334:role/x' has no 12-digit "
	    "account id" },
	{ "account x", "role_arn = arn:aws:iam::111122223333:role/",
	    "role_arn: 'arn:aws:iam::111122223333:role/' has a bad role path "
	    "or name" },
	{ "account x", "role_arn = arn:aws:iam::111122223333:role/a//b",
	    "role_arn: 'arn:aws:iam::111122223333:role/a//b' has a bad role "
	    "path or name" },
	{ "account x", "role_arn = arn:aws:iam::111122223333:role/a/",
	    "role_arn: 'arn:aws:iam::111122223333:role/a/' has a bad role path "
	    "or name" },
	{ "account x", "role_arn = arn:aws:iam::111122223333:role/a b",
	    "role_arn: 'arn:aws:iam::111122223333:role/a b' has a bad role "
	    "path or name" },
	{ "account x",
	    "role_arn = arn:aws:iam::111122223333:role/"
	    "12345678901234567890123456789012345678901234567890123456789012345",
	    "role_arn: 'arn:aws:iam::111122223333:role/"
	    "12345678901234567890123456789012345678901..."
	    "' has a bad role path or name" },
	{ "account x", "external_id = ab", NULL },
	{ "account x", "external_id = a-Z_0+=,.@:/9", NULL },
	{ "account x", "external_id = a",
	    "external_id: 'a' is not an external id (2 to 1224 letters, digits "
	    "or +=,.@:/_-)" },
	{ "account x", "external_id = a#b",
	    "external_id: 'a#b' is not an external id (2 to 1224 letters, "
	    "digits or +=,.@:/_-)" },
	{ "account x", "regions = eu-west-1,us-east-1", NULL },
	{ "account x", "regions = moon",
	    "regions: 'moon' is not a region name (like us-east-1)" },
	{ "account x", "regions =", "regions: no region given" },
	{ "account x", "duration = 15m", NULL },
	{ "account x", "duration = 12h", NULL },
	{ "account x", "duration = 14m59s",
	    "duration: '14m59s' is out of range 15m..12h" },
	{ "account x", "duration = 43201",
	    "duration: '43201' is out of range 15m..12h" },
	{ "account x", "duration = soon",
	    "duration: 'soon' is not a duration (like 30s, 5m, 1h)" },
	{ "account x", "enabled = on", NULL },
	{ "account x", "enabled = nope", "enabled: 'nope' is not yes or no" },
	{ "account x", "regionz = us-east-1",
	    "unknown key 'regionz' in [account x]" },
	{ "account x", "session_token = x", SECRET_MSG },
	{ "account x", "secret_access_key = x", SECRET_MSG },
	{ "alerts", "group_wait = 0", NULL },
	{ "alerts", "group_wait = 1h", NULL },
	{ "alerts", "group_wait = 3601",
	    "group_wait: '3601' is out of range 0s..1h" },
	{ "alerts", "group_wait = soon",
	    "group_wait: 'soon' is not a duration (like 30s, 5m, 1h)" },
	{ "alerts", "repeat_interval = 1m", NULL },
	{ "alerts", "repeat_interval = 7d", NULL },
	{ "alerts", "repeat_interval = 59s",
	    "repeat_interval: '59s' is out of range 1m..7d" },
	{ "alerts", "repeat_interval = 7d1s",
	    "repeat_interval: '7d1s' is out of range 1m..7d" },
	{ "alerts", "retry_max_backoff = 10s", NULL },
	{ "alerts", "retry_max_backoff = 60m", NULL },
	{ "alerts", "retry_max_backoff = 9s",
	    "retry_max_backoff: '9s' is out of range 10s..1h" },
	{ "alerts", "retry_max_backoff = 2h",
	    "retry_max_backoff: '2h' is out of range 10s..1h" },
	{ "alerts", "nope = 1", "unknown key 'nope' in [alerts]" },
	{ "securityhub", "score_target = 0", NULL },
	{ "securityhub", "score_target = 100.0", NULL },
	{ "securityhub", "score_target = 100.1",
	    "score_target: '100.1' is not a percentage (0 to 100, at most one "
	    "decimal)" },
	{ "securityhub", "score_drop = 0.1", NULL },
	{ "securityhub", "score_drop = 100", NULL },
	{ "securityhub", "score_drop = 2.5", NULL },
	{ "securityhub", "score_drop = 0",
	    "score_drop: '0' is not a number of points (0.1 to 100, at most "
	    "one decimal)" },
	{ "securityhub", "score_drop = 100.1",
	    "score_drop: '100.1' is not a number of points (0.1 to 100, at "
	    "most one decimal)" },
	{ "securityhub", "score_drop = 0.05",
	    "score_drop: '0.05' is not a number of points (0.1 to 100, at "
	    "most one decimal)" },
	{ "securityhub", "score_drop = -2",
	    "score_drop: '-2' is not a number of points (0.1 to 100, at most "
	    "one decimal)" },
	{ "securityhub", "baseline = 1h", NULL },
	{ "securityhub", "baseline = 90d", NULL },
	{ "securityhub", "baseline = 59m",
	    "baseline: '59m' is out of range 1h..90d" },
	{ "securityhub", "baseline = 90d1s",
	    "baseline: '90d1s' is out of range 1h..90d" },
	{ "securityhub", "control_min_severity = informational", NULL },
	{ "securityhub", "control_min_severity = CRITICAL", NULL },
	{ "securityhub", "control_min_severity = Medium", NULL },
	{ "securityhub", "control_min_severity = 7",
	    "control_min_severity: '7' is not informational, low, medium, high "
	    "or critical" },
	{ "securityhub", "control_min_severity = none",
	    "control_min_severity: 'none' is not informational, low, medium, "
	    "high or critical" },
	/* [sink sns] and [sink syslog]: test_values adds type (and topic) */
	{ "sink t", "type = journal", NULL },
	{ "sink t", "type = syslog", NULL },
	{ "sink t", "type = SNS", "type: 'SNS' is not sns, journal or syslog" },
	{ "sink t", "type = email",
	    "type: 'email' is not sns, journal or syslog" },
	{ "sink t", "type =", "type: '' is not sns, journal or syslog" },
	{ "sink sns", "topic_arn = arn:aws:sns:eu-west-1:111122223333:a",
	    NULL },
	{ "sink sns",
	    "topic_arn = arn:aws-cn:sns:cn-north-1:111122223333:A_b-9", NULL },
	{ "sink sns", "topic_arn = arn:aws:sns:us-east-1:111122223333:a.fifo",
	    NULL },
	{ "sink sns",
	    "topic_arn = arn:aws:sns:us-east-1:111122223333:"
	    "1234567890123456789012345678901234567890123456789012345678901234"
	    "1234567890123456789012345678901234567890123456789012345678901234"
	    "1234567890123456789012345678901234567890123456789012345678901234"
	    "12345678901234567890123456789012345678901234567890123456789.fifo",
	    NULL },
	{ "sink sns",
	    "topic_arn = arn:aws:sns:us-east-1:111122223333:"
	    "1234567890123456789012345678901234567890123456789012345678901234"
	    "1234567890123456789012345678901234567890123456789012345678901234"
	    "1234567890123456789012345678901234567890123456789012345678901234"
	    "123456789012345678901234567890123456789012345678901234567890.fifo",
	    "topic_arn: 'arn:aws:sns:us-east-1:111122223333:"
	    "1234567890123456789012345678901234567..."
	    "' " TOPIC_NAME_MSG },
	{ "sink sns", "topic_arn = arn:aws:sns:us-east-1:111122223333:.fifo",
	    "topic_arn: "
	    "'arn:aws:sns:us-east-1:111122223333:.fifo' " TOPIC_NAME_MSG },
	{ "sink sns", "topic_arn = arn:aws:sns:us-east-1:111122223333:a.FIFO",
	    "topic_arn: "
	    "'arn:aws:sns:us-east-1:111122223333:a.FIFO' " TOPIC_NAME_MSG },
	{ "sink sns",
	    "topic_arn = arn:aws:sns:us-east-1:111122223333:a.fifo.fifo",
	    "topic_arn: "
	    "'arn:aws:sns:us-east-1:111122223333:a.fifo.fifo'"
	    " " TOPIC_NAME_MSG },
	{ "sink sns", "topic_arn = arn:aws:sns:us-east-1:111122223333:",
	    "topic_arn: "
	    "'arn:aws:sns:us-east-1:111122223333:' " TOPIC_NAME_MSG },
	{ "sink sns", "topic_arn = arn:aws:sns:us-east-1:111122223333:a:b",
	    "topic_arn: "
	    "'arn:aws:sns:us-east-1:111122223333:a:b' " TOPIC_NAME_MSG },
	{ "sink sns", "topic_arn = arn:aws:sqs:us-east-1:111122223333:q",
	    "topic_arn: 'arn:aws:sqs:us-east-1:111122223333:q' is not an SNS "
	    "topic ARN (arn:aws:sns:us-east-1:123456789012:name)" },
	{ "sink sns", "topic_arn = secops",
	    "topic_arn: 'secops' is not an SNS topic ARN "
	    "(arn:aws:sns:us-east-1:123456789012:name)" },
	{ "sink sns", "topic_arn = arn:aws-eu:sns:eu-west-1:111122223333:a",
	    "topic_arn: 'arn:aws-eu:sns:eu-west-1:111122223333:a' has an "
	    "unknown partition (aws, aws-cn or aws-us-gov)" },
	{ "sink sns", "topic_arn = arn:aws:sns::111122223333:a",
	    "topic_arn: 'arn:aws:sns::111122223333:a' has a bad region" },
	{ "sink sns", "topic_arn = arn:aws:sns:US-EAST-1:111122223333:a",
	    "topic_arn: 'arn:aws:sns:US-EAST-1:111122223333:a' has a bad "
	    "region" },
	{ "sink sns", "topic_arn = arn:aws:sns:us-east-1",
	    "topic_arn: 'arn:aws:sns:us-east-1' has a bad region" },
	{ "sink sns", "topic_arn = arn:aws:sns:us-east-1:11112222333:a",
	    "topic_arn: 'arn:aws:sns:us-east-1:11112222333:a' has no 12-digit "
	    "account id" },
	{ "sink sns", "topic_arn = arn:aws:sns:us-east-1:111122223333",
	    "topic_arn: 'arn:aws:sns:us-east-1:111122223333' has no 12-digit "
	    "account id" },
	{ "sink sns", "min_severity = low", NULL },
	{ "sink sns", "min_severity = CRITICAL", NULL },
	{ "sink sns", "min_severity = informational",
	    "min_severity: 'informational' is not low, medium, high or "
	    "critical" },
	{ "sink sns", "min_severity = 7.0",
	    "min_severity: '7.0' is not low, medium, high or critical" },
	{ "sink sns",
	    "kinds = new_finding,finding_escalated control_failing, score_drop "
	    "score_below_target alarm source_blind task_overdue test",
	    NULL },
	{ "sink sns", "kinds = test", NULL },
	{ "sink sns", "kinds =", "kinds: no kind given" },
	{ "sink sns", "kinds = ,", "kinds: no kind given" },
	{ "sink sns", "kinds = alarm alarm", "kinds: 'alarm' is listed twice" },
	{ "sink sns", "kinds = Alarm",
	    "kinds: 'Alarm' is not a kind " KINDS_MSG },
	{ "sink sns", "kinds = all", "kinds: 'all' is not a kind " KINDS_MSG },
	{ "sink sns", "send_resolved = off", NULL },
	{ "sink sns", "send_resolved = sometimes",
	    "send_resolved: 'sometimes' is not yes or no" },
	{ "sink sns", "enabled = false", NULL },
	{ "sink sns", "enabled = -", "enabled: '-' is not yes or no" },
	{ "sink sns", "facilty = daemon",
	    "unknown key 'facilty' in [sink sns]" },
	{ "sink sns", "sns_token = x", SECRET_MSG },
	{ "sink syslog", "facility = daemon", NULL },
	{ "sink syslog", "facility = local0", NULL },
	{ "sink syslog", "facility = local7", NULL },
	{ "sink syslog", "facility = local8",
	    "facility: 'local8' is not daemon or local0 to local7" },
	{ "sink syslog", "facility = LOCAL0",
	    "facility: 'LOCAL0' is not daemon or local0 to local7" },
	{ "sink syslog", "facility = user",
	    "facility: 'user' is not daemon or local0 to local7" },
	{ "sink syslog", "identifier = a", NULL },
	{ "sink syslog", "identifier = Sec_mond-2.x", NULL },
	{ "sink syslog",
	    "identifier = "
	    "1234567890123456789012345678901234567890123456789012345678901234",
	    NULL },
	{ "sink syslog",
	    "identifier = "
	    "12345678901234567890123456789012345678901234567890123456789012345",
	    "identifier: "
	    "'12345678901234567890123456789012345678901234567890123456789012345"
	    "' " IDENT_MSG },
	{ "sink syslog", "identifier =", "identifier: '' " IDENT_MSG },
	{ "sink syslog", "identifier = a b", "identifier: 'a b' " IDENT_MSG },
	{ "sink syslog", "identifier = a:b", "identifier: 'a:b' " IDENT_MSG },
	{ "sink journal", "identifier = secmond-j", NULL },
	{ "sink journal", "kinds = score_drop, score_below_target", NULL },
};

/* A section header: good (want NULL) or the error after "line 1: ". */
struct header_case {
	const char *header;
	const char *want;
};

static const struct header_case header_cases[] = {
	{ "[account  a-b_c.D9]", NULL },
	{ "[ account x ]", NULL },
	{ "[account "
	  "1234567890123456789012345678901234567890123456789012345678901234]",
	    NULL },
	{ "[account]", "section [account] needs a name: [account NAME]" },
	{ "[account ]", "section [account] needs a name: [account NAME]" },
	{ "[account x y]",
	    "bad account name 'x y': 1 to 64 letters, digits, '_', '.' or "
	    "'-'" },
	{ "[account x/y]",
	    "bad account name 'x/y': 1 to 64 letters, digits, '_', '.' or "
	    "'-'" },
	{ "[account "
	  "12345678901234567890123456789012345678901234567890123456789012345]",
	    "bad account name "
	    "'12345678901234567890123456789012345678901234567890123456789012345"
	    "': 1 to 64 letters, digits, '_', '.' or '-'" },
	{ "[aws x]", "unknown section [aws x]" },
	{ "[Account x]", "unknown section [Account x]" },
	{ "[accounts]", "unknown section [accounts]" },
};

/* Each header, then a role_arn: good, or one error at line 1. */
static void
test_headers(void **state)
{
	struct tdir *t = *state;
	const struct header_case *hc;
	struct conf_errors e;
	char text[512];
	size_t i;

	setenv("AWS_REGION", "us-east-1", 1);
	for (i = 0; i < sizeof header_cases / sizeof header_cases[0]; i++) {
		hc = &header_cases[i];
		print_message("case: %s\n", hc->header);
		snprintf(
		    text, sizeof text, "%s\nrole_arn = " ARN "\n", hc->header);
		write_file(t, "secmond.conf", text);
		if (hc->want == NULL) {
			conf_free(load_ok(t->main));
			continue;
		}
		load_bad(t->main, &e);
		assert_int_equal(e.n, 1);
		assert_error(&e, 0, "%s:1: %s", t->main, hc->want);
		conf_errors_clear(&e);
	}
}

static const struct header_case sink_header_cases[] = {
	{ "[sink  a-b_c.D9]", NULL },
	{ "[ sink x ]", NULL },
	{ "[sink "
	  "1234567890123456789012345678901234567890123456789012345678901234]",
	    NULL },
	{ "[sink]", "section [sink] needs a name: [sink NAME]" },
	{ "[sink ]", "section [sink] needs a name: [sink NAME]" },
	{ "[sink x y]",
	    "bad sink name 'x y': 1 to 64 letters, digits, '_', '.' or '-'" },
	{ "[sink "
	  "12345678901234567890123456789012345678901234567890123456789012345]",
	    "bad sink name "
	    "'12345678901234567890123456789012345678901234567890123456789012345"
	    "': 1 to 64 letters, digits, '_', '.' or '-'" },
	{ "[Sink x]", "unknown section [Sink x]" },
	{ "[sinks x]", "unknown section [sinks x]" },
	{ "[alerts x]", "unknown section [alerts x]" },
};

/* Each header, then a type: good, or one error at line 1. */
static void
test_sink_headers(void **state)
{
	struct tdir *t = *state;
	const struct header_case *hc;
	struct conf_errors e;
	char text[512];
	size_t i;

	setenv("AWS_REGION", "us-east-1", 1);
	for (i = 0; i < CONF_NELEM(sink_header_cases); i++) {
		hc = &sink_header_cases[i];
		print_message("case: %s\n", hc->header);
		snprintf(text, sizeof text, "%s\ntype = journal\n", hc->header);
		write_file(t, "secmond.conf", text);
		if (hc->want == NULL) {
			conf_free(load_ok(t->main));
			continue;
		}
		load_bad(t->main, &e);
		assert_int_equal(e.n, 1);
		assert_error(&e, 0, "%s:1: %s", t->main, hc->want);
		conf_errors_clear(&e);
	}
}

/* What the section of a case needs besides its line: role_arn, type. */
static const char *
value_rest(const struct value_case *vc)
{
	if (strncmp(vc->section, "account ", 8) == 0)
		return strncmp(vc->line, "role_arn", 8) == 0 ? ""
							     : "role_arn = " ARN
							       "\n";
	if (strcmp(vc->section, "sink sns") == 0)
		return strncmp(vc->line, "topic_arn", 9) == 0
		    ? "type = sns\n"
		    : "type = sns\ntopic_arn = " TOPIC "\n";
	if (strcmp(vc->section, "sink syslog") == 0)
		return "type = syslog\n";
	if (strcmp(vc->section, "sink journal") == 0)
		return "type = journal\n";
	return "";
}

static void
test_values(void **state)
{
	struct tdir *t = *state;
	const struct value_case *vc;
	struct conf_errors e;
	char text[1024];
	size_t i;

	setenv("AWS_REGION", "us-east-1", 1);
	for (i = 0; i < sizeof value_cases / sizeof value_cases[0]; i++) {
		vc = &value_cases[i];
		print_message("case: [%s] %s\n", vc->section, vc->line);
		assert_true(
		    (size_t)snprintf(text, sizeof text, "[%s]\n%s\n%s",
			vc->section, vc->line, value_rest(vc)) < sizeof text);
		write_file(t, "secmond.conf", text);
		if (vc->want == NULL) {
			conf_free(load_ok(t->main));
			continue;
		}
		load_bad(t->main, &e);
		assert_int_equal(e.n, 1);
		assert_error(&e, 0, "%s:2: %s", t->main, vc->want);
		conf_errors_clear(&e);
	}
}

/* The example config loads, and its commented defaults are the defaults. */
static void
test_example_config(void **state)
{
	struct conf *c;

	(void)state;
	c = load_ok("conf/secmond.conf");
	assert_defaults_but_regions(c);
	assert_int_equal(c->nregions, 1);
	assert_string_equal(c->regions[0], "us-east-1");
	conf_free(c);
}

/* Every commented-out line of the example config, uncommented, loads. */
static void
test_example_uncommented(void **state)
{
	struct tdir *t = *state;
	char line[CONF_MAX_LINE + 2], *path;
	struct conf *c;
	FILE *in, *out;

	xasprintf(&path, "%s/secmond.conf", t->dir);
	assert_non_null(in = fopen("conf/secmond.conf", "r"));
	assert_non_null(out = fopen(path, "w"));
	while (fgets(line, sizeof line, in) != NULL) {
		if (line[0] == '#' && line[1] != ' ' && line[1] != '\n')
			fputs(line + 1, out);
		else
			fputs(line, out);
	}
	fclose(in);
	assert_int_equal(fclose(out), 0);
	c = load_ok(path);
	assert_int_equal(c->naccounts, 1);
	assert_string_equal(c->accounts[0].name, "prod");
	assert_int_equal(c->accounts[0].duration, 3600);
	assert_int_equal(c->accounts[0].enabled, 1);
	assert_string_equal(c->role_session_name, "secmond-host1");
	assert_int_equal(c->nsinks, 2);
	assert_string_equal(c->sinks[0].name, "oncall");
	assert_int_equal(c->sinks[0].type, CONF_SINK_SNS);
	assert_string_equal(
	    c->sinks[0].topic_arn, "arn:aws:sns:us-east-1:111122223333:secops");
	assert_int_equal(c->sinks[0].min_severity, CONF_SEV_LOW);
	assert_string_equal(c->sinks[0].topic_region, "us-east-1");
	assert_int_equal(c->sinks[0].kinds,
	    CONF_KIND_NEW_FINDING | CONF_KIND_FINDING_ESCALATED |
		CONF_KIND_SCORE_DROP | CONF_KIND_SOURCE_BLIND | CONF_KIND_TEST);
	assert_int_equal(c->sinks[0].send_resolved, 1);
	assert_int_equal(c->sinks[0].enabled, 1);
	assert_string_equal(c->sinks[1].name, "log");
	assert_int_equal(c->sinks[1].type, CONF_SINK_SYSLOG);
	assert_int_equal(c->sinks[1].facility, LOG_DAEMON);
	assert_string_equal(c->sinks[1].identifier, "secmond");
	assert_true(c->securityhub.score_drop == 2.0);
	assert_int_equal(c->securityhub.baseline, 7 * 86400);
	assert_int_equal(c->securityhub.control_min_severity, CONF_SH_HIGH);
	assert_int_equal(c->alerts.group_wait, 30);
	assert_int_equal(c->alerts.repeat_interval, 4 * 3600);
	assert_int_equal(c->alerts.retry_max_backoff, 300);
	assert_int_equal(c->max_attempts, 3);
	assert_int_equal(c->max_concurrency, 16);
	assert_true(c->rate_limit_factor == 0.5);
	assert_int_equal(c->maintenance.enabled, 1);
	assert_string_equal(c->maintenance.timezone, "Europe/Berlin");
	assert_int_equal(c->ntasks, 14);
	assert_string_equal(c->tasks[13].name, "backup-check");
	assert_int_equal(c->tasks[13].action, CONF_ACTION_MANUAL);
	assert_int_equal(c->tasks[13].grace, 4 * 3600);
	assert_string_equal(c->tasks[12].name, "dr-test");
	assert_int_equal(c->tasks[12].grace, 30 * 86400);
	assert_string_equal(c->tasks[12].sinks[0], "oncall");
	assert_string_equal(c->tasks[4].name, "waf-review");
	assert_string_equal(c->tasks[4].schedule, "Fri *-*-* 16:00:00");
	assert_int_equal(c->tasks[4].randomized_delay, 1800);
	conf_free(c);
	free(path);
}

static void
test_free_and_clear(void **state)
{
	struct conf_errors e;

	(void)state;
	conf_free(NULL);
	conf_errors_clear(NULL);
	load_bad(DATA "dup.conf", &e);
	conf_errors_clear(&e);
	assert_null(e.msg);
	assert_int_equal(e.n, 0);
	conf_errors_clear(&e);
}

/* Is key set (or shown, commented out) in the example config? */
static int
example_has(const char *example, const char *key)
{
	const char *p;
	size_t n = strlen(key);

	for (p = example; (p = strstr(p, key)) != NULL; p += n) {
		const char *b = p;

		while (b > example && (b[-1] == ' ' || b[-1] == '#'))
			b--;
		if ((b == example || b[-1] == '\n') &&
		    strncmp(p + n, " = ", 3) == 0)
			return 1;
	}
	return 0;
}

/*
 * Every key the parser takes is in secmond.conf(5), in its section, with
 * its default (or said to be required), and in the example config.
 */
static void
test_manual(void **state)
{
	char *man, *sec, *end, *want, *item, *next, head[64], *example;
	const char *name, *key;
	size_t i, k, n = 0;
	long len;
	FILE *f;
	int named;

	(void)state;
	assert_non_null(f = fopen("conf/secmond.conf", "r"));
	example = xcalloc(1, 65536);
	assert_true(fread(example, 1, 65535, f) > 0);
	fclose(f);
	assert_non_null(f = fopen("man/secmond.conf.5", "r"));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_true((len = ftell(f)) > 0);
	rewind(f);
	man = xcalloc(1, (size_t)len + 1);
	assert_int_equal(fread(man, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	for (i = 0; (name = conf_section_name(i, &named)) != NULL; i++) {
		snprintf(head, sizeof head, "\n.Ss The [%s%s] section\n", name,
		    named ? " NAME" : "");
		if ((sec = strstr(man, head)) == NULL)
			fail_msg("secmond.conf(5) has no '%s'", head + 1);
		sec += strlen(head);
		/* Up to the next .Ss or .Sh (not .Sx). */
		for (end = sec; (end = strstr(end, "\n.S")) != NULL; end++)
			if (end[3] == 's' || end[3] == 'h')
				break;
		if (end != NULL)
			*end = '\0';
		for (k = 0; (key = conf_section_key(i, k)) != NULL; k++, n++) {
			xasprintf(&want, "\n.It Ic %s No = ", key);
			if ((item = strstr(sec, want)) == NULL)
				fail_msg("secmond.conf(5) does not describe %s "
					 "in [%s]",
				    key, name);
			free(want);
			item += 4;
			if ((next = strstr(item, "\n.It ")) == NULL)
				next = item + strlen(item);
			want = xstrndup(item, (size_t)(next - item));
			if (strstr(want, "efault") == NULL &&
			    strstr(want, "equired") == NULL)
				fail_msg("secmond.conf(5): %s in [%s] has no "
					 "default",
				    key, name);
			free(want);
			if (!example_has(example, key))
				fail_msg(
				    "conf/secmond.conf has no example of %s",
				    key);
		}
		if (end != NULL)
			*end = '\n';
	}
	assert_true(n >= 50);
	free(man);
	free(example);
}

/* The maintenance catalog: built in, a file beside, overridden. */
static void
test_tasks(void **state)
{
	struct tdir *t = *state;
	struct conf *c;
	char *path;

	xasprintf(&path, "%s/secmond.conf", t->dir);
	write_file(t, "secmond.conf", "[aws]\nregions = us-east-1\n");
	c = load_ok(path);
	/* The checklist: 3 daily, 3 weekly, 3 monthly, 4 quarterly. */
	assert_int_equal(c->ntasks, 13);
	assert_string_equal(c->tasks[0].name, "guardduty-review");
	assert_int_equal(c->tasks[0].action, CONF_ACTION_GUARDDUTY);
	assert_string_equal(c->tasks[0].schedule, "*-*-* 08:00:00");
	assert_string_equal(c->tasks[4].name, "waf-review");
	assert_int_equal(c->tasks[4].action, CONF_ACTION_WAF);
	assert_string_equal(c->tasks[12].name, "dr-test");
	assert_int_equal(c->tasks[12].action, CONF_ACTION_MANUAL);
	assert_int_equal(c->tasks[12].grace, 14 * 86400);
	assert_string_equal(c->tasks[12].schedule, "quarterly");
	assert_int_equal(c->maintenance.enabled, 1);
	assert_null(c->maintenance.timezone);
	conf_free(c);

	/* The config overrides a catalog task key by key, and adds one. */
	write_file(t, "secmond.conf",
	    "[aws]\nregions = us-east-1\n[maintenance]\ntimezone = "
	    "Europe/Berlin\n[sink ops]\ntype = journal\n[task dr-test]\n"
	    "grace = 30d\nsinks = ops\n[task waf-review]\nenabled = no\n"
	    "[task extra]\ntitle = Rotate keys\nschedule = Mon..Fri 10:00\n"
	    "action = manual\nrandomized_delay = 15m\n");
	c = load_ok(path);
	assert_int_equal(c->ntasks, 14);
	assert_string_equal(c->maintenance.timezone, "Europe/Berlin");
	assert_int_equal(c->tasks[12].grace, 30 * 86400);
	assert_string_equal(
	    c->tasks[12].title, "Conduct disaster recovery testing");
	assert_int_equal(c->tasks[12].nsinks, 1);
	assert_string_equal(c->tasks[12].sinks[0], "ops");
	assert_int_equal(c->tasks[4].enabled, 0);
	assert_string_equal(c->tasks[13].name, "extra");
	assert_int_equal(c->tasks[13].randomized_delay, 900);
	assert_int_equal(c->tasks[13].grace, 86400);
	conf_free(c);

	/* A catalog beside the config replaces the built-in one. */
	write_file(t, "maintenance.conf",
	    "[task only]\ntitle = Only\nschedule = weekly\n"
	    "action = digest alarms\n");
	write_file(t, "secmond.conf", "[aws]\nregions = us-east-1\n");
	c = load_ok(path);
	assert_int_equal(c->ntasks, 1);
	assert_string_equal(c->tasks[0].name, "only");
	assert_int_equal(c->tasks[0].action, CONF_ACTION_ALARMS);
	conf_free(c);
	free(path);
}

static void
test_bad_tasks(void **state)
{
	struct tdir *t = *state;
	struct conf_errors e;
	char *path, *cat;

	xasprintf(&path, "%s/secmond.conf", t->dir);
	xasprintf(&cat, "%s/maintenance.conf", t->dir);
	write_file(t, "maintenance.conf",
	    "[task a]\ntitle = A\nschedule = daily\naction = "
	    "guardduty-digest\ngrace = 1d\n[daemon]\nlog_level = debug\n");
	write_file(t, "secmond.conf",
	    "[aws]\nregions = us-east-1\n[maintenance]\ntimezone = "
	    "Mars/Olympus\n[task b]\nschedule = 25:00\naction = email\n"
	    "grace = 1s\n[task c]\ntitle = C\nschedule = daily\n"
	    "action = manual\nsinks = nowhere\n");
	load_bad(path, &e);
	assert_int_equal(e.n, 8);
	assert_error(&e, 0,
	    "%s:6: [daemon] in the maintenance catalog: only [task NAME] "
	    "sections belong there",
	    cat);
	assert_true(strncmp(e.msg[1], path, strlen(path)) == 0 &&
	    strstr(e.msg[1], ":4: timezone: ") != NULL &&
	    strstr(e.msg[1], "Mars/Olympus") != NULL);
	assert_true(strstr(e.msg[2], ":6: schedule: ") != NULL &&
	    strstr(e.msg[2], "25") != NULL);
	assert_error(&e, 3,
	    "%s:7: action: unknown action 'email' (manual, "
	    "guardduty-digest, alarms-digest, securityhub-digest or "
	    "waf-digest)",
	    path);
	assert_error(&e, 4, "%s:8: grace: '1s' is out of range 1m..90d", path);
	assert_error(&e, 5,
	    "%s:5: grace: [task a] is an automated review (guardduty-digest); "
	    "only manual tasks take grace",
	    cat);
	assert_error(&e, 6, "%s:5: [task b] has no title", path);
	assert_error(&e, 7,
	    "%s:13: sinks: [task c] names 'nowhere', which is not a [sink "
	    "NAME] of the config",
	    path);
	conf_errors_clear(&e);
	free(cat);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_minimal_defaults, setup_env),
		cmocka_unit_test_setup_teardown(
		    test_sources, setup_dir, teardown_dir),
		cmocka_unit_test_setup(test_every_key, setup_env),
		cmocka_unit_test_setup_teardown(
		    test_tasks, setup_dir, teardown_dir),
		cmocka_unit_test(test_manual),
		cmocka_unit_test_setup_teardown(
		    test_bad_tasks, setup_dir, teardown_dir),
		cmocka_unit_test_setup(test_dropin_order, setup_env),
		cmocka_unit_test_setup(test_bad_values, setup_env),
		cmocka_unit_test_setup(test_bad_syntax, setup_env),
		cmocka_unit_test_setup(test_secrets, setup_env),
		cmocka_unit_test_setup(test_duplicate_key, setup_env),
		cmocka_unit_test_setup(test_missing_file, setup_env),
		cmocka_unit_test_setup(test_region_from_env, setup_env),
		cmocka_unit_test_setup(test_no_region, setup_env),
		cmocka_unit_test_setup_teardown(
		    test_long_line, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
		    test_long_value, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
		    test_too_many_errors, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
		    test_dropin_errors, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
		    test_dropin_dir_is_file, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
		    test_unreadable_dropin, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
		    test_odd_bytes, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
		    test_values, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
		    test_headers, setup_dir, teardown_dir),
		cmocka_unit_test_setup(test_accounts, setup_env),
		cmocka_unit_test_setup(test_account_dropins, setup_env),
		cmocka_unit_test_setup(test_bad_accounts, setup_env),
		cmocka_unit_test_setup_teardown(
		    test_account_dropin_errors, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
		    test_too_many_accounts, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
		    test_external_id, setup_dir, teardown_dir),
		cmocka_unit_test_setup(test_sinks, setup_env),
		cmocka_unit_test_setup(test_sink_dropins, setup_env),
		cmocka_unit_test_setup(test_bad_sinks, setup_env),
		cmocka_unit_test_setup_teardown(
		    test_sink_dropin_errors, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
		    test_too_many_sinks, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
		    test_sink_headers, setup_dir, teardown_dir),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test_setup(test_example_config, setup_env),
		cmocka_unit_test_setup_teardown(
		    test_example_uncommented, setup_dir, teardown_dir),
		cmocka_unit_test_setup(test_free_and_clear, setup_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
