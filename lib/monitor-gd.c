/*
 * monitor-gd.c: GuardDuty as a monitor source: start a poll with the
 * configured threshold, apply the complete snapshot to state in one
 * transaction, flush the alerts it raised, and describe the target's
 * findings in status.
 */
#include <stdio.h>

#include "conf.h"
#include "gd.h"
#include "log.h"
#include "monitor-int.h"
#include "state.h"

static int
monitor_gd_enabled(const struct conf *c)
{
	return c->guardduty.enabled;
}

static uint64_t
monitor_gd_interval(const struct conf *c)
{
	return c->guardduty.interval;
}

static uint64_t
monitor_gd_blind_after(const struct conf *c)
{
	return c->guardduty.blind_after;
}

static const char *
monitor_gd_endpoint_url(const struct conf *c)
{
	return c->guardduty.endpoint_url;
}

static void
monitor_gd_done_cb(
    const struct gd_snapshot *snap, const struct sm_err *err, void *arg)
{
	struct monitor_target *t = arg;
	uint64_t ms = sm_mono_ms() - t->started_ms;
	struct sm_err serr;
	unsigned nalerts;
	char what[256];

	t->poll = NULL;
	if (snap == NULL) {
		monitor_poll_done(t, err, NULL);
		return;
	}
	if (state_apply_gd(t->mon->state, t->account, t->region, snap,
		t->started, ms, &nalerts, &serr) == -1) {
		monitor_poll_done(t, &serr, NULL);
		return;
	}
	snprintf(what, sizeof what, "%zu findings, %u new alerts, %u calls%s",
	    snap->n, nalerts, snap->calls,
	    snap->ndetectors == 0 ? " (GuardDuty is not enabled: no "
				    "detector)"
				  : "");
	if (state_gd_put_stats(t->mon->state, t->account, t->region,
		snap->counts, t->started, &serr) == -1)
		log_warnx("state: %s", serr.msg);
	monitor_poll_done(t, NULL, what);
}

static void *
monitor_gd_start(struct monitor_target *t, struct sm_err *err)
{
	return gd_poll_start(t->acct->aws, &t->ep,
	    t->mon->conf->guardduty.min_severity, monitor_gd_done_cb, t, err);
}

static void
monitor_gd_cancel(void *poll)
{
	gd_poll_cancel(poll);
}

static void
monitor_gd_status(struct monitor_target *t, json_t *o)
{
	long long c[4];

	/* GetFindingsStatistics: every active finding, not only those
	 * at or above min_severity; before the first poll, what is stored. */
	if (state_gd_stats(t->mon->state, t->account, t->region, c) == -1)
		state_gd_counts(t->mon->state, t->account, t->region, c);
	json_object_set_new(o, "findings",
	    json_pack("{s:I,s:I,s:I,s:I,s:I}", "low", (json_int_t)c[0],
		"medium", (json_int_t)c[1], "high", (json_int_t)c[2],
		"critical", (json_int_t)c[3], "total",
		(json_int_t)(c[0] + c[1] + c[2] + c[3])));
	json_object_set_new(
	    o, "min_severity", json_real(t->mon->conf->guardduty.min_severity));
}

static void
monitor_gd_summary(struct monitor_target *t, char *buf, size_t len)
{
	long long c[4];

	if (state_gd_stats(t->mon->state, t->account, t->region, c) == -1)
		state_gd_counts(t->mon->state, t->account, t->region, c);
	snprintf(buf, len,
	    "%lld active findings (low %lld, medium %lld, "
	    "high %lld, critical %lld)",
	    c[0] + c[1] + c[2] + c[3], c[0], c[1], c[2], c[3]);
}

const struct monitor_source monitor_src_guardduty = {
	.name = "guardduty",
	.prefix = "guardduty",
	.enabled = monitor_gd_enabled,
	.interval = monitor_gd_interval,
	.blind_after = monitor_gd_blind_after,
	.endpoint_url = monitor_gd_endpoint_url,
	.start = monitor_gd_start,
	.cancel = monitor_gd_cancel,
	.status = monitor_gd_status,
	.summary = monitor_gd_summary,
};
