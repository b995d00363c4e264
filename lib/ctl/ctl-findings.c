/*
 * ctl-findings.c: the "findings" command: the active GuardDuty findings
 * secmond watches (at or above min_severity), worst first.
 */
#include "conf.h"
#include "ctl.h"
#include "state.h"

static const struct ctl_arg ctl_findings_args[] = {
	{ "account", CTL_ARG_STRING, 0 },
	{ "min_severity", CTL_ARG_NUMBER, 0 },
	{ "region", CTL_ARG_STRING, 0 },
	{ NULL, 0, 0 },
};

static enum ctl_ret
ctl_findings_exec(struct ctl_ctx *ctx, const struct ctl_peer *peer,
    json_t *args, json_t **data, struct sm_err *err)
{
	json_t *min = json_object_get(args, "min_severity");
	double sev = min != NULL ? json_number_value(min)
				 : ctx->conf->guardduty.min_severity;

	(void)peer;
	if (sev < 0 || sev > 10) {
		sm_err_set(err, "bad_args", "min_severity: 0 to 10");
		return CTL_ERROR;
	}
	*data = json_pack("{s:f,s:o}", "min_severity", sev, "findings",
	    state_gd_findings_json(ctx->state, sev,
		json_string_value(json_object_get(args, "account")),
		json_string_value(json_object_get(args, "region"))));
	return CTL_DONE;
}

const struct ctl_cmd ctl_cmd_findings = {
	.name = "findings",
	.usage = "findings [min_severity=S] [account=A] [region=R]",
	.help = "active GuardDuty findings, worst first",
	.args = ctl_findings_args,
	.flags = 0,
	.exec = ctl_findings_exec,
};
