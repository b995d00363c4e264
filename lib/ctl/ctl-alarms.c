/*
 * ctl-alarms.c: the "alarms" command: the watched CloudWatch alarms, their
 * state and since when (ALARM first), and the latest transitions.
 */
#include <string.h>

#include "ctl.h"
#include "state.h"

#define CTL_ALARMS_TRANSITIONS 50 /* latest transitions shown */

static const struct ctl_arg ctl_alarms_args[] = {
	{ "account", CTL_ARG_STRING, 0 },
	{ "region", CTL_ARG_STRING, 0 },
	{ "state", CTL_ARG_STRING, 0 },
	{ NULL, 0, 0 },
};

static enum ctl_ret
ctl_alarms_exec(struct ctl_ctx *ctx, const struct ctl_peer *peer, json_t *args,
    json_t **data, struct sm_err *err)
{
	const char *state = json_string_value(json_object_get(args, "state"));
	const char *account =
	    json_string_value(json_object_get(args, "account"));
	const char *region = json_string_value(json_object_get(args, "region"));

	(void)peer;
	if (state != NULL && strcmp(state, "OK") != 0 &&
	    strcmp(state, "ALARM") != 0 &&
	    strcmp(state, "INSUFFICIENT_DATA") != 0) {
		sm_err_set(err, "bad_args",
		    "state '%s': not OK, ALARM or "
		    "INSUFFICIENT_DATA",
		    state);
		return CTL_ERROR;
	}
	*data = json_pack("{s:o,s:o}", "alarms",
	    state_alarms_json(ctx->state, state, account, region),
	    "transitions",
	    state_transitions_json(
		ctx->state, account, region, CTL_ALARMS_TRANSITIONS));
	return CTL_DONE;
}

const struct ctl_cmd ctl_cmd_alarms = {
	.name = "alarms",
	.usage = "alarms [state=ALARM] [account=A] [region=R]",
	.help = "CloudWatch alarms, their state and since when",
	.args = ctl_alarms_args,
	.flags = 0,
	.exec = ctl_alarms_exec,
};
