/*
 * calendar.h: calendar expressions, the subset of systemd's OnCalendar
 * syntax that secmond schedules tasks with (secmond.conf(5), CALENDAR
 * EXPRESSIONS): parse, print in systemd's normalized form, and find the
 * next elapse in a time zone exactly as systemd 252 does, DST included.
 *
 * Pure: no event loop, no logging. calendar_next and calendar_strftime
 * set TZ for the duration of the call (and restore it), so they are not
 * for threaded programs; the daemon and the CLIs are single-threaded.
 */
#ifndef SECMON_CALENDAR_H
#define SECMON_CALENDAR_H

#include <stdio.h>
#include <time.h>

#include "util.h"

#define CALENDAR_MAX_EXPR 512        /* bytes of an expression */
#define CALENDAR_MAX_VALUES 241      /* values of one field, systemd's limit */
#define CALENDAR_MAX_ZONE 128        /* bytes of a zone name */
#define CALENDAR_MAX_ITERATIONS 1000 /* elapses calendar_show lists */
#define CALENDAR_ZONEINFO "/usr/share/zoneinfo"

struct calendar;

/*
 * Parse expr. NULL on error, with err->code "calendar" and a message that
 * names the bad part, or says that the syntax is outside secmond's subset
 * ("~", fractional seconds, a time zone in the expression, "@EPOCH",
 * "now"). Caller frees with calendar_free.
 */
struct calendar *calendar_parse(const char *expr, struct sm_err *err);

/* NULL is a no-op. */
void calendar_free(struct calendar *);

/*
 * systemd-analyze's "Normalized form" ("daily" is "*-*-* 00:00:00").
 * Caller frees.
 */
char *calendar_normalized(const struct calendar *);

/*
 * The first elapse strictly after `after`, in zone tz (NULL or "": the
 * host's, as TZ or /etc/localtime says), into *next: 0, or -1 when there
 * is none, errno saying why: ENOENT (a date in the past, a date that never
 * exists, nothing before 2200), ELOOP (systemd's search gives up after
 * 1000 steps: systemd-analyze says "Infinite loop in calendar
 * calculation"), EINVAL (tz fails calendar_zone_check).
 */
int calendar_next(
    const struct calendar *, const char *tz, time_t after, time_t *next);

/*
 * Is tz a zone calendar_next can use: NULL or "" (the host's), "UTC", or
 * a TZif file under CALENDAR_ZONEINFO (a relative name without "..")?
 * 0, or -1 with err (code "calendar").
 */
int calendar_zone_check(const char *tz, struct sm_err *err);

/*
 * Format t as systemd does, "Mon 2026-11-23 10:32:09 CET", in zone tz
 * (NULL or "": the host's; "UTC" gives the "UTC" suffix). buf of at least
 * 64 bytes; 0, or -1 if t does not fit.
 */
int calendar_strftime(time_t t, const char *tz, char *buf, size_t len);

/* Is zone tz plain UTC, without DST (systemd prints no "(in UTC)")? */
int calendar_zone_is_utc(const char *tz);

/* What secmond --calendar and secmonctl calendar were asked. */
struct calendar_show {
	const char *expr;
	const char *tz;         /* NULL: the host's zone */
	const char *base;       /* "@EPOCH" or ISO 8601 with Z or offset */
	const char *iterations; /* NULL: 1 */
	int json;
};

/*
 * Print what systemd-analyze calendar prints for s (without "From now"),
 * or with s->json one JSON object: {"original", "normalized", "timezone",
 * "next": [{"at", "local", "utc"}, ...]}. 0, or -1 with err.
 */
int calendar_show(FILE *out, const struct calendar_show *s, struct sm_err *err);

/*
 * calendar_show to stdout for a CLI: errors as "prog: calendar: msg" on
 * stderr. The exit status: 0, or 1.
 */
int calendar_show_main(const char *prog, const struct calendar_show *s);

#endif
