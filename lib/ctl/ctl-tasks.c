/*
 * ctl-tasks.c: the maintenance calendar's commands: "tasks" (each task's
 * schedule, next run, last run and ack, due or overdue), "history" (the
 * audit trail of runs and acknowledgements), "digest" (one run in full),
 * "run" (a task now; admin) and "ack" (a manual task done; admin, with
 * the peer's uid from SO_PEERCRED and the user name its client gives).
 */
#include <string.h>

#include "ctl.h"
#include "state.h"
#include "tasks.h"

#define CTL_HISTORY_MAX 1000 /* runs or acks in one answer */
#define CTL_NOTE_MAX 1024    /* bytes of an ack's note */
#define CTL_USER_MAX 64      /* bytes of a user name */

static int
ctl_tasks_ready(struct ctl_ctx *ctx, struct sm_err *err)
{
	if (ctx->tasks != NULL)
		return 0;
	sm_err_set(
	    err, "unavailable", "the maintenance calendar is not running");
	return -1;
}

static enum ctl_ret
ctl_tasks_exec(struct ctl_ctx *ctx, const struct ctl_peer *peer, json_t *args,
    json_t **data, struct sm_err *err)
{
	(void)peer;
	(void)args;
	if (ctl_tasks_ready(ctx, err) == -1)
		return CTL_ERROR;
	*data = tasks_status_json(ctx->tasks);
	return CTL_DONE;
}

const struct ctl_cmd ctl_cmd_tasks = {
	.name = "tasks",
	.usage = "tasks",
	.help = "the maintenance calendar: each task's schedule, runs, acks",
	.args = NULL,
	.flags = 0,
	.exec = ctl_tasks_exec,
};

static const struct ctl_arg ctl_history_args[] = {
	{ "limit", CTL_ARG_INT, 0 },
	{ "task", CTL_ARG_STRING, 0 },
	{ NULL, 0, 0 },
};

static enum ctl_ret
ctl_history_exec(struct ctl_ctx *ctx, const struct ctl_peer *peer, json_t *args,
    json_t **data, struct sm_err *err)
{
	const char *task = json_string_value(json_object_get(args, "task"));
	json_t *l = json_object_get(args, "limit");
	json_int_t limit = l != NULL ? json_integer_value(l) : 50;

	(void)peer;
	if (limit < 1 || limit > CTL_HISTORY_MAX) {
		sm_err_set(err, "bad_args", "limit: 1 to %d", CTL_HISTORY_MAX);
		return CTL_ERROR;
	}
	*data = json_pack("{s:o,s:o}", "runs",
	    state_task_runs_json(ctx->state, task, (size_t)limit, 0), "acks",
	    state_task_acks_json(ctx->state, task, (size_t)limit));
	return CTL_DONE;
}

const struct ctl_cmd ctl_cmd_history = {
	.name = "history",
	.usage = "history [task=ID] [limit=N]",
	.help = "the audit trail: task runs and acknowledgements, newest first",
	.args = ctl_history_args,
	.flags = 0,
	.exec = ctl_history_exec,
};

static const struct ctl_arg ctl_digest_args[] = {
	{ "run", CTL_ARG_INT, 0 },
	{ "task", CTL_ARG_STRING, 0 },
	{ NULL, 0, 0 },
};

static enum ctl_ret
ctl_digest_exec(struct ctl_ctx *ctx, const struct ctl_peer *peer, json_t *args,
    json_t **data, struct sm_err *err)
{
	const char *task = json_string_value(json_object_get(args, "task"));
	json_t *run = json_object_get(args, "run"), *last;
	long long id = 0;

	(void)peer;
	if ((task == NULL) == (run == NULL)) {
		sm_err_set(err, "bad_args", "give task=ID or run=N");
		return CTL_ERROR;
	}
	if (run != NULL)
		id = json_integer_value(run);
	else {
		last = state_task_runs_json(ctx->state, task, 1, 0);
		id = json_integer_value(
		    json_object_get(json_array_get(last, 0), "id"));
		json_decref(last);
	}
	if (id <= 0 || (*data = state_task_run_json(ctx->state, id)) == NULL) {
		if (task != NULL)
			sm_err_set(
			    err, "not_found", "task %s has not run yet", task);
		else
			sm_err_set(err, "not_found", "no run %lld", id);
		return CTL_ERROR;
	}
	return CTL_DONE;
}

const struct ctl_cmd ctl_cmd_digest = {
	.name = "digest",
	.usage = "digest task=ID | run=N",
	.help = "one run of a task in full: its digest or reminder",
	.args = ctl_digest_args,
	.flags = 0,
	.exec = ctl_digest_exec,
};

/* The user name the client gave, if it is one. */
static const char *
ctl_user(json_t *args)
{
	const char *u = json_string_value(json_object_get(args, "user"));
	size_t i;

	if (u == NULL || *u == '\0' || strlen(u) > CTL_USER_MAX)
		return NULL;
	for (i = 0; u[i] != '\0'; i++)
		if ((unsigned char)u[i] <= 0x20 || u[i] == 0x7f)
			return NULL;
	return u;
}

static const struct ctl_arg ctl_run_args[] = {
	{ "task", CTL_ARG_STRING, 1 },
	{ "user", CTL_ARG_STRING, 0 },
	{ NULL, 0, 0 },
};

static enum ctl_ret
ctl_run_exec(struct ctl_ctx *ctx, const struct ctl_peer *peer, json_t *args,
    json_t **data, struct sm_err *err)
{
	struct tasks_who who = { (long long)peer->uid, ctl_user(args) };

	if (ctl_tasks_ready(ctx, err) == -1 ||
	    tasks_run(ctx->tasks,
		json_string_value(json_object_get(args, "task")), &who, data,
		err) == -1)
		return CTL_ERROR;
	return CTL_DONE;
}

const struct ctl_cmd ctl_cmd_run = {
	.name = "run",
	.usage = "run task=ID",
	.help = "run a task now: its review, or its reminder",
	.args = ctl_run_args,
	.flags = CTL_ADMIN,
	.exec = ctl_run_exec,
};

static const struct ctl_arg ctl_ack_args[] = {
	{ "note", CTL_ARG_STRING, 0 },
	{ "task", CTL_ARG_STRING, 1 },
	{ "user", CTL_ARG_STRING, 0 },
	{ NULL, 0, 0 },
};

static enum ctl_ret
ctl_ack_exec(struct ctl_ctx *ctx, const struct ctl_peer *peer, json_t *args,
    json_t **data, struct sm_err *err)
{
	struct tasks_who who = { (long long)peer->uid, ctl_user(args) };
	const char *note = json_string_value(json_object_get(args, "note"));

	if (note != NULL && strlen(note) > CTL_NOTE_MAX) {
		sm_err_set(
		    err, "bad_args", "note: at most %d bytes", CTL_NOTE_MAX);
		return CTL_ERROR;
	}
	if (ctl_tasks_ready(ctx, err) == -1 ||
	    tasks_ack(ctx->tasks,
		json_string_value(json_object_get(args, "task")), &who,
		note != NULL && *note != '\0' ? note : NULL, data, err) == -1)
		return CTL_ERROR;
	return CTL_DONE;
}

const struct ctl_cmd ctl_cmd_ack = {
	.name = "ack",
	.usage = "ack task=ID [note=TEXT]",
	.help = "acknowledge a manual task as done",
	.args = ctl_ack_args,
	.flags = CTL_ADMIN,
	.exec = ctl_ack_exec,
};
