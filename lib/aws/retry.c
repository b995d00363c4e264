/*
 * retry.c: the standard retry mode's quota, decision, backoff and
 * retry-after hint. Pure: no clock, no randomness, no logging, no
 * allocation; aws.c owns the timers and the random numbers.
 */
#include <stddef.h>
#include <stdint.h>

#include "retry.h"

void
retry_quota_init(struct retry_quota *q)
{
	q->tokens = RETRY_QUOTA_MAX;
	q->retries = 0;
	q->refused = 0;
}

unsigned
retry_quota_available(const struct retry_quota *q)
{
	return q->tokens;
}

int
retry_should(struct retry_quota *q, unsigned attempt, unsigned max_attempts,
    int retryable, int timeout_kind, unsigned *cost_taken)
{
	unsigned cost = timeout_kind ? RETRY_COST_TIMEOUT : RETRY_COST;

	if (!retryable || attempt >= max_attempts)
		return 0;
	if (q->tokens < cost) {
		q->refused++;
		return 0;
	}
	q->tokens -= cost;
	q->retries++;
	*cost_taken += cost;
	return 1;
}

void
retry_success(struct retry_quota *q, unsigned cost_taken, unsigned attempts)
{
	unsigned refund = attempts <= 1 ? RETRY_REFUND_NO_RETRY : cost_taken;

	if (refund >= RETRY_QUOTA_MAX - q->tokens)
		q->tokens = RETRY_QUOTA_MAX;
	else
		q->tokens += refund;
}

uint64_t
retry_delay_ms(
    unsigned attempt, uint64_t base_ms, uint64_t cap_ms, double rand01)
{
	unsigned shift = attempt > 1 ? attempt - 1 : 0;
	uint64_t ceiling, ms;

	/* base << shift stays <= cap_ms, so it cannot overflow. */
	if (shift >= 64 || base_ms > (cap_ms >> shift))
		ceiling = cap_ms;
	else
		ceiling = base_ms << shift;
	if (ceiling == 0 || !(rand01 > 0.0)) /* also NaN */
		return 0;
	if (rand01 >= 1.0)
		return ceiling - 1;
	ms = (uint64_t)(rand01 * (double)ceiling);
	return ms < ceiling ? ms : ceiling - 1;
}

/* Parse digits with optional blanks around, saturating at limit + 1. */
static int
retry_parse_uint(const char *s, uint64_t limit, uint64_t *out)
{
	uint64_t v = 0;
	int digits = 0;

	if (s == NULL)
		return -1;
	while (*s == ' ' || *s == '\t')
		s++;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (v <= limit)
			v = v * 10 + (uint64_t)(*s - '0');
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (digits == 0 || *s != '\0')
		return -1;
	*out = v;
	return 0;
}

int
retry_after_ms(
    const char *amz_retry_after, const char *retry_after, uint64_t *out)
{
	uint64_t v;

	if (retry_parse_uint(amz_retry_after, RETRY_AFTER_MAX_MS, &v) == 0) {
		*out = v < RETRY_AFTER_MAX_MS ? v : RETRY_AFTER_MAX_MS;
		return 0;
	}
	if (retry_parse_uint(retry_after, RETRY_AFTER_MAX_MS / 1000, &v) == 0) {
		v *= 1000;
		*out = v < RETRY_AFTER_MAX_MS ? v : RETRY_AFTER_MAX_MS;
		return 0;
	}
	return -1;
}

uint64_t
retry_delay_hinted(
    uint64_t delay_ms, const char *amz_retry_after, const char *retry_after)
{
	uint64_t hint;

	if (retry_after_ms(amz_retry_after, retry_after, &hint) == 0 &&
	    hint > delay_ms)
		return hint;
	return delay_ms;
}
