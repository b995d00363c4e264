/*
 * ctl-test-alert.c: the "test-alert" command: queue a test notification
 * for one sink (or every sink), delivered like any alert.
 */
#include "ctl.h"
#include "outbox.h"

static const struct ctl_arg ctl_test_alert_args[] = {
	{ "sink", CTL_ARG_STRING, 0 },
	{ NULL, 0, 0 },
};

static enum ctl_ret
ctl_test_alert_exec(struct ctl_ctx *ctx, const struct ctl_peer *peer,
    json_t *args, json_t **data, struct sm_err *err)
{
	const char *sink = json_string_value(json_object_get(args, "sink"));
	unsigned n;

	(void)peer;
	if (outbox_test(ctx->outbox, sink, &n, err) == -1)
		return CTL_ERROR;
	*data = json_pack("{s:I}", "queued", (json_int_t)n);
	return CTL_DONE;
}

const struct ctl_cmd ctl_cmd_test_alert = {
	.name = "test-alert",
	.usage = "test-alert [sink=NAME]",
	.help = "send a test notification through one sink, or all",
	.args = ctl_test_alert_args,
	.flags = CTL_ADMIN,
	.exec = ctl_test_alert_exec,
};
