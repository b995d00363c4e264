/*
 * ctl-help.c: the "help" command: the command table itself, so that
 * secmonctl's help always matches the daemon it talks to.
 */
#include "ctl.h"

static enum ctl_ret
ctl_help_exec(struct ctl_ctx *ctx, const struct ctl_peer *peer, json_t *args,
    json_t **data, struct sm_err *err)
{
	(void)ctx;
	(void)peer;
	(void)args;
	(void)err;
	*data = json_pack("{s:o}", "commands", ctl_help_json(ctl_table));
	return CTL_DONE;
}

const struct ctl_cmd ctl_cmd_help = {
	.name = "help",
	.usage = "help",
	.help = "list the commands this daemon understands",
	.args = NULL,
	.flags = 0,
	.exec = ctl_help_exec,
};
