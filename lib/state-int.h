/*
 * state-int.h: what the state files share: the handle and the small
 * SQLite helpers (state.c), used by state-sh.c and state-cw.c.
 */
#ifndef SECMON_STATE_INT_H
#define SECMON_STATE_INT_H

#include <sqlite3.h>

#include "state.h"

struct state {
	sqlite3 *db;
	int lockfd;
	struct state_sink *sinks; /* where raised alerts go */
	size_t nsinks;
};

int state_exec(struct state *, const char *sql, struct sm_err *err);
int state_prepare(
    struct state *, const char *sql, sqlite3_stmt **st, struct sm_err *err);
/* Step a statement to its end, then reset and clear it. */
int state_step_done(struct state *, sqlite3_stmt *st, struct sm_err *err);
/* Record the poll of (source, account, region); error NULL = ok. */
int state_poll_put(struct state *, const char *source, const char *account,
    const char *region, time_t at, uint64_t duration_ms, const char *error,
    struct sm_err *err);

/* A generation newer than every row of table for (account, region). */
long long state_next_gen(
    struct state *, const char *table, const char *account, const char *region);
/* Column i as text, "" for NULL. */
const char *state_col(sqlite3_stmt *st, int i);
/* Bind the optional filters: account to ?1, region to ?2 (NULL: all). */
void state_bind_filter(
    sqlite3_stmt *st, const char *account, const char *region);

#endif
