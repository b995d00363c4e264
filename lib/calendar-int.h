/*
 * calendar-int.h: what lib/calendar*.c share and nobody else needs: the
 * parsed expression (calendar.c builds it, calendar-next.c searches it)
 * and the switch of the C library's zone (calendar-zone.c).
 */
#ifndef SECMON_CALENDAR_INT_H
#define SECMON_CALENDAR_INT_H

#include <stddef.h>

#define CAL_YEAR_MIN 1970
#define CAL_YEAR_MAX 2199
#define CAL_ALL_DAYS 127 /* weekday bits: Monday 1 << 0 ... Sunday 1 << 6 */

enum {
	CAL_YEAR,
	CAL_MONTH,
	CAL_DAY,
	CAL_HOUR,
	CAL_MINUTE,
	CAL_SECOND,
	CAL_NFIELDS,
	CAL_ANY = CAL_NFIELDS
};

/* One value of a field: start, start..stop, start/repeat... */
struct cal_value {
	int start;
	int stop;        /* -1: none */
	int repeat;      /* 0: none; a range alone repeats every 1 */
	size_t off, len; /* its text in the expression, for errors */
};

/* A field: its values; none is "*" (seconds: "*" is 0/1). */
struct cal_field {
	struct cal_value *v;
	size_t n;
};

struct calendar {
	int weekdays; /* bits; -1: any day */
	struct cal_field f[CAL_NFIELDS];
};

/* The TZ to put back after calendar_zone_enter. */
struct calendar_zone_save {
	char *tz; /* NULL: TZ was unset */
	int switched;
};

/*
 * Make tz the zone of localtime_r and mktime (TZ=":tz", tzset) until
 * calendar_zone_leave puts the previous TZ back. NULL or "": the host's
 * zone, TZ left alone. Every enter needs its leave.
 */
void calendar_zone_enter(const char *tz, struct calendar_zone_save *);
void calendar_zone_leave(struct calendar_zone_save *);

#endif
