/*
 * tasks.c: the maintenance calendar. One timer for all tasks: it wakes at
 * the first thing due (an occurrence, with its random delay, or a manual
 * task's grace running out), at most TASKS_MAX_SLEEP later, so that a
 * clock step or a suspend is noticed; tasks_tick does what is due at the
 * clock's now. Each run is recorded with its notification and the next
 * occurrence in one transaction: a crash before it means the run is made
 * up at start, once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/event.h>

#include "alert.h"
#include "calendar.h"
#include "conf.h"
#include "digest.h"
#include "log.h"
#include "monitor.h"
#include "outbox.h"
#include "state.h"
#include "tasks-int.h"
#include "tasks.h"

struct task {
	TAILQ_ENTRY(task) entry;
	struct tasks *ts;
	char *id;
	char *title;
	char *description;
	char *schedule;
	struct calendar *cal;
	int action;
	uint64_t grace;
	uint64_t delay; /* randomized_delay */
	char **sinks;
	size_t nsinks;
	time_t due;            /* the next occurrence; 0: none */
	time_t fire_at;        /* due plus its random delay */
	struct tasks_waf *waf; /* a WAF review in flight */
	struct task_waf_run *wafrun;
	int keep;
};

struct tasks {
	struct event_base *base;
	struct state *state;
	struct monitor *monitor;
	struct outbox *outbox;
	tasks_clock_fn clock;
	char *tz;     /* NULL: the host's */
	char *cw_url; /* [cloudwatch] endpoint_url, for the WAF review */
	int enabled;
	struct event *timer;
	TAILQ_HEAD(, task) tasks;
	unsigned long long runs;
};

/* What a WAF review remembers until its answer. */
struct task_waf_run {
	struct task *t;
	time_t due, started, since;
	char trigger[16];
	long long by_uid;
	char *by_user;
};

static time_t
tasks_time(void)
{
	return time(NULL);
}

static void
tasks_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	tasks_tick(arg);
}

struct tasks *
tasks_new(struct event_base *base, struct state *state, struct monitor *m,
    struct outbox *ob)
{
	struct tasks *ts = xcalloc(1, sizeof *ts);

	ts->base = base;
	ts->state = state;
	ts->monitor = m;
	ts->outbox = ob;
	ts->clock = tasks_time;
	ts->timer = evtimer_new(base, tasks_timer_cb, ts);
	TAILQ_INIT(&ts->tasks);
	return ts;
}

void
tasks_set_clock(struct tasks *ts, tasks_clock_fn fn)
{
	ts->clock = fn != NULL ? fn : tasks_time;
}

static void
task_waf_run_free(struct task_waf_run *r)
{
	if (r == NULL)
		return;
	free(r->by_user);
	free(r);
}

static void
task_free(struct task *t)
{
	size_t i;

	if (t->waf != NULL)
		tasks_waf_cancel(t->waf);
	task_waf_run_free(t->wafrun);
	free(t->id);
	free(t->title);
	free(t->description);
	free(t->schedule);
	calendar_free(t->cal);
	for (i = 0; i < t->nsinks; i++)
		free(t->sinks[i]);
	free(t->sinks);
	free(t);
}

void
tasks_free(struct tasks *ts)
{
	struct task *t;

	if (ts == NULL)
		return;
	while ((t = TAILQ_FIRST(&ts->tasks)) != NULL) {
		TAILQ_REMOVE(&ts->tasks, t, entry);
		task_free(t);
	}
	event_free(ts->timer);
	free(ts->tz);
	free(ts->cw_url);
	free(ts);
}

/* --- The pure parts --- */

/*
 * calendar_next, except where systemd's search gives up (ELOOP: a time a
 * DST change skips, in some zones): the search starts again a day later
 * rather than the task never running again.
 */
static int
tasks_next_elapse(
    const struct calendar *cal, const char *tz, time_t after, time_t *next)
{
	int i;

	for (i = 0; i < TASKS_LOOP_RETRIES; i++) {
		if (calendar_next(cal, tz, after, next) == 0)
			return 0;
		if (errno != ELOOP)
			break;
		after += 86400;
	}
	*next = 0;
	return -1;
}

int
tasks_plan(const struct calendar *cal, const char *tz, time_t stored_due,
    time_t now, struct tasks_plan *out)
{
	memset(out, 0, sizeof *out);
	/* Persistent=true: one run for any number of missed occurrences. */
	out->missed = stored_due != 0 && stored_due <= now;
	tasks_next_elapse(cal, tz, now, &out->next_due);
	return 0;
}

int
tasks_overdue_level(time_t since, uint64_t grace, time_t now, time_t *next)
{
	time_t one = since + (time_t)grace, two = since + 2 * (time_t)grace;

	if (since == 0) {
		*next = 0;
		return 0;
	}
	if (now < one) {
		*next = one;
		return 0;
	}
	if (now < two) {
		*next = two;
		return 1;
	}
	*next = 0;
	return 2;
}

time_t
tasks_jitter(time_t due, uint64_t max, uint32_t r)
{
	if (max == 0)
		return due;
	if (max >= UINT32_MAX)
		return due + (time_t)r;
	return due + (time_t)((uint64_t)r % (max + 1));
}

/* --- Notifications and the audit trail --- */

static void
tasks_after_change(struct tasks *ts)
{
	if (ts->outbox != NULL)
		outbox_kick(ts->outbox);
	if (ts->monitor != NULL)
		monitor_notify_status(ts->monitor);
}

/* The event every notification of t starts from. */
static struct alert_event
task_event(const struct task *t, const char *kind)
{
	struct alert_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = kind;
	ev.account = "all";
	ev.region = "all";
	ev.subject = t->id;
	ev.title = t->title;
	ev.sinks = t->sinks;
	ev.nsinks = t->nsinks;
	return ev;
}

/*
 * Record run r of t with its notification (ev, as event) and, for a
 * scheduled run, the next occurrence, in one transaction. -1 on error.
 */
static long long
task_commit(struct task *t, const struct state_task_run *r,
    const struct alert_event *ev, const char *event, time_t started, time_t now)
{
	struct tasks *ts = t->ts;
	struct sm_err err;
	long long id;

	if (state_begin(ts->state, &err) == -1)
		goto fail;
	if ((id = state_task_run_add(ts->state, r, started, now, &err)) == -1 ||
	    (ev != NULL &&
		state_alert_record(ts->state, ev, event, NULL, now, &err) ==
		    -1) ||
	    (r->due != 0 &&
		state_task_set_due(ts->state, t->id, t->due, &err) == -1) ||
	    state_commit(ts->state, &err) == -1) {
		state_rollback(ts->state);
		goto fail;
	}
	ts->runs++;
	tasks_after_change(ts);
	return id;
fail:
	log_warnx("task %s: state: %s", t->id, err.msg);
	return -1;
}

/* A manual task is due: a reminder, and the wait for its ack. */
static long long
task_remind(struct task *t, const struct state_task_run *tmpl, time_t now)
{
	struct state_task_run r = *tmpl;
	struct alert_event ev = task_event(t, "task_due");
	char *summary;
	long long id;

	xasprintf(&summary, "reminder sent; acknowledge within %llus",
	    (unsigned long long)t->grace);
	r.result = "reminded";
	r.summary = summary;
	r.digest = t->description;
	ev.detail = t->description;
	id = task_commit(t, &r, &ev, "reminder", now, now);
	if (id != -1)
		log_info("task %s: due: reminder sent (%s)", t->id, t->title);
	free(summary);
	return id;
}

/* Send and keep a digest of data; the run's id or -1. */
static long long
task_digest(struct task *t, const struct state_task_run *tmpl,
    enum digest_kind kind, json_t *data, time_t since, time_t started,
    time_t now)
{
	struct state_task_run r = *tmpl;
	struct alert_event ev = task_event(t, "digest");
	char *summary, *body, *text, *title;
	long long id;

	digest_render(kind, data, since, now, &summary, &body);
	text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
	xasprintf(&title, "%s: %s", t->title, summary);
	r.result = "ok";
	r.summary = summary;
	r.digest = body;
	r.data = text;
	ev.title = title;
	ev.detail = body;
	id = task_commit(t, &r, &ev, "digest", started, now);
	if (id != -1)
		log_info("task %s: digest: %s", t->id, summary);
	free(title);
	free(text);
	free(summary);
	free(body);
	return id;
}

static void
task_waf_done(json_t *data, void *arg)
{
	struct task_waf_run *w = arg;
	struct task *t = w->t;
	struct state_task_run r;
	time_t now = t->ts->clock();

	t->waf = NULL;
	t->wafrun = NULL;
	memset(&r, 0, sizeof r);
	r.task = t->id;
	r.due = w->due;
	r.trigger = w->trigger;
	r.by_uid = w->by_uid;
	r.by_user = w->by_user;
	task_digest(t, &r, DIGEST_WAF, data, w->since, w->started, now);
	json_decref(data);
	task_waf_run_free(w);
}

/*
 * Run t now (due: the occurrence, 0 by hand). The run's id, 0 when it goes
 * on (a WAF review), -1 on error.
 */
static long long
task_run(struct task *t, time_t due, const char *trigger,
    const struct tasks_who *who, struct sm_err *err)
{
	struct tasks *ts = t->ts;
	struct state_task_run r;
	struct state_task rec;
	struct task_waf_run *w;
	time_t now = ts->clock(), since;
	json_t *data = NULL;
	enum digest_kind kind = DIGEST_GUARDDUTY;
	long long id;

	if (t->waf != NULL)
		return sm_err_set(
		    err, "busy", "task %s: its review is still running", t->id);
	memset(&r, 0, sizeof r);
	r.task = t->id;
	r.due = due;
	r.trigger = trigger;
	r.by_uid = who != NULL ? who->uid : -1;
	r.by_user = who != NULL ? who->user : NULL;
	state_task_get(ts->state, t->id, &rec);
	since = rec.last_run != 0 ? rec.last_run : now - TASKS_FIRST_SINCE;
	switch (t->action) {
	case CONF_ACTION_MANUAL:
		id = task_remind(t, &r, now);
		break;
	case CONF_ACTION_WAF:
		w = xcalloc(1, sizeof *w);
		w->t = t;
		w->due = due;
		w->started = now;
		w->since = now - 14 * 86400;
		strlcpy(w->trigger, trigger, sizeof w->trigger);
		w->by_uid = r.by_uid;
		w->by_user = r.by_user != NULL ? xstrdup(r.by_user) : NULL;
		t->wafrun = w;
		/* Recorded when it ends; until then the task is running. */
		t->waf = tasks_waf_start(
		    ts->base, ts->monitor, ts->cw_url, now, task_waf_done, w);
		log_info("task %s: WAF review started", t->id);
		return 0;
	default:
		if (t->action == CONF_ACTION_GUARDDUTY)
			data =
			    state_digest_gd(ts->state, since, DIGEST_MAX_ITEMS);
		else if (t->action == CONF_ACTION_ALARMS) {
			kind = DIGEST_ALARMS;
			data =
			    state_digest_cw(ts->state, since, DIGEST_MAX_ITEMS);
		} else {
			kind = DIGEST_SECURITYHUB;
			data =
			    state_digest_sh(ts->state, since, DIGEST_MAX_ITEMS);
		}
		id = task_digest(t, &r, kind, data, since, now, now);
		json_decref(data);
	}
	if (id == -1)
		return sm_err_set(err, "state",
		    "task %s: the run could not be recorded", t->id);
	return id;
}

/* --- Scheduling --- */

/* Draw t's next firing for occurrence due. */
static void
task_arm(struct task *t, time_t due)
{
	t->due = due;
	t->fire_at = due == 0 ? 0 : tasks_jitter(due, t->delay, arc4random());
}

/* The first occurrence after `after` (0: none, logged). */
static time_t
task_next(struct task *t, time_t after)
{
	time_t next;

	if (tasks_next_elapse(t->cal, t->ts->tz, after, &next) == 0)
		return next;
	log_warnx(
	    "task %s: schedule '%s' has no more elapses", t->id, t->schedule);
	return 0;
}

/* Raise (or escalate) task_overdue when a manual task's grace ran out. */
static void
task_check_overdue(struct task *t, time_t now, time_t *wake)
{
	struct tasks *ts = t->ts;
	struct state_task rec;
	struct alert_event ev;
	struct sm_err err;
	char when[32], *title;
	time_t next;
	int level;

	if (t->action != CONF_ACTION_MANUAL ||
	    state_task_get(ts->state, t->id, &rec) == -1 ||
	    rec.pending_since == 0)
		return;
	level = tasks_overdue_level(rec.pending_since, t->grace, now, &next);
	if (next != 0 && (*wake == 0 || next < *wake))
		*wake = next;
	if (level <= rec.overdue_level)
		return;
	sm_iso8601(rec.pending_since, when, sizeof when);
	xasprintf(&title, "Overdue: %s (due %s, not acknowledged%s)", t->title,
	    when, level > 1 ? " after twice its grace" : "");
	ev = task_event(t, "task_overdue");
	ev.title = title;
	ev.severity = level > 1 ? TASKS_ESCALATED_SEV : TASKS_OVERDUE_SEV;
	ev.detail = t->description;
	if (state_begin(ts->state, &err) == -1 ||
	    state_task_set_overdue(ts->state, t->id, level, &err) == -1 ||
	    state_alert_raise(ts->state, &ev, now, &err) == -1 ||
	    state_commit(ts->state, &err) == -1) {
		state_rollback(ts->state);
		log_warnx("task %s: state: %s", t->id, err.msg);
	} else {
		log_warnx("task %s: overdue%s: due %s", t->id,
		    level > 1 ? " (escalated)" : "", when);
		tasks_after_change(ts);
	}
	free(title);
}

void
tasks_tick(struct tasks *ts)
{
	struct task *t;
	struct sm_err err;
	time_t now = ts->clock(), wake = 0, due;
	struct timeval tv;

	TAILQ_FOREACH(t, &ts->tasks, entry)
	{
		if (t->fire_at != 0 && t->fire_at <= now) {
			due = t->due;
			/* Late (a suspend, a clock step): still only once. */
			task_arm(t, task_next(t, due > now ? due : now));
			if (task_run(t, due, "schedule", NULL, &err) == -1)
				log_warnx("task %s: %s", t->id, err.msg);
		}
		task_check_overdue(t, now, &wake);
		if (t->fire_at != 0 && (wake == 0 || t->fire_at < wake))
			wake = t->fire_at;
	}
	evtimer_del(ts->timer);
	if (TAILQ_EMPTY(&ts->tasks))
		return;
	if (wake == 0 || wake - now > TASKS_MAX_SLEEP)
		wake = now + TASKS_MAX_SLEEP;
	tv.tv_sec = wake > now ? wake - now : 0;
	tv.tv_usec = 0;
	evtimer_add(ts->timer, &tv);
}

/* --- Configuration --- */

static struct task *
tasks_find(struct tasks *ts, const char *id)
{
	struct task *t;

	TAILQ_FOREACH(t, &ts->tasks, entry)
	if (strcmp(t->id, id) == 0)
		return t;
	return NULL;
}

static int
task_same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Copy what t needs of ct (its schedule parsed anew). */
static int
task_take(struct task *t, const struct conf_task *ct, struct sm_err *err)
{
	struct calendar *cal;
	size_t i;

	if ((cal = calendar_parse(ct->schedule, err)) == NULL)
		return -1;
	calendar_free(t->cal);
	t->cal = cal;
	free(t->title);
	t->title = xstrdup(ct->title);
	free(t->description);
	t->description =
	    ct->description != NULL ? xstrdup(ct->description) : NULL;
	free(t->schedule);
	t->schedule = xstrdup(ct->schedule);
	t->action = ct->action;
	t->grace = ct->grace;
	t->delay = ct->randomized_delay;
	for (i = 0; i < t->nsinks; i++)
		free(t->sinks[i]);
	free(t->sinks);
	t->sinks = xcalloc(ct->nsinks + 1, sizeof *t->sinks);
	for (i = 0; i < ct->nsinks; i++)
		t->sinks[i] = xstrdup(ct->sinks[i]);
	t->nsinks = ct->nsinks;
	return 0;
}

/* A task new to the daemon: plan it, making up a missed run. */
static void
task_start(struct task *t)
{
	struct tasks *ts = t->ts;
	struct state_task rec;
	struct tasks_plan plan;
	struct sm_err err;
	time_t now = ts->clock();

	state_task_get(ts->state, t->id, &rec);
	tasks_plan(t->cal, ts->tz, rec.next_due, now, &plan);
	task_arm(t, plan.next_due);
	if (plan.missed) {
		char when[32];

		sm_iso8601(rec.next_due, when, sizeof when);
		log_info("task %s: missed its run of %s while down: running "
			 "it now",
		    t->id, when);
		if (task_run(t, rec.next_due, "startup", NULL, &err) == -1)
			log_warnx("task %s: %s", t->id, err.msg);
		return; /* the run stored the next occurrence */
	}
	if (rec.next_due != plan.next_due &&
	    state_task_set_due(ts->state, t->id, plan.next_due, &err) == -1)
		log_warnx("task %s: state: %s", t->id, err.msg);
}

int
tasks_configure(struct tasks *ts, const struct conf *c, struct sm_err *err)
{
	const struct conf_task *ct;
	struct task *t, *tmp;
	size_t i;
	int tz_changed, fresh, resched;

	tz_changed = !task_same_str(ts->tz, c->maintenance.timezone);
	free(ts->tz);
	ts->tz = c->maintenance.timezone != NULL
	    ? xstrdup(c->maintenance.timezone)
	    : NULL;
	ts->enabled = c->maintenance.enabled;
	free(ts->cw_url);
	ts->cw_url = c->cloudwatch.endpoint_url != NULL
	    ? xstrdup(c->cloudwatch.endpoint_url)
	    : NULL;
	TAILQ_FOREACH(t, &ts->tasks, entry)
	t->keep = 0;
	for (i = 0; ts->enabled && i < c->ntasks; i++) {
		ct = &c->tasks[i];
		if (!ct->enabled)
			continue;
		fresh = (t = tasks_find(ts, ct->name)) == NULL;
		if (fresh) {
			t = xcalloc(1, sizeof *t);
			t->ts = ts;
			t->id = xstrdup(ct->name);
		}
		resched = fresh || tz_changed ||
		    !task_same_str(t->schedule, ct->schedule) ||
		    t->delay != ct->randomized_delay;
		if (task_take(t, ct, err) == -1) {
			if (fresh)
				task_free(t);
			return -1;
		}
		t->keep = 1;
		if (fresh) {
			TAILQ_INSERT_TAIL(&ts->tasks, t, entry);
			task_start(t);
		} else if (resched) {
			task_arm(t, task_next(t, ts->clock()));
			if (state_task_set_due(ts->state, t->id, t->due, err) ==
			    -1)
				return -1;
		}
	}
	for (t = TAILQ_FIRST(&ts->tasks); t != NULL; t = tmp) {
		tmp = TAILQ_NEXT(t, entry);
		if (t->keep)
			continue;
		TAILQ_REMOVE(&ts->tasks, t, entry);
		task_free(t);
	}
	tasks_tick(ts);
	return 0;
}

/* --- Commands --- */

static struct task *
tasks_get(struct tasks *ts, const char *id, struct sm_err *err)
{
	struct task *t = tasks_find(ts, id);

	if (t == NULL)
		sm_err_set(err, "not_found",
		    "no task '%s' (secmonctl tasks lists them)", id);
	return t;
}

int
tasks_run(struct tasks *ts, const char *id, const struct tasks_who *who,
    json_t **out, struct sm_err *err)
{
	struct task *t;
	long long run;
	json_t *r;

	if ((t = tasks_get(ts, id, err)) == NULL ||
	    (run = task_run(t, 0, "manual", who, err)) == -1)
		return -1;
	r = run > 0 ? state_task_run_json(ts->state, run) : NULL;
	*out = json_pack("{s:s,s:o,s:b,s:o}", "task", t->id, "run",
	    run > 0 ? json_integer(run) : json_null(), "running", run == 0,
	    "summary",
	    r != NULL ? json_incref(json_object_get(r, "summary"))
		      : json_null());
	json_decref(r);
	tasks_tick(ts);
	return 0;
}

int
tasks_ack(struct tasks *ts, const char *id, const struct tasks_who *who,
    const char *note, json_t **out, struct sm_err *err)
{
	struct task *t;
	struct state_task was;
	struct alert_event ev;
	time_t now = ts->clock();
	long long ack;

	if ((t = tasks_get(ts, id, err)) == NULL)
		return -1;
	if (t->action != CONF_ACTION_MANUAL)
		return sm_err_set(err, "bad_args",
		    "task %s is an automated review (%s): nothing to "
		    "acknowledge",
		    t->id, conf_action_name(t->action));
	if (state_begin(ts->state, err) == -1)
		return -1;
	ack = state_task_ack(
	    ts->state, t->id, who->uid, who->user, note, now, &was, err);
	ev = task_event(t, "task_overdue");
	ev.resolved = 1;
	ev.severity =
	    was.overdue_level > 1 ? TASKS_ESCALATED_SEV : TASKS_OVERDUE_SEV;
	if (ack == -1 ||
	    (was.overdue_level > 0 &&
		state_alert_raise(ts->state, &ev, now, err) == -1) ||
	    state_commit(ts->state, err) == -1) {
		state_rollback(ts->state);
		return -1;
	}
	log_info("task %s: acknowledged by uid %lld%s%s%s", t->id, who->uid,
	    who->user != NULL ? " (" : "", who->user != NULL ? who->user : "",
	    who->user != NULL ? ")" : "");
	tasks_after_change(ts);
	*out = json_pack("{s:s,s:I,s:b,s:b,s:o}", "task", t->id, "ack",
	    (json_int_t)ack, "was_due", was.pending_since != 0, "was_overdue",
	    was.overdue_level > 0, "due",
	    was.pending_since != 0 ? json_integer(was.pending_since)
				   : json_null());
	tasks_tick(ts);
	return 0;
}

/* The first element of a, or null; a is freed. */
static json_t *
tasks_first(json_t *a)
{
	json_t *o = json_array_get(a, 0);

	o = o != NULL ? json_incref(o) : json_null();
	json_decref(a);
	return o;
}

static json_t *
task_status(struct task *t, time_t now)
{
	struct tasks *ts = t->ts;
	struct state_task rec;
	json_t *o, *sinks = json_array();
	char *norm = calendar_normalized(t->cal);
	time_t next_level;
	int level = 0;
	size_t i;

	state_task_get(ts->state, t->id, &rec);
	if (t->action == CONF_ACTION_MANUAL)
		level = tasks_overdue_level(
		    rec.pending_since, t->grace, now, &next_level);
	for (i = 0; i < t->nsinks; i++)
		json_array_append_new(sinks, json_string(t->sinks[i]));
	o = json_pack("{s:s,s:s,s:o,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:b,s:b,s:i,"
		      "s:o,s:I,s:I,s:o,s:b}",
	    "id", t->id, "title", t->title, "description",
	    t->description != NULL ? json_string(t->description) : json_null(),
	    "action", conf_action_name(t->action), "schedule", t->schedule,
	    "normalized", norm, "next_run", sm_time_json(t->fire_at),
	    "next_due", sm_time_json(t->due), "last_run",
	    tasks_first(state_task_runs_json(ts->state, t->id, 1, 0)),
	    "last_ack", tasks_first(state_task_acks_json(ts->state, t->id, 1)),
	    "due", rec.pending_since != 0, "overdue", level > 0,
	    "overdue_level", level, "pending_since",
	    sm_time_json(rec.pending_since), "grace_sec", (json_int_t)t->grace,
	    "randomized_delay_sec", (json_int_t)t->delay, "sinks", sinks,
	    "running", t->waf != NULL);
	free(norm);
	return o;
}

json_t *
tasks_status_json(struct tasks *ts)
{
	json_t *a = json_array();
	struct task *t;
	time_t now = ts->clock();

	TAILQ_FOREACH(t, &ts->tasks, entry)
	json_array_append_new(a, task_status(t, now));
	return json_pack("{s:b,s:o,s:o}", "enabled", ts->enabled, "timezone",
	    ts->tz != NULL ? json_string(ts->tz) : json_null(), "tasks", a);
}

void
tasks_counts(struct tasks *ts, unsigned long long *runs, unsigned *due,
    unsigned *overdue)
{
	struct state_task rec;
	struct task *t;

	*runs = ts->runs;
	*due = *overdue = 0;
	TAILQ_FOREACH(t, &ts->tasks, entry)
	{
		if (state_task_get(ts->state, t->id, &rec) == -1)
			continue;
		*due += rec.pending_since != 0;
		*overdue += rec.overdue_level > 0;
	}
}
