/*
 * ctl-table.c: the daemon's command table, one entry per command, sorted
 * by name; each entry lives in lib/ctl/ctl-<name>.c.
 */
#include "ctl.h"

extern const struct ctl_cmd ctl_cmd_ack;
extern const struct ctl_cmd ctl_cmd_alarms;
extern const struct ctl_cmd ctl_cmd_alerts;
extern const struct ctl_cmd ctl_cmd_controls;
extern const struct ctl_cmd ctl_cmd_digest;
extern const struct ctl_cmd ctl_cmd_findings;
extern const struct ctl_cmd ctl_cmd_history;
extern const struct ctl_cmd ctl_cmd_poll;
extern const struct ctl_cmd ctl_cmd_run;
extern const struct ctl_cmd ctl_cmd_score;
extern const struct ctl_cmd ctl_cmd_silence_add;
extern const struct ctl_cmd ctl_cmd_silence_expire;
extern const struct ctl_cmd ctl_cmd_silence_list;
extern const struct ctl_cmd ctl_cmd_status;
extern const struct ctl_cmd ctl_cmd_tasks;
extern const struct ctl_cmd ctl_cmd_test_alert;

const struct ctl_cmd *const ctl_table[] = {
	&ctl_cmd_ack,
	&ctl_cmd_alarms,
	&ctl_cmd_alerts,
	&ctl_cmd_controls,
	&ctl_cmd_digest,
	&ctl_cmd_findings,
	&ctl_cmd_help,
	&ctl_cmd_history,
	&ctl_cmd_poll,
	&ctl_cmd_run,
	&ctl_cmd_score,
	&ctl_cmd_silence_add,
	&ctl_cmd_silence_expire,
	&ctl_cmd_silence_list,
	&ctl_cmd_status,
	&ctl_cmd_tasks,
	&ctl_cmd_test_alert,
	NULL,
};
