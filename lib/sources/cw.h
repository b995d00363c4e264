/*
 * cw.h: one CloudWatch alarms poll of one target (account x region):
 * DescribeAlarms (metric and composite alarms, all pages, by name prefix,
 * by names in groups of at most 100, or all), handed over as a complete
 * snapshot sorted by ARN, or an error and nothing.
 */
#ifndef SECMON_CW_H
#define SECMON_CW_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "util.h"

#define CW_MAX_ALARMS 100000  /* alarms in one snapshot */
#define CW_MAX_PAGES 10000    /* pages of one listing */
#define CW_PAGE 100           /* MaxRecords (API maximum) */
#define CW_NAMES_PER_CALL 100 /* AlarmNames per call (API maximum) */
#define CW_MAX_NAMES 10000    /* names in one filter */
#define CW_MAX_NAME 255       /* AlarmName, AlarmNamePrefix, bytes */
#define CW_MAX_ARN 1600       /* AlarmArn, bytes */
#define CW_MAX_REASON 1023    /* StateReason, bytes */
#define CW_MAX_RULE 10240     /* AlarmRule, bytes */
#define CW_MAX_TOKEN 4096     /* NextToken, bytes */

struct aws;
struct endpoint;
struct cw_poll;

enum cw_type {
	CW_METRIC,
	CW_COMPOSITE,
};

enum cw_state {
	CW_OK,
	CW_ALARM,
	CW_INSUFFICIENT_DATA,
};

/* An epoch time to the millisecond; sec 0: the answer did not say. */
struct cw_time {
	time_t sec;
	int ms;
};

struct cw_alarm {
	char *arn; /* the key */
	char *name;
	enum cw_type type;
	enum cw_state state;
	char *reason;                /* StateReason, "" if none */
	struct cw_time updated;      /* StateUpdatedTimestamp: any update */
	struct cw_time transitioned; /* StateTransitionedTimestamp */
	int actions_enabled;
	char *namespace; /* metric alarms; "" for composite */
	char *metric;    /* metric alarms; "" for composite */
	char *rule;      /* composite alarms; "" for metric */
};

struct cw_snapshot {
	struct cw_alarm *alarms; /* sorted by arn, no duplicates */
	size_t n;
	unsigned calls; /* API calls it took */
};

/*
 * Which alarms: by prefix (1..255 bytes), or by names (each 1..255 bytes,
 * at most CW_MAX_NAMES), or all (both unset). Not both. Copied at start.
 */
struct cw_filter {
	const char *prefix;
	const char *const *names;
	size_t nnames;
};

/* snap is NULL on error (err says why); both are valid only during the call. */
typedef void (*cw_done_cb)(
    const struct cw_snapshot *snap, const struct sm_err *err, void *arg);

/*
 * Start a poll; done runs later, from the loop, never from inside this
 * call. NULL with err if it can't start (a bad filter, no credentials).
 */
struct cw_poll *cw_poll_start(struct aws *, const struct endpoint *,
    const struct cw_filter *, cw_done_cb, void *arg, struct sm_err *err);
/* Stop a poll in flight; its callback is not called. NULL: no-op. */
void cw_poll_cancel(struct cw_poll *);

/* "OK", "ALARM", "INSUFFICIENT_DATA" into *out; -1 for anything else. */
int cw_parse_state(const char *s, enum cw_state *out);
const char *cw_state_name(enum cw_state);

/*
 * A JSON epoch-seconds number (1700000000, 1.700000000123E9) into *out,
 * rounded to the millisecond; -1 if it is not a number or out of range.
 */
int cw_parse_time(const json_t *j, struct cw_time *out);

#endif
