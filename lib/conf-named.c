/*
 * conf-named.c: the sections that come once per NAME, [account NAME],
 * [sink NAME] and [task NAME]: what each kind is (its array in struct conf, its
 * defaults, how to free it), NAME checks, finding, adding and opening objects
 * as conf.c reads their headers; conf-check.c checks them at the end.
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "conf.h"
#include "conf-int.h"

_Static_assert(offsetof(struct conf_account, name) == 0 &&
	offsetof(struct conf_sink, name) == 0 &&
	offsetof(struct conf_task, name) == 0,
    "a named object starts with its name");

static void
conf_init_account(void *obj)
{
	struct conf_account *a = obj;

	a->duration = 3600;
	a->enabled = 1;
}

static void
conf_free_account(void *obj)
{
	struct conf_account *a = obj;

	free(a->role_arn);
	free(a->external_id);
	conf_free_regions(a->regions, a->nregions);
}

static void
conf_init_sink(void *obj)
{
	struct conf_sink *s = obj;

	s->min_severity = CONF_SEV_LOW;
	s->kinds = CONF_KIND_ALL;
	s->send_resolved = 1;
	s->facility = LOG_DAEMON;
	s->identifier = xstrdup("secmond");
	s->enabled = 1;
}

static void
conf_free_sink(void *obj)
{
	struct conf_sink *s = obj;

	free(s->topic_arn);
	free(s->topic_region);
	free(s->identifier);
}

static void
conf_init_task(void *obj)
{
	struct conf_task *t = obj;

	t->grace = 86400;
	t->enabled = 1;
}

static void
conf_free_task(void *obj)
{
	struct conf_task *t = obj;

	free(t->title);
	free(t->description);
	free(t->schedule);
	conf_free_names(t->sinks, t->nsinks);
}

const struct conf_named conf_named_account = {
	.type = "account",
	.id = 0,
	.max = CONF_MAX_ACCOUNTS,
	.size = sizeof(struct conf_account),
	.off_list = offsetof(struct conf, accounts),
	.off_n = offsetof(struct conf, naccounts),
	.off_line = offsetof(struct conf_account, line),
	.off_file = offsetof(struct conf_account, file),
	.init = conf_init_account,
	.free = conf_free_account,
};

const struct conf_named conf_named_sink = {
	.type = "sink",
	.id = 1,
	.max = CONF_MAX_SINKS,
	.size = sizeof(struct conf_sink),
	.off_list = offsetof(struct conf, sinks),
	.off_n = offsetof(struct conf, nsinks),
	.off_line = offsetof(struct conf_sink, line),
	.off_file = offsetof(struct conf_sink, file),
	.init = conf_init_sink,
	.free = conf_free_sink,
};

const struct conf_named conf_named_task = {
	.type = "task",
	.id = 2,
	.max = CONF_MAX_TASKS,
	.size = sizeof(struct conf_task),
	.off_list = offsetof(struct conf, tasks),
	.off_n = offsetof(struct conf, ntasks),
	.off_line = offsetof(struct conf_task, line),
	.off_file = offsetof(struct conf_task, file),
	.init = conf_init_task,
	.free = conf_free_task,
};

/* By id. */
const struct conf_named *const conf_named_kinds[CONF_NNAMED] = {
	&conf_named_account, &conf_named_sink, &conf_named_task
};

_Static_assert(CONF_MAX_ACCOUNT_NAME == CONF_MAX_SINK_NAME &&
	CONF_MAX_TASK_NAME == CONF_MAX_SINK_NAME,
    "conf_check_name has one length for all");

int
conf_check_name(
    const struct conf_named *kind, const char *s, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN];

	if (strlen(s) > CONF_MAX_ACCOUNT_NAME || !conf_only(s, CONF_NAME_CHARS))
		return sm_err_set(err, "conf",
		    "bad %s name '%s': 1 to %d letters, digits, '_', '.' or "
		    "'-'",
		    kind->type, conf_quote(s, q, sizeof q),
		    CONF_MAX_ACCOUNT_NAME);
	return 0;
}

/* Where the array of a kind is in c. */
static void **
conf_named_list(struct conf *c, const struct conf_named *kind)
{
	return (void **)((char *)c + kind->off_list);
}

size_t
conf_named_count(const struct conf *c, const struct conf_named *kind)
{
	return *(const size_t *)((const char *)c + kind->off_n);
}

void *
conf_named_obj(const struct conf *c, const struct conf_named *kind, size_t i)
{
	char *list = *(void *const *)((const char *)c + kind->off_list);

	return list + i * kind->size;
}

size_t
conf_named_find(
    const struct conf *c, const struct conf_named *kind, const char *name)
{
	size_t i, n = conf_named_count(c, kind);

	for (i = 0; i < n; i++) {
		if (strcmp(*(char **)conf_named_obj(c, kind, i), name) == 0)
			break;
	}
	return i;
}

int
conf_named_add(struct conf *c, const struct conf_named *kind, const char *name,
    const char *file, unsigned line)
{
	size_t *n = (size_t *)((char *)c + kind->off_n);
	void **list = conf_named_list(c, kind);
	char *obj;

	if (*n == kind->max)
		return -1;
	*list = xreallocarray(*list, *n + 1, kind->size);
	obj = (char *)*list + *n * kind->size;
	memset(obj, 0, kind->size);
	*(char **)obj = xstrdup(name);
	*(unsigned *)(obj + kind->off_line) = line;
	*(char **)(obj + kind->off_file) = xstrdup(file);
	kind->init(obj);
	return (int)(*n)++;
}

int
conf_named_open(
    struct conf_ctx *ctx, const struct conf_named *kind, const char *name)
{
	struct conf_file *cf = ctx->file;
	struct sm_err err;
	size_t i;
	int added;

	if (conf_check_name(kind, name, &err) == -1) {
		conf_lerror(ctx, "%s", err.msg);
		return -1;
	}
	i = conf_named_find(ctx->conf, kind, name);
	if (i < conf_named_count(ctx->conf, kind) &&
	    cf->named_line[kind->id][i] != 0) {
		conf_lerror(ctx, "duplicate section [%s %s] (first at line %u)",
		    kind->type, name, cf->named_line[kind->id][i]);
		return -1;
	}
	if (i == conf_named_count(ctx->conf, kind)) {
		added =
		    conf_named_add(ctx->conf, kind, name, cf->path, cf->lineno);
		if (added == -1) {
			conf_lerror(
			    ctx, "more than %zu %ss", kind->max, kind->type);
			return -1;
		}
	}
	cf->named_line[kind->id][i] = cf->lineno;
	memset(cf->named_first, 0, sizeof cf->named_first);
	ctx->named = i;
	return 0;
}

void
conf_named_free(struct conf *c)
{
	const struct conf_named *kind;
	char *obj;
	size_t i, k;

	for (k = 0; k < CONF_NNAMED; k++) {
		kind = conf_named_kinds[k];
		for (i = 0; i < conf_named_count(c, kind); i++) {
			obj = conf_named_obj(c, kind, i);
			kind->free(obj);
			free(*(char **)obj);
			free(*(char **)(obj + kind->off_file));
		}
		free(*conf_named_list(c, kind));
	}
}
