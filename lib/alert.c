/*
 * alert.c: what every sink shares: fingerprints, severity bands, the
 * subject and body of a notification, and the two sinks that need no
 * network: the journal (one entry per notification, one set of fields per
 * alert; one line per alert on stderr when the journal is not there) and
 * syslog(3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <syslog.h>

#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include "alert.h"
#include "log.h"
#include "sigv4.h"

/* Each kind: its journal MESSAGE_ID and how it travels (ALERT_KIND_*). */
struct alert_kind {
	const char *kind;
	const char *id;
	unsigned flags;
};

static const struct alert_kind alert_kinds[] = {
	{ "alarm", ALERT_MSGID_ALARM, 0 },
	{ "control_failing", ALERT_MSGID_CONTROL_FAILING, 0 },
	{ "digest", ALERT_MSGID_DIGEST,
	    ALERT_KIND_ALONE | ALERT_KIND_ANY_SEVERITY },
	{ "finding_escalated", ALERT_MSGID_FINDING_ESCALATED, 0 },
	{ "new_finding", ALERT_MSGID_NEW_FINDING, 0 },
	{ "score_below_target", ALERT_MSGID_SCORE_BELOW_TARGET, 0 },
	{ "score_drop", ALERT_MSGID_SCORE_DROP, 0 },
	{ "source_blind", ALERT_MSGID_SOURCE_BLIND, 0 },
	{ "task_due", ALERT_MSGID_TASK_DUE, ALERT_KIND_ANY_SEVERITY },
	{ "task_overdue", ALERT_MSGID_TASK_OVERDUE, 0 },
	{ "test", ALERT_MSGID_TEST, ALERT_KIND_ANY_SEVERITY },
};

static const struct alert_kind *
alert_kind_find(const char *kind)
{
	size_t i;

	for (i = 0; i < sizeof alert_kinds / sizeof alert_kinds[0]; i++)
		if (strcmp(alert_kinds[i].kind, kind) == 0)
			return &alert_kinds[i];
	return NULL;
}

int
alert_kind_has(const char *kind, unsigned flag)
{
	const struct alert_kind *k = alert_kind_find(kind);

	return k != NULL && (k->flags & flag) != 0;
}

void
alert_fingerprint(const char *kind, const char *account, const char *region,
    const char *subject, char out[ALERT_FP_LEN + 1])
{
	char *s, hex[65];

	xasprintf(&s, "%s\x1f%s\x1f%s\x1f%s", kind, account, region, subject);
	sigv4_sha256_hex(s, strlen(s), hex);
	free(s);
	memcpy(out, hex, ALERT_FP_LEN);
	out[ALERT_FP_LEN] = '\0';
}

int
alert_band(double s)
{
	if (s >= 9.0)
		return 3;
	if (s >= 7.0)
		return 2;
	if (s >= 4.0)
		return 1;
	return 0;
}

const char *
alert_band_name(double s)
{
	static const char *const names[] = { "low", "medium", "high",
		"critical" };

	return names[alert_band(s)];
}

const char *
alert_msgid(const char *kind)
{
	const struct alert_kind *k = alert_kind_find(kind);

	return k != NULL ? k->id : ALERT_MSGID_TEST;
}

static int
alert_priority(double severity)
{
	static const int prio[] = { LOG_NOTICE, LOG_WARNING, LOG_ERR,
		LOG_CRIT };

	return prio[alert_band(severity)];
}

/* Keep printable characters only: a subject has no line breaks. */
static void
alert_printable(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

void
alert_note_subject(const struct alert_note *n, char *buf, size_t len)
{
	const struct alert_item *w = &n->items[0];
	size_t l;

	if (strcmp(n->kind, "digest") == 0)
		snprintf(buf, len, "[digest] %s", w->title);
	else if (strcmp(n->kind, "task_due") == 0 && n->n == 1)
		snprintf(buf, len, "[reminder] due: %s", w->title);
	else if (strcmp(n->kind, "task_due") == 0)
		snprintf(buf, len, "[reminder] %zu tasks due: %s, ...", n->n,
		    w->title);
	else if (n->n == 1)
		snprintf(buf, len, "[%s] %s%s: %s",
		    alert_band_name(n->severity),
		    strcmp(n->event, "resolved") == 0 ? "RESOLVED " : "",
		    n->kind, w->title);
	else
		snprintf(buf, len, "[%s] %s%zu %s alerts, worst: %s",
		    alert_band_name(n->severity),
		    strcmp(n->event, "resolved") == 0 ? "RESOLVED " : "", n->n,
		    n->kind, w->title);
	alert_printable(buf);
	/* Cut at a UTF-8 boundary when snprintf cut inside a character. */
	l = strlen(buf);
	while (l > 0 && ((unsigned char)buf[l - 1] & 0xc0) == 0x80)
		l--;
	if (l > 0 && ((unsigned char)buf[l - 1] & 0xc0) == 0xc0)
		buf[l - 1] = '\0';
}

/* A digest: its text in full (one digest per note). */
static char *
alert_digest_body(const struct alert_note *n)
{
	const struct alert_item *it = &n->items[0];
	char *body, when[32];

	sm_iso8601(it->at, when, sizeof when);
	xasprintf(&body, "secmond digest: %s (task %s, %s)\n\n%s\n", it->title,
	    it->subject, when, it->detail != NULL ? it->detail : "");
	return body;
}

/* Reminders: each task, when it was due, how to acknowledge it. */
static char *
alert_reminder_body(const struct alert_note *n)
{
	char *body, *line, when[32];
	size_t i;

	xasprintf(&body, "secmond: %zu maintenance task%s due.\n\n", n->n,
	    n->n == 1 ? "" : "s");
	for (i = 0; i < n->n; i++) {
		const struct alert_item *it = &n->items[i];

		sm_iso8601(it->at, when, sizeof when);
		xasprintf(&line,
		    "%s- %s: %s\n  due %s; when done: secmonctl ack %s "
		    "[--note TEXT]\n%s%s%s",
		    body, it->subject, it->title, when, it->subject,
		    it->detail != NULL && *it->detail != '\0' ? "  " : "",
		    it->detail != NULL ? it->detail : "",
		    it->detail != NULL && *it->detail != '\0' ? "\n" : "");
		free(body);
		body = line;
	}
	return body;
}

char *
alert_note_body(const struct alert_note *n)
{
	char *body, *line, when[32];
	size_t i, shown = n->n < ALERT_SHOWN_ITEMS ? n->n : ALERT_SHOWN_ITEMS;

	if (strcmp(n->kind, "digest") == 0 && n->n > 0)
		return alert_digest_body(n);
	if (strcmp(n->kind, "task_due") == 0)
		return alert_reminder_body(n);

	xasprintf(&body,
	    "secmond: %zu %s alert%s (%s), worst severity %.1f "
	    "(%s).\n\n",
	    n->n, n->kind, n->n == 1 ? "" : "s", n->event, n->severity,
	    alert_band_name(n->severity));
	for (i = 0; i < shown; i++) {
		const struct alert_item *it = &n->items[i];

		sm_iso8601(it->at, when, sizeof when);
		xasprintf(&line, "%s- %.1f %s %s/%s %s\n  %s\n  %s%s%s\n", body,
		    it->severity, alert_band_name(it->severity), it->account,
		    it->region, it->subject, it->title, when,
		    it->detail != NULL && *it->detail != '\0' ? "  " : "",
		    it->detail != NULL ? it->detail : "");
		free(body);
		body = line;
	}
	if (n->n > shown) {
		xasprintf(&line, "%s... and %zu more (secmonctl alerts)\n",
		    body, n->n - shown);
		free(body);
		body = line;
	}
	return body;
}

/* The fields of one alert; GuardDuty alerts also name the finding. */
static size_t
alert_item_fields(const struct alert_item *it, char f[][1200])
{
	size_t n = 0;
	int gd = strcmp(it->kind, "new_finding") == 0 ||
	    strcmp(it->kind, "finding_escalated") == 0;

	snprintf(f[n++], 1200, "SECMOND_KIND=%s", it->kind);
	snprintf(f[n++], 1200, "SECMOND_EVENT=%s", it->event);
	snprintf(f[n++], 1200, "SECMOND_SEVERITY=%.1f", it->severity);
	snprintf(f[n++], 1200, "SECMOND_SEVERITY_LABEL=%s",
	    alert_band_name(it->severity));
	snprintf(f[n++], 1200, "SECMOND_FINGERPRINT=%s", it->fingerprint);
	snprintf(f[n++], 1200, "SECMOND_ACCOUNT=%s", it->account);
	snprintf(f[n++], 1200, "SECMOND_REGION=%s", it->region);
	snprintf(f[n++], 1200, "SECMOND_SUBJECT=%s", it->subject);
	snprintf(f[n++], 1200, "SECMOND_TITLE=%s", it->title);
	if (gd) {
		snprintf(f[n++], 1200, "SECMOND_FINDING_ID=%s", it->subject);
		snprintf(f[n++], 1200, "SECMOND_FINDING_TYPE=%s",
		    it->detail != NULL ? it->detail : "");
	} else if (it->detail != NULL)
		snprintf(f[n++], 1200, "SECMOND_DETAIL=%s", it->detail);
	snprintf(f[n++], 1200, "SECMOND_ALERT_ID=%lld", it->id);
	return n;
}

#define ALERT_ITEM_FIELDS 12

/* On stderr: a line per alert, in the old shape, so logs grep the same. */
static void
alert_journal_stderr(const struct alert_note *n)
{
	char f[ALERT_ITEM_FIELDS + 1][1200], msg[1400];
	const char *fields[ALERT_ITEM_FIELDS + 2];
	size_t i, k, m;

	for (i = 0; i < n->n; i++) {
		m = alert_item_fields(&n->items[i], f + 1);
		snprintf(
		    f[0], sizeof f[0], "MESSAGE_ID=%s", alert_msgid(n->kind));
		for (k = 0; k <= m; k++)
			fields[k] = f[k];
		fields[m + 1] = NULL;
		snprintf(msg, sizeof msg, "alert: %s%s %.1f (%s): %s",
		    strcmp(n->event, "resolved") == 0 ? "resolved " : "",
		    n->kind, n->items[i].severity,
		    alert_band_name(n->items[i].severity), n->items[i].title);
		log_struct(alert_priority(n->items[i].severity), msg, fields);
	}
}

static void
alert_iov_add(struct iovec **iov, size_t *n, size_t *cap, char *s)
{
	if (*n == *cap) {
		*cap = *cap == 0 ? 64 : *cap * 2;
		*iov = xreallocarray(*iov, *cap, sizeof **iov);
	}
	(*iov)[*n].iov_base = s;
	(*iov)[(*n)++].iov_len = strlen(s);
}

/* The journal: one entry per notification, each alert's fields repeated. */
static int
alert_journal_entry(const struct alert_note *n, const char *ident)
{
	char f[ALERT_ITEM_FIELDS][1200], subject[200], *s;
	struct iovec *iov = NULL;
	size_t niov = 0, cap = 0, i, k, m;
	int rc;

	alert_note_subject(n, subject, sizeof subject);
	if (strcmp(n->kind, "digest") == 0) {
		/* journalctl shows a digest whole. */
		char *body = alert_note_body(n);

		xasprintf(&s, "MESSAGE=%s\n%s", subject, body);
		free(body);
	} else
		xasprintf(&s, "MESSAGE=%s", subject);
	alert_iov_add(&iov, &niov, &cap, s);
	xasprintf(&s, "MESSAGE_ID=%s", alert_msgid(n->kind));
	alert_iov_add(&iov, &niov, &cap, s);
	xasprintf(&s, "PRIORITY=%d", alert_priority(n->severity));
	alert_iov_add(&iov, &niov, &cap, s);
	xasprintf(&s, "SYSLOG_IDENTIFIER=%s", ident);
	alert_iov_add(&iov, &niov, &cap, s);
	xasprintf(&s, "SECMOND_COUNT=%zu", n->n);
	alert_iov_add(&iov, &niov, &cap, s);
	for (i = 0; i < n->n; i++) {
		m = alert_item_fields(&n->items[i], f);
		for (k = 0; k < m; k++)
			alert_iov_add(&iov, &niov, &cap, sm_escape(f[k]));
	}
	rc = sd_journal_sendv(iov, (int)niov);
	for (i = 0; i < niov; i++)
		free(iov[i].iov_base);
	free(iov);
	return rc < 0 ? -1 : 0;
}

int
alert_sink_journal(const struct alert_note *n, const char *identifier)
{
	if (n->n == 0)
		return 0;
	if (!log_is_journal()) {
		alert_journal_stderr(n);
		return 0;
	}
	return alert_journal_entry(n, identifier);
}

int
alert_sink_syslog(
    const struct alert_note *n, const char *identifier, int facility)
{
	char subject[200];
	size_t i;

	if (n->n == 0)
		return 0;
	alert_note_subject(n, subject, sizeof subject);
	openlog(identifier, LOG_PID | LOG_NDELAY, facility);
	syslog(alert_priority(n->severity), "%s", subject);
	for (i = 0; i < n->n && i < ALERT_SHOWN_ITEMS; i++) {
		/* What AWS sent may hold control characters: escaped. */
		char *subj = sm_escape(n->items[i].subject);
		char *title = sm_escape(n->items[i].title);

		syslog(alert_priority(n->items[i].severity),
		    "  %s %.1f %s/%s %s fingerprint=%s: %s", n->kind,
		    n->items[i].severity, n->items[i].account,
		    n->items[i].region, subj, n->items[i].fingerprint, title);
		free(subj);
		free(title);
	}
	closelog();
	return 0;
}
