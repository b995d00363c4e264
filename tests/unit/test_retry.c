/*
 * test_retry.c: the standard retry mode's arithmetic: the quota through an
 * outage and its refunds, the retry decision, the backoff's bounds and
 * doubling, and the retry-after hint parser.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <math.h>
#include <stdlib.h>

#include <cmocka.h>

#include "retry.h"

#define TR_SEED 20240229L /* fixed seed of the random delay loop */
#define TR_ROUNDS 100000  /* random delays drawn */

/* One request failing every attempt; returns the tokens it took. */
static unsigned
tr_failing_request(struct retry_quota *q, unsigned max_attempts, int timeout)
{
	unsigned attempt, cost = 0, retries = 0;

	for (attempt = 1;; attempt++) {
		if (!retry_should(q, attempt, max_attempts, 1, timeout, &cost))
			break;
		retries++;
	}
	assert_true(retries < max_attempts);
	assert_int_equal(
	    cost, retries * (timeout ? RETRY_COST_TIMEOUT : RETRY_COST));
	return cost;
}

static void
test_retry_quota_outage(void **state)
{
	struct retry_quota q;
	unsigned i, spent = 0, last = 0;

	(void)state;
	retry_quota_init(&q);
	assert_int_equal(retry_quota_available(&q), 500);

	/* 1000 requests, 3 attempts each, all failing: 100 retries. */
	for (i = 0; i < 1000; i++) {
		last = tr_failing_request(&q, 3, 0);
		spent += last;
	}
	assert_int_equal(spent, 500);
	assert_int_equal(retry_quota_available(&q), 0);
	assert_int_equal(last, 0);
	assert_int_equal(q.retries, 100);
	assert_int_equal(q.refused, 1000 - 50);

	/* Timeouts cost 10: 50 retries. */
	retry_quota_init(&q);
	spent = 0;
	for (i = 0; i < 1000; i++)
		spent += tr_failing_request(&q, 3, 1);
	assert_int_equal(spent, 500);
	assert_int_equal(q.retries, 50);
	assert_int_equal(retry_quota_available(&q), 0);

	/* A mix with 5 attempts never spends past 500 either. */
	retry_quota_init(&q);
	spent = 0;
	for (i = 0; i < 1000; i++)
		spent += tr_failing_request(&q, 5, i % 3 == 0);
	assert_true(spent <= 500);
	assert_int_equal(spent + retry_quota_available(&q), 500);
	assert_true(retry_quota_available(&q) < RETRY_COST_TIMEOUT);
	/* Then nothing more is retried. */
	assert_int_equal(tr_failing_request(&q, 5, 1), 0);
}

static void
test_retry_quota_refunds(void **state)
{
	struct retry_quota q;
	unsigned cost = 0, i;

	(void)state;
	retry_quota_init(&q);

	/* Success at full quota stays at the cap. */
	retry_success(&q, 0, 1);
	assert_int_equal(retry_quota_available(&q), 500);

	/* One retry, then success: the 5 come back. */
	assert_true(retry_should(&q, 1, 3, 1, 0, &cost));
	assert_int_equal(cost, 5);
	assert_int_equal(retry_quota_available(&q), 495);
	retry_success(&q, cost, 2);
	assert_int_equal(retry_quota_available(&q), 500);

	/* A timeout retry and a plain one: 15 taken, 15 refunded. */
	cost = 0;
	assert_true(retry_should(&q, 1, 3, 1, 1, &cost));
	assert_true(retry_should(&q, 2, 3, 1, 0, &cost));
	assert_int_equal(cost, 15);
	assert_int_equal(retry_quota_available(&q), 485);
	retry_success(&q, cost, 3);
	assert_int_equal(retry_quota_available(&q), 500);

	/* A failed request keeps what it took; first-try successes refund 1. */
	cost = 0;
	assert_true(retry_should(&q, 1, 3, 1, 1, &cost));
	assert_true(retry_should(&q, 2, 3, 1, 0, &cost));
	assert_false(retry_should(&q, 3, 3, 1, 0, &cost));
	assert_int_equal(retry_quota_available(&q), 485);
	for (i = 0; i < 15; i++)
		retry_success(&q, 0, 1);
	assert_int_equal(retry_quota_available(&q), 500);
	retry_success(&q, 0, 1);
	assert_int_equal(retry_quota_available(&q), 500);

	/* Refunds cap at 500 however large. */
	cost = 0;
	assert_true(retry_should(&q, 1, 3, 1, 0, &cost));
	retry_success(&q, 4000000000u, 2);
	assert_int_equal(retry_quota_available(&q), 500);

	/* Drained: nothing, then a success lets one retry through again. */
	q.tokens = 4;
	cost = 0;
	assert_false(retry_should(&q, 1, 3, 1, 0, &cost));
	assert_int_equal(cost, 0);
	retry_success(&q, 0, 1);
	assert_true(retry_should(&q, 1, 3, 1, 0, &cost));
	assert_int_equal(retry_quota_available(&q), 0);
	assert_false(retry_should(&q, 1, 3, 1, 1, &cost));
}

static void
test_retry_should(void **state)
{
	struct retry_quota q;
	unsigned cost = 0;

	(void)state;
	retry_quota_init(&q);
	/* Not retryable, or out of attempts: no, and nothing is taken. */
	assert_false(retry_should(&q, 1, 3, 0, 0, &cost));
	assert_false(retry_should(&q, 3, 3, 1, 0, &cost));
	assert_false(retry_should(&q, 4, 3, 1, 0, &cost));
	assert_false(retry_should(&q, 1, 1, 1, 0, &cost));
	assert_false(retry_should(&q, 1, 0, 1, 0, &cost));
	assert_int_equal(cost, 0);
	assert_int_equal(retry_quota_available(&q), 500);
	assert_int_equal(q.refused, 0);
	/* Attempts 1 and 2 of 3 may retry. */
	assert_true(retry_should(&q, 1, 3, 1, 0, &cost));
	assert_true(retry_should(&q, 2, 3, 1, 0, &cost));
	assert_int_equal(cost, 10);
	/* Timeout costs 10 and needs 10. */
	q.tokens = 9;
	cost = 0;
	assert_false(retry_should(&q, 1, 3, 1, 1, &cost));
	assert_true(retry_should(&q, 1, 3, 1, 0, &cost));
	assert_int_equal(q.tokens, 4);
	assert_int_equal(q.refused, 1);
}

static void
test_retry_delay(void **state)
{
	uint64_t d, ceiling;
	unsigned n, i;
	double r;

	(void)state;
	/* Base 1 s, cap 20 s: ceilings 1, 2, 4, 8, 16, 20, 20, ... s. */
	for (n = 1; n <= 10; n++) {
		ceiling = 1000ull << (n - 1);
		if (ceiling > 20000)
			ceiling = 20000;
		assert_int_equal(
		    retry_delay_ms(n, 1000, 20000, 0.5), ceiling / 2);
		assert_int_equal(retry_delay_ms(n, 1000, 20000, 0.0), 0);
		d = retry_delay_ms(n, 1000, 20000, 0.999999);
		assert_true(d < ceiling);
		assert_true(d >= ceiling - ceiling / 1000 - 1);
	}
	/* Attempt 0 reads as 1. */
	assert_int_equal(retry_delay_ms(0, 1000, 20000, 0.5), 500);
	/* Out-of-range random numbers are clamped. */
	assert_int_equal(retry_delay_ms(2, 1000, 20000, 1.0), 1999);
	assert_int_equal(retry_delay_ms(2, 1000, 20000, 7.0), 1999);
	assert_int_equal(retry_delay_ms(2, 1000, 20000, -0.5), 0);
	assert_int_equal(retry_delay_ms(2, 1000, 20000, NAN), 0);
	/* No overflow: huge attempts and bases stay at the cap. */
	assert_int_equal(retry_delay_ms(64, 1000, 20000, 0.5), 10000);
	assert_int_equal(retry_delay_ms(65, 1000, 20000, 0.5), 10000);
	assert_int_equal(retry_delay_ms(UINT32_MAX, 1000, 20000, 0.5), 10000);
	assert_int_equal(retry_delay_ms(40, UINT64_MAX, 20000, 0.5), 10000);
	assert_int_equal(
	    retry_delay_ms(1, UINT64_MAX, UINT64_MAX, 1.0), UINT64_MAX - 1);
	assert_true(retry_delay_ms(200, 1, UINT64_MAX, 0.999) < UINT64_MAX);
	/* Base 0 or cap 0: no delay. */
	assert_int_equal(retry_delay_ms(3, 0, 20000, 0.5), 0);
	assert_int_equal(retry_delay_ms(3, 1000, 0, 0.5), 0);
	/* The 50 ms base of the new retries. */
	assert_int_equal(retry_delay_ms(3, 50, 20000, 0.5), 100);

	srand48(TR_SEED);
	for (i = 0; i < TR_ROUNDS; i++) {
		n = 1 + (unsigned)(lrand48() % 12);
		r = drand48();
		ceiling = 1000ull << (n - 1);
		if (ceiling > 20000)
			ceiling = 20000;
		d = retry_delay_ms(n, 1000, 20000, r);
		assert_true(d < ceiling);
		assert_true((double)d <= r * (double)ceiling);
		assert_true((double)d > r * (double)ceiling - 1.0);
	}
}

static void
test_retry_after(void **state)
{
	static const char *const bad[] = {
		"",
		" ",
		"-1",
		"+5",
		"1.5",
		"5s",
		"0x10",
		"1 2",
		"abc",
		"Wed, 21 Oct 2015 07:28:00 GMT",
		"١٢",
	};
	uint64_t v;
	size_t i;

	(void)state;
	assert_int_equal(retry_after_ms(NULL, NULL, &v), -1);
	assert_int_equal(retry_after_ms("1500", NULL, &v), 0);
	assert_int_equal(v, 1500);
	assert_int_equal(retry_after_ms("0", NULL, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(retry_after_ms(NULL, "2", &v), 0);
	assert_int_equal(v, 2000);
	assert_int_equal(retry_after_ms(NULL, " \t3 ", &v), 0);
	assert_int_equal(v, 3000);
	/* x-amz-retry-after wins; a bad one falls back to Retry-After. */
	assert_int_equal(retry_after_ms("250", "7", &v), 0);
	assert_int_equal(v, 250);
	assert_int_equal(retry_after_ms("soon", "7", &v), 0);
	assert_int_equal(v, 7000);
	/* Capped at 20 s, however many digits. */
	assert_int_equal(retry_after_ms("20001", NULL, &v), 0);
	assert_int_equal(v, 20000);
	assert_int_equal(
	    retry_after_ms("99999999999999999999999999", NULL, &v), 0);
	assert_int_equal(v, 20000);
	assert_int_equal(retry_after_ms(NULL, "30", &v), 0);
	assert_int_equal(v, 20000);
	assert_int_equal(retry_after_ms(NULL, "18446744073709551616", &v), 0);
	assert_int_equal(v, 20000);
	assert_int_equal(retry_after_ms(NULL, "20", &v), 0);
	assert_int_equal(v, 20000);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		v = 12345;
		assert_int_equal(retry_after_ms(bad[i], bad[i], &v), -1);
		assert_int_equal(v, 12345);
	}

	/* A lower bound on the delay, never a reduction. */
	assert_int_equal(retry_delay_hinted(100, "2000", NULL), 2000);
	assert_int_equal(retry_delay_hinted(5000, NULL, "1"), 5000);
	assert_int_equal(retry_delay_hinted(100, NULL, "60"), 20000);
	assert_int_equal(retry_delay_hinted(100, "later", "never"), 100);
	assert_int_equal(retry_delay_hinted(100, NULL, NULL), 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retry_quota_outage),
		cmocka_unit_test(test_retry_quota_refunds),
		cmocka_unit_test(test_retry_should),
		cmocka_unit_test(test_retry_delay),
		cmocka_unit_test(test_retry_after),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
