/*
 * monitor-cw.c: CloudWatch alarms as a monitor source: poll the watched
 * alarms (prefix, names or all), record their states and the transitions
 * between them, and describe the target's alarms in status.
 */
#include <stdio.h>
#include <stdlib.h>

#include "conf.h"
#include "cw.h"
#include "monitor-int.h"
#include "state.h"

static int
monitor_cw_enabled(const struct conf *c)
{
	return c->cloudwatch.enabled;
}

static uint64_t
monitor_cw_interval(const struct conf *c)
{
	return c->cloudwatch.interval;
}

static uint64_t
monitor_cw_blind_after(const struct conf *c)
{
	return c->cloudwatch.blind_after;
}

static const char *
monitor_cw_endpoint_url(const struct conf *c)
{
	return c->cloudwatch.endpoint_url;
}

/* The snapshot's alarms as state sees them (borrowed strings). */
static struct state_alarm *
monitor_cw_alarms(const struct cw_snapshot *snap)
{
	struct state_alarm *a = xcalloc(snap->n + 1, sizeof *a);
	const struct cw_alarm *c;
	size_t i;

	for (i = 0; i < snap->n; i++) {
		c = &snap->alarms[i];
		a[i].arn = c->arn;
		a[i].name = c->name;
		a[i].type = c->type == CW_COMPOSITE ? "composite" : "metric";
		a[i].state = cw_state_name(c->state);
		a[i].reason = c->reason;
		a[i].transitioned = c->transitioned.sec != 0
		    ? c->transitioned.sec
		    : c->updated.sec;
	}
	return a;
}

static void
monitor_cw_done_cb(
    const struct cw_snapshot *snap, const struct sm_err *err, void *arg)
{
	struct monitor_target *t = arg;
	uint64_t ms = sm_mono_ms() - t->started_ms;
	struct state_alarm *alarms;
	struct sm_err serr;
	unsigned ntrans;
	char what[128];
	int rc;

	t->poll = NULL;
	if (snap == NULL) {
		monitor_poll_done(t, err, NULL);
		return;
	}
	alarms = monitor_cw_alarms(snap);
	rc = state_apply_cw(t->mon->state, t->account, t->region, alarms,
	    snap->n, t->started, ms, &ntrans, &serr);
	free(alarms);
	if (rc == -1) {
		monitor_poll_done(t, &serr, NULL);
		return;
	}
	snprintf(what, sizeof what, "%zu alarms, %u transitions, %u calls",
	    snap->n, ntrans, snap->calls);
	monitor_poll_done(t, NULL, what);
}

static void *
monitor_cw_start(struct monitor_target *t, struct sm_err *err)
{
	const struct conf_cloudwatch *c = &t->mon->conf->cloudwatch;
	struct cw_filter f = { c->alarm_prefix,
		(const char *const *)c->alarm_names, c->nalarm_names };

	return cw_poll_start(
	    t->acct->aws, &t->ep, &f, monitor_cw_done_cb, t, err);
}

static void
monitor_cw_cancel(void *poll)
{
	cw_poll_cancel(poll);
}

static void
monitor_cw_status(struct monitor_target *t, json_t *o)
{
	long long c[3];

	state_cw_counts(t->mon->state, t->account, t->region, c);
	json_object_set_new(o, "alarms",
	    json_pack("{s:I,s:I,s:I,s:I}", "ok", (json_int_t)c[0], "alarm",
		(json_int_t)c[1], "insufficient_data", (json_int_t)c[2],
		"total", (json_int_t)(c[0] + c[1] + c[2])));
}

static void
monitor_cw_summary(struct monitor_target *t, char *buf, size_t len)
{
	long long c[3];

	state_cw_counts(t->mon->state, t->account, t->region, c);
	snprintf(buf, len,
	    "%lld alarms (ALARM %lld, OK %lld, "
	    "INSUFFICIENT_DATA %lld)",
	    c[0] + c[1] + c[2], c[1], c[0], c[2]);
}

const struct monitor_source monitor_src_cloudwatch = {
	.name = "cloudwatch",
	.prefix = "monitoring",
	.enabled = monitor_cw_enabled,
	.interval = monitor_cw_interval,
	.blind_after = monitor_cw_blind_after,
	.endpoint_url = monitor_cw_endpoint_url,
	.start = monitor_cw_start,
	.cancel = monitor_cw_cancel,
	.status = monitor_cw_status,
	.summary = monitor_cw_summary,
};
