/*
 * state-task.c: the maintenance calendar in SQLite: per task the
 * occurrence it waits for (so that a run missed while the daemon was down
 * is made up once at start), its last run, what is pending for a person;
 * the audit trail of every run (with its digest) and every acknowledgement.
 */
#include <stdlib.h>
#include <string.h>

#include "state-int.h"

int
state_begin(struct state *s, struct sm_err *err)
{
	return state_exec(s, "BEGIN IMMEDIATE", err);
}

int
state_commit(struct state *s, struct sm_err *err)
{
	return state_exec(s, "COMMIT", err);
}

void
state_rollback(struct state *s)
{
	state_exec(s, "ROLLBACK", NULL);
}

int
state_task_get(struct state *s, const char *id, struct state_task *out)
{
	sqlite3_stmt *st;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (state_prepare(s,
		"SELECT next_due, last_run, pending_since, overdue_level "
		"FROM tasks WHERE id=?1",
		&st, NULL) == -1)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->next_due = (time_t)sqlite3_column_int64(st, 0);
		out->last_run = (time_t)sqlite3_column_int64(st, 1);
		out->pending_since = (time_t)sqlite3_column_int64(st, 2);
		out->overdue_level = sqlite3_column_int(st, 3);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Run sql with ?1 = id and ?2 = n on the task's row (created if need be). */
static int
state_task_update(struct state *s, const char *sql, const char *id,
    sqlite3_int64 n, struct sm_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (state_prepare(s, "INSERT OR IGNORE INTO tasks(id) VALUES(?1)", &st,
		err) == -1)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = state_step_done(s, st, err);
	sqlite3_finalize(st);
	if (rc == -1 || state_prepare(s, sql, &st, err) == -1)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, n);
	rc = state_step_done(s, st, err);
	sqlite3_finalize(st);
	return rc;
}

int
state_task_set_due(
    struct state *s, const char *id, time_t next_due, struct sm_err *err)
{
	return state_task_update(s, "UPDATE tasks SET next_due=?2 WHERE id=?1",
	    id, (sqlite3_int64)next_due, err);
}

int
state_task_set_overdue(
    struct state *s, const char *id, int level, struct sm_err *err)
{
	return state_task_update(
	    s, "UPDATE tasks SET overdue_level=?2 WHERE id=?1", id, level, err);
}

static void
state_bind_opt(sqlite3_stmt *st, int i, const char *v)
{
	if (v != NULL)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

long long
state_task_run_add(struct state *s, const struct state_task_run *r,
    time_t started, time_t finished, struct sm_err *err)
{
	sqlite3_stmt *st;
	long long id;
	int reminder = strcmp(r->result, "reminded") == 0;

	if (state_prepare(s,
		"INSERT INTO task_runs(task, due, started, finished, trigger, "
		"by_uid, by_user, result, summary, digest, data, error) "
		"VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
		&st, err) == -1)
		return -1;
	sqlite3_bind_text(st, 1, r->task, -1, SQLITE_STATIC);
	if (r->due != 0)
		sqlite3_bind_int64(st, 2, (sqlite3_int64)r->due);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)started);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)finished);
	sqlite3_bind_text(st, 5, r->trigger, -1, SQLITE_STATIC);
	if (r->by_uid >= 0)
		sqlite3_bind_int64(st, 6, r->by_uid);
	state_bind_opt(st, 7, r->by_user);
	sqlite3_bind_text(st, 8, r->result, -1, SQLITE_STATIC);
	state_bind_opt(st, 9, r->summary);
	state_bind_opt(st, 10, r->digest);
	state_bind_opt(st, 11, r->data);
	state_bind_opt(st, 12, r->error);
	if (state_step_done(s, st, err) == -1) {
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	id = sqlite3_last_insert_rowid(s->db);
	if (state_task_update(s, "UPDATE tasks SET last_run=?2 WHERE id=?1",
		r->task, (sqlite3_int64)started, err) == -1)
		return -1;
	/* The first occurrence not acknowledged is the one that counts. */
	if (reminder &&
	    state_task_update(s,
		"UPDATE tasks SET pending_since=COALESCE(pending_since, ?2) "
		"WHERE id=?1",
		r->task, (sqlite3_int64)(r->due != 0 ? r->due : started),
		err) == -1)
		return -1;
	return id;
}

long long
state_task_ack(struct state *s, const char *id, long long uid, const char *user,
    const char *note, time_t now, struct state_task *was, struct sm_err *err)
{
	sqlite3_stmt *st;
	long long ack;

	state_task_get(s, id, was);
	if (state_prepare(s,
		"INSERT INTO task_acks(task, at, uid, user, note, due, "
		"overdue) VALUES(?1,?2,?3,?4,?5,?6,?7)",
		&st, err) == -1)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 3, uid);
	state_bind_opt(st, 4, user);
	state_bind_opt(st, 5, note);
	if (was->pending_since != 0)
		sqlite3_bind_int64(st, 6, (sqlite3_int64)was->pending_since);
	sqlite3_bind_int(st, 7, was->overdue_level);
	if (state_step_done(s, st, err) == -1) {
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	ack = sqlite3_last_insert_rowid(s->db);
	if (state_task_update(s,
		"UPDATE tasks SET pending_since=NULL, overdue_level=?2 "
		"WHERE id=?1",
		id, 0, err) == -1)
		return -1;
	return ack;
}

/* Column i as a JSON string, null for SQL NULL. */
static json_t *
state_opt_json(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return json_null();
	return json_string(state_col(st, i));
}

#define STATE_RUN_COLS                                                         \
	"id, task, due, started, finished, trigger, by_uid, by_user, "         \
	"result, summary, error, digest, data"

static json_t *
state_run_row(sqlite3_stmt *st, int full)
{
	json_t *o, *data;

	o = json_pack("{s:I,s:s,s:o,s:o,s:o,s:s,s:o,s:o,s:s,s:o,s:o}", "id",
	    (json_int_t)sqlite3_column_int64(st, 0), "task", state_col(st, 1),
	    "due", sm_time_json(sqlite3_column_int64(st, 2)), "started",
	    sm_time_json(sqlite3_column_int64(st, 3)), "finished",
	    sm_time_json(sqlite3_column_int64(st, 4)), "trigger",
	    state_col(st, 5), "by_uid",
	    sqlite3_column_type(st, 6) == SQLITE_NULL
		? json_null()
		: json_integer(sqlite3_column_int64(st, 6)),
	    "by_user", state_opt_json(st, 7), "result", state_col(st, 8),
	    "summary", state_opt_json(st, 9), "error", state_opt_json(st, 10));
	if (o == NULL || !full)
		return o;
	json_object_set_new(o, "digest", state_opt_json(st, 11));
	data = sqlite3_column_type(st, 12) == SQLITE_NULL
	    ? NULL
	    : json_loads(state_col(st, 12), 0, NULL);
	json_object_set_new(o, "data", data != NULL ? data : json_null());
	return o;
}

json_t *
state_task_runs_json(struct state *s, const char *task, size_t max, int full)
{
	sqlite3_stmt *st;
	json_t *a = json_array();

	if (state_prepare(s,
		"SELECT " STATE_RUN_COLS " FROM task_runs WHERE ?1 IS NULL OR "
		"task=?1 ORDER BY id DESC LIMIT ?2",
		&st, NULL) == -1)
		return a;
	state_bind_opt(st, 1, task);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a, state_run_row(st, full));
	sqlite3_finalize(st);
	return a;
}

json_t *
state_task_run_json(struct state *s, long long id)
{
	sqlite3_stmt *st;
	json_t *o = NULL;

	if (state_prepare(s,
		"SELECT " STATE_RUN_COLS " FROM task_runs WHERE id=?1", &st,
		NULL) == -1)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		o = state_run_row(st, 1);
	sqlite3_finalize(st);
	return o;
}

json_t *
state_task_acks_json(struct state *s, const char *task, size_t max)
{
	sqlite3_stmt *st;
	json_t *a = json_array();

	if (state_prepare(s,
		"SELECT id, task, at, uid, user, note, due, overdue FROM "
		"task_acks WHERE ?1 IS NULL OR task=?1 ORDER BY id DESC "
		"LIMIT ?2",
		&st, NULL) == -1)
		return a;
	state_bind_opt(st, 1, task);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a,
		    json_pack("{s:I,s:s,s:o,s:I,s:o,s:o,s:o,s:b}", "id",
			(json_int_t)sqlite3_column_int64(st, 0), "task",
			state_col(st, 1), "at",
			sm_time_json(sqlite3_column_int64(st, 2)), "uid",
			(json_int_t)sqlite3_column_int64(st, 3), "user",
			state_opt_json(st, 4), "note", state_opt_json(st, 5),
			"due", sm_time_json(sqlite3_column_int64(st, 6)),
			"overdue", sqlite3_column_int(st, 7) > 0));
	sqlite3_finalize(st);
	return a;
}
