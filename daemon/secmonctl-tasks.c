/*
 * secmonctl-tasks.c: the maintenance calendar for people: the tasks table
 * (schedule, next run, last run, last ack, due or overdue), the history of
 * runs and acks, one digest in full, and the answers of run and ack; the
 * words these commands take. ack and run send the user name of the
 * caller's uid along (the daemon records the uid itself).
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "secmonctl.h"
#include "util.h"

/* The caller's user name, as the audit trail shows it beside the uid. */
static void
cli_add_user(json_t *args)
{
	struct passwd *pw = getpwuid(geteuid());

	if (pw != NULL && pw->pw_name != NULL)
		json_object_set_new(args, "user", json_string(pw->pw_name));
}

/* ack TASK, run TASK: one word, the task. */
int
cli_args_task(const struct cli_cmd *cmd, int argc, char **argv, json_t *args)
{
	json_t *s;

	if (argc != 1 || (s = json_string(argv[0])) == NULL) {
		fprintf(stderr, "secmonctl: usage: %s\n", cmd->usage);
		return -1;
	}
	json_object_set_new(args, "task", s);
	cli_add_user(args);
	return 0;
}

/* history [TASK] */
int
cli_args_history(const struct cli_cmd *cmd, int argc, char **argv, json_t *args)
{
	json_t *s;

	if (argc > 1 || (argc == 1 && (s = json_string(argv[0])) == NULL)) {
		fprintf(stderr, "secmonctl: usage: %s\n", cmd->usage);
		return -1;
	}
	if (argc == 1)
		json_object_set_new(args, "task", s);
	return 0;
}

/* digest TASK|RUN: a number is a run, anything else a task. */
int
cli_args_digest(const struct cli_cmd *cmd, int argc, char **argv, json_t *args)
{
	char *end;
	long long id;
	json_t *s;

	if (argc != 1) {
		fprintf(stderr, "secmonctl: usage: %s\n", cmd->usage);
		return -1;
	}
	id = strtoll(argv[0], &end, 10);
	if (*argv[0] != '\0' && *end == '\0' && id > 0)
		json_object_set_new(args, "run", json_integer(id));
	else if ((s = json_string(argv[0])) != NULL)
		json_object_set_new(args, "task", s);
	else {
		fprintf(stderr, "secmonctl: usage: %s\n", cmd->usage);
		return -1;
	}
	return 0;
}

/* --limit N: 1 to 1000. */
json_t *
cli_value_limit(const struct cli_opt *o, const char *s)
{
	char *end;
	long long n = strtoll(s, &end, 10);

	if (*s != '\0' && *end == '\0' && n >= 1 && n <= 1000)
		return json_integer(n);
	fprintf(stderr, "secmonctl: --%s: a number from 1 to 1000\n", o->name);
	return NULL;
}

/* "overdue", "due", or "-" for a task. */
static char *
cli_task_state(json_t *t)
{
	if (json_is_true(json_object_get(t, "running")))
		return xstrdup("running");
	if (json_is_true(json_object_get(t, "overdue")))
		return xstrdup(
		    json_integer_value(json_object_get(t, "overdue_level")) > 1
			? "OVERDUE!"
			: "overdue");
	if (json_is_true(json_object_get(t, "due")))
		return xstrdup("due");
	return xstrdup("-");
}

/* "2h ago ok", or NULL */
static char *
cli_task_last(json_t *run, time_t now)
{
	char *when = cli_when(run, "started", now, 0), *res, *out;

	if (when == NULL)
		return NULL;
	res = cli_str(run, "result");
	xasprintf(&out, "%s %s", when, res != NULL ? res : "-");
	free(when);
	free(res);
	return out;
}

static char *
cli_task_ack(json_t *ack, time_t now)
{
	char *when = cli_when(ack, "at", now, 0), *who, *out;

	if (when == NULL)
		return NULL;
	who = cli_str(ack, "user");
	if (who == NULL)
		xasprintf(&who, "uid %lld",
		    (long long)json_integer_value(json_object_get(ack, "uid")));
	xasprintf(&out, "%s by %s", when, who);
	free(when);
	free(who);
	return out;
}

void
cli_render_tasks(const char *socket, json_t *data)
{
	static const char *const head[] = { "TASK", "ACTION", "SCHEDULE",
		"NEXT RUN", "LAST RUN", "LAST ACK", "STATE", "TITLE" };
	struct cli_table *t = cli_table_new(8);
	json_t *task, *tz = json_object_get(data, "timezone");
	time_t now = time(NULL);
	char *cells[8];
	size_t i;

	(void)socket;
	if (!json_is_true(json_object_get(data, "enabled")))
		printf("maintenance calendar: off ([maintenance] enabled = "
		       "no)\n");
	else
		printf("maintenance calendar: %zu tasks, time zone %s\n",
		    json_array_size(json_object_get(data, "tasks")),
		    json_is_string(tz) ? json_string_value(tz) : "of the host");
	cli_table_head(t, head);
	json_array_foreach(json_object_get(data, "tasks"), i, task)
	{
		cells[0] = cli_str(task, "id");
		cells[1] = cli_str(task, "action");
		cells[2] = cli_str(task, "normalized");
		cells[3] = cli_when(task, "next_run", now, 1);
		cells[4] =
		    cli_task_last(json_object_get(task, "last_run"), now);
		cells[5] = cli_task_ack(json_object_get(task, "last_ack"), now);
		cells[6] = cli_task_state(task);
		cells[7] = cli_str(task, "title");
		cli_table_row(t, cells);
	}
	cli_table_print(t, cli_term_width());
	cli_table_free(t);
}

void
cli_render_history(const char *socket, json_t *data)
{
	static const char *const rhead[] = { "RUN", "TASK", "STARTED",
		"TRIGGER", "BY", "RESULT", "SUMMARY" };
	static const char *const ahead[] = { "ACK", "TASK", "AT", "BY", "WAS",
		"NOTE" };
	struct cli_table *t = cli_table_new(7);
	json_t *r;
	char *cells[7], *by;
	size_t i;

	(void)socket;
	cli_table_head(t, rhead);
	json_array_foreach(json_object_get(data, "runs"), i, r)
	{
		cells[0] = cli_int(r, "id", "");
		cells[1] = cli_str(r, "task");
		cells[2] = cli_str(r, "started");
		cells[3] = cli_str(r, "trigger");
		by = cli_str(r, "by_user");
		cells[4] = by != NULL ? by : cli_int(r, "by_uid", "");
		cells[5] = cli_str(r, "result");
		cells[6] = json_is_string(json_object_get(r, "error"))
		    ? cli_str(r, "error")
		    : cli_str(r, "summary");
		cli_table_row(t, cells);
	}
	cli_table_print(t, cli_term_width());
	cli_table_free(t);
	putchar('\n');
	t = cli_table_new(6);
	cli_table_head(t, ahead);
	json_array_foreach(json_object_get(data, "acks"), i, r)
	{
		cells[0] = cli_int(r, "id", "");
		cells[1] = cli_str(r, "task");
		cells[2] = cli_str(r, "at");
		by = cli_str(r, "user");
		xasprintf(&cells[3], "%s (uid %lld)", by != NULL ? by : "?",
		    (long long)json_integer_value(json_object_get(r, "uid")));
		free(by);
		cells[4] = xstrdup(json_is_true(json_object_get(r, "overdue"))
			? "overdue"
			: json_is_string(json_object_get(r, "due")) ? "due"
								    : "early");
		cells[5] = cli_str(r, "note");
		cli_table_row(t, cells);
	}
	cli_table_print(t, cli_term_width());
	cli_table_free(t);
}

/* A text of several lines: each line escaped, the line breaks kept. */
static void
cli_print_lines(const char *text)
{
	char *copy = xstrdup(text), *line, *next, *e;

	for (line = copy; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (next == NULL && *line == '\0')
			break;
		e = cli_escape(line);
		printf("%s\n", e);
		free(e);
	}
	free(copy);
}

void
cli_render_digest(const char *socket, json_t *data)
{
	char *task = cli_str(data, "task"), *started = cli_str(data, "started");
	char *summary = cli_str(data, "summary");
	const char *text = json_string_value(json_object_get(data, "digest"));
	char *err = cli_str(data, "error");

	(void)socket;
	printf("run %lld of %s, %s\n%s\n",
	    (long long)json_integer_value(json_object_get(data, "id")),
	    task != NULL ? task : "-", started != NULL ? started : "-",
	    summary != NULL ? summary : "");
	if (err != NULL)
		printf("error: %s\n", err);
	if (text != NULL) {
		putchar('\n');
		cli_print_lines(text);
	}
	free(task);
	free(started);
	free(summary);
	free(err);
}

void
cli_render_run(const char *socket, json_t *data)
{
	char *task = cli_str(data, "task"), *summary = cli_str(data, "summary");

	(void)socket;
	if (json_is_true(json_object_get(data, "running")))
		printf("%s: started; its digest follows when it ends "
		       "(secmonctl digest %s)\n",
		    task, task);
	else
		printf("%s: run %lld: %s\n", task,
		    (long long)json_integer_value(json_object_get(data, "run")),
		    summary != NULL ? summary : "-");
	free(task);
	free(summary);
}

void
cli_render_ack(const char *socket, json_t *data)
{
	char *task = cli_str(data, "task");

	(void)socket;
	if (json_is_true(json_object_get(data, "was_overdue")))
		printf("%s: acknowledged; it was overdue (the alert is "
		       "resolved)\n",
		    task);
	else if (json_is_true(json_object_get(data, "was_due")))
		printf("%s: acknowledged\n", task);
	else
		printf("%s: acknowledged (it was not due: recorded as done "
		       "early)\n",
		    task);
	free(task);
}
