/*
 * ratelimit.c: token buckets, the quota table, the registry of buckets by
 * key, and the gate that admits queued requests on the loop. Owns its
 * keys, waiters and timers; never logs, never calls a callback from
 * inside the caller's call.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/event.h>

#include "ratelimit.h"

#define RATELIMIT_EPS 1e-9  /* float slack when counting whole tokens */
#define RATELIMIT_HASH 1024 /* registry hash slots */

/*
 * AWS's documented quotas (AWS-NOTES.md sections 3-7), sorted by api for
 * bsearch; "service.*" is the service's fallback. GuardDuty publishes no
 * API rate: 5/s burst 10 is our choice. STS documents a generous rate:
 * 10/s is our choice. SNS Publish: the smallest regional figure we rely
 * on. CloudWatch: burst = rate.
 */
static const struct ratelimit_limit {
	const char *api;
	double rate;
	double burst;
} ratelimit_table[] = {
	{ "guardduty.*", 5, 10 },
	{ "monitoring.DescribeAlarms", 9, 9 },
	{ "monitoring.GetMetricData", 50, 50 },
	{ "monitoring.ListMetrics", 25, 25 },
	{ "securityhub.*", 10, 30 },
	{ "securityhub.BatchEnableStandards", 1, 1 },
	{ "securityhub.GetFindings", 3, 6 },
	{ "securityhub.UpdateStandardsControl", 1, 5 },
	{ "sns.Publish", 30, 30 },
	{ "sts.*", 10, 10 },
};
static const struct ratelimit_limit ratelimit_default = { "*", 5, 5 };

struct ratelimit_waiter {
	TAILQ_ENTRY(ratelimit_waiter) entry;
	struct ratelimit_key *key;
	ratelimit_cb cb;
	void *arg;
};

struct ratelimit_key {
	char *name;
	struct ratelimit_bucket b;
	struct ratelimit_key *hnext;
	TAILQ_ENTRY(ratelimit_key) entry; /* all keys, creation order */

	/* Gate only. */
	struct ratelimit_gate *gate;
	struct event *ev; /* wait for the bucket's next token */
	TAILQ_HEAD(, ratelimit_waiter) waiters;
	unsigned nwaiting;
	int ready; /* on the gate's ready queue */
	TAILQ_ENTRY(ratelimit_key) rentry;
};

struct ratelimit_reg {
	double scale;
	size_t nkeys;
	struct ratelimit_key *hash[RATELIMIT_HASH];
	TAILQ_HEAD(, ratelimit_key) keys;
};

struct ratelimit_gate {
	struct event_base *base;
	struct ratelimit_reg *reg;
	unsigned max_concurrency;
	unsigned inflight;
	unsigned nwaiting;
	uint64_t admitted;
	TAILQ_HEAD(, ratelimit_key) ready; /* head has a token, wants a slot */
	struct event *run_ev;              /* admit from the ready queue */
	int running;                       /* inside ratelimit_run_cb */
	int dead;                          /* freed from inside a callback */
};

/* Buckets. */

static void
ratelimit_set_rate(struct ratelimit_bucket *b, double rate)
{
	b->rate = rate;
	b->burst = b->base_burst * rate / b->base_rate;
	if (b->burst < 1.0)
		b->burst = 1.0;
	if (b->tokens > b->burst)
		b->tokens = b->burst;
}

void
ratelimit_bucket_init(
    struct ratelimit_bucket *b, double rate, double burst, uint64_t now_ms)
{
	memset(b, 0, sizeof *b);
	b->base_rate = rate > 0.0 ? rate : RATELIMIT_MIN_RATE;
	b->base_burst = burst >= 1.0 ? burst : 1.0;
	b->rate = b->base_rate;
	b->burst = b->base_burst;
	b->tokens = b->burst;
	b->last_ms = now_ms;
	b->mark_ms = now_ms;
}

/* Add the tokens earned since the last refill, then AIMD's recovery. */
static void
ratelimit_refill(struct ratelimit_bucket *b, uint64_t now)
{
	uint64_t steps;
	double rate;

	if (now > b->last_ms) {
		b->tokens += (double)(now - b->last_ms) * b->rate / 1000.0;
		if (b->tokens > b->burst)
			b->tokens = b->burst;
		b->last_ms = now;
	}
	if (b->rate >= b->base_rate || now < b->mark_ms + RATELIMIT_RECOVER_MS)
		return;
	steps = (now - b->mark_ms) / RATELIMIT_RECOVER_MS;
	b->mark_ms += steps * RATELIMIT_RECOVER_MS;
	rate = b->rate + (double)steps * RATELIMIT_RECOVER_FRAC * b->base_rate;
	if (rate > b->base_rate * (1.0 - RATELIMIT_EPS))
		rate = b->base_rate;
	ratelimit_set_rate(b, rate);
}

uint64_t
ratelimit_peek(struct ratelimit_bucket *b, uint64_t now_ms)
{
	double ms;

	ratelimit_refill(b, now_ms);
	if (b->tokens >= 1.0 - RATELIMIT_EPS)
		return 0;
	ms = ceil((1.0 - b->tokens) * 1000.0 / b->rate);
	return ms >= 1.0 ? (uint64_t)ms : 1;
}

uint64_t
ratelimit_take(struct ratelimit_bucket *b, uint64_t now_ms)
{
	uint64_t wait = ratelimit_peek(b, now_ms);

	if (wait == 0)
		b->tokens -= 1.0;
	return wait;
}

void
ratelimit_bucket_throttled(struct ratelimit_bucket *b, uint64_t now_ms)
{
	double min = RATELIMIT_MIN_RATE, rate;

	ratelimit_refill(b, now_ms);
	if (min > b->base_rate)
		min = b->base_rate;
	rate = b->rate / 2.0;
	ratelimit_set_rate(b, rate > min ? rate : min);
	b->mark_ms = now_ms > b->mark_ms ? now_ms : b->mark_ms;
	b->throttles++;
}

/* The quota table. */

static int
ratelimit_limit_cmp(const void *key, const void *elem)
{
	const struct ratelimit_limit *l = elem;

	return strcmp(key, l->api);
}

static const struct ratelimit_limit *
ratelimit_find(const char *api)
{
	return bsearch(api, ratelimit_table,
	    sizeof ratelimit_table / sizeof ratelimit_table[0],
	    sizeof ratelimit_table[0], ratelimit_limit_cmp);
}

/* The entry for api, else "service.*", else the default. */
static const struct ratelimit_limit *
ratelimit_limit_of(const char *api)
{
	const struct ratelimit_limit *l;
	const char *dot;
	char svc[RATELIMIT_MAX_KEY];
	size_t n;

	if ((l = ratelimit_find(api)) != NULL)
		return l;
	if ((dot = strchr(api, '.')) != NULL &&
	    (n = (size_t)(dot - api)) + 3 <= sizeof svc) {
		memcpy(svc, api, n);
		memcpy(svc + n, ".*", 3);
		if ((l = ratelimit_find(svc)) != NULL)
			return l;
	}
	return &ratelimit_default;
}

void
ratelimit_lookup(const char *api, double scale, double *rate, double *burst)
{
	const struct ratelimit_limit *l = ratelimit_limit_of(api);

	*rate = l->rate * scale;
	*burst = floor(l->burst * scale);
	if (*burst < 1.0)
		*burst = 1.0;
}

int
ratelimit_table_check(void)
{
	size_t i, n = sizeof ratelimit_table / sizeof ratelimit_table[0];

	for (i = 1; i < n; i++)
		if (strcmp(ratelimit_table[i - 1].api,
			ratelimit_table[i].api) >= 0)
			return -1;
	for (i = 0; i < n; i++)
		if (ratelimit_table[i].rate <= 0 ||
		    ratelimit_table[i].burst < 1)
			return -1;
	return 0;
}

/* The registry. */

static int
ratelimit_scale_check(double scale, struct sm_err *err)
{
	if (!(scale >= RATELIMIT_SCALE_MIN && scale <= RATELIMIT_SCALE_MAX))
		return sm_err_set(err, "BadRateScale",
		    "rate scale %g outside %g..%g", scale, RATELIMIT_SCALE_MIN,
		    RATELIMIT_SCALE_MAX);
	return 0;
}

struct ratelimit_reg *
ratelimit_reg_new(double scale, struct sm_err *err)
{
	struct ratelimit_reg *reg;

	if (ratelimit_scale_check(scale, err) == -1)
		return NULL;
	reg = xcalloc(1, sizeof *reg);
	reg->scale = scale;
	TAILQ_INIT(&reg->keys);
	return reg;
}

static void
ratelimit_key_free(struct ratelimit_key *k)
{
	struct ratelimit_waiter *w;

	while ((w = TAILQ_FIRST(&k->waiters)) != NULL) {
		TAILQ_REMOVE(&k->waiters, w, entry);
		free(w);
	}
	if (k->ev != NULL)
		event_free(k->ev);
	free(k->name);
	free(k);
}

void
ratelimit_reg_free(struct ratelimit_reg *reg)
{
	struct ratelimit_key *k;

	if (reg == NULL)
		return;
	while ((k = TAILQ_FIRST(&reg->keys)) != NULL) {
		TAILQ_REMOVE(&reg->keys, k, entry);
		ratelimit_key_free(k);
	}
	free(reg);
}

/* FNV-1a. */
static size_t
ratelimit_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % RATELIMIT_HASH;
}

static struct ratelimit_key *
ratelimit_key_get(struct ratelimit_reg *reg, const char *key, uint64_t now,
    struct sm_err *err)
{
	struct ratelimit_key *k;
	const char *api;
	double rate, burst;
	size_t h, len = strnlen(key, RATELIMIT_MAX_KEY);

	if (len == 0 || len >= RATELIMIT_MAX_KEY) {
		sm_err_set(
		    err, "BadRateKey", "rate limit key empty or too long");
		return NULL;
	}
	h = ratelimit_hash(key);
	for (k = reg->hash[h]; k != NULL; k = k->hnext)
		if (strcmp(k->name, key) == 0)
			return k;
	if (reg->nkeys >= RATELIMIT_MAX_KEYS) {
		sm_err_set(err, "TooManyRateKeys",
		    "more than %d rate limit keys", RATELIMIT_MAX_KEYS);
		return NULL;
	}
	api = strrchr(key, '/');
	ratelimit_lookup(
	    api != NULL ? api + 1 : key, reg->scale, &rate, &burst);
	k = xcalloc(1, sizeof *k);
	k->name = xstrdup(key);
	ratelimit_bucket_init(&k->b, rate, burst, now);
	TAILQ_INIT(&k->waiters);
	k->hnext = reg->hash[h];
	reg->hash[h] = k;
	TAILQ_INSERT_TAIL(&reg->keys, k, entry);
	reg->nkeys++;
	return k;
}

struct ratelimit_bucket *
ratelimit_reg_bucket(struct ratelimit_reg *reg, const char *key,
    uint64_t now_ms, struct sm_err *err)
{
	struct ratelimit_key *k = ratelimit_key_get(reg, key, now_ms, err);

	return k != NULL ? &k->b : NULL;
}

void
ratelimit_reg_stats(
    struct ratelimit_reg *reg, uint64_t now_ms, ratelimit_stat_cb cb, void *arg)
{
	struct ratelimit_key *k;
	struct ratelimit_stat st;

	TAILQ_FOREACH(k, &reg->keys, entry)
	{
		ratelimit_refill(&k->b, now_ms);
		st.key = k->name;
		st.rate = k->b.rate;
		st.base_rate = k->b.base_rate;
		st.burst = k->b.burst;
		st.tokens = k->b.tokens;
		st.waiting = k->nwaiting;
		st.throttles = k->b.throttles;
		cb(&st, arg);
	}
}

/* The gate. */

static void ratelimit_key_cb(evutil_socket_t, short, void *);
static void ratelimit_run_cb(evutil_socket_t, short, void *);

struct ratelimit_gate *
ratelimit_gate_new(
    struct event_base *base, const struct ratelimit_opts *o, struct sm_err *err)
{
	struct ratelimit_gate *g;
	double scale =
	    o != NULL && o->scale != 0.0 ? o->scale : RATELIMIT_SCALE_DEFAULT;
	unsigned conc = o != NULL && o->max_concurrency != 0
	    ? o->max_concurrency
	    : RATELIMIT_CONCURRENCY_DEFAULT;

	if (conc > RATELIMIT_CONCURRENCY_MAX) {
		sm_err_set(err, "BadConcurrency", "max concurrency %u past %d",
		    conc, RATELIMIT_CONCURRENCY_MAX);
		return NULL;
	}
	if (ratelimit_scale_check(scale, err) == -1)
		return NULL;
	g = xcalloc(1, sizeof *g);
	g->base = base;
	g->reg = ratelimit_reg_new(scale, err);
	g->max_concurrency = conc;
	TAILQ_INIT(&g->ready);
	g->run_ev = event_new(base, -1, 0, ratelimit_run_cb, g);
	return g;
}

static void
ratelimit_gate_destroy(struct ratelimit_gate *g)
{
	ratelimit_reg_free(g->reg);
	event_free(g->run_ev);
	free(g);
}

void
ratelimit_gate_free(struct ratelimit_gate *g)
{
	if (g == NULL)
		return;
	if (g->running) {
		g->dead = 1; /* ratelimit_run_cb frees it when cb returns */
		return;
	}
	ratelimit_gate_destroy(g);
}

static void
ratelimit_unready(struct ratelimit_key *k)
{
	if (k->ready) {
		TAILQ_REMOVE(&k->gate->ready, k, rentry);
		k->ready = 0;
	}
}

/*
 * Look at the key's first waiter: if the bucket has a token, queue the key
 * for a slot; else wake up when it will. Never calls a callback.
 */
static void
ratelimit_key_eval(struct ratelimit_key *k)
{
	struct ratelimit_gate *g = k->gate;
	uint64_t wait;
	struct timeval tv;

	if (TAILQ_EMPTY(&k->waiters) || k->ready)
		return;
	if ((wait = ratelimit_peek(&k->b, sm_mono_ms())) == 0) {
		evtimer_del(k->ev);
		TAILQ_INSERT_TAIL(&g->ready, k, rentry);
		k->ready = 1;
		if (g->inflight < g->max_concurrency)
			event_active(g->run_ev, EV_TIMEOUT, 0);
		return;
	}
	tv.tv_sec = (time_t)(wait / 1000);
	tv.tv_usec = (suseconds_t)((wait % 1000) * 1000);
	evtimer_add(k->ev, &tv);
}

static void
ratelimit_key_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	ratelimit_key_eval(arg);
}

/* Admit the first waiter of k (token and slot both taken) and return it. */
static struct ratelimit_waiter *
ratelimit_admit(struct ratelimit_gate *g, struct ratelimit_key *k)
{
	struct ratelimit_waiter *w = TAILQ_FIRST(&k->waiters);

	TAILQ_REMOVE(&k->waiters, w, entry);
	k->nwaiting--;
	g->nwaiting--;
	g->inflight++;
	g->admitted++;
	ratelimit_key_eval(k); /* the next waiter, if any */
	return w;
}

/* Hand free slots to ready keys in turn; the only caller of callbacks. */
static void
ratelimit_run_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ratelimit_gate *g = arg;
	struct ratelimit_waiter *w;
	struct ratelimit_key *k;
	ratelimit_cb cb;
	void *cbarg;

	(void)fd;
	(void)what;
	g->running = 1;
	while (g->inflight < g->max_concurrency &&
	    (k = TAILQ_FIRST(&g->ready)) != NULL) {
		ratelimit_unready(k);
		if (TAILQ_EMPTY(&k->waiters))
			continue;
		if (ratelimit_take(&k->b, sm_mono_ms()) != 0) {
			ratelimit_key_eval(k); /* throttled meanwhile */
			continue;
		}
		w = ratelimit_admit(g, k);
		cb = w->cb;
		cbarg = w->arg;
		free(w);
		cb(cbarg);
		if (g->dead) {
			ratelimit_gate_destroy(g);
			return;
		}
	}
	g->running = 0;
}

struct ratelimit_waiter *
ratelimit_wait(struct ratelimit_gate *g, const char *key, ratelimit_cb cb,
    void *arg, struct sm_err *err)
{
	struct ratelimit_key *k;
	struct ratelimit_waiter *w;

	if (g->dead) {
		sm_err_set(err, "GateClosed", "rate limit gate freed");
		return NULL;
	}
	if (g->nwaiting >= RATELIMIT_MAX_WAITING) {
		sm_err_set(err, "TooManyWaiting",
		    "more than %d requests waiting", RATELIMIT_MAX_WAITING);
		return NULL;
	}
	if ((k = ratelimit_key_get(g->reg, key, sm_mono_ms(), err)) == NULL)
		return NULL;
	if (k->ev == NULL) {
		k->gate = g;
		k->ev = evtimer_new(g->base, ratelimit_key_cb, k);
	}
	w = xcalloc(1, sizeof *w);
	w->key = k;
	w->cb = cb;
	w->arg = arg;
	TAILQ_INSERT_TAIL(&k->waiters, w, entry);
	k->nwaiting++;
	g->nwaiting++;
	if (TAILQ_FIRST(&k->waiters) == w)
		ratelimit_key_eval(k);
	return w;
}

void
ratelimit_cancel(struct ratelimit_waiter *w)
{
	struct ratelimit_key *k;

	if (w == NULL)
		return;
	k = w->key;
	TAILQ_REMOVE(&k->waiters, w, entry);
	k->nwaiting--;
	k->gate->nwaiting--;
	free(w);
	if (TAILQ_EMPTY(&k->waiters)) {
		ratelimit_unready(k);
		evtimer_del(k->ev);
	}
	/* A new first waiter inherits the ready state or the timer. */
}

void
ratelimit_done(struct ratelimit_gate *g)
{
	if (g->inflight > 0)
		g->inflight--;
	if (!TAILQ_EMPTY(&g->ready))
		event_active(g->run_ev, EV_TIMEOUT, 0);
}

void
ratelimit_throttled(struct ratelimit_gate *g, const char *key)
{
	struct ratelimit_key *k;
	uint64_t now = sm_mono_ms();

	if ((k = ratelimit_key_get(g->reg, key, now, NULL)) != NULL)
		ratelimit_bucket_throttled(&k->b, now);
}

void
ratelimit_gate_stats(
    const struct ratelimit_gate *g, struct ratelimit_gate_stats *out)
{
	out->inflight = g->inflight;
	out->max_concurrency = g->max_concurrency;
	out->waiting = g->nwaiting;
	out->keys = g->reg->nkeys;
	out->admitted = g->admitted;
}

void
ratelimit_gate_keys(struct ratelimit_gate *g, ratelimit_stat_cb cb, void *arg)
{
	ratelimit_reg_stats(g->reg, sm_mono_ms(), cb, arg);
}
