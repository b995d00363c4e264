/*
 * state.h: secmond's durable state in SQLite under state_dir: the findings
 * seen, the last poll of every source and target, and the alerts with
 * their delivery mark (the outbox). A snapshot is applied, diffed and its
 * alerts written in one transaction.
 */
#ifndef SECMON_STATE_H
#define SECMON_STATE_H

#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "util.h"

#define STATE_DB "secmond.db"
#define STATE_LOCK "secmond.lock"
#define STATE_SCHEMA_VERSION 4

struct gd_snapshot;
struct state;

/* The last poll of one source on one target. */
struct state_poll {
	time_t at;
	uint64_t duration_ms;
	int ok;
	char error[256];
	time_t last_ok;
};

/*
 * Open (creating dir and schema if needed) and lock the state: a second
 * daemon on the same directory is refused. NULL with err.
 */
struct state *state_open(const char *dir, struct sm_err *err);
void state_close(struct state *);

/*
 * Apply a complete GuardDuty snapshot of (account, region): new findings
 * and findings whose severity rose become alerts; findings no longer listed
 * become inactive; the poll is recorded as ok. One transaction. *nalerts
 * gets the number of alerts written.
 */
int state_apply_gd(struct state *, const char *account, const char *region,
    const struct gd_snapshot *, time_t at, uint64_t duration_ms,
    unsigned *nalerts, struct sm_err *err);

/* Record a failed poll: nothing else changes. */
int state_poll_failed(struct state *, const char *source, const char *account,
    const char *region, time_t at, uint64_t duration_ms, const char *error,
    struct sm_err *err);

/* The last poll of (source, account, region); -1 if never polled. */
int state_last_poll(struct state *, const char *source, const char *account,
    const char *region, struct state_poll *out);

/* Active findings of (account, region) by band: low, medium, high, critical. */
int state_gd_counts(struct state *, const char *account, const char *region,
    long long counts[4]);

/* Alerts written so far, all time. */
long long state_alerts_total(struct state *);

/* GuardDuty's counts of active findings by band (GetFindingsStatistics). */
int state_gd_put_stats(struct state *, const char *account, const char *region,
    const long long counts[4], time_t at, struct sm_err *err);
/* The stored statistics; -1 if none yet. */
int state_gd_stats(struct state *, const char *account, const char *region,
    long long counts[4]);

/* The active findings at or above min_severity, worst first (JSON array). */
json_t *state_gd_findings_json(struct state *, double min_severity,
    const char *account, const char *region);

/* --- Alerts (state-alert.c) --- */

struct alert_event;
struct alert_item;

/* A sink as the outbox sees it: its name and what it wants. */
struct state_sink {
	char *name;
	unsigned kinds; /* CONF_KIND_* bits */
	int min_band;   /* 0 low .. 3 critical */
	int send_resolved;
};

/* The sinks raised alerts fan out to (copied). */
void state_set_sinks(struct state *, const struct state_sink *, size_t n);

/*
 * Inside a transaction of the caller: the alert's lifecycle; when it makes
 * a notification (new, worse, or resolved after firing), a logged event and
 * one outbox row per sink that wants it. 1 notified, 0 not, -1 error.
 */
int state_alert_raise(
    struct state *, const struct alert_event *, time_t now, struct sm_err *err);

/*
 * Queue a "repeat" of each high or critical alert that has been firing
 * since interval seconds after it was last sent; how many, or -1.
 */
int state_alert_repeats(
    struct state *, time_t now, uint64_t interval, struct sm_err *err);

/* state_alert_raise in a transaction of its own. */
int state_alert_raise_txn(
    struct state *, const struct alert_event *, time_t now, struct sm_err *err);

/*
 * Log ev as event ("repeat", "test") and queue it for only_sink (or every
 * sink that wants it, if NULL), outside the lifecycle; its id or -1.
 */
long long state_alert_record(struct state *, const struct alert_event *ev,
    const char *event, const char *only_sink, time_t now, struct sm_err *err);
int state_outbox_add(struct state *, const char *sink, long long alert_id,
    time_t now, struct sm_err *err);

/* A group of outbox rows for one sink: one kind and event, worst first. */
struct state_group {
	char kind[32];
	char event[16];
	struct alert_item *items;
	long long *outbox_ids;
	size_t n;
};

/*
 * The next group for sink: rows due at now, created at or before ready
 * (now - group_wait). 1 found (clear it with state_group_clear), 0 none.
 */
int state_outbox_next(struct state *, const char *sink, time_t now,
    time_t ready, struct state_group *g);
void state_group_clear(struct state_group *);
int state_outbox_delivered(
    struct state *, const char *sink, const struct state_group *, time_t now);
int state_outbox_failed(struct state *, const char *sink,
    const struct state_group *, time_t next, const char *error);
int state_outbox_attempts(struct state *, const struct state_group *);
/* Rows of sinks no longer configured go. */
int state_outbox_drop_unknown(struct state *);

/* --- Silences (state-silence.c) --- */

/* Are these matchers well-formed (kind, severity, account, region,
 * subject: non-empty strings, shell patterns)? */
int state_silence_check(const json_t *matchers, struct sm_err *err);
int state_silence_add(struct state *, const json_t *matchers, time_t starts,
    time_t ends, const char *comment, long long by, long long *id,
    struct sm_err *err);
int state_silence_expire(
    struct state *, long long id, long long by, time_t now, struct sm_err *err);
/* The silence that mutes ev now (its id), or 0. */
long long state_silenced(
    struct state *, const struct alert_event *ev, time_t now);
/* Silences, active ones only unless all. */
json_t *state_silences_json(struct state *, time_t now, int all);

/* Per sink: pending, next attempt, delivered, last ok and error. */
json_t *state_sinks_json(struct state *);
/* The latest alert events, newest first. */
json_t *state_alerts_json(struct state *, size_t max);

/* --- Security Hub (state-sh.c) --- */

#define STATE_OVERALL "overall" /* the standard of the overall score */
#define STATE_SCORE_DAYS 400    /* days of score history kept */

struct state_score {
	const char *standard; /* StandardsArn, or STATE_OVERALL */
	const char *name;
	double score; /* percent; < 0: no score (no controls) */
	int passed, failed, unknown, no_data, disabled;
};

struct state_control {
	const char *id;
	const char *title;
	const char *severity; /* CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL */
	const char *status;   /* PASSED, FAILED, UNKNOWN, NO_DATA, DISABLED */
	int failed_resources;
	const char *standards; /* JSON array text */
};

/*
 * A complete Security Hub snapshot of (account, region): the scores go to
 * the history, the controls replace the previous ones (a control keeps its
 * "since" while its status is unchanged); the poll is recorded ok. One
 * transaction.
 */
/* The thresholds of the Security Hub rules (from [securityhub]). */
struct state_sh_rules {
	double target;     /* score_target */
	double drop;       /* score_drop, points */
	uint64_t baseline; /* seconds of history for the best score */
	int min_severity;  /* control_failing: 0 INFORMATIONAL .. 4 */
};

/*
 * ... and raises score_drop (a fall of at least drop points since the
 * previous poll, or below the best of the baseline), score_below_target,
 * and control_failing (a control at or above min_severity that starts
 * failing), resolving each when its condition ends.
 */
int state_apply_sh(struct state *, const char *account, const char *region,
    const struct state_score *, size_t nscores, const struct state_control *,
    size_t ncontrols, const struct state_sh_rules *, time_t at,
    uint64_t duration_ms, struct sm_err *err);

/*
 * Scores by target: [{account, region, at, standards: [{standard, name,
 * score, previous, change, passed, ...}], history: {standard: [[at,
 * score]...]} (only with history)}]. account/region NULL: all.
 */
json_t *state_scores_json(struct state *, const char *account,
    const char *region, int history, size_t max_points);

/* Controls, worst first: failed only if failed_only. */
json_t *state_controls_json(
    struct state *, const char *account, const char *region, int failed_only);

/* --- CloudWatch (state-cw.c) --- */

struct state_alarm {
	const char *arn;
	const char *name;
	const char *type;  /* "metric", "composite" */
	const char *state; /* OK, ALARM, INSUFFICIENT_DATA */
	const char *reason;
	time_t transitioned; /* StateTransitionedTimestamp */
};

/*
 * A complete CloudWatch snapshot of (account, region): new alarms and
 * alarms whose state changed become transitions (oldest first); alarms
 * gone from the listing are dropped. *ntransitions gets how many.
 */
int state_apply_cw(struct state *, const char *account, const char *region,
    const struct state_alarm *, size_t n, time_t at, uint64_t duration_ms,
    unsigned *ntransitions, struct sm_err *err);

/* Alarms (state NULL: all), ALARM first, then by name. */
json_t *state_alarms_json(
    struct state *, const char *state, const char *account, const char *region);

/* Counts of (account, region)'s alarms by state: ok, alarm, insufficient. */
int state_cw_counts(struct state *, const char *account, const char *region,
    long long counts[3]);

/* The latest transitions, newest first. */
json_t *state_transitions_json(
    struct state *, const char *account, const char *region, size_t max);

/* --- Transactions, for callers that change several things at once --- */

int state_begin(struct state *, struct sm_err *err);
int state_commit(struct state *, struct sm_err *err);
void state_rollback(struct state *);

/* --- The maintenance calendar (state-task.c) --- */

/* What is kept of a task between runs of the daemon. */
struct state_task {
	time_t next_due;      /* the occurrence waited for; 0: none yet */
	time_t last_run;      /* 0: never */
	time_t pending_since; /* manual: first occurrence not acked; 0 */
	int overdue_level;    /* 0, 1 overdue, 2 escalated */
};

/* Task id's record; -1 if it has none yet (out zeroed). */
int state_task_get(struct state *, const char *id, struct state_task *out);

/* Set the occurrence the task waits for. */
int state_task_set_due(
    struct state *, const char *id, time_t next_due, struct sm_err *err);

/* One run of a task, for the audit trail. */
struct state_task_run {
	const char *task;
	time_t due;          /* the occurrence; 0: run by hand */
	const char *trigger; /* "schedule", "startup" (missed), "manual" */
	long long by_uid;    /* who ran it by hand; -1: the daemon */
	const char *by_user;
	const char *result;  /* "ok", "error", "reminded" */
	const char *summary; /* one line */
	const char *digest;  /* the text sent, or NULL */
	const char *data;    /* the digest as JSON text, or NULL */
	const char *error;   /* NULL unless result is "error" */
};

/*
 * Inside a transaction of the caller: record run r (started, finished),
 * the task's last run, and for a reminder its pending occurrence (kept if
 * an earlier one is still pending). The run's id, or -1.
 */
long long state_task_run_add(struct state *, const struct state_task_run *r,
    time_t started, time_t finished, struct sm_err *err);

/* Inside a transaction of the caller: the overdue level of a task. */
int state_task_set_overdue(
    struct state *, const char *id, int level, struct sm_err *err);

/*
 * Inside a transaction of the caller: record an acknowledgement of task id
 * by uid (user) with note (or NULL) and clear what was pending; *was gets
 * the task's record before. The ack's id, or -1.
 */
long long state_task_ack(struct state *, const char *id, long long uid,
    const char *user, const char *note, time_t now, struct state_task *was,
    struct sm_err *err);

/* Runs, newest first (task NULL: all), without their digests unless full. */
json_t *state_task_runs_json(
    struct state *, const char *task, size_t max, int full);
/* Run id in full (digest and data); NULL if there is none. */
json_t *state_task_run_json(struct state *, long long id);
/* Acknowledgements, newest first (task NULL: all). */
json_t *state_task_acks_json(struct state *, const char *task, size_t max);

/* --- What the automated reviews report (state-digest.c) --- */

/*
 * GuardDuty: {"counts": {low..critical}, "targets": [{account, region,
 * counts}], "new": [...], "resolved": [...], "worst": [...]}: findings
 * first seen and no longer active since `since`, the worst active ones.
 */
json_t *state_digest_gd(struct state *, time_t since, size_t max);
/* Alarms: {"counts": {ok, alarm, insufficient_data}, "in_alarm": [...],
 * "transitions": [...]} (transitions recorded since `since`). */
json_t *state_digest_cw(struct state *, time_t since, size_t max);
/* Security Hub: {"scores": [{account, region, standard, name, score,
 * before, change}], "newly_failing": [...]} (change since `since`). */
json_t *state_digest_sh(struct state *, time_t since, size_t max);

#endif
