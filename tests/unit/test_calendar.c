/*
 * test_calendar.c: calendar expressions against systemd 252. Every
 * expected value below was printed by `systemd-analyze calendar` (with
 * TZ=zone, --base-time=@base, --iterations=n) when this was written:
 * normalized forms, the errors of what systemd refuses and of what
 * secmond's subset leaves out, next elapses in zones far from UTC and
 * across DST gaps and overlaps, the searches that never end or give up,
 * zone names, TZ put back, and the CLI's output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "calendar.h"

static const struct {
	const char *expr, *normalized;
} norms[] = {
	{ "minutely", "*-*-* *:*:00" },
	{ "hourly", "*-*-* *:00:00" },
	{ "daily", "*-*-* 00:00:00" },
	{ "weekly", "Mon *-*-* 00:00:00" },
	{ "monthly", "*-*-01 00:00:00" },
	{ "quarterly", "*-01,04,07,10-01 00:00:00" },
	{ "semiannually", "*-01,07-01 00:00:00" },
	{ "semi-annually", "*-01,07-01 00:00:00" },
	{ "biannually", "*-01,07-01 00:00:00" },
	{ "yearly", "*-01-01 00:00:00" },
	{ "annually", "*-01-01 00:00:00" },
	{ "DAILY", "*-*-* 00:00:00" },
	{ "Mon..Fri 9:00", "Mon..Fri *-*-* 09:00:00" },
	{ "monday", "Mon *-*-* 00:00:00" },
	{ "Mon-Wed", "Mon..Wed *-*-* 00:00:00" },
	{ "Sat,Sun,Mon 7:00", "Mon,Sat,Sun *-*-* 07:00:00" },
	{ "mon..tue,thu..fri", "Mon,Tue,Thu,Fri *-*-* 00:00:00" },
	{ "Mon,Tue", "Mon,Tue *-*-* 00:00:00" },
	{ "Mon,Wed,Fri", "Mon,Wed,Fri *-*-* 00:00:00" },
	{ "Mon..Sun", "*-*-* 00:00:00" },
	{ "Mon, 9:00", "Mon *-*-* 09:00:00" },
	{ "12-25", "*-12-25 00:00:00" },
	{ "26-11-24", "2026-11-24 00:00:00" },
	{ "99-01-01", "1999-01-01 00:00:00" },
	{ "2026-11-24 9:00", "2026-11-24 09:00:00" },
	{ "*:0/15", "*-*-* *:00/15:00" },
	{ "*:*:0/10", "*-*-* *:*:00/10" },
	{ "*:*:0/1", "*-*-* *:*:*" },
	{ "*:0/1", "*-*-* *:00/1:00" },
	{ "*-1/2-3..20/5", "*-01/2-03..18/5 00:00:00" },
	{ "2020..2030/3-*-*", "2020..2029/3-*-* 00:00:00" },
	{ "1,2,3,2,1:00", "*-*-* 01,02,03:00:00" },
	{ "0..23/6:00", "*-*-* 00..18/6:00:00" },
	{ "1..7/7:0", "*-*-* 01:00:00" },
	{ "*:50..55/10", "*-*-* *:50:00" },
	{ "*:5..5", "*-*-* *:05:00" },
	{ "8..18/2:30", "*-*-* 08..18/2:30:00" },
	{ "*-*-* *:*:*", "*-*-* *:*:*" },
	{ "9:05:07", "*-*-* 09:05:07" },
	{ "*-02-29", "*-02-29 00:00:00" },
	{ "Fri *-*-8..14 4:00", "Fri *-*-08..14 04:00:00" },
	{ "*:*:5..10", "*-*-* *:*:05..10" },
	{ "2026-*-* 0/6:0", "2026-*-* 00/6:00:00" },
};

/* Refused, and the message says this (systemd refuses them all too). */
static const struct {
	const char *expr, *msg;
} bad[] = {
	{ "", "empty" },
	{ "25:00", "bad hour \"25\" in \"25:00\": hours are 0-23" },
	{ "daily 25:00", "shorthand" },
	{ "*:60", "bad minute \"60\"" },
	{ "10:00:60", "bad second \"60\"" },
	{ "*-13-01", "bad month \"13\"" },
	{ "*-0-01", "bad month \"0\"" },
	{ "*-*-32", "bad day \"32\"" },
	{ "*-*-0", "bad day \"0\"" },
	{ "1969-01-01", "bad year \"1969\"" },
	{ "2200-01-01", "bad year \"2200\"" },
	{ "*:50/15", "50 plus the step 15 is past 59" },
	{ "*:0/60", "the step 60 is too large" },
	{ "*:*/15", "\"*/15\"" },
	{ "*:0/0", "a step is a number above 0" },
	{ "*:*:5..5", "the range is empty" },
	{ "9..5:00", "the range runs backwards" },
	{ "Fri..Mon", "bad weekdays \"Fri..Mon\"" },
	{ "Mon..", "open range" },
	{ "Mon..Wed..Fri", "a range is Mon..Fri" },
	{ "Mox 9:00", "bad weekday \"Mox\"" },
	{ "Monda", "bad weekday" },
	{ "2026/11/24", "bad value \"2026/11/24\"" },
	{ "9", "bad time \"9\"" },
	{ "9:00:00:00", "bad time" },
	{ "2026-11-24-01", "bad date" },
	{ "daily ", "bad weekday" },
	{ "9:00\t", "bad character 0x09" },
	{ "1,2,,3:00", "expected a number" },
};

/* What systemd takes but secmond's subset leaves out. */
static const char *const outside[] = {
	"*-*~1",
	"*-02~03",
	"9:00:00.5",
	"*:*:0.5/1",
	"9:00 Europe/Berlin",
	"9:00 UTC",
	"daily utc",
	"@1700000000",
	"now",
	"today",
	"+5min",
	"1 hour ago",
};

/* Next elapses as systemd-analyze printed them ("(in UTC)" as epochs). */
static const struct {
	const char *expr, *tz;
	time_t base;
	size_t n;
	time_t at[8];
} nexts[] = {
	/* Berlin springs forward 2026-03-29 02:00: 02:30 is skipped */
	{ "2:30", "Europe/Berlin", 1774659600, 3,
	    { 1774661400, 1774830600, 1774917000 } },
	{ "*:30", "Europe/Berlin", 1774738800, 4,
	    { 1774740600, 1774744200, 1774747800, 1774751400 } },
	/* and falls back 2026-10-25 03:00: the first 02:xx only */
	{ "hourly", "Europe/Berlin", 1792882800, 5,
	    { 1792886400, 1792893600, 1792897200, 1792900800, 1792904400 } },
	{ "2:30", "Europe/Berlin", 1792882800, 2, { 1792888200, 1792978200 } },
	{ "*:0/20", "Europe/Berlin", 1792888200, 6,
	    { 1792888800, 1792893600, 1792894800, 1792896000, 1792897200,
		1792898400 } },
	{ "1:30", "America/New_York", 1793426400, 3,
	    { 1793511000, 1793601000, 1793687400 } },
	{ "*:15", "America/New_York", 1793507400, 4,
	    { 1793510100, 1793517300, 1793520900, 1793524500 } },
	{ "2:00", "America/New_York", 1772866800, 2,
	    { 1773036000, 1773122400 } },
	/* Lord Howe: DST of 30 minutes */
	{ "2:15", "Australia/Lord_Howe", 1775228400, 3,
	    { 1775229300, 1775317500, 1775403900 } },
	{ "*:0/15", "Australia/Lord_Howe", 1775311200, 8,
	    { 1775312100, 1775313000, 1775313900, 1775316600, 1775317500,
		1775318400, 1775319300, 1775320200 } },
	{ "2:15", "Australia/Lord_Howe", 1790955000, 3,
	    { 1790955900, 1791126900, 1791213300 } },
	/* Chatham, +12:45/+13:45: a match before the start (02:12:03 in
	 * the gap's hour) makes systemd 252.39 move on an hour */
	{ "*:12/6:3", "Pacific/Chatham", 1758981540, 3,
	    { 1758983223, 1758983583, 1758983943 } },
	{ "3:00", "Pacific/Chatham", 1775224800, 3,
	    { 1775308500, 1775398500, 1775484900 } },
	{ "Mon..Fri 9:00", "Asia/Kolkata", 1790000000, 4,
	    { 1790047800, 1790134200, 1790220600, 1790307000 } },
	{ "daily", "Pacific/Kiritimati", 1790000000, 2,
	    { 1790071200, 1790157600 } },
	{ "*-02-29 12:00", "UTC", 1790000000, 2, { 1835438400, 1961668800 } },
	{ "*-*-31", "America/Sao_Paulo", 1790000000, 4,
	    { 1793415600, 1798686000, 1801364400, 1806462000 } },
	{ "quarterly", "America/St_Johns", 1790000000, 3,
	    { 1790821800, 1798774200, 1806546600 } },
	{ "weekly", "Europe/London", 1792630800, 2,
	    { 1792972800, 1793577600 } },
	{ "Sat *-02-29", "UTC", 1790000000, 1, { 2466547200 } },
	{ "2026..2199/50-01-01", "UTC", 1790000000, 3,
	    { 3345062400, 4922899200, 6500736000 } },
	{ "Mon,Fri *-1/3-1..7 6,18:0/30", "Europe/Berlin", 1790000000, 6,
	    { 1790913600, 1790915400, 1790956800, 1790958600, 1791172800,
		1791174600 } },
};

static void
test_normalized(void **state)
{
	struct sm_err err;
	struct calendar *c;
	char *s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof norms / sizeof norms[0]; i++) {
		c = calendar_parse(norms[i].expr, &err);
		if (c == NULL)
			fail_msg("%s: %s", norms[i].expr, err.msg);
		s = calendar_normalized(c);
		assert_string_equal(s, norms[i].normalized);
		free(s);
		calendar_free(c);
	}
	calendar_free(NULL);
}

static void
test_errors(void **state)
{
	struct sm_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&err, 0, sizeof err);
		if (calendar_parse(bad[i].expr, &err) != NULL)
			fail_msg("accepted: \"%s\"", bad[i].expr);
		assert_string_equal(err.code, "calendar");
		if (strstr(err.msg, bad[i].msg) == NULL)
			fail_msg("\"%s\": \"%s\" lacks \"%s\"", bad[i].expr,
			    err.msg, bad[i].msg);
	}
	for (i = 0; i < sizeof outside / sizeof outside[0]; i++) {
		if (calendar_parse(outside[i], &err) != NULL)
			fail_msg("accepted: \"%s\"", outside[i]);
		if (strstr(err.msg, "outside secmond's subset") == NULL)
			fail_msg("\"%s\": %s", outside[i], err.msg);
	}
}

/* systemd takes 241 values in a field, not 242; secmond 512 bytes. */
static void
test_limits(void **state)
{
	char expr[CALENDAR_MAX_EXPR + 2];
	struct sm_err err;
	struct calendar *c;
	size_t i;

	(void)state;
	memcpy(expr, "*:*:", 4);
	for (i = 0; i < CALENDAR_MAX_VALUES; i++)
		memcpy(expr + 4 + 2 * i, "0,", 2);
	expr[4 + 2 * i - 1] = '\0';
	assert_non_null(c = calendar_parse(expr, &err));
	calendar_free(c);
	memcpy(expr + 4 + 2 * i - 1, ",0", 3);
	assert_null(calendar_parse(expr, &err));
	assert_non_null(strstr(err.msg, "more than 241 values"));
	memset(expr, '1', sizeof expr - 1);
	expr[sizeof expr - 1] = '\0';
	assert_null(calendar_parse(expr, &err));
	assert_string_equal(
	    err.msg, "calendar expression longer than 512 bytes");
}

static void
test_next(void **state)
{
	struct sm_err err;
	struct calendar *c;
	size_t i, k;
	time_t t;

	(void)state;
	for (i = 0; i < sizeof nexts / sizeof nexts[0]; i++) {
		assert_non_null(c = calendar_parse(nexts[i].expr, &err));
		t = nexts[i].base;
		for (k = 0; k < nexts[i].n; k++) {
			assert_int_equal(
			    calendar_next(c, nexts[i].tz, t, &t), 0);
			if (t != nexts[i].at[k])
				fail_msg("%s in %s, #%zu: %lld, not %lld",
				    nexts[i].expr, nexts[i].tz, k + 1,
				    (long long)t, (long long)nexts[i].at[k]);
		}
		calendar_free(c);
	}
}

/* Earlier searches in other zones change nothing (mktime keeps state). */
static void
test_next_any_order(void **state)
{
	struct sm_err err;
	struct calendar *c;
	size_t i, j;
	time_t t;

	(void)state;
	for (j = 0; j < sizeof nexts / sizeof nexts[0]; j++) {
		i = sizeof nexts / sizeof nexts[0] - 1 - j;
		assert_non_null(c = calendar_parse(nexts[i].expr, &err));
		t = nexts[i].at[0] - 1;
		assert_int_equal(calendar_next(c, nexts[i].tz, t, &t), 0);
		assert_int_equal(t, nexts[i].at[0]);
		calendar_free(c);
	}
}

static int
next_errno(const char *expr, const char *tz, time_t base)
{
	struct sm_err err;
	struct calendar *c;
	time_t t = 42;

	assert_non_null(c = calendar_parse(expr, &err));
	errno = 0;
	assert_int_equal(calendar_next(c, tz, base, &t), -1);
	assert_int_equal(t, 42);
	calendar_free(c);
	return errno;
}

static void
test_never(void **state)
{
	(void)state;
	/* "Next elapse: never" */
	assert_int_equal(next_errno("2001-02-30", NULL, 1790000000), ENOENT);
	assert_int_equal(next_errno("*-02-30", "UTC", 0), ENOENT);
	assert_int_equal(
	    next_errno("*-04-31 12:00", "Asia/Kolkata", 0), ENOENT);
	assert_int_equal(
	    next_errno("Mon 2026-11-24", "Europe/Berlin", 1790000000), ENOENT);
	assert_int_equal(next_errno("2020-01-01", "UTC", 1790000000), ENOENT);
	assert_int_equal(next_errno("daily", "UTC", 7258118400), ENOENT);
	/* "Infinite loop in calendar calculation": systemd gives up */
	assert_int_equal(
	    next_errno("2:45", "Pacific/Chatham", 1790344800), ELOOP);
	assert_int_equal(
	    next_errno("03/7-* 0,10:*", "America/St_Johns", 1795891571), ELOOP);
	/* a zone calendar_zone_check refuses */
	assert_int_equal(next_errno("daily", "Mars/Olympus", 0), EINVAL);
}

static void
test_zone_check(void **state)
{
	static const char *const good[] = { "UTC", "Europe/Berlin",
		"America/St_Johns", "Etc/GMT+5", "Asia/Kolkata", NULL };
	static const char *const nope[] = { "Mars/Olympus", "../etc/passwd",
		"/usr/share/zoneinfo/UTC", "Europe//Berlin", "Europe/",
		"Europe", "leapseconds", "zone.tab", "Europe/Berlin ", "-",
		NULL };
	char longname[CALENDAR_MAX_ZONE + 2];
	struct sm_err err;
	size_t i;

	(void)state;
	assert_int_equal(calendar_zone_check(NULL, &err), 0);
	assert_int_equal(calendar_zone_check("", &err), 0);
	for (i = 0; good[i] != NULL; i++)
		assert_int_equal(calendar_zone_check(good[i], &err), 0);
	for (i = 0; nope[i] != NULL; i++) {
		if (calendar_zone_check(nope[i], &err) != -1)
			fail_msg("zone accepted: \"%s\"", nope[i]);
		assert_string_equal(err.code, "calendar");
	}
	assert_int_equal(calendar_zone_check("Mars/Olympus", &err), -1);
	assert_string_equal(err.msg,
	    "unknown time zone \"Mars/Olympus\" (no zone file "
	    "/usr/share/zoneinfo/Mars/Olympus)");
	memset(longname, 'A', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_int_equal(calendar_zone_check(longname, &err), -1);
}

/* calendar_next and calendar_strftime put TZ back as it was. */
static void
test_tz_restored(void **state)
{
	struct sm_err err;
	struct calendar *c;
	char buf[64];
	time_t t;

	(void)state;
	assert_non_null(c = calendar_parse("daily", &err));
	setenv("TZ", ":Asia/Kolkata", 1);
	tzset();
	assert_int_equal(calendar_next(c, "Europe/Berlin", 0, &t), 0);
	assert_int_equal(t, 82800);
	assert_string_equal(getenv("TZ"), ":Asia/Kolkata");
	/* the host's zone is TZ's */
	assert_int_equal(calendar_next(c, NULL, 0, &t), 0);
	assert_int_equal(t, 86400 - 19800);
	assert_int_equal(calendar_next(c, "", 0, &t), 0);
	assert_int_equal(t, 86400 - 19800);
	unsetenv("TZ");
	assert_int_equal(
	    calendar_strftime(0, "America/New_York", buf, sizeof buf), 0);
	assert_string_equal(buf, "Wed 1969-12-31 19:00:00 EST");
	assert_null(getenv("TZ"));
	assert_int_equal(
	    calendar_strftime(1792888200, "Europe/Berlin", buf, sizeof buf), 0);
	assert_string_equal(buf, "Sun 2026-10-25 02:30:00 CEST");
	assert_int_equal(calendar_strftime(0, "UTC", buf, sizeof buf), 0);
	assert_string_equal(buf, "Thu 1970-01-01 00:00:00 UTC");
	assert_true(calendar_zone_is_utc("UTC"));
	assert_false(calendar_zone_is_utc("Europe/London"));
	assert_false(calendar_zone_is_utc("Asia/Kolkata"));
	calendar_free(c);
}

/* What calendar_show printed, or its error. */
static char *
show(const char *expr, const char *tz, const char *base, const char *n,
    int json, struct sm_err *err)
{
	struct calendar_show s = { expr, tz, base, n, json };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	assert_non_null(f = open_memstream(&buf, &len));
	r = calendar_show(f, &s, err);
	fclose(f);
	if (r == -1) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void
test_show(void **state)
{
	struct sm_err err;
	char *out;

	(void)state;
	/* TZ=Europe/Berlin systemd-analyze calendar --iterations=3
	 * --base-time=@1792882800 2:30, less "From now" */
	out = show("2:30", "Europe/Berlin", "@1792882800", "3", 0, &err);
	assert_non_null(out);
	assert_string_equal(out,
	    "  Original form: 2:30\n"
	    "Normalized form: *-*-* 02:30:00\n"
	    "    Next elapse: Sun 2026-10-25 02:30:00 CEST\n"
	    "       (in UTC): Sun 2026-10-25 00:30:00 UTC\n"
	    "       Iter. #2: Mon 2026-10-26 02:30:00 CET\n"
	    "       (in UTC): Mon 2026-10-26 01:30:00 UTC\n"
	    "       Iter. #3: Tue 2026-10-27 02:30:00 CET\n"
	    "       (in UTC): Tue 2026-10-27 01:30:00 UTC\n");
	free(out);
	out = show(
	    "*-*-* 00:00:00", "UTC", "2026-11-23 22:30:00-0100", NULL, 0, &err);
	assert_non_null(out);
	assert_string_equal(out,
	    "Normalized form: *-*-* 00:00:00\n"
	    "    Next elapse: Tue 2026-11-24 00:00:00 UTC\n");
	free(out);
	out = show("2001-01-01", "UTC", "@1790000000", "5", 0, &err);
	assert_non_null(out);
	assert_string_equal(out,
	    "  Original form: 2001-01-01\n"
	    "Normalized form: 2001-01-01 00:00:00\n"
	    "    Next elapse: never\n");
	free(out);
	out = show("weekly", "Asia/Kolkata", "@0", "2", 1, &err);
	assert_non_null(out);
	assert_string_equal(out,
	    "{\n"
	    "  \"original\": \"weekly\",\n"
	    "  \"normalized\": \"Mon *-*-* 00:00:00\",\n"
	    "  \"timezone\": \"Asia/Kolkata\",\n"
	    "  \"next\": [\n"
	    "    {\n"
	    "      \"at\": 325800,\n"
	    "      \"local\": \"Mon 1970-01-05 00:00:00 IST\",\n"
	    "      \"utc\": \"Sun 1970-01-04 18:30:00 UTC\"\n"
	    "    },\n"
	    "    {\n"
	    "      \"at\": 930600,\n"
	    "      \"local\": \"Mon 1970-01-12 00:00:00 IST\",\n"
	    "      \"utc\": \"Sun 1970-01-11 18:30:00 UTC\"\n"
	    "    }\n"
	    "  ]\n"
	    "}\n");
	free(out);
}

static void
test_show_errors(void **state)
{
	static const struct {
		const char *expr, *tz, *base, *n, *msg;
	} e[] = {
		{ "daily", NULL, NULL, "0", "bad iterations \"0\"" },
		{ "daily", NULL, NULL, "1001", "bad iterations" },
		{ "daily", NULL, NULL, "2x", "bad iterations" },
		{ "daily", NULL, "yesterday", NULL, "bad base time" },
		{ "daily", NULL, "2026-11-23T10:00:00", NULL, "bad base time" },
		{ "daily", NULL, "@-1", NULL, "bad base time" },
		{ "daily", NULL, "2026-11-23T10:00:00+-1:00", NULL,
		    "bad base time" },
		{ "daily", NULL, "2026-11-23T10:00:00+1:00", NULL,
		    "bad base time" },
		{ "daily", NULL, "2026-11-23T10:00:00+24:00", NULL,
		    "bad base time" },
		{ "daily", "Mars/Olympus", NULL, NULL, "unknown time zone" },
		{ "25:00", NULL, NULL, NULL, "bad hour" },
		{ "2:45", "Pacific/Chatham", "@1790344800", NULL,
		    "gives up after 1000 steps" },
	};
	struct sm_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof e / sizeof e[0]; i++) {
		if (show(e[i].expr, e[i].tz, e[i].base, e[i].n, 0, &err) !=
		    NULL)
			fail_msg("accepted #%zu", i);
		if (strstr(err.msg, e[i].msg) == NULL)
			fail_msg("#%zu: %s", i, err.msg);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalized),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_next_any_order),
		cmocka_unit_test(test_never),
		cmocka_unit_test(test_zone_check),
		cmocka_unit_test(test_tz_restored),
		cmocka_unit_test(test_show),
		cmocka_unit_test(test_show_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
