/*
 * ctl-status.c: the "status" command: version, uptime, config, each
 * target's last poll and finding counts, and the alerts written.
 */
#include <unistd.h>

#include "ctl.h"
#include "monitor.h"
#include "outbox.h"
#include "state.h"

static enum ctl_ret
ctl_status_exec(struct ctl_ctx *ctx, const struct ctl_peer *peer, json_t *args,
    json_t **data, struct sm_err *err)
{
	char started[32];
	time_t now = time(NULL);

	(void)peer;
	(void)args;
	(void)err;
	sm_iso8601(ctx->started, started, sizeof started);
	*data = json_pack("{s:s,s:I,s:s,s:I,s:s,s:o,s:o,s:{s:I}}", "version",
	    SECMON_VERSION, "pid", (json_int_t)getpid(), "started_at", started,
	    "uptime_sec", (json_int_t)(now - ctx->started), "config",
	    ctx->config_path, "accounts",
	    monitor_accounts_status_json(ctx->monitor), "sources",
	    monitor_status_json(ctx->monitor), "alerts", "emitted",
	    (json_int_t)state_alerts_total(ctx->state));
	json_object_set_new(*data, "sinks", outbox_status_json(ctx->outbox));
	return CTL_DONE;
}

const struct ctl_cmd ctl_cmd_status = {
	.name = "status",
	.usage = "status",
	.help = "show the daemon, each source's last poll and finding counts",
	.args = NULL,
	.flags = 0,
	.exec = ctl_status_exec,
};
