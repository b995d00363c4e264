/*
 * test_tasks.c: the maintenance calendar on a clock the test moves, never
 * slept: a manual task's reminder at its occurrence, task_overdue after
 * its grace, escalated after a second, resolved by the ack (recorded with
 * uid, user and note); a run missed while the daemon was down made up
 * once at start, however many occurrences it missed; a digest per
 * automated review kept in the history; and the pure planning functions.
 */
#include <sys/stat.h>

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "calendar.h"
#include "conf.h"
#include "state.h"
#include "tasks.h"
#include "util.h"

static char dir[64];
static time_t now_t;

static time_t
fake_clock(void)
{
	return now_t;
}

static time_t
at(const char *iso)
{
	time_t t;

	assert_int_equal(sm_iso8601_parse(iso, &t), 0);
	return t;
}

static int
rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
setup(void **st)
{
	(void)st;
	strlcpy(dir, "/tmp/test_tasks.XXXXXX", sizeof dir);
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **st)
{
	(void)st;
	nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static void
write_file(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

/* A config with tasks (and an empty catalog beside it). */
static struct conf *
load(const char *tasks)
{
	struct conf_errors e = { NULL, 0 };
	struct conf *c = NULL;
	char path[128], *text;

	write_file("maintenance.conf", "# nothing\n");
	xasprintf(&text,
	    "[daemon]\nstate_dir = %s/state\n[aws]\nregions = us-east-1\n"
	    "[maintenance]\ntimezone = Europe/Berlin\n%s",
	    dir, tasks);
	write_file("secmond.conf", text);
	free(text);
	snprintf(path, sizeof path, "%s/secmond.conf", dir);
	if (conf_load(path, &c, &e) == -1)
		fail_msg("%s", e.n > 0 ? e.msg[0] : "?");
	return c;
}

struct rig {
	struct event_base *base;
	struct state *state;
	struct tasks *ts;
	struct conf *c;
};

static void
rig_up(struct rig *r, const char *tasks)
{
	struct sm_err err;
	char path[128];

	snprintf(path, sizeof path, "%s/state", dir);
	r->c = load(tasks);
	assert_non_null(r->base = event_base_new());
	assert_non_null(r->state = state_open(path, &err));
	r->ts = tasks_new(r->base, r->state, NULL, NULL);
	tasks_set_clock(r->ts, fake_clock);
	assert_int_equal(tasks_configure(r->ts, r->c, &err), 0);
}

static void
rig_down(struct rig *r)
{
	tasks_free(r->ts);
	state_close(r->state);
	event_base_free(r->base);
	conf_free(r->c);
}

/* The task's entry in tasks_status_json (a new reference). */
static json_t *
task_json(struct rig *r, const char *id)
{
	json_t *all = tasks_status_json(r->ts), *t;
	size_t i;

	json_array_foreach(json_object_get(all, "tasks"), i, t)
	{
		if (strcmp(json_string_value(json_object_get(t, "id")), id) ==
		    0) {
			json_incref(t);
			json_decref(all);
			return t;
		}
	}
	fail_msg("no task %s", id);
	return NULL;
}

/* "kind/event/severity" of the alert events, oldest first. */
static void
events(struct rig *r, char *out, size_t len)
{
	json_t *a = state_alerts_json(r->state, 100), *e;
	size_t i;
	char one[96];

	*out = '\0';
	for (i = json_array_size(a); i-- > 0;) {
		e = json_array_get(a, i);
		snprintf(one, sizeof one, "%s%s/%s/%.0f",
		    *out != '\0' ? " " : "",
		    json_string_value(json_object_get(e, "kind")),
		    json_string_value(json_object_get(e, "event")),
		    json_number_value(json_object_get(e, "severity")));
		strlcat(out, one, len);
	}
	json_decref(a);
}

static const char *manual_task = "[task vpc]\ntitle = Review flow logs\n"
				 "schedule = Mon *-*-* 09:00\n"
				 "action = manual\ngrace = 1h\n"
				 "description = Look at the flow logs.\n";

static void
test_manual_cycle(void **st)
{
	struct rig r;
	struct tasks_who who = { 1000, "alice" };
	json_t *t, *out, *h;
	char ev[512];
	struct sm_err err;

	(void)st;
	/* Sunday 2026-11-22 10:00 Berlin: the next Monday 09:00 CET. */
	now_t = at("2026-11-22T09:00:00Z");
	rig_up(&r, manual_task);
	t = task_json(&r, "vpc");
	assert_string_equal(json_string_value(json_object_get(t, "next_due")),
	    "2026-11-23T08:00:00Z");
	assert_false(json_is_true(json_object_get(t, "due")));
	json_decref(t);

	/* Due: one reminder, nothing overdue yet. */
	now_t = at("2026-11-23T08:00:00Z");
	tasks_tick(r.ts);
	events(&r, ev, sizeof ev);
	assert_string_equal(ev, "task_due/reminder/0");
	t = task_json(&r, "vpc");
	assert_true(json_is_true(json_object_get(t, "due")));
	assert_false(json_is_true(json_object_get(t, "overdue")));
	assert_string_equal(json_string_value(json_object_get(
				json_object_get(t, "last_run"), "result")),
	    "reminded");
	assert_string_equal(json_string_value(json_object_get(t, "next_due")),
	    "2026-11-30T08:00:00Z");
	json_decref(t);
	now_t += 3599;
	tasks_tick(r.ts);
	events(&r, ev, sizeof ev);
	assert_string_equal(ev, "task_due/reminder/0");

	/* The grace runs out: overdue (medium); a second grace: high. */
	now_t += 1;
	tasks_tick(r.ts);
	tasks_tick(r.ts);
	events(&r, ev, sizeof ev);
	assert_string_equal(ev, "task_due/reminder/0 task_overdue/firing/5");
	now_t += 3600;
	tasks_tick(r.ts);
	events(&r, ev, sizeof ev);
	assert_string_equal(ev,
	    "task_due/reminder/0 task_overdue/firing/5 "
	    "task_overdue/firing/7");
	t = task_json(&r, "vpc");
	assert_int_equal(
	    json_integer_value(json_object_get(t, "overdue_level")), 2);
	json_decref(t);

	/* The ack resolves it and is the audit trail's. */
	assert_int_equal(
	    tasks_ack(r.ts, "vpc", &who, "checked, all quiet", &out, &err), 0);
	assert_true(json_is_true(json_object_get(out, "was_overdue")));
	json_decref(out);
	events(&r, ev, sizeof ev);
	assert_string_equal(ev,
	    "task_due/reminder/0 task_overdue/firing/5 "
	    "task_overdue/firing/7 task_overdue/resolved/7");
	h = state_task_acks_json(r.state, "vpc", 10);
	assert_int_equal(json_array_size(h), 1);
	assert_int_equal(
	    json_integer_value(json_object_get(json_array_get(h, 0), "uid")),
	    1000);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(h, 0), "user")),
	    "alice");
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(h, 0), "note")),
	    "checked, all quiet");
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(h, 0), "due")),
	    "2026-11-23T08:00:00Z");
	json_decref(h);
	t = task_json(&r, "vpc");
	assert_false(json_is_true(json_object_get(t, "due")));
	assert_false(json_is_true(json_object_get(t, "overdue")));
	json_decref(t);
	/* Nothing more comes of it. */
	now_t += 86400;
	tasks_tick(r.ts);
	events(&r, ev, sizeof ev);
	assert_string_equal(ev,
	    "task_due/reminder/0 task_overdue/firing/5 "
	    "task_overdue/firing/7 task_overdue/resolved/7");
	/* An unknown task is named as such. */
	assert_int_equal(tasks_ack(r.ts, "nope", &who, NULL, &out, &err), -1);
	assert_string_equal(err.code, "not_found");
	rig_down(&r);
}

static void
test_missed_once(void **st)
{
	struct rig r;
	json_t *runs, *t;

	(void)st;
	now_t = at("2026-11-22T09:00:00Z");
	rig_up(&r, manual_task);
	rig_down(&r);
	/* Down for three Mondays: one run at start, for the first missed. */
	now_t = at("2026-12-10T12:00:00Z");
	rig_up(&r, manual_task);
	runs = state_task_runs_json(r.state, "vpc", 10, 0);
	assert_int_equal(json_array_size(runs), 1);
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(runs, 0), "trigger")),
	    "startup");
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(runs, 0), "due")),
	    "2026-11-23T08:00:00Z");
	json_decref(runs);
	t = task_json(&r, "vpc");
	assert_string_equal(json_string_value(json_object_get(t, "next_due")),
	    "2026-12-14T08:00:00Z");
	json_decref(t);
	/* Overdue since that occurrence, escalated at once. */
	tasks_tick(r.ts);
	t = task_json(&r, "vpc");
	assert_int_equal(
	    json_integer_value(json_object_get(t, "overdue_level")), 2);
	json_decref(t);
	rig_down(&r);
	/* A restart before the next occurrence runs nothing. */
	now_t = at("2026-12-11T12:00:00Z");
	rig_up(&r, manual_task);
	runs = state_task_runs_json(r.state, "vpc", 10, 0);
	assert_int_equal(json_array_size(runs), 1);
	json_decref(runs);
	rig_down(&r);
}

static void
test_digests(void **st)
{
	struct rig r;
	struct tasks_who who = { 0, "root" };
	json_t *out, *run;
	struct sm_err err;
	char ev[512];

	(void)st;
	now_t = at("2026-11-22T09:00:00Z");
	rig_up(&r,
	    "[task gd]\ntitle = GuardDuty\nschedule = daily\n"
	    "action = guardduty-digest\n"
	    "[task cw]\ntitle = Alarms\nschedule = daily\n"
	    "action = alarms-digest\n"
	    "[task sh]\ntitle = Hub\nschedule = *-*-* 00/6:00\n"
	    "action = securityhub-digest\n");
	/* Midnight in Berlin: the three at once, each its own digest. */
	now_t = at("2026-11-22T23:00:00Z");
	tasks_tick(r.ts);
	events(&r, ev, sizeof ev);
	assert_string_equal(ev,
	    "digest/digest/0 digest/digest/0 "
	    "digest/digest/0");
	assert_int_equal(tasks_run(r.ts, "gd", &who, &out, &err), 0);
	assert_false(json_is_true(json_object_get(out, "running")));
	assert_string_equal(json_string_value(json_object_get(out, "summary")),
	    "GuardDuty: 0 critical, 0 high, 0 medium, 0 low active; 0 new, "
	    "0 resolved");
	run = state_task_run_json(
	    r.state, json_integer_value(json_object_get(out, "run")));
	assert_string_equal(
	    json_string_value(json_object_get(run, "trigger")), "manual");
	assert_string_equal(
	    json_string_value(json_object_get(run, "by_user")), "root");
	assert_non_null(
	    strstr(json_string_value(json_object_get(run, "digest")),
		"Active findings: 0 critical"));
	assert_true(json_is_object(json_object_get(run, "data")));
	json_decref(run);
	json_decref(out);
	assert_int_equal(tasks_run(r.ts, "nope", &who, &out, &err), -1);
	assert_int_equal(tasks_ack(r.ts, "gd", &who, NULL, &out, &err), -1);
	assert_string_equal(err.code, "bad_args");
	rig_down(&r);
}

static void
test_pure(void **st)
{
	struct calendar *cal;
	struct tasks_plan p;
	struct sm_err err;
	time_t next;

	(void)st;
	assert_non_null(cal = calendar_parse("daily", &err));
	tasks_plan(cal, "UTC", 0, at("2026-03-01T10:00:00Z"), &p);
	assert_false(p.missed);
	assert_int_equal(p.next_due, at("2026-03-02T00:00:00Z"));
	tasks_plan(cal, "UTC", at("2026-03-01T00:00:00Z"),
	    at("2026-03-01T00:00:00Z"), &p);
	assert_true(p.missed);
	tasks_plan(cal, "UTC", at("2026-03-02T00:00:00Z"),
	    at("2026-03-01T10:00:00Z"), &p);
	assert_false(p.missed);
	calendar_free(cal);
	/* systemd gives up on 02:45 the day before Chatham skips it (ELOOP):
	 * the task still runs, the day after. */
	assert_non_null(cal = calendar_parse("02:45", &err));
	assert_int_equal(calendar_next(cal, "Pacific/Chatham",
			     at("2026-09-25T23:00:00Z"), &next),
	    -1);
	tasks_plan(cal, "Pacific/Chatham", 0, at("2026-09-25T23:00:00Z"), &p);
	assert_int_equal(p.next_due, at("2026-09-27T13:00:00Z"));
	calendar_free(cal);

	assert_int_equal(tasks_overdue_level(0, 60, 1000, &next), 0);
	assert_int_equal(next, 0);
	assert_int_equal(tasks_overdue_level(1000, 60, 1059, &next), 0);
	assert_int_equal(next, 1060);
	assert_int_equal(tasks_overdue_level(1000, 60, 1060, &next), 1);
	assert_int_equal(next, 1120);
	assert_int_equal(tasks_overdue_level(1000, 60, 1120, &next), 2);
	assert_int_equal(next, 0);

	assert_int_equal(tasks_jitter(100, 0, 12345), 100);
	assert_int_equal(tasks_jitter(100, 10, 0), 100);
	assert_int_equal(tasks_jitter(100, 10, 10), 110);
	assert_int_equal(tasks_jitter(100, 10, 11), 100);
	assert_int_equal(tasks_jitter(100, 10, UINT32_MAX), 100 + 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_manual_cycle, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_missed_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_digests, setup, teardown),
		cmocka_unit_test(test_pure),
	};

	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
