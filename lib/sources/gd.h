/*
 * gd.h: one GuardDuty poll of one target (account x region): list the
 * detectors, list the active findings at or above a severity (all pages),
 * get them in batches of at most 50, count all active findings by severity
 * band, and hand over a complete snapshot, or an error and nothing.
 */
#ifndef SECMON_GD_H
#define SECMON_GD_H

#include <stddef.h>

#include "util.h"

#define GD_MAX_FINDINGS 100000 /* findings in one snapshot */
#define GD_MAX_PAGES 10000     /* pages of one listing */
#define GD_BATCH 50            /* GetFindings ids per call (API maximum) */
#define GD_MAX_DETECTORS 16    /* detectors per region (AWS allows one) */
/* Severity groups per statistics answer (API maximum; a full one may be cut).
 */
#define GD_STATS_GROUPS 100
#define GD_MAX_COUNT 1000000000LL /* findings in one severity group */

enum gd_band {
	GD_LOW,      /* 1.0-3.9 (and anything below) */
	GD_MEDIUM,   /* 4.0-6.9 */
	GD_HIGH,     /* 7.0-8.9 */
	GD_CRITICAL, /* 9.0-10.0 */
	GD_NBANDS,
};

struct aws;
struct endpoint;
struct gd_poll;

struct gd_finding {
	char *id;
	char *type;
	char *title;
	char *account_id;
	char *region;
	char *updated_at;
	double severity;
	long long count;
};

struct gd_snapshot {
	struct gd_finding *findings;
	size_t n;
	size_t ndetectors; /* 0: GuardDuty is not enabled here */
	/* Active (non-archived) findings of every detector by band, whatever
	 * their severity: GetFindingsStatistics, not the findings above. */
	long long counts[GD_NBANDS];
	unsigned calls; /* API calls it took */
};

/* snap is NULL on error (err says why); both are valid only during the call. */
typedef void (*gd_done_cb)(
    const struct gd_snapshot *snap, const struct sm_err *err, void *arg);

/*
 * Start a poll; done runs later, from the loop, never from inside this call.
 * NULL with err if it can't.
 */
struct gd_poll *gd_poll_start(struct aws *, const struct endpoint *,
    double min_severity, gd_done_cb, void *arg, struct sm_err *err);
/* Stop a poll in flight; its callback is not called. */
void gd_poll_cancel(struct gd_poll *);

/* Severity band: "low", "medium", "high", "critical" (GuardDuty's scale). */
const char *gd_severity_band(double severity);
/* The same as an index of gd_snapshot.counts. */
enum gd_band gd_band_of(double severity);
/* The name of a band: "low", ... */
const char *gd_band_name(enum gd_band);

#endif
