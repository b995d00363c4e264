/*
 * retry.h: the SDKs' "standard" retry mode as arithmetic: the per-client
 * retry quota, the decision to retry, the capped exponential backoff with
 * full jitter, and the server's retry-after hint. Pure: the caller brings
 * the clock and the random numbers; classification stays in aws.c
 * (aws_is_retryable).
 */
#ifndef SECMON_RETRY_H
#define SECMON_RETRY_H

#include <stdint.h>

#define RETRY_QUOTA_MAX 500      /* tokens, initial and cap, per client */
#define RETRY_COST 5             /* tokens one retry takes */
#define RETRY_COST_TIMEOUT 10    /* ... after a connect or read timeout */
#define RETRY_REFUND_NO_RETRY 1  /* tokens a first-try success returns */
#define RETRY_AFTER_MAX_MS 20000 /* cap on a server's retry-after hint */

/*
 * The retry quota of one client. An outage spends it (at most
 * RETRY_QUOTA_MAX tokens), then nothing is retried until successes refill
 * it. Embed it and retry_quota_init it; no other state, no clean-up.
 */
struct retry_quota {
	unsigned tokens;  /* available now, 0..RETRY_QUOTA_MAX */
	uint64_t retries; /* retries granted, for status */
	uint64_t refused; /* retries refused for want of tokens */
};

void retry_quota_init(struct retry_quota *);

/* Tokens available now (for status). */
unsigned retry_quota_available(const struct retry_quota *);

/*
 * Attempt number attempt (1-based) of a request failed: retry it? Yes (1)
 * if retryable, attempt < max_attempts and the quota holds the cost
 * (RETRY_COST, or RETRY_COST_TIMEOUT if timeout_kind: a connect or read
 * timeout); the cost is then taken from the quota and added to
 * *cost_taken, the request's running total (start it at 0). Else 0, and
 * the request ends with its failure: what it took is not refunded.
 */
int retry_should(struct retry_quota *, unsigned attempt, unsigned max_attempts,
    int retryable, int timeout_kind, unsigned *cost_taken);

/*
 * A request succeeded after attempts attempts, having taken cost_taken
 * from retry_should: refund RETRY_REFUND_NO_RETRY if it was the first
 * attempt, else cost_taken (the whole request's cost, where botocore
 * refunds only its last retry's), never past RETRY_QUOTA_MAX.
 */
void retry_success(
    struct retry_quota *, unsigned cost_taken, unsigned attempts);

/*
 * The delay after failed attempt attempt (1-based; 0 reads as 1):
 * rand01 * min(base_ms * 2^(attempt-1), cap_ms), rand01 in [0,1) (out of
 * range or NaN is clamped). Never overflows; always < the capped ceiling
 * unless that is 0.
 */
uint64_t retry_delay_ms(
    unsigned attempt, uint64_t base_ms, uint64_t cap_ms, double rand01);

/*
 * The server's hint, from the x-amz-retry-after (milliseconds) or the
 * Retry-After (delta seconds) header value, either may be NULL; the first
 * well-formed one wins (digits, optional blanks around). HTTP-date
 * Retry-After values are ignored (that would need the clock). 0 and *out
 * capped at RETRY_AFTER_MAX_MS, or -1 if neither is usable.
 */
int retry_after_ms(
    const char *amz_retry_after, const char *retry_after, uint64_t *out);

/*
 * The delay to use: delay_ms, raised to the server's hint (if any, per
 * retry_after_ms) as a lower bound.
 */
uint64_t retry_delay_hinted(
    uint64_t delay_ms, const char *amz_retry_after, const char *retry_after);

#endif
