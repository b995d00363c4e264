/*
 * state-sh.c: Security Hub in SQLite: the score history (one row per
 * standard and overall per complete poll, kept STATE_SCORE_DAYS days) and
 * the current controls, with when each took its status.
 */
#include <string.h>

#include <stdio.h>

#include "alert.h"
#include "state-int.h"

static int
state_sh_put_scores(struct state *s, const char *account, const char *region,
    const struct state_score *sc, size_t n, time_t at, struct sm_err *err)
{
	sqlite3_stmt *st;
	size_t i;
	int rc = 0;

	if (state_prepare(s,
		"INSERT INTO sh_scores(account, region, at, "
		"standard, name, score, passed, failed, unknown, no_data, "
		"disabled) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
		&st, err) == -1)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, region, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)at);
		sqlite3_bind_text(st, 4, sc[i].standard, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, sc[i].name, -1, SQLITE_STATIC);
		if (sc[i].score >= 0)
			sqlite3_bind_double(st, 6, sc[i].score);
		sqlite3_bind_int(st, 7, sc[i].passed);
		sqlite3_bind_int(st, 8, sc[i].failed);
		sqlite3_bind_int(st, 9, sc[i].unknown);
		sqlite3_bind_int(st, 10, sc[i].no_data);
		sqlite3_bind_int(st, 11, sc[i].disabled);
		rc = state_step_done(s, st, err);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Replace the controls; a control keeps its "since" if its status held. */
static int
state_sh_put_controls(struct state *s, const char *account, const char *region,
    const struct state_control *c, size_t n, time_t at, struct sm_err *err)
{
	sqlite3_stmt *st;
	size_t i;
	int rc = 0;

	if (state_exec(s,
		"CREATE TEMP TABLE IF NOT EXISTS sh_keep(id TEXT "
		"PRIMARY KEY); DELETE FROM sh_keep;",
		err) == -1 ||
	    state_prepare(s,
		"INSERT INTO sh_controls(account, region, id, "
		"title, severity, status, failed_resources, standards, since) "
		"VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9) ON CONFLICT(account, "
		"region, "
		"id) DO UPDATE SET title=?4, severity=?5, failed_resources=?7, "
		"standards=?8, since=CASE WHEN status=?6 THEN since ELSE ?9 "
		"END, "
		"status=?6",
		&st, err) == -1)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, region, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, c[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, c[i].title, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, c[i].severity, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, c[i].status, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 7, c[i].failed_resources);
		sqlite3_bind_text(st, 8, c[i].standards, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 9, (sqlite3_int64)at);
		rc = state_step_done(s, st, err);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Controls no longer reported, and history past its days, go. */
static int
state_sh_prune(struct state *s, const char *account, const char *region,
    time_t at, struct sm_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (state_prepare(s,
		"DELETE FROM sh_controls WHERE account=?1 AND "
		"region=?2 AND id NOT IN (SELECT id FROM sh_keep)",
		&st, err) == -1)
		return -1;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, region, -1, SQLITE_STATIC);
	rc = state_step_done(s, st, err);
	sqlite3_finalize(st);
	if (rc == -1 ||
	    state_prepare(s, "DELETE FROM sh_scores WHERE at<?1", &st, err) ==
		-1)
		return -1;
	sqlite3_bind_int64(
	    st, 1, (sqlite3_int64)(at - (time_t)STATE_SCORE_DAYS * 86400));
	rc = state_step_done(s, st, err);
	sqlite3_finalize(st);
	return rc;
}

static int
state_sh_keep(struct state *s, const struct state_control *c, size_t n,
    struct sm_err *err)
{
	sqlite3_stmt *st;
	size_t i;
	int rc = 0;

	if (state_prepare(
		s, "INSERT OR IGNORE INTO sh_keep VALUES(?1)", &st, err) == -1)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		sqlite3_bind_text(st, 1, c[i].id, -1, SQLITE_STATIC);
		rc = state_step_done(s, st, err);
	}
	sqlite3_finalize(st);
	return rc;
}

/* One Security Hub alert of (account, region). */
static int
state_sh_raise(struct state *s, const char *kind, int resolved, double severity,
    const char *account, const char *region, const char *subject,
    const char *title, time_t at, struct sm_err *err)
{
	struct alert_event ev = { .kind = kind,
		.resolved = resolved,
		.severity = severity,
		.account = account,
		.region = region,
		.subject = subject,
		.title = title };

	return state_alert_raise(s, &ev, at, err) == -1 ? -1 : 0;
}

/* The previous score and the best of the baseline, before this poll. */
static void
state_sh_history_of(struct state *s, const char *account, const char *region,
    const char *standard, time_t since, double *prev, double *best)
{
	sqlite3_stmt *st;

	*prev = *best = -1;
	if (state_prepare(s,
		"SELECT (SELECT score FROM sh_scores WHERE "
		"account=?1 AND region=?2 AND standard=?3 AND score IS NOT "
		"NULL "
		"ORDER BY at DESC LIMIT 1), (SELECT MAX(score) FROM sh_scores "
		"WHERE account=?1 AND region=?2 AND standard=?3 AND at>=?4)",
		&st, NULL) == -1)
		return;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, region, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, standard, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)since);
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			*prev = sqlite3_column_double(st, 0);
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			*best = sqlite3_column_double(st, 1);
	}
	sqlite3_finalize(st);
}

/* score_drop and score_below_target for one standard (or overall). */
static int
state_sh_score_rules(struct state *s, const char *account, const char *region,
    const struct state_score *sc, const struct state_sh_rules *r, time_t at,
    struct sm_err *err)
{
	double prev, best, fell;
	char title[400];
	int rc;

	if (sc->score < 0)
		return 0;
	state_sh_history_of(s, account, region, sc->standard,
	    at - (time_t)r->baseline, &prev, &best);
	fell = prev >= 0 ? prev - sc->score : 0;
	if (best >= 0 && best - sc->score > fell)
		fell = best - sc->score;
	snprintf(title, sizeof title,
	    "Security Hub score %s: %.1f, %.1f "
	    "points below %s",
	    sc->name, sc->score, fell,
	    prev >= 0 && prev - sc->score >= fell ? "the previous poll"
						  : "the best of the baseline");
	if ((fell >= r->drop || best >= 0) &&
	    (rc = state_sh_raise(s, "score_drop", fell < r->drop, 7.0, account,
		 region, sc->standard, title, at, err)) == -1)
		return -1;
	snprintf(title, sizeof title,
	    "Security Hub score %s: %.1f, target "
	    "%.1f",
	    sc->name, sc->score, r->target);
	return state_sh_raise(s, "score_below_target", sc->score >= r->target,
	    5.0, account, region, sc->standard, title, at, err);
}

static double
state_sh_severity(const char *label, int *rank)
{
	static const char *const names[] = { "INFORMATIONAL", "LOW", "MEDIUM",
		"HIGH", "CRITICAL" };
	static const double sev[] = { 0.0, 1.0, 4.0, 7.0, 9.0 };
	int i;

	for (i = 0; i < 5; i++)
		if (strcmp(label, names[i]) == 0) {
			*rank = i;
			return sev[i];
		}
	*rank = 0;
	return 0.0;
}

/* control_failing: a control at or above the threshold starts failing. */
static int
state_sh_control_rules(struct state *s, const char *account, const char *region,
    const struct state_control *c, const struct state_sh_rules *r, time_t at,
    struct sm_err *err)
{
	char title[600];
	int rank, failing = strcmp(c->status, "FAILED") == 0;
	double sev = state_sh_severity(c->severity, &rank);

	if (failing && rank < r->min_severity)
		return 0;
	snprintf(title, sizeof title, "Security Hub control %s %s: %s", c->id,
	    failing ? "is failing" : "no longer fails", c->title);
	return state_sh_raise(s, "control_failing", !failing, sev, account,
	    region, c->id, title, at, err);
}

static int
state_sh_rules(struct state *s, const char *account, const char *region,
    const struct state_score *sc, size_t nscores, const struct state_control *c,
    size_t ncontrols, const struct state_sh_rules *r, time_t at,
    struct sm_err *err)
{
	size_t i;

	for (i = 0; i < nscores; i++)
		if (state_sh_score_rules(
			s, account, region, &sc[i], r, at, err) == -1)
			return -1;
	for (i = 0; i < ncontrols; i++)
		if (state_sh_control_rules(
			s, account, region, &c[i], r, at, err) == -1)
			return -1;
	return 0;
}

int
state_apply_sh(struct state *s, const char *account, const char *region,
    const struct state_score *sc, size_t nscores, const struct state_control *c,
    size_t ncontrols, const struct state_sh_rules *r, time_t at,
    uint64_t duration_ms, struct sm_err *err)
{
	if (state_exec(s, "BEGIN IMMEDIATE", err) == -1)
		return -1;
	/* The rules read the history and controls before this poll's. */
	if (state_sh_rules(s, account, region, sc, nscores, c, ncontrols, r, at,
		err) == -1 ||
	    state_sh_put_scores(s, account, region, sc, nscores, at, err) ==
		-1 ||
	    state_sh_put_controls(s, account, region, c, ncontrols, at, err) ==
		-1 ||
	    state_sh_keep(s, c, ncontrols, err) == -1 ||
	    state_sh_prune(s, account, region, at, err) == -1 ||
	    state_poll_put(s, "securityhub", account, region, at, duration_ms,
		NULL, err) == -1 ||
	    state_exec(s, "COMMIT", err) == -1) {
		state_exec(s, "ROLLBACK", NULL);
		return -1;
	}
	return 0;
}

static json_t *
state_col_real(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return json_null();
	return json_real(sqlite3_column_double(st, i));
}

/* One standard's score history, oldest first: [[at, score], ...]. */
static json_t *
state_sh_history(struct state *s, const char *account, const char *region,
    const char *standard, size_t max)
{
	json_t *a = json_array();
	sqlite3_stmt *st;

	if (state_prepare(s,
		"SELECT at, score FROM (SELECT at, score FROM "
		"sh_scores WHERE account=?1 AND region=?2 AND standard=?3 "
		"ORDER "
		"BY at DESC LIMIT ?4) ORDER BY at",
		&st, NULL) == -1)
		return a;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, region, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, standard, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)max);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a,
		    json_pack("[o,o]",
			sm_time_json(sqlite3_column_int64(st, 0)),
			state_col_real(st, 1)));
	sqlite3_finalize(st);
	return a;
}

/* The standards of one target's latest poll, with the previous score. */
static json_t *
state_sh_latest(
    struct state *s, const char *account, const char *region, sqlite3_int64 at)
{
	json_t *a = json_array(), *o, *prev;
	sqlite3_stmt *st;

	if (state_prepare(s,
		"SELECT standard, name, score, passed, failed, "
		"unknown, no_data, disabled, (SELECT p.score FROM sh_scores p "
		"WHERE p.account=c.account AND p.region=c.region AND "
		"p.standard=c.standard AND p.at<c.at ORDER BY p.at DESC LIMIT "
		"1) "
		"FROM sh_scores c WHERE account=?1 AND region=?2 AND at=?3 "
		"ORDER "
		"BY standard='overall' DESC, name",
		&st, NULL) == -1)
		return a;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, region, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, at);
	while (sqlite3_step(st) == SQLITE_ROW) {
		prev = state_col_real(st, 8);
		o = json_pack("{s:s,s:s,s:o,s:o,s:i,s:i,s:i,s:i,s:i}",
		    "standard", state_col(st, 0), "name", state_col(st, 1),
		    "score", state_col_real(st, 2), "previous", prev, "passed",
		    sqlite3_column_int(st, 3), "failed",
		    sqlite3_column_int(st, 4), "unknown",
		    sqlite3_column_int(st, 5), "no_data",
		    sqlite3_column_int(st, 6), "disabled",
		    sqlite3_column_int(st, 7));
		if (json_is_real(prev) &&
		    sqlite3_column_type(st, 2) != SQLITE_NULL)
			json_object_set_new(o, "change",
			    json_real(sqlite3_column_double(st, 2) -
				json_real_value(prev)));
		else
			json_object_set_new(o, "change", json_null());
		json_array_append_new(a, o);
	}
	sqlite3_finalize(st);
	return a;
}

static void
state_sh_add_history(struct state *s, json_t *t, size_t max)
{
	const char *account = json_string_value(json_object_get(t, "account"));
	const char *region = json_string_value(json_object_get(t, "region"));
	json_t *h = json_object(), *std;
	size_t i;

	json_array_foreach(json_object_get(t, "standards"), i, std)
	{
		const char *arn =
		    json_string_value(json_object_get(std, "standard"));

		json_object_set_new(
		    h, arn, state_sh_history(s, account, region, arn, max));
	}
	json_object_set_new(t, "history", h);
}

json_t *
state_scores_json(struct state *s, const char *account, const char *region,
    int history, size_t max_points)
{
	json_t *a = json_array(), *t;
	sqlite3_stmt *st;

	if (state_prepare(s,
		"SELECT account, region, MAX(at) FROM sh_scores "
		"WHERE (?1 IS NULL OR account=?1) AND (?2 IS NULL OR "
		"region=?2) "
		"GROUP BY account, region ORDER BY account, region",
		&st, NULL) == -1)
		return a;
	state_bind_filter(st, account, region);
	while (sqlite3_step(st) == SQLITE_ROW) {
		t = json_pack("{s:s,s:s,s:o}", "account", state_col(st, 0),
		    "region", state_col(st, 1), "at",
		    sm_time_json(sqlite3_column_int64(st, 2)));
		json_object_set_new(t, "standards",
		    state_sh_latest(s, state_col(st, 0), state_col(st, 1),
			sqlite3_column_int64(st, 2)));
		if (history)
			state_sh_add_history(s, t, max_points);
		json_array_append_new(a, t);
	}
	sqlite3_finalize(st);
	return a;
}

json_t *
state_controls_json(
    struct state *s, const char *account, const char *region, int failed_only)
{
	json_t *a = json_array(), *std;
	sqlite3_stmt *st;

	if (state_prepare(s,
		"SELECT account, region, id, title, severity, "
		"status, failed_resources, standards, since FROM sh_controls "
		"WHERE (?1 IS NULL OR account=?1) AND (?2 IS NULL OR "
		"region=?2) "
		"AND (?3=0 OR status='FAILED') ORDER BY status='FAILED' DESC, "
		"CASE severity WHEN 'CRITICAL' THEN 0 WHEN 'HIGH' THEN 1 WHEN "
		"'MEDIUM' THEN 2 WHEN 'LOW' THEN 3 ELSE 4 END, "
		"failed_resources "
		"DESC, id",
		&st, NULL) == -1)
		return a;
	state_bind_filter(st, account, region);
	sqlite3_bind_int(st, 3, failed_only);
	while (sqlite3_step(st) == SQLITE_ROW) {
		std = json_loads(state_col(st, 7), 0, NULL);
		json_array_append_new(a,
		    json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,"
			      "s:i,s:o,s:o}",
			"account", state_col(st, 0), "region", state_col(st, 1),
			"id", state_col(st, 2), "title", state_col(st, 3),
			"severity", state_col(st, 4), "status",
			state_col(st, 5), "failed_resources",
			sqlite3_column_int(st, 6), "standards",
			std != NULL ? std : json_array(), "since",
			sm_time_json(sqlite3_column_int64(st, 8))));
	}
	sqlite3_finalize(st);
	return a;
}
