/*
 * alert.h: alerts: what the rules raise (an event: a kind, a subject and a
 * severity, firing or resolved), their fingerprint and lifecycle in state,
 * and the notifications the outbox hands to the sinks (journal, syslog,
 * SNS). An event is written, with one outbox row per sink that wants it,
 * in the same transaction as the state change that caused it.
 */
#ifndef SECMON_ALERT_H
#define SECMON_ALERT_H

#include <stddef.h>
#include <time.h>

#include "util.h"

#define ALERT_FP_LEN 32      /* hex characters of a fingerprint */
#define ALERT_MAX_ITEMS 1000 /* alerts in one notification */
#define ALERT_SHOWN_ITEMS 10 /* the worst ones a message spells out */

/* MESSAGE_IDs of the journal, one per kind (journalctl MESSAGE_ID=...). */
#define ALERT_MSGID_NEW_FINDING "a1d4c3e2b5f64f0e9d8c7b6a5e4f3d21"
#define ALERT_MSGID_FINDING_ESCALATED "b2e5d4f3c6a74a1f8e9d0c7b6a5f4e32"
#define ALERT_MSGID_CONTROL_FAILING "c3f6e5a4d7b84b2a9f0e1d8c7b6a5f43"
#define ALERT_MSGID_SCORE_DROP "d4a7f6b5e8c94c3b8a1f2e9d8c7b6a54"
#define ALERT_MSGID_SCORE_BELOW_TARGET "e5b8a7c6f9d04d4c9b2a3f0e9d8c7b65"
#define ALERT_MSGID_ALARM "f6c9b8d7a0e14e5d8c3b4a1f0e9d8c76"
#define ALERT_MSGID_SOURCE_BLIND "a7d0c9e8b1f24f6e9d4c5b2a1f0e9d87"
#define ALERT_MSGID_TASK_OVERDUE "b8e1d0f9c2a34a7f8e5d6c3b2a1f0e98"
#define ALERT_MSGID_TEST "c9f2e1a0d3b44b8a9f6e7d4c3b2a1f09"
#define ALERT_MSGID_DIGEST "d0a3f2b1e4c54c9b8a7f8e5d4c3b2a10"
#define ALERT_MSGID_TASK_DUE "e1b4a3c2f5d64d0c9b8a9f6e5d4c3b21"

/* What a rule raises. Severity on GuardDuty's 0-10 scale. */
struct alert_event {
	const char *kind; /* "new_finding", "alarm", ... (conf kinds) */
	int resolved;     /* 0: firing, 1: the condition ended */
	double severity;
	const char *account;
	const char *region;
	const char *subject; /* finding id, alarm name, standard, source */
	const char *title;   /* one line for people */
	const char *detail;  /* finding type, reason, ...; may be NULL */
	/* Only these sinks, whatever their kinds and min_severity (a task's
	 * sinks); nsinks 0: every sink that wants it. */
	char *const *sinks;
	size_t nsinks;
};

/* One alert of a notification. */
struct alert_item {
	long long id; /* the event's row */
	char fingerprint[ALERT_FP_LEN + 1];
	const char *kind, *event, *account, *region, *subject, *title, *detail;
	double severity;
	time_t at;
};

/* What a sink sends: alerts of one kind and event, grouped. */
struct alert_note {
	const char *sink;
	const char *kind;
	const char *event; /* "firing", "resolved", "repeat", "test" */
	const struct alert_item *items; /* worst first */
	size_t n;
	double severity; /* the worst */
};

/* The fingerprint of (kind, account, region, subject): hex, 32 chars. */
void alert_fingerprint(const char *kind, const char *account,
    const char *region, const char *subject, char out[ALERT_FP_LEN + 1]);

/* "low", "medium", "high", "critical" for a severity; its band 0-3. */
const char *alert_band_name(double severity);
int alert_band(double severity);

/* How a kind travels: */
#define ALERT_KIND_ALONE 0x1        /* one per notification, never grouped */
#define ALERT_KIND_ANY_SEVERITY 0x2 /* past every sink's min_severity */

/* Has kind this ALERT_KIND_* flag? */
int alert_kind_has(const char *kind, unsigned flag);

/* The journal MESSAGE_ID of a kind. */
const char *alert_msgid(const char *kind);

/* A one-line subject (at most len - 1 bytes, printable) for a note. */
void alert_note_subject(const struct alert_note *, char *buf, size_t len);
/* The body of a note for people (caller frees). */
char *alert_note_body(const struct alert_note *);

/* The built-in sinks that need no network: 0 when written. */
int alert_sink_journal(const struct alert_note *, const char *identifier);
int alert_sink_syslog(
    const struct alert_note *, const char *identifier, int facility);

#endif
