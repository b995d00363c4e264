/*
 * monitor-sh.c: Security Hub as a monitor source: poll the score (per
 * standard and overall, as the console computes it), keep it in the score
 * history with the controls, and describe the target's scores in status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "monitor-int.h"
#include "score.h"
#include "sh.h"
#include "state.h"

static int
monitor_sh_enabled(const struct conf *c)
{
	return c->securityhub.enabled;
}

static uint64_t
monitor_sh_interval(const struct conf *c)
{
	return c->securityhub.interval;
}

static uint64_t
monitor_sh_blind_after(const struct conf *c)
{
	return c->securityhub.blind_after;
}

static const char *
monitor_sh_endpoint_url(const struct conf *c)
{
	return c->securityhub.endpoint_url;
}

static void
monitor_sh_counts(struct state_score *o, const char *std, const char *name,
    const struct score_counts *c)
{
	o->standard = std;
	o->name = name;
	o->score = c->score;
	o->passed = (int)c->passed;
	o->failed = (int)c->failed;
	o->unknown = (int)c->unknown;
	o->no_data = (int)c->no_data;
	o->disabled = (int)c->disabled;
}

/* The standards a control is in, as a JSON array text (caller frees). */
static char *
monitor_sh_standards(
    const struct score_result *r, const struct score_control *c)
{
	json_t *a = json_array();
	char *s;
	size_t i;

	for (i = 0; i < r->nstandards; i++)
		if (c->in_std[i] != SCORE_ST_NONE)
			json_array_append_new(
			    a, json_string(r->standards[i].name));
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

static int
monitor_sh_apply(struct monitor_target *t, const struct sh_snapshot *snap,
    uint64_t ms, struct sm_err *err)
{
	const struct score_result *r = &snap->score;
	struct state_score *sc = xcalloc(r->nstandards + 1, sizeof *sc);
	struct state_control *ct = xcalloc(r->ncontrols + 1, sizeof *ct);
	struct state_sh_rules rules;
	size_t i;
	int rc;

	monitor_sh_counts(&sc[0], STATE_OVERALL, "overall", &r->overall);
	for (i = 0; i < r->nstandards; i++)
		monitor_sh_counts(&sc[i + 1], r->standards[i].arn,
		    r->standards[i].name, &r->standards[i].c);
	for (i = 0; i < r->ncontrols; i++) {
		ct[i].id = r->controls[i].control_id;
		ct[i].title = snap->info[i].title;
		ct[i].severity = snap->info[i].severity;
		ct[i].status = score_status_name(r->controls[i].status);
		ct[i].failed_resources = (int)r->controls[i].failed_resources;
		ct[i].standards = monitor_sh_standards(r, &r->controls[i]);
	}
	rules.target = t->mon->conf->securityhub.score_target;
	rules.drop = t->mon->conf->securityhub.score_drop;
	rules.baseline = t->mon->conf->securityhub.baseline;
	rules.min_severity = t->mon->conf->securityhub.control_min_severity;
	rc = state_apply_sh(t->mon->state, t->account, t->region, sc,
	    snap->hub_enabled ? r->nstandards + 1 : 0, ct, r->ncontrols, &rules,
	    t->started, ms, err);
	for (i = 0; i < r->ncontrols; i++)
		free((char *)(uintptr_t)ct[i].standards);
	free(ct);
	free(sc);
	return rc;
}

static void
monitor_sh_done_cb(
    const struct sh_snapshot *snap, const struct sm_err *err, void *arg)
{
	struct monitor_target *t = arg;
	uint64_t ms = sm_mono_ms() - t->started_ms;
	struct sm_err serr;
	char what[200];

	t->poll = NULL;
	if (snap == NULL) {
		monitor_poll_done(t, err, NULL);
		return;
	}
	if (monitor_sh_apply(t, snap, ms, &serr) == -1) {
		monitor_poll_done(t, &serr, NULL);
		return;
	}
	if (!snap->hub_enabled)
		snprintf(what, sizeof what, "Security Hub is not enabled");
	else
		snprintf(what, sizeof what,
		    "overall score %.1f, %zu standards, "
		    "%zu findings, %u calls",
		    snap->score.overall.score, snap->score.nstandards,
		    snap->findings, snap->calls);
	monitor_poll_done(t, NULL, what);
}

static void *
monitor_sh_start(struct monitor_target *t, struct sm_err *err)
{
	return sh_poll_start(t->acct->aws, &t->ep, monitor_sh_done_cb, t, err);
}

static void
monitor_sh_cancel(void *poll)
{
	sh_poll_cancel(poll);
}

/* The latest overall score of the target, or -1. */
static double
monitor_sh_overall(struct monitor_target *t, json_t **stds)
{
	json_t *all = state_scores_json(
		   t->mon->state, t->account, t->region, 0, 0),
	       *std;
	double score = -1;
	size_t i;

	*stds = json_array();
	json_array_foreach(
	    json_object_get(json_array_get(all, 0), "standards"), i, std)
	{
		if (strcmp(json_string_value(json_object_get(std, "standard")),
			STATE_OVERALL) == 0 &&
		    json_is_real(json_object_get(std, "score")))
			score = json_real_value(json_object_get(std, "score"));
		json_array_append(*stds, std);
	}
	json_decref(all);
	return score;
}

static void
monitor_sh_status(struct monitor_target *t, json_t *o)
{
	json_t *stds;
	double s = monitor_sh_overall(t, &stds);

	json_object_set_new(o, "score", s >= 0 ? json_real(s) : json_null());
	json_object_set_new(o, "score_target",
	    json_real(t->mon->conf->securityhub.score_target));
	json_object_set_new(o, "standards", stds);
}

static void
monitor_sh_summary(struct monitor_target *t, char *buf, size_t len)
{
	json_t *stds;
	double s = monitor_sh_overall(t, &stds);

	if (s >= 0)
		snprintf(buf, len,
		    "overall score %.1f (target %.0f), %zu "
		    "standards",
		    s, t->mon->conf->securityhub.score_target,
		    json_array_size(stds) > 0 ? json_array_size(stds) - 1 : 0);
	else
		snprintf(buf, len,
		    "no score (Security Hub not enabled, or no "
		    "control findings)");
	json_decref(stds);
}

const struct monitor_source monitor_src_securityhub = {
	.name = "securityhub",
	.prefix = "securityhub",
	.enabled = monitor_sh_enabled,
	.interval = monitor_sh_interval,
	.blind_after = monitor_sh_blind_after,
	.endpoint_url = monitor_sh_endpoint_url,
	.start = monitor_sh_start,
	.cancel = monitor_sh_cancel,
	.status = monitor_sh_status,
	.summary = monitor_sh_summary,
};
