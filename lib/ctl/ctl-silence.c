/*
 * ctl-silence.c: the silence commands: "silence-add" (matchers, a duration
 * and a comment; admin), "silence-list" and "silence-expire" (admin). Who
 * made or expired a silence is recorded from the peer's credentials.
 */
#include <string.h>

#include "ctl.h"
#include "state.h"

#define CTL_SILENCE_MAX_SEC (90ULL * 86400) /* the longest silence */

static const struct ctl_arg ctl_silence_add_args[] = {
	{ "account", CTL_ARG_STRING, 0 },
	{ "comment", CTL_ARG_STRING, 1 },
	{ "for", CTL_ARG_STRING, 1 },
	{ "kind", CTL_ARG_STRING, 0 },
	{ "region", CTL_ARG_STRING, 0 },
	{ "severity", CTL_ARG_STRING, 0 },
	{ "subject", CTL_ARG_STRING, 0 },
	{ NULL, 0, 0 },
};

static enum ctl_ret
ctl_silence_add_exec(struct ctl_ctx *ctx, const struct ctl_peer *peer,
    json_t *args, json_t **data, struct sm_err *err)
{
	const char *dur = json_string_value(json_object_get(args, "for"));
	const char *comment =
	    json_string_value(json_object_get(args, "comment"));
	json_t *m = json_deep_copy(args);
	time_t now = time(NULL);
	uint64_t secs;
	long long id;

	json_object_del(m, "for");
	json_object_del(m, "comment");
	if (sm_duration_parse(dur, &secs) == -1 || secs == 0 ||
	    secs > CTL_SILENCE_MAX_SEC)
		sm_err_set(err, "bad_args",
		    "for: a duration up to 90d, like "
		    "2h or 30m");
	else if (strlen(comment) == 0 || strlen(comment) > 1024)
		sm_err_set(err, "bad_args", "comment: 1 to 1024 characters");
	else if (state_silence_check(m, err) == 0 &&
	    state_silence_add(ctx->state, m, now, now + (time_t)secs, comment,
		(long long)peer->uid, &id, err) == 0) {
		*data =
		    json_pack("{s:I,s:O}", "id", (json_int_t)id, "matchers", m);
		json_decref(m);
		return CTL_DONE;
	}
	json_decref(m);
	return CTL_ERROR;
}

const struct ctl_cmd ctl_cmd_silence_add = {
	.name = "silence-add",
	.usage = "silence-add for=2h comment=TEXT [kind=K] [severity=S] "
		 "[account=A] [region=R] [subject=PATTERN]",
	.help = "silence the alerts that match, for a while",
	.args = ctl_silence_add_args,
	.flags = CTL_ADMIN,
	.exec = ctl_silence_add_exec,
};

static const struct ctl_arg ctl_silence_list_args[] = {
	{ "all", CTL_ARG_BOOL, 0 },
	{ NULL, 0, 0 },
};

static enum ctl_ret
ctl_silence_list_exec(struct ctl_ctx *ctx, const struct ctl_peer *peer,
    json_t *args, json_t **data, struct sm_err *err)
{
	(void)peer;
	(void)err;
	*data = json_pack("{s:o}", "silences",
	    state_silences_json(ctx->state, time(NULL),
		json_is_true(json_object_get(args, "all"))));
	return CTL_DONE;
}

const struct ctl_cmd ctl_cmd_silence_list = {
	.name = "silence-list",
	.usage = "silence-list [all=true]",
	.help = "list the active silences (all: also expired ones)",
	.args = ctl_silence_list_args,
	.flags = 0,
	.exec = ctl_silence_list_exec,
};

static const struct ctl_arg ctl_silence_expire_args[] = {
	{ "id", CTL_ARG_INT, 1 },
	{ NULL, 0, 0 },
};

static enum ctl_ret
ctl_silence_expire_exec(struct ctl_ctx *ctx, const struct ctl_peer *peer,
    json_t *args, json_t **data, struct sm_err *err)
{
	json_int_t id = json_integer_value(json_object_get(args, "id"));

	if (state_silence_expire(ctx->state, (long long)id,
		(long long)peer->uid, time(NULL), err) == -1)
		return CTL_ERROR;
	*data = json_pack("{s:I}", "expired", id);
	return CTL_DONE;
}

const struct ctl_cmd ctl_cmd_silence_expire = {
	.name = "silence-expire",
	.usage = "silence-expire id=N",
	.help = "end a silence now",
	.args = ctl_silence_expire_args,
	.flags = CTL_ADMIN,
	.exec = ctl_silence_expire_exec,
};
