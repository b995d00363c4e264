/*
 * test_ratelimit.c: token buckets on simulated time (burst, steady rate,
 * any window), the quota table and the scale, the registry, AIMD halving
 * and recovery; then the gate on a real event_base: never synchronous,
 * FIFO per key, keys in turn, the concurrency cap, cancellation, freeing,
 * and pacing no faster than the bucket (lower bounds only).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/event.h>

#include "ratelimit.h"

#define TR_SEED 19700101L  /* fixed seed of the random-time loops */
#define TR_MAX_ADMITS 4096 /* admissions recorded by one simulation */
#define TR_SAFETY_SEC 20   /* a gate test that runs this long has hung */
#define TR_MAX_WAITERS 128 /* waiters of one gate test */

/* Key of an API with 50/s burst 50 at scale 1, and 5/s burst 5. */
#define TR_FAST "111122223333/us-east-1/monitoring.GetMetricData"
#define TR_SLOW "111122223333/us-east-1/ec2.DescribeInstances"

static int
tr_near(double a, double b)
{
	return fabs(a - b) < 1e-9;
}

/* Buckets. */

static void
test_bucket_burst(void **state)
{
	struct ratelimit_bucket b;
	int i;

	(void)state;
	ratelimit_bucket_init(&b, 3, 6, 1000);
	for (i = 0; i < 6; i++)
		assert_int_equal(ratelimit_take(&b, 1000), 0);
	assert_int_equal(ratelimit_take(&b, 1000), 334);
	assert_int_equal(ratelimit_peek(&b, 1333), 1);
	assert_int_equal(ratelimit_take(&b, 1333), 1);
	assert_int_equal(ratelimit_take(&b, 1334), 0);
	assert_int_equal(ratelimit_take(&b, 1334), 333); /* 0.002 left */
	/* The clock going back earns nothing and breaks nothing. */
	assert_int_equal(ratelimit_take(&b, 10), 333);
	/* A long idle refills to the burst, not past it. */
	for (i = 0; i < 6; i++)
		assert_int_equal(ratelimit_take(&b, 1000000), 0);
	assert_true(ratelimit_take(&b, 1000000) > 0);

	/* Degenerate limits are raised to something usable. */
	ratelimit_bucket_init(&b, 0, 0, 0);
	assert_true(tr_near(b.base_rate, RATELIMIT_MIN_RATE));
	assert_true(tr_near(b.burst, 1));
	assert_int_equal(ratelimit_take(&b, 0), 0);
	assert_int_equal(ratelimit_take(&b, 0), 10000);
}

/*
 * Take as fast as allowed for dur_ms, waking exactly when told; record the
 * admissions. Returns their number.
 */
static size_t
tr_sim_greedy(
    struct ratelimit_bucket *b, uint64_t t0, uint64_t dur_ms, uint64_t *at)
{
	uint64_t t = t0, w;
	size_t n = 0;

	while (t <= t0 + dur_ms && n < TR_MAX_ADMITS) {
		if ((w = ratelimit_take(b, t)) == 0)
			at[n++] = t;
		else
			t += w;
	}
	return n;
}

/* No window of w ms holds more than burst + rate * w admissions. */
static void
tr_check_windows(const uint64_t *at, size_t n, double rate, double burst)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = i; j < n; j++)
			assert_true((double)(j - i + 1) <= burst +
				rate * (double)(at[j] - at[i]) / 1000.0 + 1e-6);
}

static void
test_bucket_steady(void **state)
{
	static uint64_t at[TR_MAX_ADMITS];
	static const double rates[][2] = {
		{ 3, 6 },
		{ 1.5, 3 },
		{ 10, 30 },
		{ 4.5, 4 },
		{ 0.1, 1 },
		{ 50, 50 },
		{ 7, 1 },
	};
	struct ratelimit_bucket b;
	double rate, burst;
	uint64_t t;
	size_t i, n, k;

	(void)state;
	for (i = 0; i < sizeof rates / sizeof rates[0]; i++) {
		rate = rates[i][0];
		burst = rates[i][1];
		/* Greedy over 60 s: the bound, and not much less. */
		ratelimit_bucket_init(&b, rate, burst, 5000);
		n = tr_sim_greedy(&b, 5000, 60000, at);
		assert_true((double)n <= rate * 60 + burst);
		assert_true((double)n >= rate * 60 + burst - 1);
		tr_check_windows(at, n, rate, burst);
	}

	/* 1000 takes at random times over 60 s. */
	srand48(TR_SEED);
	for (i = 0; i < sizeof rates / sizeof rates[0]; i++) {
		rate = rates[i][0];
		burst = rates[i][1];
		ratelimit_bucket_init(&b, rate, burst, 0);
		n = 0;
		for (k = 0, t = 0; k < 1000; k++) {
			t += (uint64_t)(lrand48() % 121); /* mean 60 ms */
			if (t > 60000)
				break;
			if (ratelimit_take(&b, t) == 0)
				at[n++] = t;
		}
		assert_true((double)n <= rate * (double)t / 1000 + burst);
		tr_check_windows(at, n, rate, burst);
	}
}

/* The table and the scale. */

static void
tr_expect(const char *api, double scale, double rate, double burst)
{
	double r, b;

	ratelimit_lookup(api, scale, &r, &b);
	if (!tr_near(r, rate) || !tr_near(b, burst))
		fail_msg("%s x %g: %g/s burst %g, want %g/s burst %g", api,
		    scale, r, b, rate, burst);
}

static void
test_table(void **state)
{
	(void)state;
	assert_int_equal(ratelimit_table_check(), 0);
	tr_expect("securityhub.GetFindings", 1, 3, 6);
	tr_expect("securityhub.GetFindings", 0.5, 1.5, 3);
	tr_expect("securityhub.GetFindings", 0.05, 0.15, 1);
	tr_expect("securityhub.GetEnabledStandards", 1, 10, 30);
	tr_expect("securityhub.BatchGetSecurityControls", 0.5, 5, 15);
	tr_expect("securityhub.UpdateStandardsControl", 1, 1, 5);
	tr_expect("guardduty.ListFindings", 1, 5, 10);
	tr_expect("guardduty.GetFindings", 0.5, 2.5, 5);
	tr_expect("monitoring.DescribeAlarms", 1, 9, 9);
	tr_expect("monitoring.DescribeAlarms", 0.5, 4.5, 4);
	tr_expect("monitoring.GetMetricData", 0.5, 25, 25);
	tr_expect("monitoring.ListMetrics", 1, 25, 25);
	tr_expect("sns.Publish", 1, 30, 30);
	tr_expect("sns.Subscribe", 1, 5, 5);
	tr_expect("sts.AssumeRole", 0.5, 5, 5);
	tr_expect("sts.GetCallerIdentity", 1, 10, 10);
	tr_expect("ec2.DescribeInstances", 1, 5, 5);
	tr_expect("nodot", 1, 5, 5);
	tr_expect("", 1, 5, 5);
	tr_expect("securityhub", 1, 5, 5);
	tr_expect("securityhub.", 1, 10, 30);
	tr_expect("SecurityHub.GetFindings", 1, 5, 5);
}

/* The registry. */

struct tr_stats {
	size_t n;
	char keys[8][RATELIMIT_MAX_KEY];
	double rate[8];
};

static void
tr_stat_cb(const struct ratelimit_stat *st, void *arg)
{
	struct tr_stats *s = arg;

	if (s->n < 8) {
		snprintf(s->keys[s->n], sizeof s->keys[0], "%s", st->key);
		s->rate[s->n] = st->rate;
	}
	s->n++;
}

static void
test_registry(void **state)
{
	struct ratelimit_reg *reg;
	struct ratelimit_bucket *b1, *b2, *b3;
	struct tr_stats st;
	struct sm_err err;
	char key[RATELIMIT_MAX_KEY + 1];
	size_t i;

	(void)state;
	assert_null(ratelimit_reg_new(0.01, &err));
	assert_string_equal(err.code, "BadRateScale");
	assert_null(ratelimit_reg_new(1.01, &err));
	assert_null(ratelimit_reg_new(NAN, &err));
	assert_null(ratelimit_reg_new(0, NULL));

	reg = ratelimit_reg_new(RATELIMIT_SCALE_DEFAULT, &err);
	assert_non_null(reg);
	b1 = ratelimit_reg_bucket(
	    reg, "111122223333/us-east-1/securityhub.GetFindings", 0, &err);
	assert_non_null(b1);
	assert_true(tr_near(b1->base_rate, 1.5));
	assert_true(tr_near(b1->burst, 3));
	assert_ptr_equal(
	    ratelimit_reg_bucket(reg,
		"111122223333/us-east-1/securityhub.GetFindings", 99, &err),
	    b1);
	b2 = ratelimit_reg_bucket(
	    reg, "444455556666/us-east-1/securityhub.GetFindings", 0, &err);
	b3 = ratelimit_reg_bucket(
	    reg, "111122223333/eu-west-3/guardduty.x", 0, &err);
	assert_non_null(b2);
	assert_non_null(b3);
	assert_ptr_not_equal(b1, b2);
	assert_true(tr_near(b3->base_rate, 2.5));
	assert_true(tr_near(b3->burst, 5));
	/* Buckets are separate: draining one leaves the other. */
	for (i = 0; i < 3; i++)
		assert_int_equal(ratelimit_take(b1, 0), 0);
	assert_true(ratelimit_take(b1, 0) > 0);
	assert_int_equal(ratelimit_take(b2, 0), 0);

	/* Bad keys. */
	assert_null(ratelimit_reg_bucket(reg, "", 0, &err));
	assert_string_equal(err.code, "BadRateKey");
	memset(key, 'a', sizeof key - 1);
	key[RATELIMIT_MAX_KEY] = '\0';
	assert_null(ratelimit_reg_bucket(reg, key, 0, &err));
	key[RATELIMIT_MAX_KEY - 1] = '\0';
	assert_non_null(ratelimit_reg_bucket(reg, key, 0, &err));

	memset(&st, 0, sizeof st);
	ratelimit_reg_stats(reg, 0, tr_stat_cb, &st);
	assert_int_equal(st.n, 4);
	assert_string_equal(
	    st.keys[0], "111122223333/us-east-1/securityhub.GetFindings");
	assert_string_equal(st.keys[2], "111122223333/eu-west-3/guardduty.x");
	ratelimit_reg_free(reg);
	ratelimit_reg_free(NULL);

	/* The cap on keys. */
	reg = ratelimit_reg_new(1, &err);
	for (i = 0; i < RATELIMIT_MAX_KEYS; i++) {
		snprintf(key, sizeof key, "%zu/r/sts.X", i);
		assert_non_null(ratelimit_reg_bucket(reg, key, 0, &err));
	}
	assert_null(ratelimit_reg_bucket(reg, "new/r/sts.X", 0, &err));
	assert_string_equal(err.code, "TooManyRateKeys");
	assert_non_null(ratelimit_reg_bucket(reg, "7/r/sts.X", 0, &err));
	ratelimit_reg_free(reg);
}

/* AIMD. */

static void
test_aimd(void **state)
{
	static uint64_t at[TR_MAX_ADMITS];
	struct ratelimit_bucket b;
	uint64_t t;
	size_t n;
	int i;

	(void)state;
	ratelimit_bucket_init(&b, 10, 20, 0);
	ratelimit_bucket_throttled(&b, 0);
	assert_true(tr_near(b.rate, 5));
	assert_true(tr_near(b.burst, 10));
	assert_true(tr_near(b.tokens, 10)); /* capacity follows the rate */
	ratelimit_bucket_throttled(&b, 0);
	assert_true(tr_near(b.rate, 2.5));
	for (i = 0; i < 20; i++)
		ratelimit_bucket_throttled(&b, 0);
	assert_true(tr_near(b.rate, RATELIMIT_MIN_RATE));
	assert_true(tr_near(b.burst, 1));
	assert_int_equal(b.throttles, 22);

	/* +1/s (10% of 10) per 10 s without a throttle, up to 10/s. */
	ratelimit_peek(&b, 9999);
	assert_true(tr_near(b.rate, RATELIMIT_MIN_RATE));
	ratelimit_peek(&b, 10000);
	assert_true(tr_near(b.rate, 1.1));
	ratelimit_peek(&b, 35000);
	assert_true(tr_near(b.rate, 3.1));
	/* A throttle halves it and restarts the recovery clock. */
	ratelimit_bucket_throttled(&b, 35000);
	assert_true(tr_near(b.rate, 1.55));
	ratelimit_peek(&b, 44999);
	assert_true(tr_near(b.rate, 1.55));
	ratelimit_peek(&b, 45000);
	assert_true(tr_near(b.rate, 2.55));
	ratelimit_peek(&b, 1000000);
	assert_true(tr_near(b.rate, 10));
	assert_true(tr_near(b.burst, 20));
	ratelimit_peek(&b, 2000000);
	assert_true(tr_near(b.rate, 10));

	/* While halved, the pace holds to the halved rate and burst. */
	ratelimit_bucket_init(&b, 10, 20, 0);
	ratelimit_bucket_throttled(&b, 0);
	n = tr_sim_greedy(&b, 0, 9999, at);
	assert_true((double)n <= 5 * 9.999 + 10);
	assert_true((double)n >= 5 * 9.999 + 10 - 1);
	tr_check_windows(at, n, 5, 10);

	/* A base rate under the floor stays where it is. */
	ratelimit_bucket_init(&b, 0.05, 1, 0);
	ratelimit_bucket_throttled(&b, 0);
	assert_true(tr_near(b.rate, 0.05));

	/* Recovery never speeds up past the base: 60 s greedy after. */
	ratelimit_bucket_init(&b, 4, 4, 0);
	ratelimit_bucket_throttled(&b, 0);
	t = 1000000;
	n = tr_sim_greedy(&b, t, 60000, at);
	assert_true((double)n <= 4 * 60 + 4);
	tr_check_windows(at, n, 4, 4);
}

/* The gate on a real loop. */

struct tr_gate;

struct tr_waiter {
	struct tr_gate *t;
	int id;
	int key;
	struct ratelimit_waiter *h;
	struct event *finish; /* ends the "request" after hold_ms */
	int cancel[2];        /* ids to cancel from the callback */
};

struct tr_gate {
	struct event_base *base;
	struct ratelimit_gate *gate;
	struct event *safety;
	struct tr_waiter w[TR_MAX_WAITERS];
	int n;      /* waiters queued */
	int expect; /* callbacks expected before loopexit */
	int ran;    /* callbacks so far */
	int order[TR_MAX_WAITERS];
	uint64_t at[TR_MAX_WAITERS];
	int inflight, max_inflight;
	unsigned hold_ms; /* 0: done at once */
	int free_at;      /* free the gate from callback number free_at */
	int timed_out;
};

static void
tr_safety_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tr_gate *t = arg;

	(void)fd;
	(void)what;
	t->timed_out = 1;
	event_base_loopbreak(t->base);
}

static void
tr_gate_init(struct tr_gate *t, double scale, unsigned conc)
{
	struct ratelimit_opts o = { scale, conc };
	struct timeval tv = { TR_SAFETY_SEC, 0 };
	struct sm_err err;

	memset(t, 0, sizeof *t);
	t->base = event_base_new();
	t->gate = ratelimit_gate_new(t->base, &o, &err);
	assert_non_null(t->gate);
	t->safety = evtimer_new(t->base, tr_safety_cb, t);
	evtimer_add(t->safety, &tv);
	t->free_at = -1;
}

static void
tr_gate_fini(struct tr_gate *t)
{
	int i;

	for (i = 0; i < t->n; i++)
		if (t->w[i].finish != NULL)
			event_free(t->w[i].finish);
	ratelimit_gate_free(t->gate);
	event_free(t->safety);
	event_base_free(t->base);
}

static void
tr_finished(struct tr_gate *t)
{
	t->inflight--;
	ratelimit_done(t->gate);
	if (t->ran == t->expect && t->inflight == 0) {
		evtimer_del(t->safety);
		event_base_loopexit(t->base, NULL);
	}
}

static void
tr_finish_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tr_waiter *w = arg;

	(void)fd;
	(void)what;
	tr_finished(w->t);
}

static void
tr_admit_cb(void *arg)
{
	struct tr_waiter *w = arg, *c;
	struct tr_gate *t = w->t;
	struct timeval tv;
	int i;

	w->h = NULL;
	t->at[t->ran] = sm_mono_ms();
	t->order[t->ran++] = w->id;
	t->inflight++;
	if (t->inflight > t->max_inflight)
		t->max_inflight = t->inflight;
	for (i = 0; i < 2; i++) {
		if (w->cancel[i] <= 0)
			continue;
		c = &t->w[w->cancel[i]];
		assert_non_null(c->h);
		ratelimit_cancel(c->h);
		c->h = NULL;
	}
	if (t->ran - 1 == t->free_at) {
		ratelimit_gate_free(t->gate);
		t->gate = NULL;
		evtimer_del(t->safety);
		return;
	}
	if (t->hold_ms == 0) {
		tr_finished(t);
		return;
	}
	tv.tv_sec = 0;
	tv.tv_usec = (suseconds_t)t->hold_ms * 1000;
	w->finish = evtimer_new(t->base, tr_finish_cb, w);
	evtimer_add(w->finish, &tv);
}

static struct tr_waiter *
tr_queue(struct tr_gate *t, int key, const char *keyname)
{
	struct tr_waiter *w = &t->w[t->n];
	struct sm_err err;

	w->t = t;
	w->id = t->n++;
	w->key = key;
	w->h = ratelimit_wait(t->gate, keyname, tr_admit_cb, w, &err);
	assert_non_null(w->h);
	return w;
}

static void
tr_run(struct tr_gate *t)
{
	event_base_dispatch(t->base);
	assert_false(t->timed_out);
}

static void
test_gate_fifo(void **state)
{
	struct ratelimit_gate_stats gs;
	struct tr_gate t;
	int i, last[2] = { -1, -1 };

	(void)state;
	tr_gate_init(&t, 1.0, 16);
	for (i = 0; i < 40; i++)
		tr_queue(&t, 0, TR_FAST);
	/* Never called from inside ratelimit_wait. */
	assert_int_equal(t.ran, 0);
	ratelimit_gate_stats(t.gate, &gs);
	assert_int_equal(gs.waiting, 40);
	assert_int_equal(gs.keys, 1);
	t.expect = 40;
	tr_run(&t);
	assert_int_equal(t.ran, 40);
	for (i = 0; i < 40; i++)
		assert_int_equal(t.order[i], i);
	ratelimit_gate_stats(t.gate, &gs);
	assert_int_equal(gs.waiting, 0);
	assert_int_equal(gs.inflight, 0);
	assert_int_equal(gs.admitted, 40);
	tr_gate_fini(&t);

	/* Two keys interleaved: FIFO within each. */
	tr_gate_init(&t, 1.0, 4);
	for (i = 0; i < 60; i++)
		tr_queue(&t, i % 2,
		    i % 2 ? TR_FAST : "111122223333/eu-west-1/sns.Publish");
	t.expect = 60;
	t.hold_ms = 1;
	tr_run(&t);
	assert_int_equal(t.ran, 60);
	for (i = 0; i < 60; i++) {
		struct tr_waiter *w = &t.w[t.order[i]];

		assert_true(w->id > last[w->key]);
		last[w->key] = w->id;
	}
	assert_true(t.max_inflight <= 4);
	tr_gate_fini(&t);
}

static void
test_gate_concurrency(void **state)
{
	struct ratelimit_gate_stats gs;
	struct tr_gate t;
	int i;

	(void)state;
	tr_gate_init(&t, 1.0, 3);
	for (i = 0; i < 30; i++)
		tr_queue(&t, 0,
		    i % 3 == 0
			? TR_FAST
			: "111122223333/us-west-2/monitoring.GetMetricData");
	t.expect = 30;
	t.hold_ms = 3;
	tr_run(&t);
	assert_int_equal(t.ran, 30);
	assert_int_equal(t.max_inflight, 3);
	ratelimit_gate_stats(t.gate, &gs);
	assert_int_equal(gs.max_concurrency, 3);
	assert_int_equal(gs.inflight, 0);
	tr_gate_fini(&t);

	/* Cap 1: strictly one at a time. */
	tr_gate_init(&t, 1.0, 1);
	for (i = 0; i < 10; i++)
		tr_queue(&t, 0, TR_FAST);
	t.expect = 10;
	t.hold_ms = 2;
	tr_run(&t);
	assert_int_equal(t.max_inflight, 1);
	for (i = 0; i < 10; i++)
		assert_int_equal(t.order[i], i);
	tr_gate_fini(&t);
}

/* A key queued behind a long one gets a slot in turn, not last. */
static void
test_gate_fairness(void **state)
{
	struct tr_gate t;
	int i, pos = -1;

	(void)state;
	tr_gate_init(&t, 1.0, 1);
	for (i = 0; i < 30; i++)
		tr_queue(&t, 0, TR_FAST);
	tr_queue(&t, 1, "999999999999/us-east-1/monitoring.GetMetricData");
	t.expect = 31;
	t.hold_ms = 1;
	tr_run(&t);
	for (i = 0; i < 31; i++)
		if (t.order[i] == 30)
			pos = i;
	assert_true(pos >= 0 && pos <= 2);
	tr_gate_fini(&t);
}

static void
test_gate_cancel(void **state)
{
	struct tr_gate t;
	int i;

	(void)state;
	tr_gate_init(&t, 1.0, 2);
	for (i = 0; i < 12; i++)
		tr_queue(&t, 0, i < 6 ? TR_FAST : TR_SLOW);
	/* Before the loop, from callbacks, on the fast and the slow key. */
	ratelimit_cancel(t.w[1].h);
	t.w[1].h = NULL;
	ratelimit_cancel(t.w[6].h);
	t.w[6].h = NULL;
	ratelimit_cancel(NULL);
	t.w[0].cancel[0] = 3;
	t.w[0].cancel[1] = 11;
	t.w[2].cancel[0] = 5;
	t.w[7].cancel[0] = 10; /* its timer may be armed */
	t.expect = 6;          /* 0 2 4 7 8 9 */
	t.hold_ms = 1;
	tr_run(&t);
	assert_int_equal(t.ran, 6);
	{
		int want[] = { 0, 2, 4, 7, 8, 9 }, seen[12] = { 0 };

		for (i = 0; i < 6; i++)
			seen[t.order[i]] = 1;
		for (i = 0; i < 6; i++)
			assert_true(seen[want[i]]);
	}
	tr_gate_fini(&t);

	/* Cancel all the slow key's waiters while it waits for tokens. */
	tr_gate_init(&t, 1.0, 16);
	for (i = 0; i < 8; i++)
		tr_queue(&t, 0, TR_SLOW);
	t.expect = 5; /* the burst; then cancel the rest */
	t.w[4].cancel[0] = 5;
	t.w[4].cancel[1] = 6;
	tr_run(&t);
	assert_int_equal(t.ran, 5);
	ratelimit_cancel(t.w[7].h);
	t.w[7].h = NULL;
	/* Nothing of the gate is left on the loop. */
	assert_int_equal(event_base_get_num_events(t.base,
			     EVENT_BASE_COUNT_ADDED | EVENT_BASE_COUNT_ACTIVE),
	    0);
	assert_int_equal(event_base_dispatch(t.base), 1);
	assert_int_equal(t.ran, 5);
	tr_gate_fini(&t);
}

static void
test_gate_free(void **state)
{
	struct tr_gate t;
	int i;

	(void)state;
	/* Freed with waiters queued and timers armed: no callback. */
	tr_gate_init(&t, 1.0, 16);
	for (i = 0; i < 10; i++)
		tr_queue(&t, 0, i % 2 ? TR_SLOW : TR_FAST);
	ratelimit_gate_free(t.gate);
	t.gate = NULL;
	evtimer_del(t.safety);
	assert_int_equal(event_base_dispatch(t.base), 1);
	assert_int_equal(t.ran, 0);
	tr_gate_fini(&t);

	/* Freed from inside a callback with more ready: none runs after. */
	tr_gate_init(&t, 1.0, 16);
	for (i = 0; i < 10; i++)
		tr_queue(&t, 0, i < 5 ? TR_FAST : TR_SLOW);
	t.free_at = 2;
	tr_run(&t);
	assert_int_equal(t.ran, 3);
	tr_gate_fini(&t);
}

/* Elapsed time is never less than the bucket allows (lower bounds only). */
static void
test_gate_pacing(void **state)
{
	struct tr_gate t;
	uint64_t t0;
	int i;

	(void)state;
	/* 50/s burst 50: the 25 after the burst take 500 ms at least. */
	tr_gate_init(&t, 1.0, 16);
	t0 = sm_mono_ms();
	for (i = 0; i < 75; i++)
		tr_queue(&t, 0, TR_FAST);
	t.expect = 75;
	tr_run(&t);
	assert_int_equal(t.ran, 75);
	for (i = 50; i < 75; i++)
		assert_true(t.at[i] + 1 >= t0 + (uint64_t)(i - 49) * 20);
	assert_true(t.at[74] - t0 >= 499);
	tr_gate_fini(&t);

	/* Scale 0.5 on two keys: 25/s burst 25 each, paced separately. */
	tr_gate_init(&t, 0.5, 16);
	t0 = sm_mono_ms();
	for (i = 0; i < 70; i++)
		tr_queue(&t, i % 2,
		    i % 2 ? TR_FAST
			  : "111122223333/ap-south-1/monitoring.GetMetricData");
	t.expect = 70;
	t.hold_ms = 1;
	tr_run(&t);
	assert_int_equal(t.ran, 70);
	/* 35 per key: 10 past the burst take 400 ms at least. */
	assert_true(t.at[69] - t0 >= 399);
	tr_gate_fini(&t);
}

static void
test_gate_throttled(void **state)
{
	struct ratelimit_opts o = { 0, 0 };
	struct ratelimit_gate_stats gs;
	struct ratelimit_gate *g;
	struct event_base *base = event_base_new();
	struct tr_stats st;
	struct sm_err err;

	(void)state;
	o.scale = 2;
	assert_null(ratelimit_gate_new(base, &o, &err));
	assert_string_equal(err.code, "BadRateScale");
	o.scale = 0;
	o.max_concurrency = RATELIMIT_CONCURRENCY_MAX + 1;
	assert_null(ratelimit_gate_new(base, &o, &err));
	assert_string_equal(err.code, "BadConcurrency");

	g = ratelimit_gate_new(base, NULL, &err);
	ratelimit_gate_stats(g, &gs);
	assert_int_equal(gs.max_concurrency, RATELIMIT_CONCURRENCY_DEFAULT);
	ratelimit_throttled(g, TR_FAST);
	ratelimit_throttled(g, TR_FAST);
	ratelimit_throttled(
	    g, "111122223333/us-east-1/securityhub.GetFindings");
	assert_null(ratelimit_wait(g, "", tr_admit_cb, NULL, &err));
	assert_string_equal(err.code, "BadRateKey");

	memset(&st, 0, sizeof st);
	ratelimit_gate_keys(g, tr_stat_cb, &st);
	assert_int_equal(st.n, 2);
	assert_true(tr_near(st.rate[0], 25.0 / 4)); /* 50 x 0.5, halved twice */
	assert_true(tr_near(st.rate[1], 0.75));
	ratelimit_gate_free(g);
	ratelimit_gate_free(NULL);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket_burst),
		cmocka_unit_test(test_bucket_steady),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_aimd),
		cmocka_unit_test(test_gate_fifo),
		cmocka_unit_test(test_gate_concurrency),
		cmocka_unit_test(test_gate_fairness),
		cmocka_unit_test(test_gate_cancel),
		cmocka_unit_test(test_gate_free),
		cmocka_unit_test(test_gate_pacing),
		cmocka_unit_test(test_gate_throttled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
