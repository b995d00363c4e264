/*
 * ratelimit.h: client-side pacing of AWS calls per (account, region, API):
 * token buckets sized from AWS's documented quotas times a safety scale,
 * a registry of them keyed by "account/region/service.Operation", an
 * AIMD slow-down when AWS throttles anyway, and a gate on the loop that
 * admits waiting requests in FIFO order per key under a global cap on
 * requests in flight.
 */
#ifndef SECMON_RATELIMIT_H
#define SECMON_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define RATELIMIT_SCALE_DEFAULT 0.5 /* of AWS's quotas: stay below them */
#define RATELIMIT_SCALE_MIN 0.05
#define RATELIMIT_SCALE_MAX 1.0
#define RATELIMIT_CONCURRENCY_DEFAULT 16 /* requests in flight per gate */
#define RATELIMIT_CONCURRENCY_MAX 1024
#define RATELIMIT_MIN_RATE 0.1      /* req/s: AIMD never goes below */
#define RATELIMIT_RECOVER_MS 10000  /* AIMD: one recovery step per 10 s... */
#define RATELIMIT_RECOVER_FRAC 0.1  /* ... adding 10% of the base rate */
#define RATELIMIT_MAX_KEY 256       /* bytes of a key, NUL included */
#define RATELIMIT_MAX_KEYS 16384    /* keys in one registry */
#define RATELIMIT_MAX_WAITING 65536 /* waiters in one gate */

struct event_base;
struct ratelimit_reg;
struct ratelimit_gate;
struct ratelimit_waiter;

/*
 * A token bucket: rate tokens per second up to burst, one token per
 * request; starts full. Time is injected (ms of a monotonic clock).
 *
 * AIMD, in place of the SDKs' adaptive mode (CUBIC): each throttle halves
 * rate (never below RATELIMIT_MIN_RATE, or base_rate if lower); every
 * RATELIMIT_RECOVER_MS without a throttle adds RATELIMIT_RECOVER_FRAC of
 * base_rate back, up to base_rate. The capacity follows the rate
 * (base_burst * rate / base_rate, at least 1, as botocore's bucket does),
 * so a throttled key cannot fire its old burst either.
 */
struct ratelimit_bucket {
	double base_rate;  /* req/s as configured, > 0 */
	double base_burst; /* >= 1 */
	double rate;       /* now: base_rate, or less after throttling */
	double burst;      /* capacity now */
	double tokens;
	uint64_t last_ms; /* last refill */
	uint64_t mark_ms; /* last throttle or recovery step */
	uint64_t throttles;
};

/* rate <= 0 reads as RATELIMIT_MIN_RATE, burst < 1 as 1. */
void ratelimit_bucket_init(
    struct ratelimit_bucket *, double rate, double burst, uint64_t now_ms);

/*
 * May a request go at now_ms? 0: yes, and a token is taken. Else the ms
 * to wait until one is available (>= 1), nothing taken.
 */
uint64_t ratelimit_take(struct ratelimit_bucket *, uint64_t now_ms);

/* As ratelimit_take, but never takes the token. */
uint64_t ratelimit_peek(struct ratelimit_bucket *, uint64_t now_ms);

/* AWS throttled a request of this bucket at now_ms: halve the rate. */
void ratelimit_bucket_throttled(struct ratelimit_bucket *, uint64_t now_ms);

/*
 * The limits of an API ("securityhub.GetFindings": the endpoint prefix as
 * endpoint_resolve takes it, a dot, the operation) from the quota table:
 * the exact entry, else the service's "service.*", else the default; rate
 * and burst multiplied by scale (burst rounded down, at least 1).
 */
void ratelimit_lookup(
    const char *api, double scale, double *rate, double *burst);

/* Is the quota table sorted and free of duplicates? 0 if so, else -1. */
int ratelimit_table_check(void);

/* A key's state, for status. key is borrowed from the registry. */
struct ratelimit_stat {
	const char *key;
	double rate;      /* now, req/s */
	double base_rate; /* as configured (scaled) */
	double burst;     /* capacity now */
	double tokens;
	unsigned waiting; /* requests queued on the key (gate only) */
	uint64_t throttles;
};
typedef void (*ratelimit_stat_cb)(const struct ratelimit_stat *, void *arg);

/*
 * A registry of buckets by key "account/region/service.Operation" (the
 * API is what follows the last '/'), created on first use with the
 * table's limits times scale. Pure: time injected. NULL with err if
 * scale is outside RATELIMIT_SCALE_MIN..RATELIMIT_SCALE_MAX.
 */
struct ratelimit_reg *ratelimit_reg_new(double scale, struct sm_err *err);
void ratelimit_reg_free(struct ratelimit_reg *);

/*
 * The bucket of key, created at now_ms on first use; it lives as long as
 * the registry. NULL with err if key is empty, RATELIMIT_MAX_KEY bytes or
 * longer, or would be past RATELIMIT_MAX_KEYS.
 */
struct ratelimit_bucket *ratelimit_reg_bucket(struct ratelimit_reg *,
    const char *key, uint64_t now_ms, struct sm_err *err);

/* Call cb for every key, in creation order, refreshed to now_ms. */
void ratelimit_reg_stats(
    struct ratelimit_reg *, uint64_t now_ms, ratelimit_stat_cb, void *arg);

/* The gate: 0 in a field means its default. */
struct ratelimit_opts {
	double scale;             /* RATELIMIT_SCALE_DEFAULT */
	unsigned max_concurrency; /* RATELIMIT_CONCURRENCY_DEFAULT */
};

struct ratelimit_gate_stats {
	unsigned inflight; /* admitted, not yet ratelimit_done */
	unsigned max_concurrency;
	unsigned waiting; /* all keys */
	size_t keys;
	uint64_t admitted; /* since the gate was created */
};

/* The request may go now; it holds one of the gate's slots. */
typedef void (*ratelimit_cb)(void *arg);

/*
 * A gate on base with its own registry, reading CLOCK_MONOTONIC. NULL
 * with err on an out-of-range option.
 */
struct ratelimit_gate *ratelimit_gate_new(
    struct event_base *, const struct ratelimit_opts *, struct sm_err *err);

/*
 * Free the gate, its keys and every waiter; no callback runs after, even
 * when called from inside one. Handles are dead after. NULL is a no-op.
 */
void ratelimit_gate_free(struct ratelimit_gate *);

/*
 * Queue a request on key. cb runs once, from the loop (never inside
 * ratelimit_wait), when the key's bucket has a token (taken then) and the
 * gate has a free slot (held until ratelimit_done). Waiters of one key go
 * in FIFO order; keys that are ready take free slots in turn. The handle
 * is valid until cb runs or ratelimit_cancel. NULL with err if key is
 * malformed (ratelimit_reg_bucket) or the gate holds
 * RATELIMIT_MAX_WAITING waiters.
 */
struct ratelimit_waiter *ratelimit_wait(struct ratelimit_gate *,
    const char *key, ratelimit_cb cb, void *arg, struct sm_err *err);

/*
 * Withdraw a waiter whose cb has not run: it never will. Safe at any time
 * before that, callbacks included. NULL is a no-op.
 */
void ratelimit_cancel(struct ratelimit_waiter *);

/* A request admitted by the gate finished: free its slot. */
void ratelimit_done(struct ratelimit_gate *);

/* AWS throttled a request of key: slow the key down (AIMD above). */
void ratelimit_throttled(struct ratelimit_gate *, const char *key);

void ratelimit_gate_stats(
    const struct ratelimit_gate *, struct ratelimit_gate_stats *out);

/* Call cb for every key of the gate, in creation order. */
void ratelimit_gate_keys(struct ratelimit_gate *, ratelimit_stat_cb, void *arg);

#endif
