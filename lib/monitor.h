/*
 * monitor.h: the targets (source x account x region) and their poll timers:
 * starts each poll, applies its snapshot to state, flushes the alerts, and
 * keeps what status shows. Reconfiguring keeps unchanged targets as they
 * are, stops removed ones and starts new ones.
 */
#ifndef SECMON_MONITOR_H
#define SECMON_MONITOR_H

#include <jansson.h>

#include "util.h"

struct event_base;
struct aws;
struct conf;
struct state;
struct monitor;

struct http;
struct creds_ctx;
struct creds_src;
struct ratelimit_gate;

/*
 * chain: the base credentials (borrowed); gate: paces every account's
 * requests (borrowed).
 */
struct monitor *monitor_new(struct event_base *, struct http *, struct state *,
    const struct creds_ctx *, struct creds_src *chain,
    struct ratelimit_gate *gate);
void monitor_free(struct monitor *);

struct outbox;
/* Kick ob after every poll, so alerts go out before the next event. */
void monitor_set_outbox(struct monitor *, struct outbox *ob);

struct tasks;
/* Count the maintenance calendar's runs in systemd's STATUS= line. */
void monitor_set_tasks(struct monitor *, struct tasks *ts);

/* Take conf's targets (conf must outlive its use); 0, or -1 with err. */
int monitor_configure(
    struct monitor *, const struct conf *, struct sm_err *err);

/* Poll every target now and then every interval. */
void monitor_start(struct monitor *);

typedef void (*monitor_once_cb)(unsigned nfailed, void *arg);
/* Poll every target once, no timers; cb runs when all have finished. */
void monitor_once(struct monitor *, monitor_once_cb, void *arg);

/* Print one line per target's last poll to stdout (for --once). */
void monitor_print_summary(struct monitor *);

/* Poll every target (of source, if not NULL) now; returns how many started. */
unsigned monitor_poll_now(struct monitor *, const char *source);

/* Send systemd's STATUS= line: targets, polls done, alerts pending. */
void monitor_notify_status(struct monitor *);

static inline void
monitor_notify_status_cb(void *arg)
{
	monitor_notify_status(arg);
}

struct endpoint;
/*
 * Every account and region watched, for a review across the estate: its
 * AWS client and the endpoint of service prefix (ep NULL and ep_err set
 * if it cannot be resolved); service_url: the section's endpoint_url.
 */
typedef void (*monitor_where_cb)(const char *account, const char *region,
    struct aws *, const struct endpoint *ep, const struct sm_err *ep_err,
    void *arg);
void monitor_foreach_where(struct monitor *, const char *prefix,
    const char *service_url, monitor_where_cb, void *arg);

/* Is name a source ("guardduty", ...)? */
int monitor_known_source(const char *name);

/* Cancel polls in flight and stop the timers. */
void monitor_stop(struct monitor *);

/* The "sources" array of status. */
json_t *monitor_status_json(struct monitor *);

/* The "accounts" array of status: credentials per account, no secrets. */
json_t *monitor_accounts_status_json(struct monitor *);

#endif
