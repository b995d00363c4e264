/*
 * calendar.c: calendar expressions, secmond's subset of systemd's
 * OnCalendar syntax: the parser, the normalization and validation systemd
 * 252 applies, and its "Normalized form". Owns the struct calendar it
 * returns; calendar-next.c searches elapses, calendar-zone.c has zones.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "calendar-int.h"
#include "calendar.h"

#define CAL_NUMBER_MAX 99999 /* a larger number is out of every range */

/* While parsing: the expression, where we are, what we build. */
struct cal_parse {
	const char *expr;
	const char *p;
	struct calendar *cal;
	struct sm_err *err;
};

static const struct {
	const char *name;
	int min, max;
} cal_fields[CAL_NFIELDS] = {
	{ "year", CAL_YEAR_MIN, CAL_YEAR_MAX },
	{ "month", 1, 12 },
	{ "day", 1, 31 },
	{ "hour", 0, 23 },
	{ "minute", 0, 59 },
	{ "second", 0, 59 },
};

static const char *const cal_days[7][2] = {
	{ "Monday", "Mon" },
	{ "Tuesday", "Tue" },
	{ "Wednesday", "Wed" },
	{ "Thursday", "Thu" },
	{ "Friday", "Fri" },
	{ "Saturday", "Sat" },
	{ "Sunday", "Sun" },
};

/*
 * The shorthands: the fields from `first` on are at their minimum (the
 * months `months` if set), the others any; weekly also on Mondays.
 */
static const struct {
	const char *name;
	int first;
	int months[4];
	int weekdays;
} cal_shorthands[] = {
	{ "minutely", CAL_SECOND, { 0 }, 0 },
	{ "hourly", CAL_MINUTE, { 0 }, 0 },
	{ "daily", CAL_HOUR, { 0 }, 0 },
	{ "weekly", CAL_HOUR, { 0 }, 1 },
	{ "monthly", CAL_DAY, { 0 }, 0 },
	{ "quarterly", CAL_MONTH, { 1, 4, 7, 10 }, 0 },
	{ "semiannually", CAL_MONTH, { 1, 7 }, 0 },
	{ "semi-annually", CAL_MONTH, { 1, 7 }, 0 },
	{ "biannually", CAL_MONTH, { 1, 7 }, 0 },
	{ "bi-annually", CAL_MONTH, { 1, 7 }, 0 },
	{ "yearly", CAL_MONTH, { 1 }, 0 },
	{ "annually", CAL_MONTH, { 1 }, 0 },
};

/* Say what is wrong with the len bytes at s: "bad <what> "s" in "expr"". */
static int
cal_bad(struct cal_parse *cp, const char *what, const char *s, size_t len,
    const char *why)
{
	return sm_err_set(cp->err, "calendar", "bad %s \"%.*s\" in \"%s\"%s%s",
	    what, (int)len, s, cp->expr, *why != '\0' ? ": " : "", why);
}

/* The word at s: up to the next separator of fields or values. */
static size_t
cal_word(const char *s)
{
	size_t n = strcspn(s, " ,:-");

	return n > 0 ? n : strcspn(s, " ");
}

/* Append v to field f; -1 (said) past CALENDAR_MAX_VALUES. */
static int
cal_push(struct cal_parse *cp, struct cal_field *f, const struct cal_value *v)
{
	if (f->n == CALENDAR_MAX_VALUES)
		return sm_err_set(cp->err, "calendar",
		    "more than %d values in one field of \"%s\"",
		    CALENDAR_MAX_VALUES, cp->expr);
	f->v = xreallocarray(f->v, f->n + 1, sizeof *f->v);
	f->v[f->n++] = *v;
	return 0;
}

/* A number at cp->p into *out (saturated past CAL_NUMBER_MAX); -1 if none. */
static int
cal_number(struct cal_parse *cp, int *out)
{
	int v = 0;

	if (!isdigit((unsigned char)*cp->p))
		return -1;
	for (; isdigit((unsigned char)*cp->p); cp->p++)
		if (v <= CAL_NUMBER_MAX)
			v = v * 10 + (*cp->p - '0');
	*out = v;
	return 0;
}

/* A "." after a number of seconds that is no "..": a fraction. */
static int
cal_fraction(struct cal_parse *cp, int field, const char *item)
{
	if (field != CAL_SECOND || cp->p[0] != '.' || cp->p[1] == '.')
		return 0;
	return sm_err_set(cp->err, "calendar",
	    "fractional seconds (\"%.*s\") are outside secmond's subset, in "
	    "\"%s\"",
	    (int)cal_word(item), item, cp->expr);
}

/* The step of a value, after its "/"; -1 (said) if missing or zero. */
static int
cal_value_step(
    struct cal_parse *cp, int field, const char *item, struct cal_value *v)
{
	const char *what = field == CAL_ANY ? "value" : cal_fields[field].name;

	cp->p++;
	if (cal_number(cp, &v->repeat) == -1 || v->repeat == 0)
		return cal_bad(cp, what, item, cal_word(item),
		    "a step is a number above 0");
	return cal_fraction(cp, field, item);
}

/* One value: N, N..M, N/S or N..M/S, then a separator. */
static int
cal_value(struct cal_parse *cp, int field, struct cal_value *v)
{
	const char *item = cp->p, *what;

	what = field == CAL_ANY ? "value" : cal_fields[field].name;
	v->stop = -1;
	v->repeat = 0;
	if (cal_number(cp, &v->start) == -1)
		return cal_bad(cp, what, item, cal_word(item),
		    "expected a number, a range N..M or *");
	if (cal_fraction(cp, field, item) == -1)
		return -1;
	if (cp->p[0] == '.' && cp->p[1] == '.') {
		cp->p += 2;
		if (cal_number(cp, &v->stop) == -1)
			return cal_bad(
			    cp, what, item, cal_word(item), "a range is N..M");
		if (cal_fraction(cp, field, item) == -1)
			return -1;
		v->repeat = 1;
	}
	if (*cp->p == '/') {
		if (cal_value_step(cp, field, item, v) == -1)
			return -1;
	} else if (field == CAL_SECOND && v->stop >= 0 &&
	    v->start + v->repeat > v->stop)
		return cal_bad(cp, what, item, (size_t)(cp->p - item),
		    "the range is empty");
	if (*cp->p != '\0' && strchr(" ,-:", *cp->p) == NULL)
		return cal_bad(cp, what, item, cal_word(item),
		    "expected N, N..M, N/STEP, N..M/STEP or *");
	v->off = (size_t)(item - cp->expr);
	v->len = (size_t)(cp->p - item);
	return 0;
}

/* A field: "*" or values separated by ",". */
static int
cal_chain(struct cal_parse *cp, int field, struct cal_field *f)
{
	static const struct cal_value any_second = { 0, -1, 1, 0, 0 };
	struct cal_value v;

	if (*cp->p == '*') {
		if (cp->p[1] == '/')
			return cal_bad(cp,
			    field == CAL_ANY ? "value" : cal_fields[field].name,
			    cp->p, cal_word(cp->p),
			    "a step needs a first value (\"0/15\", not "
			    "\"*/15\")");
		cp->p++;
		return field == CAL_SECOND ? cal_push(cp, f, &any_second) : 0;
	}
	for (;;) {
		if (cal_value(cp, field, &v) == -1 || cal_push(cp, f, &v) == -1)
			return -1;
		if (*cp->p != ',')
			return 0;
		cp->p++;
	}
}

static void
cal_field_clear(struct cal_field *f)
{
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

/* The weekday whose name (or abbreviation) starts s; its length in *len. */
static int
cal_weekday_name(const char *s, size_t *len)
{
	size_t d, k, n;

	for (d = 0; d < 7; d++) {
		for (k = 0; k < 2; k++) {
			n = strlen(cal_days[d][k]);
			if (strncasecmp(s, cal_days[d][k], n) == 0) {
				*len = n;
				return (int)d;
			}
		}
	}
	return -1;
}

/*
 * After a weekday: the end, spaces, or a separator ("..", "-" or ","):
 * 1 at the end of the weekdays, 0 if more follow, -1 (said) if wrong.
 */
static int
cal_weekday_sep(struct cal_parse *cp, const char *item, int *from, int d)
{
	if (*cp->p == '\0' || *cp->p == ' ') {
		cp->p += strspn(cp->p, " ");
		return 1;
	}
	if (*cp->p == '.' || *cp->p == '-') {
		if (*from >= 0 || (*cp->p == '.' && cp->p[1] != '.'))
			return cal_bad(cp, "weekday", item, cal_word(item),
			    "a range is Mon..Fri");
		*from = d;
		cp->p += *cp->p == '.' ? 2 : 1;
	} else if (*cp->p == ',') {
		*from = -1;
		cp->p++;
	}
	if (*cp->p != '\0' && *cp->p != ' ')
		return 0;
	cp->p += strspn(cp->p, " ");
	if (*from >= 0)
		return cal_bad(
		    cp, "weekday", item, cal_word(item), "an open range");
	return 1;
}

/* Does s start with a shorthand ("daily") and a space? */
static int
cal_is_shorthand(const char *s)
{
	size_t i, n;

	for (i = 0; i < sizeof cal_shorthands / sizeof cal_shorthands[0]; i++) {
		n = strlen(cal_shorthands[i].name);
		if (strncasecmp(s, cal_shorthands[i].name, n) == 0 &&
		    s[n] == ' ')
			return 1;
	}
	return 0;
}

/* Weekdays, if the expression starts with one: "Mon,Wed..Fri ". */
static int
cal_weekdays(struct cal_parse *cp)
{
	const char *item, *range = NULL;
	int d, j, from = -1, first = 1, r;
	size_t len;

	for (;; first = 0) {
		item = cp->p;
		if ((d = cal_weekday_name(cp->p, &len)) == -1) {
			if (first && !isalpha((unsigned char)*cp->p))
				return 0;
			return cal_bad(cp, "weekday", item, cal_word(item),
			    first && cal_is_shorthand(item)
				? "a shorthand such as \"daily\" is the whole "
				  "expression"
				: "");
		}
		cp->p += len;
		if (*cp->p != '\0' && strchr("-., ", *cp->p) == NULL)
			return cal_bad(cp, "weekday", item, cal_word(item), "");
		if (from > d)
			return cal_bad(cp, "weekdays", range,
			    (size_t)(cp->p - range),
			    "a range runs from Monday to Sunday");
		for (j = from >= 0 ? from : d; j <= d; j++)
			cp->cal->weekdays |= 1 << j;
		if ((r = cal_weekday_sep(cp, item, &from, d)) != 0)
			return r < 0 ? -1 : 0;
		if (from < 0 || from == d)
			range = item;
	}
}

/* Move the parts of a date (n of them) to the fields they are. */
static void
cal_date_set(struct calendar *cal, struct cal_field *part, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		cal->f[CAL_DAY - (n - 1) + i] = part[i];
		memset(&part[i], 0, sizeof part[i]);
	}
}

/*
 * A date, if there is one: "MM-DD" or "YYYY-MM-DD", then spaces. A first
 * part followed by ":" or nothing was an hour: put back for cal_time.
 */
static int
cal_date(struct cal_parse *cp)
{
	struct cal_field part[3];
	const char *date = cp->p;
	int n = 0, r = -1;

	if (*date == '\0')
		return 0;
	memset(part, 0, sizeof part);
	for (;;) {
		if (cal_chain(cp, CAL_ANY, &part[n++]) == -1)
			break;
		if (n == 1 && (*cp->p == '\0' || *cp->p == ':')) {
			cp->p = date;
			r = 0;
			break;
		}
		if (n > 1 && (*cp->p == '\0' || *cp->p == ' ')) {
			cal_date_set(cp->cal, part, n);
			cp->p += strspn(cp->p, " ");
			r = 0;
			break;
		}
		if (n == 3 || *cp->p != '-') {
			cal_bad(cp, "date", date, strcspn(date, " "),
			    "expected YYYY-MM-DD or MM-DD");
			break;
		}
		cp->p++;
	}
	for (n = 0; n < 3; n++)
		cal_field_clear(&part[n]);
	return r;
}

/* Set field f to the single value v. */
static void
cal_const(struct calendar *cal, int f, int v)
{
	struct cal_value one = { v, -1, 0, 0, 0 };

	cal->f[f].v = xreallocarray(cal->f[f].v, cal->f[f].n + 1, sizeof one);
	cal->f[f].v[cal->f[f].n++] = one;
}

/* A time: "HH:MM" or "HH:MM:SS"; none at all is 00:00:00. */
static int
cal_time(struct cal_parse *cp)
{
	const char *start = cp->p;
	struct calendar *cal = cp->cal;

	if (*cp->p == '\0') {
		cal_const(cal, CAL_HOUR, 0);
		cal_const(cal, CAL_MINUTE, 0);
		cal_const(cal, CAL_SECOND, 0);
		return 0;
	}
	if (cal_chain(cp, CAL_HOUR, &cal->f[CAL_HOUR]) == -1)
		return -1;
	if (*cp->p != ':')
		return cal_bad(
		    cp, "time", start, strlen(start), "expected HH:MM[:SS]");
	cp->p++;
	if (cal_chain(cp, CAL_MINUTE, &cal->f[CAL_MINUTE]) == -1)
		return -1;
	if (*cp->p == '\0') {
		cal_const(cal, CAL_SECOND, 0);
		return 0;
	}
	if (*cp->p != ':')
		return cal_bad(
		    cp, "time", start, strlen(start), "expected HH:MM[:SS]");
	cp->p++;
	if (cal_chain(cp, CAL_SECOND, &cal->f[CAL_SECOND]) == -1)
		return -1;
	if (*cp->p != '\0')
		return cal_bad(
		    cp, "time", start, strlen(start), "expected HH:MM[:SS]");
	return 0;
}

/* A shorthand ("daily"): 1 if expr is one, 0 if not. */
static int
cal_shorthand(struct calendar *cal, const char *expr)
{
	size_t i, k;
	int f;

	for (i = 0; i < sizeof cal_shorthands / sizeof cal_shorthands[0]; i++)
		if (strcasecmp(expr, cal_shorthands[i].name) == 0)
			break;
	if (i == sizeof cal_shorthands / sizeof cal_shorthands[0])
		return 0;
	for (f = cal_shorthands[i].first; f < CAL_NFIELDS; f++) {
		if (f == CAL_MONTH && cal_shorthands[i].months[0] != 0) {
			for (k = 0; k < 4 && cal_shorthands[i].months[k]; k++)
				cal_const(cal, f, cal_shorthands[i].months[k]);
		} else
			cal_const(cal, f, cal_fields[f].min);
	}
	cal->weekdays = cal_shorthands[i].weekdays;
	return 1;
}

/* The full form: [WEEKDAYS] [DATE] [TIME]. */
static int
cal_full(struct cal_parse *cp)
{
	if (cal_weekdays(cp) == -1 || cal_date(cp) == -1 || cal_time(cp) == -1)
		return -1;
	if (*cp->p != '\0')
		return cal_bad(cp, "part", cp->p, strlen(cp->p), "");
	return 0;
}

/* Does s end with the word w (after a space)? */
static int
cal_ends(const char *s, const char *w)
{
	size_t n = strlen(s), k = strlen(w);

	return n > k && strcasecmp(s + n - k, w) == 0 && s[n - k - 1] == ' ';
}

/* Is w a time zone systemd would take at the end of an expression? */
static int
cal_is_zone(const char *w)
{
	if (*w == '\0')
		return 0;
	if (strcasecmp(w, "UTC") == 0 || calendar_zone_check(w, NULL) == 0)
		return 1;
	tzset();
	return (tzname[0] != NULL && strcasecmp(w, tzname[0]) == 0) ||
	    (tzname[1] != NULL && strcasecmp(w, tzname[1]) == 0);
}

/* What systemd takes but secmond's subset leaves out: said so, -1. */
static int
cal_subset(struct cal_parse *cp)
{
	const char *e = cp->expr, *last = strrchr(e, ' ');

	if (strchr(e, '~') != NULL)
		return sm_err_set(cp->err, "calendar",
		    "\"~\" (days before the end of the month) is outside "
		    "secmond's subset, in \"%s\"",
		    e);
	if (*e == '@')
		return sm_err_set(cp->err, "calendar",
		    "\"@EPOCH\" times are outside secmond's subset, in \"%s\"",
		    e);
	if (*e == '+' || *e == '-' || strcasecmp(e, "now") == 0 ||
	    strcasecmp(e, "today") == 0 || strcasecmp(e, "tomorrow") == 0 ||
	    strcasecmp(e, "yesterday") == 0 || cal_ends(e, "ago") ||
	    cal_ends(e, "left"))
		return sm_err_set(cp->err, "calendar",
		    "relative times (\"%s\") are outside secmond's subset; "
		    "give a calendar time such as \"daily\" or \"Mon 09:00\"",
		    e);
	if (last != NULL && cal_is_zone(last + 1))
		return sm_err_set(cp->err, "calendar",
		    "time zone \"%s\" in \"%s\" is outside secmond's subset: "
		    "give the zone on its own (--timezone, or the timezone "
		    "setting)",
		    last + 1, e);
	return 0;
}

/* Two-digit years as systemd reads them: 70-99 are 19xx, 0-69 20xx. */
static int
cal_year(int y)
{
	if (y >= 0 && y < 70)
		return y + 2000;
	if (y >= 70 && y < 100)
		return y + 1900;
	return y;
}

/* The years of two digits in f, as systemd reads them. */
static void
cal_years(struct cal_field *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		f->v[i].start = cal_year(f->v[i].start);
		if (f->v[i].stop >= 0)
			f->v[i].stop = cal_year(f->v[i].stop);
	}
}

static int
cal_value_cmp(const void *a, const void *b)
{
	const struct cal_value *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->stop != y->stop)
		return x->stop < y->stop ? -1 : 1;
	if (x->repeat != y->repeat)
		return x->repeat < y->repeat ? -1 : 1;
	return 0;
}

/*
 * As systemd normalizes a field: a range ends on its last step; a step
 * that cannot repeat, or a range of one value, is that one value; the
 * values sorted, the same value once.
 */
static void
cal_normalize(struct cal_field *f)
{
	struct cal_value *v;
	size_t i, n;

	for (i = 0; i < f->n; i++) {
		v = &f->v[i];
		if (v->stop > v->start && v->repeat > 0)
			v->stop -= (v->stop - v->start) % v->repeat;
		if ((v->stop > v->start && v->repeat > 0 &&
			v->start + v->repeat > v->stop) ||
		    v->start == v->stop) {
			v->repeat = 0;
			v->stop = -1;
		}
	}
	if (f->n < 2)
		return;
	qsort(f->v, f->n, sizeof *f->v, cal_value_cmp);
	for (i = 1, n = 1; i < f->n; i++)
		if (cal_value_cmp(&f->v[i], &f->v[n - 1]) != 0)
			f->v[n++] = f->v[i];
	f->n = n;
}

/* What is wrong with v in field f (systemd's chain_valid), or NULL. */
static const char *
cal_invalid(int f, const struct cal_value *v, char *why, size_t len)
{
	int min = cal_fields[f].min, max = cal_fields[f].max;

	if (v->start < min || v->start > max ||
	    (v->stop >= 0 && (v->stop < min || v->stop > max)))
		snprintf(
		    why, len, "%ss are %d-%d", cal_fields[f].name, min, max);
	else if (v->repeat > max - min)
		snprintf(why, len, "the step %d is too large", v->repeat);
	else if (v->stop >= 0 && v->start + v->repeat > v->stop)
		snprintf(why, len, "the range runs backwards");
	else if (v->stop < 0 && v->start + v->repeat > max)
		snprintf(why, len, "%d plus the step %d is past %d", v->start,
		    v->repeat, max);
	else
		return NULL;
	return why;
}

/* Check every value of every field, after normalization. */
static int
cal_check(struct cal_parse *cp)
{
	const struct cal_value *v;
	const char *why;
	char buf[96];
	size_t i;
	int f;

	for (f = 0; f < CAL_NFIELDS; f++) {
		for (i = 0; i < cp->cal->f[f].n; i++) {
			v = &cp->cal->f[f].v[i];
			if ((why = cal_invalid(f, v, buf, sizeof buf)) != NULL)
				return cal_bad(cp, cal_fields[f].name,
				    cp->expr + v->off, v->len, why);
		}
	}
	return 0;
}

/* Reject what cannot be in an expression before echoing it in errors. */
static int
cal_chars(const char *expr, struct sm_err *err)
{
	const unsigned char *s;

	if (*expr == '\0')
		return sm_err_set(err, "calendar", "empty calendar expression");
	if (strlen(expr) > CALENDAR_MAX_EXPR)
		return sm_err_set(err, "calendar",
		    "calendar expression longer than %d bytes",
		    CALENDAR_MAX_EXPR);
	for (s = (const unsigned char *)expr; *s != '\0'; s++)
		if (*s < 0x20 || *s >= 0x7f)
			return sm_err_set(err, "calendar",
			    "bad character 0x%02x at byte %zu of a calendar "
			    "expression",
			    *s, (size_t)(s - (const unsigned char *)expr) + 1);
	return 0;
}

struct calendar *
calendar_parse(const char *expr, struct sm_err *err)
{
	struct cal_parse cp = { expr, expr, NULL, err };
	int f;

	if (cal_chars(expr, err) == -1 || cal_subset(&cp) == -1)
		return NULL;
	cp.cal = xcalloc(1, sizeof *cp.cal);
	if (!cal_shorthand(cp.cal, expr) && cal_full(&cp) == -1)
		goto fail;
	cal_years(&cp.cal->f[CAL_YEAR]);
	for (f = 0; f < CAL_NFIELDS; f++)
		cal_normalize(&cp.cal->f[f]);
	if (cp.cal->weekdays <= 0 || cp.cal->weekdays >= CAL_ALL_DAYS)
		cp.cal->weekdays = -1;
	if (cal_check(&cp) == -1)
		goto fail;
	return cp.cal;
fail:
	calendar_free(cp.cal);
	return NULL;
}

void
calendar_free(struct calendar *cal)
{
	int f;

	if (cal == NULL)
		return;
	for (f = 0; f < CAL_NFIELDS; f++)
		cal_field_clear(&cal->f[f]);
	free(cal);
}

/* Weekdays as systemd prints them: runs of three or more as "Mon..Wed". */
static void
cal_format_weekdays(FILE *f, int bits)
{
	int x, from = -1, comma = 0;

	for (x = 0; x <= 7; x++) {
		if (x < 7 && (bits & (1 << x)) != 0) {
			if (from < 0) {
				fputs(comma ? "," : "", f);
				fputs(cal_days[x][1], f);
				comma = 1;
				from = x;
			}
			continue;
		}
		if (from >= 0 && x > from + 1)
			fprintf(f, "%s%s", x > from + 2 ? ".." : ",",
			    cal_days[x - 1][1]);
		from = -1;
	}
}

/* A field as systemd prints it: "*", or "05", "01..10/3", "00/15", ... */
static void
cal_format_field(FILE *f, const struct cal_field *fl, int width, int second)
{
	const struct cal_value *v;
	size_t i;

	for (i = 0; second && i < fl->n; i++)
		if (fl->v[i].start == 0 && fl->v[i].stop < 0 &&
		    fl->v[i].repeat == 1)
			break;
	if (fl->n == 0 || (second && i < fl->n)) {
		fputc('*', f);
		return;
	}
	for (i = 0; i < fl->n; i++) {
		v = &fl->v[i];
		fprintf(f, "%s%0*d", i > 0 ? "," : "", width, v->start);
		if (v->stop > 0)
			fprintf(f, "..%0*d", width, v->stop);
		if (v->repeat > 0 && !(v->stop > 0 && v->repeat == 1))
			fprintf(f, "/%d", v->repeat);
	}
}

char *
calendar_normalized(const struct calendar *cal)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if ((f = open_memstream(&buf, &len)) == NULL)
		abort();
	if (cal->weekdays > 0) {
		cal_format_weekdays(f, cal->weekdays);
		fputc(' ', f);
	}
	cal_format_field(f, &cal->f[CAL_YEAR], 4, 0);
	fputc('-', f);
	cal_format_field(f, &cal->f[CAL_MONTH], 2, 0);
	fputc('-', f);
	cal_format_field(f, &cal->f[CAL_DAY], 2, 0);
	fputc(' ', f);
	cal_format_field(f, &cal->f[CAL_HOUR], 2, 0);
	fputc(':', f);
	cal_format_field(f, &cal->f[CAL_MINUTE], 2, 0);
	fputc(':', f);
	cal_format_field(f, &cal->f[CAL_SECOND], 2, 1);
	if (fclose(f) != 0 || buf == NULL)
		abort();
	return buf;
}
