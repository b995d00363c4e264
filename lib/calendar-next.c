/*
 * calendar-next.c: the next elapse of a calendar expression in a zone,
 * step for step as systemd 252.39's find_next() takes it: the same
 * mktime(3) calls in the same order (glibc's mktime remembers the offset
 * of its last answer, and DST gaps and overlaps come out of it), the same
 * reset of tm_isdst, the same way out when a match is not after the start,
 * the same limit of 1000 rounds.
 */
#include <errno.h>
#include <time.h>

#include "calendar-int.h"
#include "calendar.h"

#define CAL_MAX_STEPS 1000 /* systemd's MAX_CALENDAR_ITERATIONS */
#define CAL_USEC 1000000   /* seconds are matched in microseconds */

/*
 * The earliest value >= *val that field f allows, its values scaled by
 * scale (seconds are matched in microseconds): 1 if *val changed, 0 if
 * not (or f is "*"), -1 if there is none.
 */
static int
cal_match(const struct cal_field *f, long long scale, int *val)
{
	long long best = -1, start, stop, rep, k;
	size_t i;
	int changed;

	if (f->n == 0)
		return 0;
	for (i = 0; i < f->n; i++) {
		start = f->v[i].start * scale;
		stop = f->v[i].stop < 0 ? -1 : f->v[i].stop * scale;
		rep = f->v[i].repeat * scale;
		if (start >= *val)
			k = start;
		else if (rep > 0)
			k = start + rep * ((*val - start + rep - 1) / rep);
		else
			continue;
		if (stop >= 0 && k > stop)
			continue;
		if (best < 0 || k < best)
			best = k;
	}
	if (best < 0)
		return -1;
	changed = best != *val;
	*val = (int)best;
	return changed;
}

static int
cal_cmp(int a, int b)
{
	return (a > b) - (a < b);
}

/*
 * Let mktime normalize a copy of tm (systemd's tm_within_bounds): past
 * 2199, an error or a step back is -1; unchanged is 1; else tm becomes
 * the normalized time, the field below the first that changed reset, 0.
 */
static int
cal_settle(struct tm *tm)
{
	struct tm t = *tm;
	int cmp;

	if (tm->tm_year + 1900 > CAL_YEAR_MAX || mktime(&t) < 0)
		return -1;
	if ((cmp = cal_cmp(t.tm_year, tm->tm_year)) != 0)
		t.tm_mon = 0;
	else if ((cmp = cal_cmp(t.tm_mon, tm->tm_mon)) != 0)
		t.tm_mday = 1;
	else if ((cmp = cal_cmp(t.tm_mday, tm->tm_mday)) != 0)
		t.tm_hour = 0;
	else if ((cmp = cal_cmp(t.tm_hour, tm->tm_hour)) != 0)
		t.tm_min = 0;
	else if ((cmp = cal_cmp(t.tm_min, tm->tm_min)) != 0)
		t.tm_sec = 0;
	else
		cmp = cal_cmp(t.tm_sec, tm->tm_sec);
	if (cmp < 0)
		return -1;
	if (cmp > 0)
		*tm = t;
	return cmp == 0;
}

/* Is tm's day one of the weekdays (its weekday as mktime says)? */
static int
cal_weekday_ok(int bits, const struct tm *tm)
{
	struct tm t = *tm;

	if (bits < 0)
		return 1;
	if (mktime(&t) < 0)
		return 0;
	return (bits & (1 << (t.tm_wday == 0 ? 6 : t.tm_wday - 1))) != 0;
}

/* Reset the fields from `from` on (and the microseconds) to their start. */
static void
cal_reset(struct tm *c, int from, int *usec)
{
	if (from <= CAL_MONTH)
		c->tm_mon = 0;
	if (from <= CAL_DAY)
		c->tm_mday = 1;
	if (from <= CAL_HOUR)
		c->tm_hour = 0;
	if (from <= CAL_MINUTE)
		c->tm_min = 0;
	c->tm_sec = 0;
	*usec = 0;
}

/* Where field f (month to minute) is in a struct tm. */
static int *
cal_tm_field(struct tm *c, int f)
{
	switch (f) {
	case CAL_MONTH:
		return &c->tm_mon;
	case CAL_DAY:
		return &c->tm_mday;
	case CAL_HOUR:
		return &c->tm_hour;
	default:
		return &c->tm_min;
	}
}

/*
 * Move field f (month to minute) of c to its next allowed value: 1 when
 * it matches and mktime leaves c alone, 0 to start over (c normalized),
 * -1 when the field above must move on (cal_carry).
 */
static int
cal_step(const struct calendar *cal, int f, struct tm *c, int *usec)
{
	int *field = cal_tm_field(c, f), off = f == CAL_MONTH, v, r;

	v = *field + off;
	r = cal_match(&cal->f[f], 1, &v);
	*field = v - off;
	if (r > 0)
		cal_reset(c, f + 1, usec);
	if (r < 0)
		return -1;
	return cal_settle(c);
}

/* Field f has no value left: the next of the field above, from its start. */
static void
cal_carry(struct tm *c, int f, int *usec)
{
	switch (f) {
	case CAL_MONTH:
		c->tm_year++;
		break;
	case CAL_DAY:
		c->tm_mon++;
		break;
	case CAL_HOUR:
		c->tm_mday++;
		break;
	case CAL_MINUTE:
		c->tm_hour++;
		break;
	default:
		c->tm_min++;
		break;
	}
	cal_reset(c, f, usec);
}

/* The year: 0 when it matches, -1 when there is none (past 2199). */
static int
cal_year_step(const struct calendar *cal, struct tm *c, int *usec)
{
	int v = c->tm_year + 1900, r;

	r = cal_match(&cal->f[CAL_YEAR], 1, &v);
	c->tm_year = v - 1900;
	if (r > 0)
		cal_reset(c, CAL_MONTH, usec);
	if (r < 0 || cal_settle(c) <= 0)
		return -1;
	return 0;
}

/* The second, in microseconds: as cal_step. */
static int
cal_second_step(const struct calendar *cal, struct tm *c, int *usec)
{
	int v = c->tm_sec * CAL_USEC + *usec, r;

	r = cal_match(&cal->f[CAL_SECOND], CAL_USEC, &v);
	*usec = v % CAL_USEC;
	c->tm_sec = v / CAL_USEC;
	if (r < 0)
		return -1;
	return cal_settle(c);
}

/* Compare the broken-down times a and b, year to second. */
static int
cal_tm_cmp(const struct tm *a, const struct tm *b)
{
	const int x[] = { a->tm_year, a->tm_mon, a->tm_mday, a->tm_hour,
		a->tm_min, a->tm_sec };
	const int y[] = { b->tm_year, b->tm_mon, b->tm_mday, b->tm_hour,
		b->tm_min, b->tm_sec };
	size_t i;

	for (i = 0; i < sizeof x / sizeof x[0]; i++)
		if (x[i] != y[i])
			return cal_cmp(x[i], y[i]);
	return 0;
}

/*
 * A match at or before where the search started (a DST change made mktime
 * step back): systemd 252.39 then moves on an hour and from there on
 * keeps the tm_isdst mktime gives instead of asking for -1.
 */
static int
cal_stuck(const struct tm *from, int from_usec, const struct tm *c, int usec)
{
	int r = cal_tm_cmp(from, c);

	if (r == 0)
		r = cal_cmp(from_usec, usec + 1);
	return r >= 0;
}

/*
 * systemd's find_next(): from tm (and usec, microseconds into its second)
 * the first time that matches, into tm. Each round normalizes with
 * mktime (then tm_isdst -1, until stuck), then fits the fields from the
 * year down; a field that moves resets those below, one with no value
 * left moves the one above, a time mktime changes starts a new round.
 * -1: none; -2: systemd's limit of rounds.
 */
static int
cal_find(const struct calendar *cal, struct tm *tm, int *usec)
{
	struct tm c = *tm;
	int us = *usec, r = 0, f, stuck = 0;
	unsigned n;

	for (n = 0; n < CAL_MAX_STEPS; n++) {
		(void)mktime(&c);
		if (!stuck)
			c.tm_isdst = -1;
		if (cal_year_step(cal, &c, &us) == -1)
			return -1;
		for (f = CAL_MONTH; f <= CAL_SECOND; f++) {
			if (f == CAL_HOUR && !cal_weekday_ok(cal->weekdays, &c))
				r = -1;
			else if (f == CAL_SECOND)
				r = cal_second_step(cal, &c, &us);
			else
				r = cal_step(cal, f, &c, &us);
			if (r != 1)
				break;
		}
		if (r < 0)
			cal_carry(&c, f, &us);
		if (r == 1 && cal_stuck(tm, *usec, &c, us)) {
			stuck = 1;
			c.tm_hour++;
		} else if (r == 1) {
			*tm = c;
			*usec = us;
			return 0;
		}
	}
	return -2; /* systemd gives up: "Infinite loop in calendar ..." */
}

int
calendar_next(
    const struct calendar *cal, const char *tz, time_t after, time_t *next)
{
	struct calendar_zone_save save;
	struct tm tm;
	int usec = 1, r; /* as systemd: from after + 1 microsecond */
	time_t t = -1;

	if (calendar_zone_check(tz, NULL) == -1) {
		errno = EINVAL;
		return -1;
	}
	calendar_zone_enter(tz, &save);
	r = localtime_r(&after, &tm) == NULL ? -1 : cal_find(cal, &tm, &usec);
	if (r == 0 && (t = mktime(&tm)) < 0)
		r = -1;
	calendar_zone_leave(&save);
	if (r == 0) {
		*next = t;
		return 0;
	}
	errno = r == -2 ? ELOOP : ENOENT;
	return -1;
}
