/*
 * state-digest.c: what the automated reviews of the maintenance calendar
 * report, read from what the polls stored: GuardDuty findings by band, new
 * and resolved since the last digest, the worst; alarms in ALARM and the
 * transitions since; Security Hub scores with their change and the
 * controls that started failing since. Pure reads, as JSON; digest.c
 * writes the text.
 */
#include <stdlib.h>
#include <string.h>

#include "state-int.h"

#define STATE_BANDS                                                            \
	"SUM(severity < 4), SUM(severity >= 4 AND severity < 7), "             \
	"SUM(severity >= 7 AND severity < 9), SUM(severity >= 9)"

static json_t *
state_bands_json(sqlite3_stmt *st, int col)
{
	return json_pack("{s:I,s:I,s:I,s:I}", "low",
	    (json_int_t)sqlite3_column_int64(st, col), "medium",
	    (json_int_t)sqlite3_column_int64(st, col + 1), "high",
	    (json_int_t)sqlite3_column_int64(st, col + 2), "critical",
	    (json_int_t)sqlite3_column_int64(st, col + 3));
}

/* Findings matching where (binding ?1 = since), worst first, at most max. */
static json_t *
state_gd_list(struct state *s, const char *where, time_t since, size_t max)
{
	char *sql;
	sqlite3_stmt *st;
	json_t *a = json_array();
	int rc;

	xasprintf(&sql,
	    "SELECT COALESCE(account_id, account), region, id, type, title, "
	    "severity, first_seen, resolved_at FROM gd_findings WHERE %s "
	    "ORDER BY severity DESC, first_seen DESC, id LIMIT ?2",
	    where);
	rc = state_prepare(s, sql, &st, NULL);
	free(sql);
	if (rc == -1)
		return a;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a,
		    json_pack("{s:s,s:s,s:s,s:s,s:s,s:f,s:o,s:o}", "account",
			state_col(st, 0), "region", state_col(st, 1), "id",
			state_col(st, 2), "type", state_col(st, 3), "title",
			state_col(st, 4), "severity",
			sqlite3_column_double(st, 5), "first_seen",
			sm_time_json(sqlite3_column_int64(st, 6)),
			"resolved_at",
			sm_time_json(sqlite3_column_int64(st, 7))));
	sqlite3_finalize(st);
	return a;
}

/* How many findings match where (binding ?1 = since). */
static json_int_t
state_gd_count(struct state *s, const char *where, time_t since)
{
	char *sql;
	sqlite3_stmt *st;
	json_int_t n = 0;
	int rc;

	xasprintf(&sql, "SELECT COUNT(*) FROM gd_findings WHERE %s", where);
	rc = state_prepare(s, sql, &st, NULL);
	free(sql);
	if (rc == -1)
		return 0;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

#define STATE_GD_NEW "active=1 AND first_seen>?1"
#define STATE_GD_RESOLVED "active=0 AND resolved_at>?1"

json_t *
state_digest_gd(struct state *s, time_t since, size_t max)
{
	json_t *o, *targets = json_array(), *counts = NULL;
	sqlite3_stmt *st;

	if (state_prepare(s,
		"SELECT account, region, " STATE_BANDS " FROM gd_findings "
		"WHERE active=1 GROUP BY account, region ORDER BY account, "
		"region",
		&st, NULL) == 0) {
		while (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(targets,
			    json_pack("{s:s,s:s,s:o}", "account",
				state_col(st, 0), "region", state_col(st, 1),
				"counts", state_bands_json(st, 2)));
		sqlite3_finalize(st);
	}
	if (state_prepare(s,
		"SELECT " STATE_BANDS " FROM gd_findings WHERE active=1", &st,
		NULL) == 0) {
		if (sqlite3_step(st) == SQLITE_ROW)
			counts = state_bands_json(st, 0);
		sqlite3_finalize(st);
	}
	o = json_pack("{s:o,s:o,s:I,s:o,s:I,s:o,s:o}", "counts",
	    counts != NULL ? counts : json_object(), "targets", targets,
	    "new_count", state_gd_count(s, STATE_GD_NEW, since), "new",
	    state_gd_list(s, STATE_GD_NEW, since, max), "resolved_count",
	    state_gd_count(s, STATE_GD_RESOLVED, since), "resolved",
	    state_gd_list(s, STATE_GD_RESOLVED, since, max), "worst",
	    state_gd_list(s, "active=1", since, max));
	return o;
}

json_t *
state_digest_cw(struct state *s, time_t since, size_t max)
{
	json_t *alarm = json_array(), *trans = json_array(), *counts = NULL;
	sqlite3_stmt *st;
	json_int_t ntrans = 0;

	if (state_prepare(s,
		"SELECT SUM(state='OK'), SUM(state='ALARM'), "
		"SUM(state='INSUFFICIENT_DATA') FROM cw_alarms",
		&st, NULL) == 0) {
		if (sqlite3_step(st) == SQLITE_ROW)
			counts = json_pack("{s:I,s:I,s:I}", "ok",
			    (json_int_t)sqlite3_column_int64(st, 0), "alarm",
			    (json_int_t)sqlite3_column_int64(st, 1),
			    "insufficient_data",
			    (json_int_t)sqlite3_column_int64(st, 2));
		sqlite3_finalize(st);
	}
	if (state_prepare(s,
		"SELECT account, region, name, since, reason FROM cw_alarms "
		"WHERE state='ALARM' ORDER BY since, name LIMIT ?1",
		&st, NULL) == 0) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
		while (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(alarm,
			    json_pack("{s:s,s:s,s:s,s:o,s:s}", "account",
				state_col(st, 0), "region", state_col(st, 1),
				"name", state_col(st, 2), "since",
				sm_time_json(sqlite3_column_int64(st, 3)),
				"reason", state_col(st, 4)));
		sqlite3_finalize(st);
	}
	if (state_prepare(s,
		"SELECT account, region, name, old_state, new_state, at FROM "
		"cw_transitions WHERE recorded>?1 ORDER BY id DESC LIMIT ?2",
		&st, NULL) == 0) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
		while (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(trans,
			    json_pack("{s:s,s:s,s:s,s:o,s:s,s:o}", "account",
				state_col(st, 0), "region", state_col(st, 1),
				"name", state_col(st, 2), "old",
				sqlite3_column_type(st, 3) == SQLITE_NULL
				    ? json_null()
				    : json_string(state_col(st, 3)),
				"new", state_col(st, 4), "at",
				sm_time_json(sqlite3_column_int64(st, 5))));
		sqlite3_finalize(st);
	}
	if (state_prepare(s,
		"SELECT COUNT(*) FROM cw_transitions WHERE recorded>?1", &st,
		NULL) == 0) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
		if (sqlite3_step(st) == SQLITE_ROW)
			ntrans = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return json_pack("{s:o,s:o,s:I,s:o}", "counts",
	    counts != NULL ? counts : json_object(), "in_alarm", alarm,
	    "transitions_count", ntrans, "transitions", trans);
}

/* A score (< 0: none) as JSON. */
static json_t *
state_score_json(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL ||
	    sqlite3_column_double(st, i) < 0)
		return json_null();
	return json_real(sqlite3_column_double(st, i));
}

json_t *
state_digest_sh(struct state *s, time_t since, size_t max)
{
	json_t *scores = json_array(), *failing = json_array(), *o;
	sqlite3_stmt *st;

	/* The latest score of each standard, and the last one at or before
	 * since (the previous digest). */
	if (state_prepare(s,
		"SELECT c.account, c.region, c.standard, c.name, c.score, "
		"(SELECT p.score FROM sh_scores p WHERE p.account=c.account "
		"AND p.region=c.region AND p.standard=c.standard AND "
		"p.at<=?1 ORDER BY p.at DESC LIMIT 1) FROM sh_scores c WHERE "
		"c.at=(SELECT MAX(at) FROM sh_scores m WHERE "
		"m.account=c.account AND m.region=c.region) ORDER BY "
		"c.account, c.region, c.standard<>'overall', c.name",
		&st, NULL) == 0) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
		while (sqlite3_step(st) == SQLITE_ROW) {
			json_t *now = state_score_json(st, 4);
			json_t *before = state_score_json(st, 5);

			o = json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:o}",
			    "account", state_col(st, 0), "region",
			    state_col(st, 1), "standard", state_col(st, 2),
			    "name", state_col(st, 3), "score", now, "before",
			    before, "change",
			    json_is_real(now) && json_is_real(before)
				? json_real(json_real_value(now) -
				      json_real_value(before))
				: json_null());
			json_array_append_new(scores, o);
		}
		sqlite3_finalize(st);
	}
	if (state_prepare(s,
		"SELECT account, region, id, title, severity, "
		"failed_resources, since FROM sh_controls WHERE "
		"status='FAILED' AND since>?1 ORDER BY CASE severity WHEN "
		"'CRITICAL' THEN 0 WHEN 'HIGH' THEN 1 WHEN 'MEDIUM' THEN 2 "
		"WHEN 'LOW' THEN 3 ELSE 4 END, id LIMIT ?2",
		&st, NULL) == 0) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
		while (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(failing,
			    json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:o}",
				"account", state_col(st, 0), "region",
				state_col(st, 1), "id", state_col(st, 2),
				"title", state_col(st, 3), "severity",
				state_col(st, 4), "failed_resources",
				sqlite3_column_int(st, 5), "since",
				sm_time_json(sqlite3_column_int64(st, 6))));
		sqlite3_finalize(st);
	}
	return json_pack(
	    "{s:o,s:o}", "scores", scores, "newly_failing", failing);
}
