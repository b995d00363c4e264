/*
 * creds.c: credential sources: the cache, the refresh windows, the waiters
 * that share one fetch, and the default chain's choice of provider. The
 * providers that fetch over the network or from a process are in
 * creds-fetch.c. Secrets are wiped before they are freed.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "creds-src.h"

static void creds_fetch(struct creds_src *);

void
creds_clear(struct creds *c)
{
	free(c->access_key_id);
	sm_free_secret(c->secret_access_key);
	sm_free_secret(c->session_token);
	memset(c, 0, sizeof *c);
}

void
creds_copy(struct creds *out, const struct creds *c)
{
	memset(out, 0, sizeof *out);
	out->access_key_id = xstrdup(c->access_key_id);
	out->secret_access_key = xstrdup(c->secret_access_key);
	if (c->session_token != NULL)
		out->session_token = xstrdup(c->session_token);
	out->expires = c->expires;
	strlcpy(out->source, c->source, sizeof out->source);
}

void
creds_session_name(char *buf, size_t len)
{
	char host[256];
	size_t i, n;

	if (gethostname(host, sizeof host) == -1)
		strlcpy(host, "host", sizeof host);
	host[sizeof host - 1] = '\0';
	n = (size_t)snprintf(buf, len, "secmond-%s", host);
	if (n >= len)
		n = len - 1;
	if (n > 64)
		n = 64;
	buf[n] = '\0';
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)buf[i]) &&
		    strchr("+=,.@_-", buf[i]) == NULL)
			buf[i] = '-';
}

struct creds_src *
creds_src_alloc(
    const struct creds_ctx *ctx, enum creds_kind kind, const char *name)
{
	struct creds_src *s = xcalloc(1, sizeof *s);

	s->kind = kind;
	s->ctx = *ctx;
	strlcpy(s->name, name, sizeof s->name);
	TAILQ_INIT(&s->waiters);
	return s;
}

/* The windows scale down for short-lived credentials (tests, STS minimum). */
static int
creds_due(const struct creds_src *s, time_t now, unsigned window)
{
	time_t life;

	if (!s->have)
		return 1;
	if (s->cur.expires == 0)
		return 0;
	life = s->cur.expires - s->fetched_at;
	if (life < 8)
		life = 8;
	if ((time_t)window > life / (window == CREDS_ADVISORY_SEC ? 2 : 4))
		window =
		    (unsigned)(life / (window == CREDS_ADVISORY_SEC ? 2 : 4));
	return now >= s->cur.expires - (time_t)window;
}

static void
creds_wait_free(struct creds_wait *w)
{
	TAILQ_REMOVE(&w->src->waiters, w, entry);
	event_free(w->ev);
	free(w);
}

void
creds_wait_cancel(struct creds_wait *w)
{
	if (w != NULL)
		creds_wait_free(w);
}

static void
creds_wait_cb(evutil_socket_t fd, short what, void *arg)
{
	struct creds_wait *w = arg;
	struct creds_src *s = w->src;
	creds_cb cb = w->cb;
	void *cbarg = w->arg;
	struct sm_err err;

	(void)fd;
	(void)what;
	err = s->last_err;
	creds_wait_free(w);
	if (s->have && !creds_due(s, time(NULL), 0))
		cb(&s->cur, NULL, cbarg);
	else {
		if (err.code[0] == '\0')
			sm_err_set(&err, "NoCredentials", "%s: no credentials",
			    s->name);
		cb(NULL, &err, cbarg);
	}
}

static void
creds_wake(struct creds_wait *w)
{
	struct timeval tv = { 0, 0 };

	w->ready = 1;
	evtimer_add(w->ev, &tv);
}

struct creds_wait *
creds_get(struct creds_src *s, creds_cb cb, void *arg)
{
	struct creds_wait *w = xcalloc(1, sizeof *w);
	time_t now = time(NULL);

	w->src = s;
	w->cb = cb;
	w->arg = arg;
	w->ev = evtimer_new(s->ctx.base, creds_wait_cb, w);
	TAILQ_INSERT_TAIL(&s->waiters, w, entry);
	if (!creds_due(s, now, CREDS_MANDATORY_SEC)) {
		creds_wake(w);
		/* Good for now, but due soon: refresh in the background. */
		if (!s->fetching && creds_due(s, now, CREDS_ADVISORY_SEC))
			creds_fetch(s);
		return w;
	}
	if (!s->fetching)
		creds_fetch(s);
	return w;
}

/*
 * A fetch ended. A failure keeps credentials that are still valid (the
 * advisory window) and is shown in status.
 */
void
creds_fetched(
    struct creds_src *s, const struct creds *c, const struct sm_err *err)
{
	struct creds_wait *w;

	s->fetching = 0;
	if (c != NULL) {
		creds_clear(&s->cur);
		creds_copy(&s->cur, c);
		s->have = 1;
		s->fetched_at = time(NULL);
		s->refreshed = s->fetched_at;
		memset(&s->last_err, 0, sizeof s->last_err);
	} else {
		s->last_err = *err;
		if (s->have && s->cur.expires != 0 &&
		    time(NULL) >= s->cur.expires)
			s->have = 0;
	}
	TAILQ_FOREACH(w, &s->waiters, entry)
	if (!w->ready)
		creds_wake(w);
}

void
creds_invalidate(struct creds_src *s)
{
	creds_clear(&s->cur);
	s->have = 0;
	if (s->kind == CK_CHAIN && s->delegate != NULL)
		creds_invalidate(s->delegate);
}

void
creds_src_status(const struct creds_src *s, struct creds_status *out)
{
	memset(out, 0, sizeof *out);
	strlcpy(
	    out->source, s->have ? s->cur.source : s->name, sizeof out->source);
	out->have = s->have;
	out->expires = s->have ? s->cur.expires : 0;
	out->refreshed = s->refreshed;
	strlcpy(out->error, s->last_err.msg, sizeof out->error);
}

void
creds_src_free(struct creds_src *s)
{
	if (s == NULL)
		return;
	while (!TAILQ_EMPTY(&s->waiters))
		creds_wait_free(TAILQ_FIRST(&s->waiters));
	creds_fetch_stop(s);
	creds_src_free(s->delegate);
	creds_src_free(s->owned_base);
	creds_clear(&s->cur);
	creds_clear(&s->fixed);
	free(s->profile);
	free(s->role_arn);
	free(s->external_id);
	free(s->session_name);
	free(s->token_file);
	free(s->url);
	sm_free_secret(s->auth);
	free(s->auth_file);
	free(s->command);
	free(s);
}

/* The chain's delegate answered: mirror what it has. */
static void
creds_chain_cb(const struct creds *c, const struct sm_err *err, void *arg)
{
	struct creds_src *s = arg;

	s->dwait = NULL;
	creds_fetched(s, c, err);
}

static void
creds_fetch(struct creds_src *s)
{
	struct sm_err err;

	s->fetching = 1;
	if (s->kind != CK_CHAIN) {
		creds_fetch_start(s);
		return;
	}
	if (s->delegate == NULL &&
	    (s->delegate = creds_chain_pick(s, &err)) == NULL) {
		creds_fetched(s, NULL, &err);
		return;
	}
	s->dwait = creds_get(s->delegate, creds_chain_cb, s);
}

struct creds_src *
creds_chain_new(
    const struct creds_ctx *ctx, const char *profile, const char *region)
{
	struct creds_src *s = creds_src_alloc(ctx, CK_CHAIN, "default-chain");

	s->profile = profile != NULL ? xstrdup(profile) : NULL;
	strlcpy(s->region, region, sizeof s->region);
	return s;
}
