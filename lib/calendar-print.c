/*
 * calendar-print.c: secmond --calendar and secmonctl calendar: an
 * expression's normalized form and next elapses, printed as
 * systemd-analyze calendar prints them (less "From now") or as JSON. The
 * CLIs parse their options; this checks the values and prints.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "calendar.h"

#define CAL_TIME_MAX 64             /* a formatted time */
#define CAL_BASE_MAX 253402300799LL /* 9999-12-31T23:59:59Z */

/* The elapses of one expression. */
struct cal_run {
	struct calendar *cal;
	char *normalized;
	time_t *at;
	unsigned n;
};

/* s, or a placeholder if it would put control characters in a message. */
static const char *
cal_shown(const char *s)
{
	const unsigned char *c;

	for (c = (const unsigned char *)s; *c != '\0'; c++)
		if (*c < 0x20 || *c == 0x7f)
			return "(unprintable)";
	return s;
}

/* "1" to CALENDAR_MAX_ITERATIONS into *n; NULL is 1. */
static int
cal_iterations(const char *s, unsigned *n, struct sm_err *err)
{
	char *end;
	unsigned long v;

	*n = 1;
	if (s == NULL)
		return 0;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v == 0 ||
	    v > CALENDAR_MAX_ITERATIONS)
		return sm_err_set(err, "calendar",
		    "bad iterations \"%.32s\": a number from 1 to %d",
		    cal_shown(s), CALENDAR_MAX_ITERATIONS);
	*n = (unsigned)v;
	return 0;
}

/* "+HH:MM", "-HHMM", "Z": the offset east of UTC in seconds; -1 if not. */
static int
cal_offset(const char *s, long *off)
{
	const char *d = s + 1;
	size_t n;
	long h, m;

	*off = 0;
	if (strcmp(s, "Z") == 0)
		return 0;
	if (*s != '+' && *s != '-')
		return -1;
	n = strlen(d);
	if ((n != 4 && (n != 5 || d[2] != ':')) ||
	    !isdigit((unsigned char)d[0]) || !isdigit((unsigned char)d[1]) ||
	    !isdigit((unsigned char)d[n - 2]) ||
	    !isdigit((unsigned char)d[n - 1]))
		return -1;
	h = (d[0] - '0') * 10 + (d[1] - '0');
	m = (d[n - 2] - '0') * 10 + (d[n - 1] - '0');
	if (h > 23 || m > 59)
		return -1;
	*off = (*s == '-' ? -1 : 1) * (h * 3600 + m * 60);
	return 0;
}

/* "@EPOCH" or ISO 8601 with "Z" or an offset ("T" or a space). */
static int
cal_base(const char *s, time_t *out, struct sm_err *err)
{
	struct tm tm;
	const char *p;
	long long v;
	char *end;
	long off;

	if (s == NULL) {
		*out = time(NULL);
		return 0;
	}
	memset(&tm, 0, sizeof tm);
	if (*s == '@') {
		errno = 0;
		v = strtoll(s + 1, &end, 10);
		if (s[1] >= '0' && s[1] <= '9' && *end == '\0' && errno == 0 &&
		    v <= CAL_BASE_MAX) {
			*out = (time_t)v;
			return 0;
		}
	} else if (((p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) != NULL ||
		       (p = strptime(s, "%Y-%m-%d %H:%M:%S", &tm)) != NULL) &&
	    cal_offset(p, &off) == 0 && tm.tm_year >= 70 && tm.tm_year < 8100) {
		*out = timegm(&tm) - off;
		return 0;
	}
	return sm_err_set(err, "calendar",
	    "bad base time \"%.64s\": @EPOCH or ISO 8601 with Z or an offset "
	    "(2026-03-29T00:59:59Z)",
	    cal_shown(s));
}

/* Parse, check and compute everything s asks for. */
static int
cal_run(const struct calendar_show *s, struct cal_run *run, struct sm_err *err)
{
	unsigned want;
	time_t t;

	memset(run, 0, sizeof *run);
	if (cal_iterations(s->iterations, &want, err) == -1 ||
	    calendar_zone_check(s->tz, err) == -1 ||
	    cal_base(s->base, &t, err) == -1 ||
	    (run->cal = calendar_parse(s->expr, err)) == NULL)
		return -1;
	run->normalized = calendar_normalized(run->cal);
	run->at = xreallocarray(NULL, want, sizeof *run->at);
	while (run->n < want && calendar_next(run->cal, s->tz, t, &t) == 0)
		run->at[run->n++] = t;
	if (run->n < want && errno == ELOOP)
		return sm_err_set(err, "calendar",
		    "cannot find the next elapse of \"%s\": the search gives "
		    "up after 1000 steps, as systemd's does",
		    s->expr);
	return 0;
}

/* Elapse i in the zone and in UTC; -1 (said) if it cannot be printed. */
static int
cal_times(const struct calendar_show *s, const struct cal_run *run, unsigned i,
    char *local, char *utc, struct sm_err *err)
{
	if (calendar_strftime(run->at[i], s->tz, local, CAL_TIME_MAX) == -1 ||
	    calendar_strftime(run->at[i], "UTC", utc, CAL_TIME_MAX) == -1)
		return sm_err_set(err, "calendar", "cannot print time %lld",
		    (long long)run->at[i]);
	return 0;
}

/* As systemd-analyze calendar prints, less its "From now" lines. */
static int
cal_print_text(FILE *out, const struct calendar_show *s,
    const struct cal_run *run, struct sm_err *err)
{
	char local[CAL_TIME_MAX], utc[CAL_TIME_MAX], label[32];
	int in_utc = !calendar_zone_is_utc(s->tz);
	unsigned i;
	size_t n;

	n = strlen(s->expr);
	while (n > 0 && s->expr[n - 1] == ' ')
		n--; /* systemd's table drops them */
	if (strcmp(s->expr, run->normalized) != 0)
		fprintf(out, "%16s %.*s\n", "Original form:", (int)n, s->expr);
	fprintf(out, "%16s %s\n", "Normalized form:", run->normalized);
	if (run->n == 0)
		fprintf(out, "%16s %s\n", "Next elapse:", "never");
	for (i = 0; i < run->n; i++) {
		if (cal_times(s, run, i, local, utc, err) == -1)
			return -1;
		if (i == 0)
			snprintf(label, sizeof label, "Next elapse:");
		else
			snprintf(label, sizeof label, "Iter. #%u:", i + 1);
		fprintf(out, "%16s %s\n", label, local);
		if (in_utc)
			fprintf(out, "%16s %s\n", "(in UTC):", utc);
	}
	return 0;
}

/* The name of the host's zone: TZ, else where /etc/localtime points. */
static void
cal_host_zone(char *buf, size_t len)
{
	const char *tz = getenv("TZ"), *z;
	ssize_t n;

	if (tz != NULL && *tz == ':')
		tz++;
	if (tz != NULL && *tz != '\0') {
		strlcpy(buf, tz, len);
		return;
	}
	strlcpy(buf, "localtime", len);
	if ((n = readlink("/etc/localtime", buf, len - 1)) <= 0 ||
	    (size_t)n >= len - 1) {
		strlcpy(buf, "localtime", len);
		return;
	}
	buf[n] = '\0';
	if ((z = strstr(buf, "zoneinfo/")) != NULL)
		memmove(buf, z + 9, strlen(z + 9) + 1);
}

/* {"original", "normalized", "timezone", "next": [{at, local, utc}]}. */
static int
cal_print_json(FILE *out, const struct calendar_show *s,
    const struct cal_run *run, struct sm_err *err)
{
	char local[CAL_TIME_MAX], utc[CAL_TIME_MAX], zone[PATH_MAX];
	json_t *next = json_array(), *o;
	unsigned i;

	for (i = 0; i < run->n; i++) {
		if (cal_times(s, run, i, local, utc, err) == -1) {
			json_decref(next);
			return -1;
		}
		json_array_append_new(next,
		    json_pack("{s:I, s:s, s:s}", "at", (json_int_t)run->at[i],
			"local", local, "utc", utc));
	}
	if (s->tz != NULL && *s->tz != '\0')
		strlcpy(zone, s->tz, sizeof zone);
	else
		cal_host_zone(zone, sizeof zone);
	o = json_pack("{s:s, s:s, s:s, s:o}", "original", s->expr, "normalized",
	    run->normalized, "timezone", zone, "next", next);
	if (o == NULL)
		return sm_err_set(err, "calendar", "cannot encode as JSON");
	json_dumpf(o, out, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	fputc('\n', out);
	json_decref(o);
	return 0;
}

int
calendar_show(FILE *out, const struct calendar_show *s, struct sm_err *err)
{
	struct cal_run run;
	int r;

	if ((r = cal_run(s, &run, err)) == 0)
		r = s->json ? cal_print_json(out, s, &run, err)
			    : cal_print_text(out, s, &run, err);
	calendar_free(run.cal);
	free(run.normalized);
	free(run.at);
	return r;
}

int
calendar_show_main(const char *prog, const struct calendar_show *s)
{
	struct sm_err err;

	if (calendar_show(stdout, s, &err) == -1) {
		fprintf(stderr, "%s: calendar: %s\n", prog, err.msg);
		return 1;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: calendar: stdout: %s\n", prog,
		    strerror(errno));
		return 1;
	}
	return 0;
}
