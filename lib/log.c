/*
 * log.c: the journal when stderr is connected to it (JOURNAL_STREAM), stderr
 * otherwise; OpenBSD's names (log_warn appends strerror). Escapes control
 * characters so a hostile string cannot forge log lines.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include "log.h"
#include "util.h"

#define LOG_MAX_MSG 4096

static const char *log_ident = "secmond";
static int log_journal;
static int log_debug_on;

/* Is stderr the stream that JOURNAL_STREAM names (systemd.exec(5))? */
static int
log_stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (e == NULL || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	if (fstat(STDERR_FILENO, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(const char *ident, enum log_target target, int debug)
{
	log_ident = ident;
	log_debug_on = debug;
	if (target == LOG_TO_AUTO)
		log_journal = log_stderr_is_journal();
	else
		log_journal = target == LOG_TO_JOURNAL;
}

void
log_set_debug(int debug)
{
	log_debug_on = debug;
}

int
log_is_journal(void)
{
	return log_journal;
}

static const char *
log_prio_name(int pri)
{
	switch (pri) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
		return "crit";
	case LOG_ERR:
		return "error";
	case LOG_WARNING:
		return "warning";
	case LOG_NOTICE:
		return "notice";
	case LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

static void
log_emit(int pri, const char *msg)
{
	char *esc = sm_escape(msg);
	char ts[32];

	if (log_journal)
		sd_journal_send("MESSAGE=%s", esc, "PRIORITY=%d", pri,
		    "SYSLOG_IDENTIFIER=%s", log_ident, NULL);
	else {
		sm_iso8601(time(NULL), ts, sizeof ts);
		fprintf(stderr, "%s %s[%ld] %s: %s\n", ts, log_ident,
		    (long)getpid(), log_prio_name(pri), esc);
	}
	free(esc);
}

static void
log_vlog(int pri, int with_errno, const char *fmt, va_list ap)
{
	char msg[LOG_MAX_MSG];
	int saved = errno;
	size_t n;

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (with_errno) {
		n = strlen(msg);
		snprintf(msg + n, sizeof msg - n, ": %s", strerror(saved));
	}
	log_emit(pri, msg);
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_WARNING, 1, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_WARNING, 0, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_INFO, 0, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_debug_on)
		return;
	va_start(ap, fmt);
	log_vlog(LOG_DEBUG, 0, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_CRIT, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_CRIT, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

/* Journal: each "NAME=value" becomes a field, escaped values. */
static void
log_struct_journal(int pri, const char *message, const char *const *fields)
{
	struct iovec iov[40];
	char *bufs[40];
	size_t n = 0, i;

	xasprintf(&bufs[n], "MESSAGE=%s", message);
	xasprintf(&bufs[++n], "PRIORITY=%d", pri);
	xasprintf(&bufs[++n], "SYSLOG_IDENTIFIER=%s", log_ident);
	n++;
	for (i = 0; fields[i] != NULL && n < 40; i++)
		bufs[n++] = sm_escape(fields[i]);
	for (i = 0; i < n; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = strlen(bufs[i]);
	}
	sd_journal_sendv(iov, (int)n);
	for (i = 0; i < n; i++)
		free(bufs[i]);
}

void
log_struct(int pri, const char *message, const char *const *fields)
{
	char line[LOG_MAX_MSG];
	const char *eq;
	size_t i, n;

	if (log_journal) {
		log_struct_journal(pri, message, fields);
		return;
	}
	n = (size_t)snprintf(line, sizeof line, "%s", message);
	for (i = 0; fields[i] != NULL && n < sizeof line; i++) {
		if ((eq = strchr(fields[i], '=')) == NULL)
			continue;
		n += (size_t)snprintf(line + n, sizeof line - n, " %.*s=\"%s\"",
		    (int)(eq - fields[i]), fields[i], eq + 1);
	}
	log_emit(pri, line);
}
