/*
 * tasks.h: the security maintenance calendar: the [task NAME] sections as
 * timers in the configured time zone. When a task is due, an automated
 * review writes its digest (one notification to the task's sinks, kept in
 * the history); a manual task sends a reminder and waits for `secmonctl
 * ack`: not acknowledged within its grace it raises task_overdue (medium),
 * escalated to high after a second grace, resolved by the ack. A run
 * missed while the daemon was down is made up once at start-up. Time comes
 * from a clock that tests replace.
 */
#ifndef SECMON_TASKS_H
#define SECMON_TASKS_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <jansson.h>

#include "util.h"

#define TASKS_MAX_SLEEP 900     /* seconds a timer sleeps before a new look */
#define TASKS_LOOP_RETRIES 8    /* days searched past a failed DST search */
#define TASKS_FIRST_SINCE 86400 /* a first digest covers this much */
#define TASKS_OVERDUE_SEV 5.0   /* task_overdue: medium, */
#define TASKS_ESCALATED_SEV 7.0 /*   high after a second grace */

struct event_base;
struct state;
struct monitor;
struct outbox;
struct conf;
struct calendar;
struct tasks;

typedef time_t (*tasks_clock_fn)(void);

/* monitor and outbox are borrowed; either may be NULL (tests). */
struct tasks *tasks_new(
    struct event_base *, struct state *, struct monitor *, struct outbox *);
void tasks_free(struct tasks *);

/* Replace time(NULL), for tests; call before tasks_configure. */
void tasks_set_clock(struct tasks *, tasks_clock_fn);

/*
 * Take c's tasks (and [maintenance]): new ones are planned (and a run
 * missed while the daemon was down is made up now), changed ones
 * re-planned, removed ones dropped. 0, or -1 with err.
 */
int tasks_configure(struct tasks *, const struct conf *c, struct sm_err *err);

/* Do what is due at the clock's now and re-arm the timer (the timer's
 * callback; tests call it after moving their clock). */
void tasks_tick(struct tasks *);

/* Who asks, for the audit trail. */
struct tasks_who {
	long long uid;    /* from SO_PEERCRED */
	const char *user; /* as the client named it; may be NULL */
};

/*
 * Run task id now, by hand. *out gets {"task", "run", "running",
 * "summary"} (a WAF review answers running: its digest comes later).
 */
int tasks_run(struct tasks *, const char *id, const struct tasks_who *,
    json_t **out, struct sm_err *err);

/* Acknowledge task id with note (or NULL). *out: {"task", "ack", "was_due",
 * "was_overdue", "due"}. */
int tasks_ack(struct tasks *, const char *id, const struct tasks_who *,
    const char *note, json_t **out, struct sm_err *err);

/* The "tasks" of status and secmonctl tasks. */
json_t *tasks_status_json(struct tasks *);

/* Counts for systemd's STATUS= line. */
void tasks_counts(
    struct tasks *, unsigned long long *runs, unsigned *due, unsigned *overdue);

/* --- The pure parts, for tests --- */

struct tasks_plan {
	int missed;      /* a run was due while the daemon was down */
	time_t next_due; /* the next occurrence after now; 0: none */
};

/* From the stored occurrence (0: none) and now. 0, or -1 if cal fails. */
int tasks_plan(const struct calendar *, const char *tz, time_t stored_due,
    time_t now, struct tasks_plan *out);

/* The overdue level (0, 1, 2) at now of an occurrence pending since
 * `since`, and in *next when it rises next (0: never). */
int tasks_overdue_level(time_t since, uint64_t grace, time_t now, time_t *next);

/* due plus a delay in [0, max] drawn from r (uniform over uint32). */
time_t tasks_jitter(time_t due, uint64_t max, uint32_t r);

#endif
