/*
 * state-alert.c: alerts in SQLite: each fingerprint's lifecycle (firing,
 * resolved, first and last seen), the log of alert events, and the outbox:
 * one row per event and sink, written in the transaction that raised the
 * event, deleted only once the sink confirmed delivery.
 */
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "conf.h"
#include "state-int.h"

void
state_set_sinks(struct state *s, const struct state_sink *sinks, size_t n)
{
	size_t i;

	for (i = 0; i < s->nsinks; i++)
		free(s->sinks[i].name);
	free(s->sinks);
	s->sinks = xcalloc(n + 1, sizeof *s->sinks);
	for (i = 0; i < n; i++) {
		s->sinks[i] = sinks[i];
		s->sinks[i].name = xstrdup(sinks[i].name);
	}
	s->nsinks = n;
}

/* The lifecycle: does this event make a notification? */
static int
state_alert_lifecycle(struct state *s, const struct alert_event *ev,
    const char *fp, time_t now, struct sm_err *err)
{
	sqlite3_stmt *st;
	int firing = 0, notify, rc;
	double old = 0;

	if (state_prepare(s,
		"SELECT state='firing', severity FROM alert_state "
		"WHERE fingerprint=?1",
		&st, err) == -1)
		return -1;
	sqlite3_bind_text(st, 1, fp, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		firing = sqlite3_column_int(st, 0);
		old = sqlite3_column_double(st, 1);
	}
	sqlite3_finalize(st);
	/* Firing again only if new or worse; resolved only if it fired. */
	notify = ev->resolved ? firing : (!firing || ev->severity > old);
	if (state_prepare(s,
		"INSERT INTO alert_state(fingerprint, kind, "
		"account, region, subject, severity, state, title, first_seen, "
		"last_seen, resolved_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?9,"
		"NULL) ON CONFLICT(fingerprint) DO UPDATE SET severity=?6, "
		"title=?8, last_seen=?9, first_seen=CASE WHEN state='firing' "
		"THEN first_seen ELSE ?9 END, state=?7, resolved_at=CASE WHEN "
		"?7='resolved' THEN ?9 END",
		&st, err) == -1)
		return -1;
	sqlite3_bind_text(st, 1, fp, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ev->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ev->account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ev->region, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, ev->subject, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 6, ev->severity);
	sqlite3_bind_text(
	    st, 7, ev->resolved ? "resolved" : "firing", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, ev->title, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)now);
	rc = (!ev->resolved || firing) ? state_step_done(s, st, err) : 0;
	sqlite3_finalize(st);
	return rc == -1 ? -1 : notify;
}

/* The event's row in the log; its id, or -1. */
static long long
state_alert_log(struct state *s, const struct alert_event *ev, const char *fp,
    const char *event, long long silenced, time_t now, struct sm_err *err)
{
	sqlite3_stmt *st;
	long long id = -1;

	if (state_prepare(s,
		"INSERT INTO alerts(created, kind, severity, "
		"old_severity, account, region, subject, type, title, "
		"delivered, "
		"fingerprint, event, silenced) "
		"VALUES(?1,?2,?3,0,?4,?5,?6,?7,?8,1,?9,?10,?11)",
		&st, err) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	sqlite3_bind_text(st, 2, ev->kind, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 3, ev->severity);
	sqlite3_bind_text(st, 4, ev->account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, ev->region, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, ev->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, ev->detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, ev->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, fp, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, event, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, silenced);
	if (state_step_done(s, st, err) == 0)
		id = sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(st);
	return id;
}

/* Does sink k want this event? */
static int
state_sink_wants(
    const struct state_sink *k, const struct alert_event *ev, const char *event)
{
	unsigned bit;
	size_t i;

	if (ev->nsinks > 0) {
		for (i = 0; i < ev->nsinks; i++)
			if (strcmp(ev->sinks[i], k->name) == 0)
				break;
		if (i == ev->nsinks)
			return 0;
		return strcmp(event, "resolved") != 0 || k->send_resolved;
	}
	if (conf_kind_parse(ev->kind, &bit) == -1 || !(k->kinds & bit))
		return 0;
	/* Tests, digests and reminders have no severity to filter on. */
	if (!alert_kind_has(ev->kind, ALERT_KIND_ANY_SEVERITY) &&
	    alert_band(ev->severity) < k->min_band)
		return 0;
	return strcmp(event, "resolved") != 0 || k->send_resolved;
}

int
state_outbox_add(struct state *s, const char *sink, long long alert_id,
    time_t now, struct sm_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (state_prepare(s,
		"INSERT INTO outbox(sink, alert_id, created, "
		"attempts, next_attempt) VALUES(?1,?2,?3,0,?3)",
		&st, err) == -1)
		return -1;
	sqlite3_bind_text(st, 1, sink, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, alert_id);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
	rc = state_step_done(s, st, err);
	sqlite3_finalize(st);
	return rc;
}

long long
state_alert_record(struct state *s, const struct alert_event *ev,
    const char *event, const char *only_sink, time_t now, struct sm_err *err)
{
	char fp[ALERT_FP_LEN + 1];
	long long id, silenced;
	size_t i;

	alert_fingerprint(ev->kind, ev->account, ev->region, ev->subject, fp);
	/* A silenced alert is recorded, and sent nowhere. */
	silenced = only_sink == NULL ? state_silenced(s, ev, now) : 0;
	if ((id = state_alert_log(s, ev, fp, event, silenced, now, err)) == -1)
		return -1;
	for (i = 0; silenced == 0 && i < s->nsinks; i++) {
		if (only_sink != NULL
			? strcmp(only_sink, s->sinks[i].name) != 0
			: !state_sink_wants(&s->sinks[i], ev, event))
			continue;
		if (state_outbox_add(s, s->sinks[i].name, id, now, err) == -1)
			return -1;
	}
	return id;
}

int
state_alert_raise(struct state *s, const struct alert_event *ev, time_t now,
    struct sm_err *err)
{
	char fp[ALERT_FP_LEN + 1];
	int notify;

	alert_fingerprint(ev->kind, ev->account, ev->region, ev->subject, fp);
	if ((notify = state_alert_lifecycle(s, ev, fp, now, err)) <= 0)
		return notify;
	if (state_alert_record(s, ev, ev->resolved ? "resolved" : "firing",
		NULL, now, err) == -1)
		return -1;
	return 1;
}

void
state_group_clear(struct state_group *g)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		free((char *)(uintptr_t)g->items[i].kind);
		free((char *)(uintptr_t)g->items[i].event);
		free((char *)(uintptr_t)g->items[i].account);
		free((char *)(uintptr_t)g->items[i].region);
		free((char *)(uintptr_t)g->items[i].subject);
		free((char *)(uintptr_t)g->items[i].title);
		free((char *)(uintptr_t)g->items[i].detail);
	}
	free(g->items);
	free(g->outbox_ids);
	memset(g, 0, sizeof *g);
}

/* The first deliverable row's kind and event; 1 found, 0 none. */
static int
state_outbox_first(struct state *s, const char *sink, time_t now, time_t ready,
    struct state_group *g)
{
	sqlite3_stmt *st;
	int found = 0;

	if (state_prepare(s,
		"SELECT a.kind, a.event FROM outbox o JOIN alerts "
		"a ON a.id=o.alert_id WHERE o.sink=?1 AND o.next_attempt<=?2 "
		"AND "
		"o.created<=?3 ORDER BY o.id LIMIT 1",
		&st, NULL) == -1)
		return -1;
	sqlite3_bind_text(st, 1, sink, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)ready);
	if (sqlite3_step(st) == SQLITE_ROW) {
		strlcpy(g->kind, state_col(st, 0), sizeof g->kind);
		strlcpy(g->event, state_col(st, 1), sizeof g->event);
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

static void
state_group_add(struct state_group *g, sqlite3_stmt *st)
{
	struct alert_item *it;

	g->items = xreallocarray(g->items, g->n + 1, sizeof *g->items);
	g->outbox_ids =
	    xreallocarray(g->outbox_ids, g->n + 1, sizeof *g->outbox_ids);
	g->outbox_ids[g->n] = sqlite3_column_int64(st, 0);
	it = &g->items[g->n++];
	memset(it, 0, sizeof *it);
	it->id = sqlite3_column_int64(st, 1);
	strlcpy(it->fingerprint, state_col(st, 2), sizeof it->fingerprint);
	it->kind = xstrdup(state_col(st, 3));
	it->event = xstrdup(state_col(st, 4));
	it->account = xstrdup(state_col(st, 5));
	it->region = xstrdup(state_col(st, 6));
	it->subject = xstrdup(state_col(st, 7));
	it->title = xstrdup(state_col(st, 8));
	it->detail = xstrdup(state_col(st, 9));
	it->severity = sqlite3_column_double(st, 10);
	it->at = (time_t)sqlite3_column_int64(st, 11);
}

int
state_outbox_next(struct state *s, const char *sink, time_t now, time_t ready,
    struct state_group *g)
{
	sqlite3_stmt *st;
	int found;

	memset(g, 0, sizeof *g);
	if ((found = state_outbox_first(s, sink, now, ready, g)) <= 0)
		return found;
	if (state_prepare(s,
		"SELECT o.id, a.id, a.fingerprint, a.kind, "
		"a.event, a.account, a.region, a.subject, a.title, a.type, "
		"a.severity, a.created FROM outbox o JOIN alerts a ON "
		"a.id=o.alert_id WHERE o.sink=?1 AND o.next_attempt<=?2 AND "
		"o.created<=?3 AND a.kind=?4 AND a.event=?5 ORDER BY "
		"a.severity "
		"DESC, o.id LIMIT ?6",
		&st, NULL) == -1)
		return -1;
	sqlite3_bind_text(st, 1, sink, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)ready);
	sqlite3_bind_text(st, 4, g->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, g->event, -1, SQLITE_STATIC);
	/* A digest (ALERT_KIND_ALONE) is a notification of its own. */
	sqlite3_bind_int(st, 6,
	    alert_kind_has(g->kind, ALERT_KIND_ALONE) ? 1 : ALERT_MAX_ITEMS);
	while (sqlite3_step(st) == SQLITE_ROW)
		state_group_add(g, st);
	sqlite3_finalize(st);
	return g->n > 0;
}

/* Apply sql (binding ?1 = an outbox id) to every row of g, in one txn. */
static int
state_outbox_each(struct state *s, const struct state_group *g, const char *sql,
    time_t t, const char *text)
{
	sqlite3_stmt *st;
	size_t i;
	int rc = 0;

	if (state_exec(s, "BEGIN IMMEDIATE", NULL) == -1)
		return -1;
	if (state_prepare(s, sql, &st, NULL) == -1) {
		state_exec(s, "ROLLBACK", NULL);
		return -1;
	}
	for (i = 0; i < g->n && rc == 0; i++) {
		sqlite3_bind_int64(st, 1, g->outbox_ids[i]);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)t);
		if (text != NULL)
			sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
		rc = state_step_done(s, st, NULL);
	}
	sqlite3_finalize(st);
	if (rc == -1 || state_exec(s, "COMMIT", NULL) == -1) {
		state_exec(s, "ROLLBACK", NULL);
		return -1;
	}
	return 0;
}

static void
state_sink_stat(
    struct state *s, const char *sink, size_t n, time_t now, const char *error)
{
	sqlite3_stmt *st;

	if (state_prepare(s,
		"INSERT INTO sink_stats(sink, delivered, "
		"last_ok, last_error, last_error_at) VALUES(?1,?2,CASE WHEN ?4 "
		"IS NULL THEN ?3 END,?4,CASE WHEN ?4 IS NOT NULL THEN ?3 END) "
		"ON "
		"CONFLICT(sink) DO UPDATE SET delivered=delivered+?2, last_ok="
		"CASE WHEN ?4 IS NULL THEN ?3 ELSE last_ok END, last_error="
		"COALESCE(?4, last_error), last_error_at=CASE WHEN ?4 IS NOT "
		"NULL "
		"THEN ?3 ELSE last_error_at END",
		&st, NULL) == -1)
		return;
	sqlite3_bind_text(st, 1, sink, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)n);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
	if (error != NULL)
		sqlite3_bind_text(st, 4, error, -1, SQLITE_STATIC);
	state_step_done(s, st, NULL);
	sqlite3_finalize(st);
}

int
state_outbox_delivered(
    struct state *s, const char *sink, const struct state_group *g, time_t now)
{
	if (state_outbox_each(s, g,
		"DELETE FROM outbox WHERE id=?1 AND "
		"?2=?2",
		now, NULL) == -1)
		return -1;
	state_sink_stat(s, sink, g->n, now, NULL);
	return 0;
}

int
state_outbox_failed(struct state *s, const char *sink,
    const struct state_group *g, time_t next, const char *error)
{
	state_sink_stat(s, sink, 0, time(NULL), error);
	return state_outbox_each(s, g,
	    "UPDATE outbox SET attempts=attempts+1, "
	    "next_attempt=?2, last_error=?3 WHERE id=?1",
	    next, error);
}

/* The attempts so far of the group's first row (for the backoff). */
int
state_outbox_attempts(struct state *s, const struct state_group *g)
{
	sqlite3_stmt *st;
	int n = 0;

	if (g->n == 0 ||
	    state_prepare(s,
		"SELECT attempts FROM outbox WHERE "
		"id=?1",
		&st, NULL) == -1)
		return 0;
	sqlite3_bind_int64(st, 1, g->outbox_ids[0]);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

int
state_outbox_drop_unknown(struct state *s)
{
	char *sql, *list = xstrdup("''"), *tmp;
	size_t i;
	int rc;

	for (i = 0; i < s->nsinks; i++) {
		char *q = sqlite3_mprintf("%s,%Q", list, s->sinks[i].name);

		free(list);
		list = xstrdup(q);
		sqlite3_free(q);
	}
	xasprintf(&sql, "DELETE FROM outbox WHERE sink NOT IN (%s)", list);
	rc = state_exec(s, sql, NULL);
	tmp = sql;
	free(tmp);
	free(list);
	return rc;
}

json_t *
state_sinks_json(struct state *s)
{
	json_t *a = json_array();
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < s->nsinks; i++) {
		if (state_prepare(s,
			"SELECT (SELECT COUNT(*) FROM outbox WHERE "
			"sink=?1), (SELECT MIN(next_attempt) FROM outbox WHERE "
			"sink=?1), delivered, last_ok, last_error, "
			"last_error_at "
			"FROM (SELECT 1) LEFT JOIN sink_stats ON sink=?1",
			&st, NULL) == -1)
			break;
		sqlite3_bind_text(st, 1, s->sinks[i].name, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(a,
			    json_pack("{s:s,s:I,s:o,s:I,"
				      "s:o,s:o,s:o}",
				"name", s->sinks[i].name, "pending",
				(json_int_t)sqlite3_column_int64(st, 0),
				"next_attempt",
				sm_time_json(sqlite3_column_int64(st, 1)),
				"delivered",
				(json_int_t)sqlite3_column_int64(st, 2),
				"last_ok",
				sm_time_json(sqlite3_column_int64(st, 3)),
				"last_error",
				sqlite3_column_type(st, 4) == SQLITE_NULL
				    ? json_null()
				    : json_string(state_col(st, 4)),
				"last_error_at",
				sm_time_json(sqlite3_column_int64(st, 5))));
		sqlite3_finalize(st);
	}
	return a;
}

json_t *
state_alerts_json(struct state *s, size_t max)
{
	json_t *a = json_array();
	sqlite3_stmt *st;

	if (state_prepare(s,
		"SELECT id, created, kind, event, severity, "
		"account, region, subject, title, fingerprint, silenced, "
		"(SELECT "
		"group_concat(sink) FROM outbox WHERE alert_id=alerts.id) FROM "
		"alerts ORDER BY id DESC LIMIT ?1",
		&st, NULL) == -1)
		return a;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a,
		    json_pack("{s:I,s:o,s:s,s:s,s:f,s:s,"
			      "s:s,s:s,s:s,s:s,s:I,s:s}",
			"id", (json_int_t)sqlite3_column_int64(st, 0), "at",
			sm_time_json(sqlite3_column_int64(st, 1)), "kind",
			state_col(st, 2), "event", state_col(st, 3), "severity",
			sqlite3_column_double(st, 4), "account",
			state_col(st, 5), "region", state_col(st, 6), "subject",
			state_col(st, 7), "title", state_col(st, 8),
			"fingerprint", state_col(st, 9), "silenced_by",
			(json_int_t)sqlite3_column_int64(st, 10),
			"pending_sinks", state_col(st, 11)));
	sqlite3_finalize(st);
	return a;
}

int
state_alert_raise_txn(struct state *s, const struct alert_event *ev, time_t now,
    struct sm_err *err)
{
	int rc;

	if (state_exec(s, "BEGIN IMMEDIATE", err) == -1)
		return -1;
	if ((rc = state_alert_raise(s, ev, now, err)) == -1 ||
	    state_exec(s, "COMMIT", err) == -1) {
		state_exec(s, "ROLLBACK", NULL);
		return -1;
	}
	return rc;
}

/* Queue a "repeat" of every high or critical alert still firing since at
 * least interval seconds after it was last sent. Returns how many. */
int
state_alert_repeats(
    struct state *s, time_t now, uint64_t interval, struct sm_err *err)
{
	sqlite3_stmt *st;
	struct alert_event ev;
	int n = 0, rc = 0;

	if (state_exec(s, "BEGIN IMMEDIATE", err) == -1)
		return -1;
	if (state_prepare(s,
		"SELECT kind, account, region, subject, severity, "
		"title, fingerprint FROM alert_state WHERE state='firing' AND "
		"severity>=7 AND COALESCE(last_sent, first_seen)<=?1",
		&st, err) == -1) {
		state_exec(s, "ROLLBACK", NULL);
		return -1;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)(now - (time_t)interval));
	while (rc != -1 && sqlite3_step(st) == SQLITE_ROW) {
		memset(&ev, 0, sizeof ev);
		ev.kind = state_col(st, 0);
		ev.account = state_col(st, 1);
		ev.region = state_col(st, 2);
		ev.subject = state_col(st, 3);
		ev.severity = sqlite3_column_double(st, 4);
		ev.title = state_col(st, 5);
		if (state_alert_record(s, &ev, "repeat", NULL, now, err) == -1)
			rc = -1;
		n++;
	}
	sqlite3_finalize(st);
	if (rc == -1 ||
	    state_prepare(s,
		"UPDATE alert_state SET last_sent=?2 WHERE "
		"state='firing' AND severity>=7 AND COALESCE(last_sent, "
		"first_seen)<=?1",
		&st, err) == -1) {
		state_exec(s, "ROLLBACK", NULL);
		return -1;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)(now - (time_t)interval));
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	rc = state_step_done(s, st, err);
	sqlite3_finalize(st);
	if (rc == -1 || state_exec(s, "COMMIT", err) == -1) {
		state_exec(s, "ROLLBACK", NULL);
		return -1;
	}
	return n;
}
