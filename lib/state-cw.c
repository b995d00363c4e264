/*
 * state-cw.c: CloudWatch alarms in SQLite: the current state of every
 * watched alarm and the transitions between states, in the order they
 * happened (StateTransitionedTimestamp), each recorded once.
 */
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "state-int.h"

struct state_cw_stmts {
	sqlite3_stmt *get, *put, *trans;
};

static void
state_cw_free(struct state_cw_stmts *q)
{
	sqlite3_finalize(q->get);
	sqlite3_finalize(q->put);
	sqlite3_finalize(q->trans);
}

static int
state_cw_prepare(struct state *s, struct state_cw_stmts *q, struct sm_err *err)
{
	memset(q, 0, sizeof *q);
	if (state_prepare(s,
		"SELECT state, since FROM cw_alarms WHERE "
		"account=?1 AND region=?2 AND arn=?3",
		&q->get, err) == -1 ||
	    state_prepare(s,
		"INSERT INTO cw_alarms(account, region, arn, name, "
		"type, state, reason, since, seen, gen) "
		"VALUES(?1,?2,?3,?4,?5,?6,"
		"?7,?8,?9,?10) ON CONFLICT(account, region, arn) DO UPDATE SET "
		"name=?4, type=?5, state=?6, reason=?7, since=?8, seen=?9, "
		"gen=?10",
		&q->put, err) == -1 ||
	    state_prepare(s,
		"INSERT INTO cw_transitions(account, region, arn, "
		"name, old_state, new_state, at, reason, recorded) "
		"VALUES(?1,?2,"
		"?3,?4,?5,?6,?7,?8,?9)",
		&q->trans, err) == -1) {
		state_cw_free(q);
		return -1;
	}
	return 0;
}

/* The alarm's previous state into old (empty if new); 1 if it changed. */
static int
state_cw_changed(struct state_cw_stmts *q, const char *account,
    const char *region, const struct state_alarm *a, char *old, size_t len)
{
	int changed = 1;

	old[0] = '\0';
	sqlite3_bind_text(q->get, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(q->get, 2, region, -1, SQLITE_STATIC);
	sqlite3_bind_text(q->get, 3, a->arn, -1, SQLITE_STATIC);
	if (sqlite3_step(q->get) == SQLITE_ROW) {
		strlcpy(old, (const char *)sqlite3_column_text(q->get, 0), len);
		changed = strcmp(old, a->state) != 0 ||
		    sqlite3_column_int64(q->get, 1) !=
			(sqlite3_int64)a->transitioned;
	}
	sqlite3_reset(q->get);
	return changed;
}

static int
state_cw_transition(struct state *s, struct state_cw_stmts *q,
    const char *account, const char *region, const struct state_alarm *a,
    const char *old, time_t at, struct sm_err *err)
{
	sqlite3_bind_text(q->trans, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(q->trans, 2, region, -1, SQLITE_STATIC);
	sqlite3_bind_text(q->trans, 3, a->arn, -1, SQLITE_STATIC);
	sqlite3_bind_text(q->trans, 4, a->name, -1, SQLITE_STATIC);
	if (old[0] != '\0')
		sqlite3_bind_text(q->trans, 5, old, -1, SQLITE_STATIC);
	sqlite3_bind_text(q->trans, 6, a->state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q->trans, 7, (sqlite3_int64)a->transitioned);
	sqlite3_bind_text(q->trans, 8, a->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q->trans, 9, (sqlite3_int64)at);
	return state_step_done(s, q->trans, err);
}

static int
state_cw_put(struct state *s, struct state_cw_stmts *q, const char *account,
    const char *region, const struct state_alarm *a, time_t at, long long gen,
    struct sm_err *err)
{
	sqlite3_bind_text(q->put, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(q->put, 2, region, -1, SQLITE_STATIC);
	sqlite3_bind_text(q->put, 3, a->arn, -1, SQLITE_STATIC);
	sqlite3_bind_text(q->put, 4, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q->put, 5, a->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(q->put, 6, a->state, -1, SQLITE_STATIC);
	sqlite3_bind_text(q->put, 7, a->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q->put, 8, (sqlite3_int64)a->transitioned);
	sqlite3_bind_int64(q->put, 9, (sqlite3_int64)at);
	sqlite3_bind_int64(q->put, 10, gen);
	return state_step_done(s, q->put, err);
}

/* Transitions go in the order they happened, not the listing's. */
static int
state_cw_order(const void *x, const void *y)
{
	const struct state_alarm *a = *(const struct state_alarm *const *)x;
	const struct state_alarm *b = *(const struct state_alarm *const *)y;

	if (a->transitioned != b->transitioned)
		return a->transitioned < b->transitioned ? -1 : 1;
	return strcmp(a->arn, b->arn);
}

/* Alarms no longer listed (deleted, or no longer watched) go. */
static int
state_cw_gone(struct state *s, const char *account, const char *region,
    long long gen, struct sm_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (state_prepare(s,
		"DELETE FROM cw_alarms WHERE account=?1 AND "
		"region=?2 AND gen<>?3",
		&st, err) == -1)
		return -1;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, region, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, gen);
	rc = state_step_done(s, st, err);
	sqlite3_finalize(st);
	return rc;
}

/* The account of an alarm ARN (arn:aws:cloudwatch:REGION:ACCOUNT:alarm:..). */
static void
state_cw_account(const char *arn, const char *fallback, char *out, size_t len)
{
	const char *p = arn;
	size_t i, n;

	for (i = 0; i < 4 && p != NULL; i++)
		if ((p = strchr(p, ':')) != NULL)
			p++;
	n = p != NULL ? strcspn(p, ":") : 0;
	if (n == 0 || n >= len) {
		strlcpy(out, fallback, len);
		return;
	}
	memcpy(out, p, n);
	out[n] = '\0';
}

/* Entering ALARM fires the alarm's alert; leaving it resolves it. */
static int
state_cw_alert(struct state *s, const char *account, const char *region,
    const struct state_alarm *a, const char *old, time_t at, struct sm_err *err)
{
	int firing = strcmp(a->state, "ALARM") == 0;
	char acct[32], title[400];
	struct alert_event ev = { .kind = "alarm",
		.resolved = !firing,
		.severity = 7.0,
		.region = region,
		.subject = a->name,
		.title = title,
		.detail = a->reason };

	if (!firing && strcmp(old, "ALARM") != 0)
		return 0;
	state_cw_account(a->arn, account, acct, sizeof acct);
	ev.account = acct;
	snprintf(title, sizeof title, "CloudWatch alarm %s is %s", a->name,
	    a->state);
	return state_alert_raise(s, &ev, at, err) == -1 ? -1 : 0;
}

static int
state_cw_diff(struct state *s, struct state_cw_stmts *q, const char *account,
    const char *region, const struct state_alarm *alarms, size_t n, time_t at,
    unsigned *ntrans, struct sm_err *err)
{
	const struct state_alarm **ord = xcalloc(n, sizeof *ord);
	long long gen = state_next_gen(s, "cw_alarms", account, region);
	char old[32];
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++)
		ord[i] = &alarms[i];
	qsort(ord, n, sizeof *ord, state_cw_order);
	for (i = 0; i < n && rc == 0; i++) {
		if (state_cw_changed(
			q, account, region, ord[i], old, sizeof old)) {
			rc = state_cw_transition(
			    s, q, account, region, ord[i], old, at, err);
			if (rc == 0)
				rc = state_cw_alert(
				    s, account, region, ord[i], old, at, err);
			(*ntrans)++;
		}
		if (rc == 0)
			rc = state_cw_put(
			    s, q, account, region, ord[i], at, gen, err);
	}
	free(ord);
	if (rc == 0)
		rc = state_cw_gone(s, account, region, gen, err);
	return rc;
}

int
state_apply_cw(struct state *s, const char *account, const char *region,
    const struct state_alarm *alarms, size_t n, time_t at, uint64_t duration_ms,
    unsigned *ntrans, struct sm_err *err)
{
	struct state_cw_stmts q;

	*ntrans = 0;
	if (state_cw_prepare(s, &q, err) == -1)
		return -1;
	if (state_exec(s, "BEGIN IMMEDIATE", err) == -1) {
		state_cw_free(&q);
		return -1;
	}
	if (state_cw_diff(s, &q, account, region, alarms, n, at, ntrans, err) ==
		-1 ||
	    state_poll_put(s, "cloudwatch", account, region, at, duration_ms,
		NULL, err) == -1 ||
	    state_exec(s, "COMMIT", err) == -1) {
		state_exec(s, "ROLLBACK", NULL);
		state_cw_free(&q);
		*ntrans = 0;
		return -1;
	}
	state_cw_free(&q);
	return 0;
}

json_t *
state_alarms_json(
    struct state *s, const char *state, const char *account, const char *region)
{
	json_t *a = json_array();
	sqlite3_stmt *st;

	if (state_prepare(s,
		"SELECT account, region, name, type, state, "
		"since, reason, arn FROM cw_alarms WHERE (?1 IS NULL OR "
		"account=?1) AND (?2 IS NULL OR region=?2) AND (?3 IS NULL OR "
		"state=?3) ORDER BY state='ALARM' DESC, "
		"state='INSUFFICIENT_DATA' DESC, name",
		&st, NULL) == -1)
		return a;
	state_bind_filter(st, account, region);
	if (state != NULL)
		sqlite3_bind_text(st, 3, state, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a,
		    json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,"
			      "s:s,s:s}",
			"account", state_col(st, 0), "region", state_col(st, 1),
			"name", state_col(st, 2), "type", state_col(st, 3),
			"state", state_col(st, 4), "since",
			sm_time_json(sqlite3_column_int64(st, 5)), "reason",
			state_col(st, 6), "arn", state_col(st, 7)));
	sqlite3_finalize(st);
	return a;
}

int
state_cw_counts(struct state *s, const char *account, const char *region,
    long long counts[3])
{
	sqlite3_stmt *st;

	memset(counts, 0, 3 * sizeof counts[0]);
	if (state_prepare(s,
		"SELECT SUM(state='OK'), SUM(state='ALARM'), "
		"SUM(state='INSUFFICIENT_DATA') FROM cw_alarms WHERE "
		"account=?1 "
		"AND region=?2",
		&st, NULL) == -1)
		return -1;
	state_bind_filter(st, account, region);
	if (sqlite3_step(st) == SQLITE_ROW) {
		counts[0] = sqlite3_column_int64(st, 0);
		counts[1] = sqlite3_column_int64(st, 1);
		counts[2] = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return 0;
}

json_t *
state_transitions_json(
    struct state *s, const char *account, const char *region, size_t max)
{
	json_t *a = json_array();
	sqlite3_stmt *st;

	if (state_prepare(s,
		"SELECT account, region, name, old_state, "
		"new_state, at, reason FROM cw_transitions WHERE (?1 IS NULL "
		"OR "
		"account=?1) AND (?2 IS NULL OR region=?2) ORDER BY id DESC "
		"LIMIT ?3",
		&st, NULL) == -1)
		return a;
	state_bind_filter(st, account, region);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a,
		    json_pack("{s:s,s:s,s:s,s:o,s:s,s:o,"
			      "s:s}",
			"account", state_col(st, 0), "region", state_col(st, 1),
			"name", state_col(st, 2), "from",
			sqlite3_column_type(st, 3) == SQLITE_NULL
			    ? json_null()
			    : json_string(state_col(st, 3)),
			"to", state_col(st, 4), "at",
			sm_time_json(sqlite3_column_int64(st, 5)), "reason",
			state_col(st, 6)));
	sqlite3_finalize(st);
	return a;
}
