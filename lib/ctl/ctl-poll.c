/*
 * ctl-poll.c: the "poll" command: poll every target (or one source's) now,
 * without waiting for its timer.
 */
#include <string.h>

#include "ctl.h"
#include "monitor.h"

static const struct ctl_arg ctl_poll_args[] = {
	{ "source", CTL_ARG_STRING, 0 },
	{ NULL, 0, 0 },
};

static enum ctl_ret
ctl_poll_exec(struct ctl_ctx *ctx, const struct ctl_peer *peer, json_t *args,
    json_t **data, struct sm_err *err)
{
	const char *source = json_string_value(json_object_get(args, "source"));
	unsigned n;

	(void)peer;
	if (source != NULL && !monitor_known_source(source)) {
		sm_err_set(err, "bad_args",
		    "unknown source '%s' (known: "
		    "guardduty, securityhub, cloudwatch)",
		    source);
		return CTL_ERROR;
	}
	n = monitor_poll_now(ctx->monitor, source);
	*data = json_pack("{s:I}", "started", (json_int_t)n);
	return CTL_DONE;
}

const struct ctl_cmd ctl_cmd_poll = {
	.name = "poll",
	.usage = "poll [source]",
	.help = "poll every target (or one source's) now",
	.args = ctl_poll_args,
	.flags = CTL_ADMIN,
	.exec = ctl_poll_exec,
};
