/*
 * ctl-alerts.c: the "alerts" command: the latest alert events (what was
 * raised, for which sinks it is still pending) and each sink's delivery
 * state.
 */
#include "ctl.h"
#include "outbox.h"
#include "state.h"

#define CTL_ALERTS_DEFAULT 50 /* events shown */
#define CTL_ALERTS_MAX 1000

static const struct ctl_arg ctl_alerts_args[] = {
	{ "limit", CTL_ARG_INT, 0 },
	{ NULL, 0, 0 },
};

static enum ctl_ret
ctl_alerts_exec(struct ctl_ctx *ctx, const struct ctl_peer *peer, json_t *args,
    json_t **data, struct sm_err *err)
{
	json_t *l = json_object_get(args, "limit");
	json_int_t limit =
	    l != NULL ? json_integer_value(l) : CTL_ALERTS_DEFAULT;

	(void)peer;
	if (limit < 1 || limit > CTL_ALERTS_MAX) {
		sm_err_set(err, "bad_args", "limit: 1 to %d", CTL_ALERTS_MAX);
		return CTL_ERROR;
	}
	*data = json_pack("{s:o,s:o}", "sinks", outbox_status_json(ctx->outbox),
	    "alerts", state_alerts_json(ctx->state, (size_t)limit));
	return CTL_DONE;
}

const struct ctl_cmd ctl_cmd_alerts = {
	.name = "alerts",
	.usage = "alerts [limit=N]",
	.help = "the latest alerts and what is pending for each sink",
	.args = ctl_alerts_args,
	.flags = 0,
	.exec = ctl_alerts_exec,
};
