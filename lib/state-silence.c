/*
 * state-silence.c: silences: matchers on kind, severity, account, region
 * and subject (shell patterns), a time window, a comment, and who made and
 * expired them (peer uids), kept for the audit. A silenced alert is
 * recorded as such and not sent.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "state-int.h"

static const char *const state_matcher_keys[] = { "account", "kind", "region",
	"severity", "subject" };

int
state_silence_check(const json_t *m, struct sm_err *err)
{
	const char *key;
	json_t *v;
	size_t i;

	if (!json_is_object(m) || json_object_size(m) == 0)
		return sm_err_set(err, "bad_args",
		    "a silence needs at least "
		    "one matcher");
	json_object_foreach((json_t *)(uintptr_t)m, key, v)
	{
		for (i = 0; i < 5; i++)
			if (strcmp(key, state_matcher_keys[i]) == 0)
				break;
		if (i == 5)
			return sm_err_set(err, "bad_args",
			    "unknown matcher '%s' "
			    "(kind, severity, account, region, subject)",
			    key);
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    json_string_length(v) > 512)
			return sm_err_set(err, "bad_args",
			    "matcher %s: a "
			    "non-empty string",
			    key);
	}
	return 0;
}

int
state_silence_add(struct state *s, const json_t *matchers, time_t starts,
    time_t ends, const char *comment, long long by, long long *id,
    struct sm_err *err)
{
	char *m = json_dumps(matchers, JSON_COMPACT | JSON_SORT_KEYS);
	sqlite3_stmt *st;
	int rc;

	if (state_prepare(s,
		"INSERT INTO silences(matchers, starts, ends, "
		"comment, created_by) VALUES(?1,?2,?3,?4,?5)",
		&st, err) == -1) {
		free(m);
		return -1;
	}
	sqlite3_bind_text(st, 1, m, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)starts);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)ends);
	sqlite3_bind_text(st, 4, comment, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, by);
	rc = state_step_done(s, st, err);
	*id = sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(st);
	free(m);
	return rc;
}

int
state_silence_expire(
    struct state *s, long long id, long long by, time_t now, struct sm_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (state_prepare(s,
		"UPDATE silences SET expired_at=?2, expired_by=?3 "
		"WHERE id=?1 AND expired_at IS NULL AND ends>?2",
		&st, err) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 3, by);
	rc = state_step_done(s, st, err);
	sqlite3_finalize(st);
	if (rc == 0 && sqlite3_changes(s->db) == 0)
		return sm_err_set(
		    err, "not_found", "no active silence %lld", id);
	return rc;
}

/* Does one silence's matchers match ev? */
static int
state_silence_match(const char *mjson, const struct alert_event *ev)
{
	json_t *m = json_loads(mjson, 0, NULL), *v;
	const char *key, *want, *have;
	int ok = m != NULL;

	json_object_foreach(m, key, v)
	{
		want = json_string_value(v);
		if (strcmp(key, "kind") == 0)
			have = ev->kind;
		else if (strcmp(key, "account") == 0)
			have = ev->account;
		else if (strcmp(key, "region") == 0)
			have = ev->region;
		else if (strcmp(key, "subject") == 0)
			have = ev->subject;
		else
			have = alert_band_name(ev->severity);
		if (want == NULL || have == NULL || fnmatch(want, have, 0) != 0)
			ok = 0;
	}
	json_decref(m);
	return ok;
}

long long
state_silenced(struct state *s, const struct alert_event *ev, time_t now)
{
	sqlite3_stmt *st;
	long long hit = 0;

	if (state_prepare(s,
		"SELECT id, matchers FROM silences WHERE "
		"starts<=?1 AND ends>?1 AND expired_at IS NULL ORDER BY id",
		&st, NULL) == -1)
		return 0;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	while (hit == 0 && sqlite3_step(st) == SQLITE_ROW)
		if (state_silence_match(state_col(st, 1), ev))
			hit = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return hit;
}

json_t *
state_silences_json(struct state *s, time_t now, int all)
{
	json_t *a = json_array(), *m;
	sqlite3_stmt *st;

	if (state_prepare(s,
		"SELECT id, matchers, starts, ends, comment, "
		"created_by, expired_at, expired_by, (SELECT COUNT(*) FROM "
		"alerts WHERE silenced=silences.id) FROM silences WHERE ?1 OR "
		"(expired_at IS NULL AND ends>?2) ORDER BY id",
		&st, NULL) == -1)
		return a;
	sqlite3_bind_int(st, 1, all);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	while (sqlite3_step(st) == SQLITE_ROW) {
		m = json_loads(state_col(st, 1), 0, NULL);
		json_array_append_new(a,
		    json_pack("{s:I,s:o,s:o,s:o,s:s,s:I,"
			      "s:o,s:o,s:b,s:I}",
			"id", (json_int_t)sqlite3_column_int64(st, 0),
			"matchers", m != NULL ? m : json_object(), "starts",
			sm_time_json(sqlite3_column_int64(st, 2)), "ends",
			sm_time_json(sqlite3_column_int64(st, 3)), "comment",
			state_col(st, 4), "created_by",
			(json_int_t)sqlite3_column_int64(st, 5), "expired_at",
			sm_time_json(sqlite3_column_int64(st, 6)), "expired_by",
			sqlite3_column_type(st, 7) == SQLITE_NULL
			    ? json_null()
			    : json_integer(sqlite3_column_int64(st, 7)),
			"active",
			sqlite3_column_type(st, 6) == SQLITE_NULL &&
			    sqlite3_column_int64(st, 3) > (sqlite3_int64)now,
			"silenced", (json_int_t)sqlite3_column_int64(st, 8)));
	}
	sqlite3_finalize(st);
	return a;
}
