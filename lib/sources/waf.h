/*
 * waf.h: the WAF blocked-requests review of one target (account x region)
 * for the weekly digest: ListMetrics finds the web ACLs (AWS/WAFV2
 * BlockedRequests with Rule=ALL, every page), GetMetricData sums their
 * hourly blocked requests over the 7 days before `end` and the 7 days
 * before those (batches of at most 500 queries, every page). Handed over
 * as a complete report sorted by web ACL and region, or an error and
 * nothing.
 */
#ifndef SECMON_WAF_H
#define SECMON_WAF_H

#include <stddef.h>
#include <time.h>

#include "util.h"

#define WAF_NAMESPACE "AWS/WAFV2"
#define WAF_METRIC "BlockedRequests"
#define WAF_PERIOD 3600                       /* seconds per datapoint (Sum) */
#define WAF_WEEK (7 * 86400)                  /* seconds in one week */
#define WAF_SLOTS (2 * WAF_WEEK / WAF_PERIOD) /* datapoints per web ACL */
#define WAF_MAX_ACLS 10000                    /* web ACLs in one report */
#define WAF_LIST_PAGE 500         /* metrics in one ListMetrics page (AWS's) */
#define WAF_BATCH 500             /* queries per GetMetricData (API maximum) */
#define WAF_MAX_DATAPOINTS 100800 /* MaxDatapoints sent (API default) */
#define WAF_MAX_PAGES 10000       /* pages of one listing or one batch */
#define WAF_MAX_NAME 255          /* a dimension name, bytes */
#define WAF_MAX_VALUE 1024   /* a dimension value (WebACL, Region), bytes */
#define WAF_MAX_DIMS 30      /* dimensions of one metric */
#define WAF_MAX_TOKEN 4096   /* NextToken, bytes */
#define WAF_MAX_MESSAGES 100 /* Messages in one answer or one result */

struct aws;
struct endpoint;
struct waf_poll;

/* One web ACL: the metric with exactly WebACL, Rule=ALL [, Region]. */
struct waf_acl {
	char *web_acl;    /* the WebACL dimension (the ACL's metric name) */
	char *region;     /* the Region dimension; "" without (CloudFront) */
	double this_week; /* blocked requests in [middle, end) */
	double last_week; /* blocked requests in [start, middle) */
	unsigned points;  /* hourly datapoints summed, both weeks */
};

struct waf_report {
	struct waf_acl *acls; /* sorted by web_acl, then region; unique */
	size_t n;             /* 0: no WAF metrics at all (not an error) */
	time_t start;         /* end - 14 days */
	time_t middle;        /* end - 7 days */
	time_t end;           /* the caller's end, rounded down to the hour */
	unsigned calls;       /* API calls it took (both operations) */
	unsigned skipped;     /* Rule=ALL metrics that are no web ACL's total
				 (rule groups, managed rule groups, labels) */
	unsigned notes;       /* informational Messages of Complete results */
};

/*
 * report is NULL on error (err says why); both valid only during the
 * call. The poll is freed once done returns: never cancel it from there.
 */
typedef void (*waf_done_cb)(
    const struct waf_report *report, const struct sm_err *err, void *arg);

/*
 * The window of a review ending at end: end rounded down to the hour
 * into *end_out, *middle = that - 7 days, *start = that - 14 days.
 * -1 if end is not within 14 days after the epoch .. 9999-12-31.
 */
int waf_window(time_t end, time_t *start, time_t *middle, time_t *end_out);

/*
 * Start a review of the web ACLs behind ep (a CloudWatch endpoint: the
 * region's for regional ACLs, us-east-1 also lists CloudFront ones) over
 * the window of end (usually now). done runs later, from the loop, never
 * from inside this call. NULL with err if it can't start (a bad end, no
 * credentials).
 */
struct waf_poll *waf_poll_start(struct aws *, const struct endpoint *,
    time_t end, waf_done_cb, void *arg, struct sm_err *err);
/* Stop a review in flight; its callback is not called. NULL: no-op. */
void waf_poll_cancel(struct waf_poll *);

#endif
