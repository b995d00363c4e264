/*
 * test_state.c: the GuardDuty diff in SQLite: new findings alert once,
 * escalations alert, findings that leave the listing resolve and alert
 * again if they come back, a reopened database remembers it all, a second
 * opener is locked out, and outbox rows leave only when the sink took
 * them (a failure keeps them until their next attempt).
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

#include "alert.h"
#include "conf.h"
#include "gd.h"
#include "state.h"

static char dir[64];

static struct gd_finding
f(const char *id, double sev)
{
	struct gd_finding x;

	memset(&x, 0, sizeof x);
	x.id = (char *)(uintptr_t)id;
	x.type = (char *)(uintptr_t) "Recon:EC2/Portscan";
	x.title = (char *)(uintptr_t) "title";
	x.account_id = (char *)(uintptr_t) "111122223333";
	x.region = (char *)(uintptr_t) "us-east-1";
	x.updated_at = (char *)(uintptr_t) "2026-11-20T10:00:00.000Z";
	x.severity = sev;
	x.count = 1;
	return x;
}

static unsigned
apply(struct state *s, struct gd_finding *fs, size_t n)
{
	struct gd_snapshot snap = {
		.findings = fs, .n = n, .ndetectors = 1, .calls = 1
	};
	struct sm_err err;
	unsigned nalerts = 99;

	assert_int_equal(state_apply_gd(s, "default", "us-east-1", &snap,
			     time(NULL), 5, &nalerts, &err),
	    0);
	return nalerts;
}

/* The next group for sink "j": "kind/event:subject,subject " or "". */
static void
next_group(struct state *s, time_t now, char *out, size_t len, int deliver)
{
	struct state_group g;
	size_t i;

	out[0] = '\0';
	if (state_outbox_next(s, "j", now, now, &g) != 1)
		return;
	snprintf(out, len, "%s/%s:", g.kind, g.event);
	for (i = 0; i < g.n; i++) {
		strcat(out, g.items[i].subject);
		strcat(out, i + 1 < g.n ? "," : "");
	}
	if (deliver)
		assert_int_equal(state_outbox_delivered(s, "j", &g, now), 0);
	else
		assert_int_equal(
		    state_outbox_failed(s, "j", &g, now + 60, "boom"), 0);
	state_group_clear(&g);
}

static void
sinks(struct state *s)
{
	struct state_sink k = { (char *)(uintptr_t) "j", CONF_KIND_ALL, 0, 1 };

	state_set_sinks(s, &k, 1);
}

static int
setup(void **st)
{
	(void)st;
	strcpy(dir, "/tmp/test_state.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int
teardown(void **st)
{
	char cmd[128];

	(void)st;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

static void
test_diff(void **st)
{
	struct gd_finding a[3] = { f("a", 5.0), f("b", 8.0), f("c", 9.5) };
	struct state *s;
	struct sm_err err;
	long long c[4];
	char g[512];
	time_t now;

	(void)st;
	assert_non_null(s = state_open(dir, &err));
	sinks(s);
	assert_int_equal(apply(s, a, 3), 3);
	now = time(NULL); /* not before the apply: a second may have passed */
	/* The sink fails: the rows stay, due again after their backoff. */
	next_group(s, now, g, sizeof g, 0);
	assert_string_equal(g, "new_finding/firing:c,b,a");
	next_group(s, now, g, sizeof g, 1);
	assert_string_equal(g, "");
	next_group(s, now + 60, g, sizeof g, 1);
	assert_string_equal(g, "new_finding/firing:c,b,a");
	next_group(s, now + 60, g, sizeof g, 1);
	assert_string_equal(g, "");
	assert_int_equal(apply(s, a, 3), 0);
	state_gd_counts(s, "default", "us-east-1", c);
	assert_int_equal(c[1], 1);
	assert_int_equal(c[2], 1);
	assert_int_equal(c[3], 1);

	/* a escalates, c leaves the listing (resolved); a lower one is no
	 * alert. */
	a[0].severity = 7.5;
	a[1].severity = 7.0;
	assert_int_equal(apply(s, a, 2), 1);
	state_gd_counts(s, "default", "us-east-1", c);
	assert_int_equal(c[2], 2);
	assert_int_equal(c[3], 0);
	next_group(s, now + 60, g, sizeof g, 1);
	assert_string_equal(g, "finding_escalated/firing:a");
	next_group(s, now + 60, g, sizeof g, 1);
	assert_string_equal(g, "new_finding/resolved:c");
	state_close(s);

	/* Reopened: nothing new; c coming back is new again. */
	assert_non_null(s = state_open(dir, &err));
	sinks(s);
	assert_int_equal(state_alerts_total(s), 5);
	assert_int_equal(apply(s, a, 2), 0);
	assert_int_equal(apply(s, a, 3), 1);
	state_close(s);
}

/* One Security Hub poll with an overall score; the groups it queued. */
static void
sh_poll(struct state *s, double score, time_t at, char *out, size_t len)
{
	struct state_score sc = { STATE_OVERALL, "overall", score, 1, 1, 0, 0,
		0 };
	struct state_sh_rules r = { 75.0, 2.0, 7 * 86400, 3 };
	struct sm_err err;
	char g[256];

	assert_int_equal(state_apply_sh(s, "default", "us-east-1", &sc, 1, NULL,
			     0, &r, at, 1, &err),
	    0);
	out[0] = '\0';
	for (;;) {
		next_group(s, at, g, sizeof g, 1);
		if (g[0] == '\0')
			break;
		strncat(out, g, len - strlen(out) - 2);
		strcat(out, " ");
	}
}

static void
test_score_rules(void **st)
{
	struct state *s;
	struct sm_err err;
	time_t t = time(NULL);
	char g[512];

	(void)st;
	assert_non_null(s = state_open(dir, &err));
	sinks(s);
	sh_poll(s, 80.0, t, g, sizeof g);
	assert_string_equal(g, "");
	/* 10 points down (>= score_drop) and below the target of 75. */
	sh_poll(s, 70.0, t + 60, g, sizeof g);
	assert_string_equal(g,
	    "score_drop/firing:overall "
	    "score_below_target/firing:overall ");
	/* Back within score_drop of the best (80), above the target: both
	 * resolve. */
	sh_poll(s, 78.5, t + 120, g, sizeof g);
	assert_string_equal(g,
	    "score_drop/resolved:overall "
	    "score_below_target/resolved:overall ");
	state_close(s);
}

/* repeat_interval: high alerts still firing go out again, once a period. */
static void
test_repeats(void **st)
{
	struct gd_finding a[2] = { f("lo", 5.0), f("hi", 8.0) };
	struct state *s;
	struct sm_err err;
	time_t t;
	char g[256];

	(void)st;
	assert_non_null(s = state_open(dir, &err));
	sinks(s);
	assert_int_equal(apply(s, a, 2), 2);
	/* After the apply: its clock may have ticked into the next second. */
	t = time(NULL);
	next_group(s, t, g, sizeof g, 1);
	assert_int_equal(state_alert_repeats(s, t + 100, 3600, &err), 0);
	assert_int_equal(state_alert_repeats(s, t + 3600, 3600, &err), 1);
	next_group(s, t + 3600, g, sizeof g, 1);
	assert_string_equal(g, "new_finding/repeat:hi");
	assert_int_equal(state_alert_repeats(s, t + 3700, 3600, &err), 0);
	assert_int_equal(state_alert_repeats(s, t + 7200, 3600, &err), 1);
	state_close(s);
}

static void
test_lock(void **st)
{
	struct state *s, *s2;
	struct sm_err err;

	(void)st;
	assert_non_null(s = state_open(dir, &err));
	assert_null(s2 = state_open(dir, &err));
	assert_non_null(strstr(err.msg, "another secmond"));
	state_close(s);
	assert_non_null(s2 = state_open(dir, &err));
	state_close(s2);
}

static void
test_polls(void **st)
{
	struct state_poll p;
	struct state *s;
	struct sm_err err;
	struct gd_finding a[1] = { f("a", 5.0) };

	(void)st;
	assert_non_null(s = state_open(dir, &err));
	assert_int_equal(
	    state_last_poll(s, "guardduty", "default", "us-east-1", &p), -1);
	apply(s, a, 1);
	assert_int_equal(
	    state_last_poll(s, "guardduty", "default", "us-east-1", &p), 0);
	assert_true(p.ok);
	assert_true(p.last_ok > 0);
	assert_int_equal(state_poll_failed(s, "guardduty", "default",
			     "us-east-1", time(NULL), 7, "boom", &err),
	    0);
	assert_int_equal(
	    state_last_poll(s, "guardduty", "default", "us-east-1", &p), 0);
	assert_false(p.ok);
	assert_string_equal(p.error, "boom");
	assert_true(p.last_ok > 0);
	state_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_diff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repeats, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_score_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_polls, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
