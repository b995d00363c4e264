/*
 * monitor-int.h: the monitor's inside, shared by monitor.c (targets, timers,
 * polls) and monitor-account.c (accounts: credentials and AWS clients).
 */
#ifndef SECMON_MONITOR_INT_H
#define SECMON_MONITOR_INT_H

#include <sys/queue.h>

#include <event2/event.h>
#include <jansson.h>

#include "aws.h"
#include "endpoint.h"
#include "creds.h"
#include "monitor.h"

#define MONITOR_DEFAULT_ACCOUNT "default"

struct conf;
struct conf_account;
struct monitor_target;

enum monitor_tstate {
	MON_PENDING,
	MON_POLLING,
	MON_OK,
	MON_DEGRADED,
};

/*
 * One kind of source: how to read its config, start and cancel a poll,
 * and describe its target in status and in the --once summary. A poll
 * ends with monitor_poll_done(), from the loop.
 */
struct monitor_source {
	const char *name;   /* "guardduty", as in the config */
	const char *prefix; /* endpoint prefix */
	int (*enabled)(const struct conf *);
	uint64_t (*interval)(const struct conf *);
	uint64_t (*blind_after)(const struct conf *);
	const char *(*endpoint_url)(const struct conf *);
	void *(*start)(struct monitor_target *, struct sm_err *);
	void (*cancel)(void *poll);
	/* Source fields of the target in status (add to o). */
	void (*status)(struct monitor_target *, json_t *o);
	/* The "ok" part of the --once line: "12 active findings (...)". */
	void (*summary)(struct monitor_target *, char *buf, size_t len);
};

extern const struct monitor_source monitor_src_guardduty;
extern const struct monitor_source monitor_src_securityhub;
extern const struct monitor_source monitor_src_cloudwatch;

struct monitor_target {
	TAILQ_ENTRY(monitor_target) entry;
	struct monitor *mon;
	const struct monitor_source *src;
	struct monitor_account *acct;
	char account[72];
	char region[32];
	struct endpoint ep;
	struct sm_err ep_err; /* endpoint resolution failed if code set */
	uint64_t interval;    /* seconds */
	uint64_t blind_after; /* seconds */
	struct event *timer;
	void *poll;
	uint64_t started_ms;
	time_t started;
	time_t next_poll;
	time_t failing_since; /* first failure since the last success */
	enum monitor_tstate state;
	int keep; /* mark for reconfigure */
};

struct monitor_account {
	TAILQ_ENTRY(monitor_account) entry;
	struct monitor *mon;
	char name[72];
	char *role_arn; /* NULL: the base credentials */
	char *external_id;
	uint64_t duration;
	char region[32];       /* for STS */
	struct creds_src *src; /* owned when role_arn is set */
	struct aws *aws;
	int keep;
};

struct monitor {
	struct event_base *base;
	struct http *http;
	struct state *state;
	const struct conf *conf; /* the running config */
	struct creds_ctx cctx;
	struct creds_src *chain;     /* borrowed: the base credentials */
	struct ratelimit_gate *gate; /* borrowed */
	struct outbox *outbox;       /* borrowed: kicked after each poll */
	struct tasks *tasks;         /* borrowed: counted in STATUS= */
	struct aws_opts opts;
	char session[72];
	TAILQ_HEAD(, monitor_account) accounts;
	TAILQ_HEAD(, monitor_target) targets;
	int running; /* timers armed */
	monitor_once_cb once_cb;
	void *once_arg;
	unsigned once_left, once_failed;
	unsigned long long polls_done;
};

/* monitor-account.c */
void monitor_accounts_configure(struct monitor *, const struct conf *);
void monitor_account_free(struct monitor_account *);
struct monitor_account *monitor_account_find(struct monitor *, const char *);
json_t *monitor_accounts_json(struct monitor *);

/* monitor.c */
void monitor_targets_drop_account(struct monitor *, struct monitor_account *);
/*
 * A poll ended: err NULL for success (what says what it found, for the
 * log), else the error. Records failures in state and re-arms the timer.
 */
void monitor_poll_done(
    struct monitor_target *, const struct sm_err *err, const char *what);

#endif
