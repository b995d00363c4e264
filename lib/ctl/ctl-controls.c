/*
 * ctl-controls.c: the "controls" command: Security Hub controls of the
 * last complete poll, failing ones first, worst severity first.
 */
#include "ctl.h"
#include "state.h"

static const struct ctl_arg ctl_controls_args[] = {
	{ "account", CTL_ARG_STRING, 0 },
	{ "failed", CTL_ARG_BOOL, 0 },
	{ "region", CTL_ARG_STRING, 0 },
	{ NULL, 0, 0 },
};

static enum ctl_ret
ctl_controls_exec(struct ctl_ctx *ctx, const struct ctl_peer *peer,
    json_t *args, json_t **data, struct sm_err *err)
{
	(void)peer;
	(void)err;
	*data = json_pack("{s:o}", "controls",
	    state_controls_json(ctx->state,
		json_string_value(json_object_get(args, "account")),
		json_string_value(json_object_get(args, "region")),
		json_is_true(json_object_get(args, "failed"))));
	return CTL_DONE;
}

const struct ctl_cmd ctl_cmd_controls = {
	.name = "controls",
	.usage = "controls [failed=true] [account=A] [region=R]",
	.help = "Security Hub controls, failing and worst first",
	.args = ctl_controls_args,
	.flags = 0,
	.exec = ctl_controls_exec,
};
