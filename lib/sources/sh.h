/*
 * sh.h: one Security Hub (CSPM) poll of one target (account x region):
 * DescribeHub for the control finding mode, GetEnabledStandards (READY
 * ones), the active unsuppressed control findings (all pages),
 * BatchGetStandardsControlAssociations for disabled pairs, then the
 * console's score (score.h). A complete snapshot, or an error and nothing.
 */
#ifndef SECMON_SH_H
#define SECMON_SH_H

#include <stddef.h>

#include "score.h"
#include "util.h"

#define SH_MAX_FINDINGS 200000 /* control findings in one snapshot */
#define SH_PAGE 100            /* GetFindings MaxResults (API maximum) */
#define SH_MAX_PAGES (SH_MAX_FINDINGS / SH_PAGE + 100) /* of one listing */
#define SH_BATCH 100 /* association pairs per batchGet call */
#define SH_MAX_STANDARDS SCORE_MAX_STANDARDS /* enabled standards kept */
#define SH_MAX_ID 512     /* bytes of an id or ARN in an answer */
#define SH_MAX_TITLE 1024 /* bytes of a control title */
#define SH_MAX_TOKEN 8192 /* bytes of a NextToken */

struct aws;
struct endpoint;
struct sh_poll;

/* What the score does not say about a control; borrowed pointers. */
struct sh_control_info {
	const char *title;    /* the findings' Title, "" if none */
	const char *severity; /* highest Severity.Label seen, "" if none */
};

struct sh_snapshot {
	int hub_enabled;  /* 0: not subscribed; the score is empty */
	int consolidated; /* ControlFindingGenerator SECURITY_CONTROL */
	struct score_result score; /* per standard, overall, controls */
	const struct sh_control_info *info; /* [score.ncontrols] */
	size_t incomplete; /* INCOMPLETE subscriptions, left out */
	unsigned calls;    /* API calls it took */
	size_t findings;   /* control findings read */
	size_t skipped;    /* findings without a control id, left out */
};

/* snap is NULL on error (err says why); both are valid only during the call. */
typedef void (*sh_done_cb)(
    const struct sh_snapshot *snap, const struct sm_err *err, void *arg);

/*
 * Start a poll; done runs later, from the loop, never from here. NULL with
 * err if it can't start.
 */
struct sh_poll *sh_poll_start(struct aws *, const struct endpoint *,
    sh_done_cb done, void *arg, struct sm_err *err);
/* Stop a poll in flight; its callback is not called. NULL is a no-op. */
void sh_poll_cancel(struct sh_poll *);

#endif
