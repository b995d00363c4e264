/*
 * conf-check.c: the checks that need every file read: the region from the
 * environment when no file gave one, keys that [account NAME] and [sink
 * NAME] require or refuse (their type may come from a later drop-in),
 * role ARNs named twice, keys that exclude each other. Errors name the
 * section's header, or the line of the key that should not be there.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "conf-int.h"

/* No regions in the files: take AWS_REGION, else AWS_DEFAULT_REGION. */
static void
conf_env_region(struct conf_ctx *ctx)
{
	static const char *const vars[] = { "AWS_REGION",
		"AWS_DEFAULT_REGION" };
	struct conf *c = ctx->conf;
	char q[CONF_QUOTE_LEN], **list;
	const char *v;
	size_t i;

	for (i = 0; i < CONF_NELEM(vars); i++) {
		if ((v = getenv(vars[i])) == NULL || *v == '\0')
			continue;
		if (!conf_is_region(v)) {
			conf_error(ctx, "%s: %s '%s' is not a region name",
			    c->path, vars[i], conf_quote(v, q, sizeof q));
			return;
		}
		list = xcalloc(2, sizeof *list);
		list[0] = xstrdup(v);
		conf_free_regions(c->regions, c->nregions);
		c->regions = list;
		c->nregions = 1;
		return;
	}
	conf_error(
	    ctx, "%s: no region: set regions in [aws] or AWS_REGION", c->path);
}

/* The first account before i with the role_arn of account i, or i. */
static size_t
conf_same_arn(const struct conf *c, size_t i)
{
	const char *arn = c->accounts[i].role_arn;
	size_t j;

	for (j = 0; j < i; j++) {
		if (c->accounts[j].role_arn != NULL &&
		    strcasecmp(c->accounts[j].role_arn, arn) == 0)
			break;
	}
	return j;
}

/* Every account has a role_arn, and no two the same (IAM ignores case). */
static void
conf_check_accounts(struct conf_ctx *ctx)
{
	const struct conf *c = ctx->conf;
	const struct conf_account *a, *b;
	size_t i, j;

	for (i = 0; i < c->naccounts; i++) {
		a = &c->accounts[i];
		if (a->role_arn == NULL) {
			if (conf_at(ctx, "account", i, "role_arn") == NULL)
				conf_error(ctx,
				    "%s:%u: [account %s] has no role_arn",
				    a->file, a->line, a->name);
			continue;
		}
		if ((j = conf_same_arn(c, i)) == i)
			continue;
		b = &c->accounts[j];
		conf_error(ctx,
		    "%s:%u: [account %s] has the role_arn of [account %s] "
		    "(%s:%u)",
		    a->file, a->line, a->name, b->name, b->file, b->line);
	}
}

/* Key set in sink i although its type does not take it; who does. */
static void
conf_check_sink_key(
    struct conf_ctx *ctx, size_t i, const char *key, int ok, const char *takers)
{
	const struct conf_sink *s = &ctx->conf->sinks[i];
	const struct conf_at *at;

	if (ok || (at = conf_at(ctx, "sink", i, key)) == NULL)
		return;
	conf_error(ctx, "%s:%u: %s: [sink %s] is of type %s; only %s take %s",
	    at->file, at->line, key, s->name, conf_sink_type_name(s->type),
	    takers, key);
}

/* Every sink has a type, sns a topic, and no key of another type. */
static void
conf_check_sinks(struct conf_ctx *ctx)
{
	const struct conf_sink *s;
	size_t i;

	for (i = 0; i < ctx->conf->nsinks; i++) {
		s = &ctx->conf->sinks[i];
		if (s->type == CONF_SINK_NONE) {
			if (conf_at(ctx, "sink", i, "type") == NULL)
				conf_error(ctx, "%s:%u: [sink %s] has no type",
				    s->file, s->line, s->name);
			continue;
		}
		if (s->type == CONF_SINK_SNS && s->topic_arn == NULL &&
		    conf_at(ctx, "sink", i, "topic_arn") == NULL)
			conf_error(ctx,
			    "%s:%u: [sink %s] of type sns has no topic_arn",
			    s->file, s->line, s->name);
		conf_check_sink_key(ctx, i, "topic_arn",
		    s->type == CONF_SINK_SNS, "sinks of type sns");
		conf_check_sink_key(ctx, i, "facility",
		    s->type == CONF_SINK_SYSLOG, "sinks of type syslog");
		conf_check_sink_key(ctx, i, "identifier",
		    s->type != CONF_SINK_SNS,
		    "sinks of type journal or syslog");
	}
}

void
conf_check(struct conf_ctx *ctx)
{
	const struct conf *c = ctx->conf;

	if (!ctx->stop && !ctx->regions_seen)
		conf_env_region(ctx);
	conf_check_accounts(ctx);
	conf_check_sinks(ctx);
	conf_check_tasks(ctx);
	if (c->cloudwatch.alarm_prefix != NULL &&
	    c->cloudwatch.nalarm_names > 0)
		conf_error(ctx,
		    "%s: [cloudwatch] alarm_prefix and alarm_names exclude "
		    "each other",
		    c->path);
}
