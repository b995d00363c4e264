/*
 * monitor-account.c: the accounts the monitor watches: the base
 * credentials' own account when no [account] is configured, else one per
 * [account NAME], each with an AssumeRole credential source over the base
 * chain and its own AWS client (its own retry quota), all paced by the one
 * rate-limit gate. Reconfiguring keeps an account whose role is unchanged.
 */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"
#include "monitor-int.h"

void
monitor_account_free(struct monitor_account *a)
{
	monitor_targets_drop_account(a->mon, a);
	TAILQ_REMOVE(&a->mon->accounts, a, entry);
	aws_free(a->aws);
	if (a->role_arn != NULL)
		creds_src_free(a->src);
	free(a->role_arn);
	free(a->external_id);
	free(a);
}

struct monitor_account *
monitor_account_find(struct monitor *m, const char *name)
{
	struct monitor_account *a;

	TAILQ_FOREACH(a, &m->accounts, entry)
	if (strcmp(a->name, name) == 0)
		return a;
	return NULL;
}

static int
monitor_same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static struct monitor_account *
monitor_account_new(struct monitor *m, const char *name,
    const struct conf_account *ca, const char *region)
{
	struct monitor_account *a = xcalloc(1, sizeof *a);

	a->mon = m;
	strlcpy(a->name, name, sizeof a->name);
	strlcpy(a->region, region, sizeof a->region);
	if (ca != NULL) {
		a->role_arn = xstrdup(ca->role_arn);
		a->external_id =
		    ca->external_id != NULL ? xstrdup(ca->external_id) : NULL;
		a->duration = ca->duration;
		a->src = creds_role_new(&m->cctx, m->chain, a->role_arn,
		    a->external_id, m->session, a->duration, region);
	} else
		a->src = m->chain;
	a->aws = aws_new(m->base, m->http, &m->opts, a->src);
	aws_set_gate(a->aws, m->gate, name);
	TAILQ_INSERT_TAIL(&m->accounts, a, entry);
	return a;
}

/* One wanted account: keep it if its role is unchanged, else (re)make it. */
static void
monitor_account_want(struct monitor *m, const char *name,
    const struct conf_account *ca, const char *region)
{
	struct monitor_account *a = monitor_account_find(m, name);

	if (a != NULL &&
	    monitor_same_str(a->role_arn, ca != NULL ? ca->role_arn : NULL) &&
	    monitor_same_str(
		a->external_id, ca != NULL ? ca->external_id : NULL) &&
	    a->duration == (ca != NULL ? ca->duration : 0)) {
		aws_set_opts(a->aws, &m->opts);
		a->keep = 1;
		return;
	}
	if (a != NULL)
		monitor_account_free(a);
	a = monitor_account_new(m, name, ca, region);
	a->keep = 1;
}

void
monitor_accounts_configure(struct monitor *m, const struct conf *c)
{
	struct monitor_account *a, *tmp;
	const struct conf_account *ca;
	size_t i;

	TAILQ_FOREACH(a, &m->accounts, entry)
	a->keep = 0;
	if (c->naccounts == 0)
		monitor_account_want(
		    m, MONITOR_DEFAULT_ACCOUNT, NULL, c->regions[0]);
	for (i = 0; i < c->naccounts; i++) {
		ca = &c->accounts[i];
		if (ca->enabled)
			monitor_account_want(m, ca->name, ca,
			    ca->nregions > 0 ? ca->regions[0] : c->regions[0]);
	}
	for (a = TAILQ_FIRST(&m->accounts); a != NULL; a = tmp) {
		tmp = TAILQ_NEXT(a, entry);
		if (!a->keep)
			monitor_account_free(a);
	}
}

static json_t *
monitor_account_json(struct monitor_account *a)
{
	struct creds_status cs;
	char exp[32], ref[32];

	creds_src_status(a->src, &cs);
	if (cs.expires != 0)
		sm_iso8601(cs.expires, exp, sizeof exp);
	if (cs.refreshed != 0)
		sm_iso8601(cs.refreshed, ref, sizeof ref);
	return json_pack("{s:s,s:o,s:{s:s,s:b,s:o,s:o,s:o},s:I}", "name",
	    a->name, "role_arn",
	    a->role_arn != NULL ? json_string(a->role_arn) : json_null(),
	    "credentials", "source", cs.source, "ok", cs.have, "expires",
	    cs.expires != 0 ? json_string(exp) : json_null(), "refreshed",
	    cs.refreshed != 0 ? json_string(ref) : json_null(), "error",
	    cs.error[0] != '\0' ? json_string(cs.error) : json_null(),
	    "retry_tokens", (json_int_t)aws_retry_tokens(a->aws));
}

json_t *
monitor_accounts_json(struct monitor *m)
{
	struct monitor_account *a;
	json_t *arr = json_array();

	TAILQ_FOREACH(a, &m->accounts, entry)
	json_array_append_new(arr, monitor_account_json(a));
	return arr;
}
