/*
 * calendar-zone.c: the time zones of calendar expressions: which names
 * are zones (a TZif file under /usr/share/zoneinfo, or "UTC"), switching
 * the C library's zone for a while through TZ, and times printed in a
 * zone as systemd prints them. The C library reads the zone files.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar-int.h"
#include "calendar.h"

#define CAL_ZONE_CHARS                                                         \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-"

/* Is path a regular file that starts as a zone file does ("TZif")? */
static int
cal_zone_file(const char *path)
{
	struct stat st;
	char magic[4];
	int fd, ok;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return 0;
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    read(fd, magic, sizeof magic) == (ssize_t)sizeof magic &&
	    memcmp(magic, "TZif", sizeof magic) == 0;
	close(fd);
	return ok;
}

/* Can s go into a message (no control characters)? */
static int
cal_zone_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return 0;
	return 1;
}

int
calendar_zone_check(const char *tz, struct sm_err *err)
{
	char path[sizeof CALENDAR_ZONEINFO + CALENDAR_MAX_ZONE + 1];

	if (tz == NULL || *tz == '\0' || strcmp(tz, "UTC") == 0)
		return 0;
	if (strlen(tz) > CALENDAR_MAX_ZONE)
		return sm_err_set(err, "calendar",
		    "time zone name longer than %d bytes", CALENDAR_MAX_ZONE);
	if (strspn(tz, CAL_ZONE_CHARS) != strlen(tz) || *tz == '/' ||
	    tz[strlen(tz) - 1] == '/' || strstr(tz, "//") != NULL)
		return sm_err_set(err, "calendar",
		    "bad time zone \"%s\": a name such as Europe/Berlin or UTC",
		    cal_zone_printable(tz) ? tz : "(unprintable)");
	snprintf(path, sizeof path, "%s/%s", CALENDAR_ZONEINFO, tz);
	if (!cal_zone_file(path))
		return sm_err_set(err, "calendar",
		    "unknown time zone \"%s\" (no zone file %s)", tz, path);
	return 0;
}

void
calendar_zone_enter(const char *tz, struct calendar_zone_save *save)
{
	const char *cur = getenv("TZ");
	char *v;

	save->switched = tz != NULL && *tz != '\0';
	save->tz = NULL;
	if (save->switched) {
		save->tz = cur != NULL ? xstrdup(cur) : NULL;
		xasprintf(&v, ":%s", tz);
		if (setenv("TZ", v, 1) == -1)
			abort(); /* ENOMEM */
		free(v);
	}
	tzset();
}

void
calendar_zone_leave(struct calendar_zone_save *save)
{
	if (!save->switched)
		return;
	if (save->tz != NULL) {
		if (setenv("TZ", save->tz, 1) == -1)
			abort(); /* ENOMEM */
	} else
		unsetenv("TZ");
	free(save->tz);
	save->tz = NULL;
	save->switched = 0;
	tzset();
}

int
calendar_strftime(time_t t, const char *tz, char *buf, size_t len)
{
	struct calendar_zone_save save;
	struct tm tm;
	size_t n;
	int r = -1;

	calendar_zone_enter(tz, &save);
	if (localtime_r(&t, &tm) != NULL &&
	    (n = strftime(buf, len, "%a %Y-%m-%d %H:%M:%S", &tm)) > 0) {
		r = 0;
		/* systemd leaves out an empty or overlong zone name */
		if (tm.tm_zone != NULL && *tm.tm_zone != '\0' &&
		    n + 1 + strlen(tm.tm_zone) < len)
			snprintf(buf + n, len - n, " %s", tm.tm_zone);
	}
	calendar_zone_leave(&save);
	return r;
}

int
calendar_zone_is_utc(const char *tz)
{
	struct calendar_zone_save save;
	int utc;

	calendar_zone_enter(tz, &save);
	utc = timezone == 0 && daylight == 0;
	calendar_zone_leave(&save);
	return utc;
}
