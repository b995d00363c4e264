/*
 * outbox.h: durable delivery of alerts from the SQLite outbox to the sinks
 * of the configuration (or an implicit journal sink), grouped, retried
 * with backoff until each sink confirms.
 */
#ifndef SECMON_OUTBOX_H
#define SECMON_OUTBOX_H

#include <jansson.h>

#include "util.h"

struct event_base;
struct state;
struct http;
struct creds_src;
struct creds_ctx;
struct conf;
struct outbox;

struct outbox *outbox_new(struct event_base *, struct state *, struct http *,
    struct creds_src *chain, const struct creds_ctx *);
void outbox_free(struct outbox *);

/* Take c's sinks (and [alerts] timings); rows of removed sinks go. */
void outbox_configure(struct outbox *, const struct conf *c);

typedef void (*outbox_notify_cb)(void *arg);
/* cb runs after deliveries ended (to refresh systemd's STATUS=). */
void outbox_set_notify(struct outbox *, outbox_notify_cb cb, void *arg);

/* Rows waiting for delivery, every sink together. */
long long outbox_pending(struct outbox *);

/* Deliver what is due now (after alerts were committed). */
void outbox_kick(struct outbox *);

typedef void (*outbox_drain_cb)(void *arg);
/* Deliver everything now, group_wait or not; cb when nothing is left that
 * can go now (what failed waits for the daemon's next run). */
void outbox_drain(struct outbox *, outbox_drain_cb, void *arg);

/* Per sink: type, pending, next attempt, delivered, last ok and error. */
json_t *outbox_status_json(struct outbox *);

/* Queue a test notification for sink (NULL: every sink). */
int outbox_test(
    struct outbox *, const char *sink, unsigned *queued, struct sm_err *err);

#endif
