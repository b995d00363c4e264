/*
 * conf-task.c: the maintenance calendar's keys: [task NAME] schedule (a
 * calendar expression, checked by parsing it), [maintenance] timezone (a
 * zone of the system's database), and the checks of every task once all
 * files are read: what it must have, sinks that exist, grace only where
 * someone acknowledges.
 */
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "conf.h"
#include "conf-int.h"

#define CONF_MAX_SCHEDULE 256 /* bytes in a calendar expression */

/* A calendar expression secmond can evaluate. */
int
conf_parse_schedule(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	struct calendar *cal;

	if (strlen(v) > CONF_MAX_SCHEDULE)
		return sm_err_set(
		    err, "conf", "longer than %d bytes", CONF_MAX_SCHEDULE);
	if ((cal = calendar_parse(v, err)) == NULL)
		return -1;
	calendar_free(cal);
	conf_set_str(CONF_FIELD(base, k, char *), v);
	return 0;
}

/* A time zone of the system's database, like Europe/Berlin. */
int
conf_parse_timezone(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	if (calendar_zone_check(v, err) == -1)
		return -1;
	conf_set_str(CONF_FIELD(base, k, char *), v);
	return 0;
}

/* A task must say what, when and how; NULL fields are errors. */
static void
conf_check_task_needs(struct conf_ctx *ctx, size_t i)
{
	const struct conf_task *t = &ctx->conf->tasks[i];
	static const char *const keys[] = { "title", "schedule", "action" };
	const int set[] = { t->title != NULL, t->schedule != NULL,
		t->action != CONF_ACTION_NONE };
	size_t k;

	for (k = 0; k < CONF_NELEM(keys); k++) {
		if (!set[k] && conf_at(ctx, "task", i, keys[k]) == NULL)
			conf_error(ctx, "%s:%u: [task %s] has no %s", t->file,
			    t->line, t->name, keys[k]);
	}
}

void
conf_check_tasks(struct conf_ctx *ctx)
{
	const struct conf *c = ctx->conf;
	const struct conf_task *t;
	const struct conf_at *at;
	size_t i, j, k;

	for (i = 0; i < c->ntasks; i++) {
		t = &c->tasks[i];
		conf_check_task_needs(ctx, i);
		if (t->action != CONF_ACTION_NONE &&
		    t->action != CONF_ACTION_MANUAL &&
		    (at = conf_at(ctx, "task", i, "grace")) != NULL)
			conf_error(ctx,
			    "%s:%u: grace: [task %s] is an automated review "
			    "(%s); only manual tasks take grace",
			    at->file, at->line, t->name,
			    conf_action_name(t->action));
		for (k = 0; k < t->nsinks; k++) {
			for (j = 0; j < c->nsinks; j++)
				if (strcmp(c->sinks[j].name, t->sinks[k]) == 0)
					break;
			if (j < c->nsinks)
				continue;
			at = conf_at(ctx, "task", i, "sinks");
			conf_error(ctx,
			    "%s:%u: sinks: [task %s] names '%s', which is not "
			    "a [sink NAME] of the config",
			    at != NULL ? at->file : t->file,
			    at != NULL ? at->line : t->line, t->name,
			    t->sinks[k]);
		}
	}
}
