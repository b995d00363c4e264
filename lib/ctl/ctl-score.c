/*
 * ctl-score.c: the "score" command: Security Hub's score per standard and
 * overall for each target, the change since the previous poll, the
 * checklist's maturity levels beside the configured target, and with
 * "history" the series behind the trend.
 */
#include "conf.h"
#include "ctl.h"
#include "state.h"

#define CTL_SCORE_POINTS 60 /* history points per standard */

static const struct ctl_arg ctl_score_args[] = {
	{ "account", CTL_ARG_STRING, 0 },
	{ "history", CTL_ARG_BOOL, 0 },
	{ "region", CTL_ARG_STRING, 0 },
	{ NULL, 0, 0 },
};

static enum ctl_ret
ctl_score_exec(struct ctl_ctx *ctx, const struct ctl_peer *peer, json_t *args,
    json_t **data, struct sm_err *err)
{
	const char *account =
	    json_string_value(json_object_get(args, "account"));
	const char *region = json_string_value(json_object_get(args, "region"));
	int history = json_is_true(json_object_get(args, "history"));

	(void)peer;
	(void)err;
	*data = json_pack("{s:f,s:[{s:i,s:i},{s:i,s:i},{s:i,s:i}],s:o}",
	    "score_target", ctx->conf->securityhub.score_target, "levels",
	    "level", 1, "score", 37, "level", 2, "score", 75, "level", 3,
	    "score", 90, "targets",
	    state_scores_json(
		ctx->state, account, region, history, CTL_SCORE_POINTS));
	return CTL_DONE;
}

const struct ctl_cmd ctl_cmd_score = {
	.name = "score",
	.usage = "score [history=true] [account=A] [region=R]",
	.help = "Security Hub scores per standard and overall, with the change "
		"and maturity levels",
	.args = ctl_score_args,
	.flags = 0,
	.exec = ctl_score_exec,
};
