/*
 * state.c: SQLite schema and migrations, snapshot diffs, the poll record
 * and the alert outbox. Small transactions on the loop's thread; an flock
 * on state_dir/secmond.lock keeps a second daemon out (released by the
 * kernel if we crash, so nothing needs cleaning up by hand).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "alert.h"
#include "gd.h"
#include "state-int.h"

static const char state_schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS gd_findings("
    " account TEXT NOT NULL, region TEXT NOT NULL, id TEXT NOT NULL,"
    " type TEXT, title TEXT, severity REAL NOT NULL, updated_at TEXT,"
    " count INTEGER, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
    " active INTEGER NOT NULL, gen INTEGER NOT NULL, account_id TEXT,"
    " resolved_at INTEGER, PRIMARY KEY(account, region, id));"
    "CREATE TABLE IF NOT EXISTS polls("
    " source TEXT NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL,"
    " at INTEGER NOT NULL, duration_ms INTEGER NOT NULL, ok INTEGER NOT NULL,"
    " error TEXT, last_ok INTEGER, PRIMARY KEY(source, account, region));"
    "CREATE TABLE IF NOT EXISTS alerts("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, created INTEGER NOT NULL,"
    " kind TEXT NOT NULL, severity REAL, old_severity REAL,"
    " account TEXT, region TEXT, subject TEXT, type TEXT, title TEXT,"
    " delivered INTEGER NOT NULL DEFAULT 0, fingerprint TEXT,"
    " event TEXT, silenced INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS alerts_pending ON alerts(delivered, id);"
    "CREATE TABLE IF NOT EXISTS alert_state("
    " fingerprint TEXT PRIMARY KEY, kind TEXT NOT NULL, account TEXT,"
    " region TEXT, subject TEXT, severity REAL, state TEXT NOT NULL,"
    " title TEXT, first_seen INTEGER, last_seen INTEGER,"
    " resolved_at INTEGER, last_sent INTEGER);"
    "CREATE TABLE IF NOT EXISTS outbox("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, sink TEXT NOT NULL,"
    " alert_id INTEGER NOT NULL, created INTEGER NOT NULL,"
    " attempts INTEGER NOT NULL, next_attempt INTEGER NOT NULL,"
    " last_error TEXT);"
    "CREATE INDEX IF NOT EXISTS outbox_due ON outbox(sink, next_attempt);"
    "CREATE TABLE IF NOT EXISTS silences("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, matchers TEXT NOT NULL,"
    " starts INTEGER NOT NULL, ends INTEGER NOT NULL, comment TEXT NOT NULL,"
    " created_by INTEGER NOT NULL, expired_at INTEGER, expired_by INTEGER);"
    "CREATE TABLE IF NOT EXISTS sink_stats("
    " sink TEXT PRIMARY KEY, delivered INTEGER NOT NULL DEFAULT 0,"
    " last_ok INTEGER, last_error TEXT, last_error_at INTEGER);"
    "CREATE TABLE IF NOT EXISTS gd_stats("
    " account TEXT NOT NULL, region TEXT NOT NULL, at INTEGER NOT NULL,"
    " low INTEGER, medium INTEGER, high INTEGER, critical INTEGER,"
    " PRIMARY KEY(account, region));"
    "CREATE TABLE IF NOT EXISTS sh_scores("
    " account TEXT NOT NULL, region TEXT NOT NULL, at INTEGER NOT NULL,"
    " standard TEXT NOT NULL, name TEXT, score REAL, passed INTEGER,"
    " failed INTEGER, unknown INTEGER, no_data INTEGER, disabled INTEGER);"
    "CREATE INDEX IF NOT EXISTS sh_scores_by ON sh_scores(account, region,"
    " standard, at);"
    "CREATE TABLE IF NOT EXISTS sh_controls("
    " account TEXT NOT NULL, region TEXT NOT NULL, id TEXT NOT NULL,"
    " title TEXT, severity TEXT, status TEXT NOT NULL,"
    " failed_resources INTEGER, standards TEXT, since INTEGER NOT NULL,"
    " PRIMARY KEY(account, region, id));"
    "CREATE TABLE IF NOT EXISTS cw_alarms("
    " account TEXT NOT NULL, region TEXT NOT NULL, arn TEXT NOT NULL,"
    " name TEXT, type TEXT, state TEXT NOT NULL, reason TEXT,"
    " since INTEGER, seen INTEGER NOT NULL, gen INTEGER NOT NULL,"
    " PRIMARY KEY(account, region, arn));"
    "CREATE TABLE IF NOT EXISTS cw_transitions("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL,"
    " region TEXT NOT NULL, arn TEXT NOT NULL, name TEXT, old_state TEXT,"
    " new_state TEXT NOT NULL, at INTEGER, reason TEXT,"
    " recorded INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS tasks("
    " id TEXT PRIMARY KEY, next_due INTEGER, last_run INTEGER,"
    " pending_since INTEGER, overdue_level INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS task_runs("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, task TEXT NOT NULL,"
    " due INTEGER, started INTEGER NOT NULL, finished INTEGER,"
    " trigger TEXT NOT NULL, by_uid INTEGER, by_user TEXT,"
    " result TEXT NOT NULL, summary TEXT, digest TEXT, data TEXT,"
    " error TEXT);"
    "CREATE INDEX IF NOT EXISTS task_runs_by ON task_runs(task, id);"
    "CREATE TABLE IF NOT EXISTS task_acks("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, task TEXT NOT NULL,"
    " at INTEGER NOT NULL, uid INTEGER NOT NULL, user TEXT, note TEXT,"
    " due INTEGER, overdue INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS task_acks_by ON task_acks(task, id);";

int
state_exec(struct state *s, const char *sql, struct sm_err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		sm_err_set(err, "state", "sqlite: %s",
		    msg != NULL ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
state_lock(struct state *s, const char *dir, struct sm_err *err)
{
	char path[4096];

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, STATE_LOCK) >=
	    sizeof path)
		return sm_err_set(err, "state", "%s: path too long", dir);
	s->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->lockfd == -1)
		return sm_err_set(
		    err, "state", "%s: %s", path, strerror(errno));
	if (flock(s->lockfd, LOCK_EX | LOCK_NB) == -1)
		return sm_err_set(err, "state",
		    "%s: locked: another secmond uses this state_dir", path);
	return 0;
}

/* Create the schema, or check that the database is ours and current. */
static int
state_migrate(struct state *s, struct sm_err *err)
{
	sqlite3_stmt *st;
	int version = 0;

	if (state_exec(s, state_schema, err) == -1)
		return -1;
	if (sqlite3_prepare_v2(s->db,
		"SELECT value FROM meta WHERE key='schema_version'", -1, &st,
		NULL) != SQLITE_OK)
		return sm_err_set(
		    err, "state", "sqlite: %s", sqlite3_errmsg(s->db));
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > STATE_SCHEMA_VERSION)
		return sm_err_set(err, "state",
		    "database schema %d is newer "
		    "than this secmond (%d)",
		    version, STATE_SCHEMA_VERSION);
	if (version == 0)
		return state_exec(
		    s, "INSERT INTO meta VALUES('schema_version','4')", err);
	/* 1 -> 2: alert events carry their fingerprint and event. */
	if (version == 1 &&
	    state_exec(s,
		"BEGIN; ALTER TABLE alerts ADD COLUMN fingerprint TEXT; "
		"ALTER TABLE gd_findings ADD COLUMN account_id TEXT; "
		"ALTER TABLE alerts ADD COLUMN event TEXT; UPDATE meta SET "
		"value='2' WHERE key='schema_version'; COMMIT;",
		err) == -1)
		return -1;
	/* 2 -> 3: silenced alerts are recorded as such. */
	if (version <= 2 &&
	    state_exec(s,
		"BEGIN; ALTER TABLE alerts ADD COLUMN silenced INTEGER NOT "
		"NULL DEFAULT 0; UPDATE meta SET value='3' WHERE "
		"key='schema_version'; COMMIT;",
		err) == -1)
		return -1;
	/* 3 -> 4: the maintenance calendar (its tables are created above),
	 * and when a finding stopped being active, for its digest. */
	if (version <= 3)
		return state_exec(s,
		    "BEGIN; ALTER TABLE gd_findings ADD COLUMN resolved_at "
		    "INTEGER; UPDATE meta SET value='4' WHERE "
		    "key='schema_version'; COMMIT;",
		    err);
	return 0;
}

struct state *
state_open(const char *dir, struct sm_err *err)
{
	struct state *s = xcalloc(1, sizeof *s);
	char path[4096];

	s->lockfd = -1;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		sm_err_set(err, "state", "%s: %s", dir, strerror(errno));
		goto fail;
	}
	if (state_lock(s, dir, err) == -1)
		goto fail;
	snprintf(path, sizeof path, "%s/%s", dir, STATE_DB);
	if (sqlite3_open_v2(path, &s->db,
		SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
		NULL) != SQLITE_OK) {
		sm_err_set(err, "state", "%s: %s", path,
		    s->db != NULL ? sqlite3_errmsg(s->db) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 2000);
	if (state_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
		err) == -1 ||
	    state_migrate(s, err) == -1)
		goto fail;
	return s;
fail:
	state_close(s);
	return NULL;
}

void
state_close(struct state *s)
{
	if (s == NULL)
		return;
	if (s->db != NULL)
		sqlite3_close(s->db);
	if (s->lockfd != -1)
		close(s->lockfd);
	state_set_sinks(s, NULL, 0);
	free(s->sinks);
	free(s);
}

int
state_prepare(
    struct state *s, const char *sql, sqlite3_stmt **st, struct sm_err *err)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return sm_err_set(
		    err, "state", "sqlite: %s", sqlite3_errmsg(s->db));
	return 0;
}

int
state_step_done(struct state *s, sqlite3_stmt *st, struct sm_err *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sm_err_set(
		    err, "state", "sqlite: %s", sqlite3_errmsg(s->db));
	return 0;
}

/* The statements of one GuardDuty apply. */
struct state_gd_stmts {
	sqlite3_stmt *get, *put, *alert, *gone;
};

static void
state_gd_stmts_free(struct state_gd_stmts *q)
{
	sqlite3_finalize(q->get);
	sqlite3_finalize(q->put);
	sqlite3_finalize(q->alert);
	sqlite3_finalize(q->gone);
}

static int
state_gd_stmts_prepare(
    struct state *s, struct state_gd_stmts *q, struct sm_err *err)
{
	memset(q, 0, sizeof *q);
	if (state_prepare(s,
		"SELECT severity, active FROM gd_findings "
		"WHERE account=?1 AND region=?2 AND id=?3",
		&q->get, err) == -1 ||
	    state_prepare(s,
		"INSERT INTO gd_findings(account, region, id, "
		"type, title, severity, updated_at, count, first_seen, "
		"last_seen, active, gen, account_id) "
		"VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?9,1,"
		"?10,?11) ON CONFLICT(account, region, id) DO UPDATE SET "
		"type=?4, title=?5, severity=?6, updated_at=?7, count=?8, "
		"last_seen=?9, active=1, gen=?10, account_id=?11, "
		"resolved_at=NULL",
		&q->put, err) == -1 ||
	    state_prepare(s,
		"SELECT id, COALESCE(account_id, account), type, title, "
		"severity FROM gd_findings WHERE account=?1 AND region=?2 AND "
		"gen<>?3 AND active=1",
		&q->alert, err) == -1 ||
	    state_prepare(s,
		"UPDATE gd_findings SET active=0, resolved_at=?4 WHERE "
		"account=?1 AND region=?2 AND gen<>?3 AND active=1",
		&q->gone, err) == -1) {
		state_gd_stmts_free(q);
		return -1;
	}
	return 0;
}

/*
 * Which alert a finding raises: a finding never seen, or seen but no longer
 * active, is new; an active one whose severity rose has escalated.
 */
static const char *
state_gd_verdict(struct state *s, struct state_gd_stmts *q, const char *account,
    const char *region, const struct gd_finding *f, double *old)
{
	const char *kind = "new_finding";

	sqlite3_bind_text(q->get, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(q->get, 2, region, -1, SQLITE_STATIC);
	sqlite3_bind_text(q->get, 3, f->id, -1, SQLITE_STATIC);
	*old = 0;
	if (sqlite3_step(q->get) == SQLITE_ROW &&
	    sqlite3_column_int(q->get, 1) == 1) {
		*old = sqlite3_column_double(q->get, 0);
		kind = f->severity > *old ? "finding_escalated" : NULL;
	}
	sqlite3_reset(q->get);
	(void)s;
	return kind;
}

static int
state_gd_put(struct state *s, struct state_gd_stmts *q, const char *account,
    const char *region, const struct gd_finding *f, time_t at, long long gen,
    struct sm_err *err)
{
	sqlite3_bind_text(q->put, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(q->put, 2, region, -1, SQLITE_STATIC);
	sqlite3_bind_text(q->put, 3, f->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q->put, 4, f->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(q->put, 5, f->title, -1, SQLITE_STATIC);
	sqlite3_bind_double(q->put, 6, f->severity);
	sqlite3_bind_text(q->put, 7, f->updated_at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q->put, 8, f->count);
	sqlite3_bind_int64(q->put, 9, (sqlite3_int64)at);
	sqlite3_bind_int64(q->put, 10, gen);
	sqlite3_bind_text(q->put, 11,
	    f->account_id[0] != '\0' ? f->account_id : account, -1,
	    SQLITE_STATIC);
	return state_step_done(s, q->put, err);
}

/* A GuardDuty alert: labelled with the finding's own account. */
static int
state_gd_alert(struct state *s, const char *kind, int resolved,
    const char *account, const char *region, const char *id, const char *type,
    const char *title, double severity, time_t at, struct sm_err *err)
{
	struct alert_event ev = { .kind = kind,
		.resolved = resolved,
		.severity = severity,
		.account = account,
		.region = region,
		.subject = id,
		.title = title,
		.detail = type };

	return state_alert_raise(s, &ev, at, err);
}

/* Findings no longer listed (archived, below the threshold): resolved. */
static int
state_gd_resolve_gone(struct state *s, struct state_gd_stmts *q,
    const char *account, const char *region, long long gen, time_t at,
    struct sm_err *err)
{
	static const char *const kinds[] = { "new_finding",
		"finding_escalated" };
	int rc = 0;
	size_t k;

	sqlite3_bind_text(q->alert, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(q->alert, 2, region, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q->alert, 3, gen);
	while (rc != -1 && sqlite3_step(q->alert) == SQLITE_ROW)
		for (k = 0; k < 2 && rc != -1; k++)
			rc = state_gd_alert(s, kinds[k], 1,
			    state_col(q->alert, 1), region,
			    state_col(q->alert, 0), state_col(q->alert, 2),
			    state_col(q->alert, 3),
			    sqlite3_column_double(q->alert, 4), at, err);
	sqlite3_reset(q->alert);
	return rc == -1 ? -1 : 0;
}

int
state_poll_put(struct state *s, const char *source, const char *account,
    const char *region, time_t at, uint64_t duration_ms, const char *error,
    struct sm_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (state_prepare(s,
		"INSERT INTO polls(source, account, region, at, "
		"duration_ms, ok, error, last_ok) VALUES(?1,?2,?3,?4,?5,?6,?7,"
		"CASE WHEN ?6 THEN ?4 END) ON CONFLICT(source, account, "
		"region) "
		"DO UPDATE SET at=?4, duration_ms=?5, ok=?6, error=?7, "
		"last_ok=CASE WHEN ?6 THEN ?4 ELSE last_ok END",
		&st, err) == -1)
		return -1;
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, region, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)at);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)duration_ms);
	sqlite3_bind_int(st, 6, error == NULL);
	sqlite3_bind_text(st, 7, error, -1, SQLITE_STATIC);
	rc = state_step_done(s, st, err);
	sqlite3_finalize(st);
	return rc;
}

int
state_poll_failed(struct state *s, const char *source, const char *account,
    const char *region, time_t at, uint64_t duration_ms, const char *error,
    struct sm_err *err)
{
	return state_poll_put(
	    s, source, account, region, at, duration_ms, error, err);
}

/* A generation newer than every row of table for (account, region). */
long long
state_next_gen(
    struct state *s, const char *table, const char *account, const char *region)
{
	sqlite3_stmt *st;
	char sql[160];
	long long gen = 1;

	snprintf(sql, sizeof sql,
	    "SELECT COALESCE(MAX(gen), 0) + 1 FROM %s "
	    "WHERE account=?1 AND region=?2",
	    table);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return 1;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, region, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		gen = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return gen;
}

void
state_bind_filter(sqlite3_stmt *st, const char *account, const char *region)
{
	if (account != NULL)
		sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	if (region != NULL)
		sqlite3_bind_text(st, 2, region, -1, SQLITE_STATIC);
}

/* The body of state_apply_gd, inside its transaction. */
static int
state_gd_diff(struct state *s, struct state_gd_stmts *q, const char *account,
    const char *region, const struct gd_snapshot *snap, time_t at,
    unsigned *nalerts, struct sm_err *err)
{
	long long gen = state_next_gen(s, "gd_findings", account, region);
	const struct gd_finding *f;
	const char *kind;
	double old;
	size_t i;

	for (i = 0; i < snap->n; i++) {
		f = &snap->findings[i];
		kind = state_gd_verdict(s, q, account, region, f, &old);
		if (state_gd_put(s, q, account, region, f, at, gen, err) == -1)
			return -1;
		if (kind == NULL)
			continue;
		switch (state_gd_alert(s, kind, 0,
		    f->account_id[0] != '\0' ? f->account_id : account, region,
		    f->id, f->type, f->title, f->severity, at, err)) {
		case -1:
			return -1;
		case 1:
			(*nalerts)++;
		}
	}
	if (state_gd_resolve_gone(s, q, account, region, gen, at, err) == -1)
		return -1;
	sqlite3_bind_text(q->gone, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(q->gone, 2, region, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q->gone, 3, gen);
	sqlite3_bind_int64(q->gone, 4, (sqlite3_int64)at);
	return state_step_done(s, q->gone, err);
}

int
state_apply_gd(struct state *s, const char *account, const char *region,
    const struct gd_snapshot *snap, time_t at, uint64_t duration_ms,
    unsigned *nalerts, struct sm_err *err)
{
	struct state_gd_stmts q;

	*nalerts = 0;
	if (state_gd_stmts_prepare(s, &q, err) == -1)
		return -1;
	if (state_exec(s, "BEGIN IMMEDIATE", err) == -1) {
		state_gd_stmts_free(&q);
		return -1;
	}
	if (state_gd_diff(s, &q, account, region, snap, at, nalerts, err) ==
		-1 ||
	    state_poll_put(s, "guardduty", account, region, at, duration_ms,
		NULL, err) == -1 ||
	    state_exec(s, "COMMIT", err) == -1) {
		state_exec(s, "ROLLBACK", NULL);
		state_gd_stmts_free(&q);
		*nalerts = 0;
		return -1;
	}
	state_gd_stmts_free(&q);
	return 0;
}

int
state_last_poll(struct state *s, const char *source, const char *account,
    const char *region, struct state_poll *out)
{
	sqlite3_stmt *st;
	const unsigned char *e;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (state_prepare(s,
		"SELECT at, duration_ms, ok, error, last_ok FROM "
		"polls WHERE source=?1 AND account=?2 AND region=?3",
		&st, NULL) == -1)
		return -1;
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, region, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->at = (time_t)sqlite3_column_int64(st, 0);
		out->duration_ms = (uint64_t)sqlite3_column_int64(st, 1);
		out->ok = sqlite3_column_int(st, 2);
		if ((e = sqlite3_column_text(st, 3)) != NULL)
			strlcpy(out->error, (const char *)e, sizeof out->error);
		out->last_ok = (time_t)sqlite3_column_int64(st, 4);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

const char *
state_col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? (const char *)t : "";
}

int
state_gd_counts(struct state *s, const char *account, const char *region,
    long long counts[4])
{
	sqlite3_stmt *st;

	memset(counts, 0, 4 * sizeof counts[0]);
	if (state_prepare(s,
		"SELECT SUM(severity < 4), SUM(severity >= 4 AND "
		"severity < 7), SUM(severity >= 7 AND severity < 9), "
		"SUM(severity >= 9) FROM gd_findings WHERE account=?1 AND "
		"region=?2 AND active=1",
		&st, NULL) == -1)
		return -1;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, region, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		counts[0] = sqlite3_column_int64(st, 0);
		counts[1] = sqlite3_column_int64(st, 1);
		counts[2] = sqlite3_column_int64(st, 2);
		counts[3] = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	return 0;
}

long long
state_alerts_total(struct state *s)
{
	sqlite3_stmt *st;
	long long n = 0;

	if (state_prepare(s, "SELECT COUNT(*) FROM alerts", &st, NULL) == -1)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int
state_gd_put_stats(struct state *s, const char *account, const char *region,
    const long long counts[4], time_t at, struct sm_err *err)
{
	sqlite3_stmt *st;
	int rc, i;

	if (state_prepare(s,
		"INSERT OR REPLACE INTO gd_stats(account, region, "
		"at, low, medium, high, critical) VALUES(?1,?2,?3,?4,?5,?6,?7)",
		&st, err) == -1)
		return -1;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, region, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)at);
	for (i = 0; i < 4; i++)
		sqlite3_bind_int64(st, 4 + i, counts[i]);
	rc = state_step_done(s, st, err);
	sqlite3_finalize(st);
	return rc;
}

int
state_gd_stats(struct state *s, const char *account, const char *region,
    long long counts[4])
{
	sqlite3_stmt *st;
	int rc = -1, i;

	if (state_prepare(s,
		"SELECT low, medium, high, critical FROM gd_stats "
		"WHERE account=?1 AND region=?2",
		&st, NULL) == -1)
		return -1;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, region, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < 4; i++)
			counts[i] = sqlite3_column_int64(st, i);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

json_t *
state_gd_findings_json(struct state *s, double min_severity,
    const char *account, const char *region)
{
	json_t *a = json_array();
	sqlite3_stmt *st;
	char when[32];

	if (state_prepare(s,
		"SELECT account, region, id, type, title, "
		"severity, updated_at, count, first_seen FROM gd_findings "
		"WHERE "
		"active=1 AND severity>=?3 AND (?1 IS NULL OR account=?1) AND "
		"(?2 IS NULL OR region=?2) ORDER BY severity DESC, updated_at "
		"DESC",
		&st, NULL) == -1)
		return a;
	if (account != NULL)
		sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	if (region != NULL)
		sqlite3_bind_text(st, 2, region, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 3, min_severity);
	while (sqlite3_step(st) == SQLITE_ROW) {
		sm_iso8601(
		    (time_t)sqlite3_column_int64(st, 8), when, sizeof when);
		json_array_append_new(a,
		    json_pack("{s:s,s:s,s:s,s:s,s:s,s:f,"
			      "s:s,s:s,s:I,s:s}",
			"account", state_col(st, 0), "region", state_col(st, 1),
			"id", state_col(st, 2), "type", state_col(st, 3),
			"title", state_col(st, 4), "severity",
			sqlite3_column_double(st, 5), "band",
			gd_severity_band(sqlite3_column_double(st, 5)),
			"updated_at", state_col(st, 6), "count",
			(json_int_t)sqlite3_column_int64(st, 7), "first_seen",
			when));
	}
	sqlite3_finalize(st);
	return a;
}
