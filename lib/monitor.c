/*
 * monitor.c: one entry per target (source x account x region), each with
 * its own timer and at most one poll in flight, so a slow or failing
 * target never holds up another. Sources (monitor-gd.c, monitor-sh.c,
 * monitor-cw.c) start polls and apply complete snapshots to state; here is
 * what is common: scheduling with jitter, failure records, blindness,
 * systemd STATUS= lines, --once, and status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-daemon.h>

#include "alert.h"
#include "conf.h"
#include "log.h"
#include "monitor-int.h"
#include "outbox.h"
#include "state.h"
#include "tasks.h"

static const struct monitor_source *const monitor_sources[] = {
	&monitor_src_guardduty,
	&monitor_src_securityhub,
	&monitor_src_cloudwatch,
};
#define MONITOR_NSOURCES (sizeof monitor_sources / sizeof monitor_sources[0])

static void monitor_poll(struct monitor_target *);

static const char *const monitor_state_names[] = { "pending", "polling", "ok",
	"degraded" };

struct monitor *
monitor_new(struct event_base *base, struct http *http, struct state *state,
    const struct creds_ctx *cctx, struct creds_src *chain,
    struct ratelimit_gate *gate)
{
	struct monitor *m = xcalloc(1, sizeof *m);

	m->base = base;
	m->http = http;
	m->state = state;
	m->cctx = *cctx;
	m->chain = chain;
	m->gate = gate;
	TAILQ_INIT(&m->accounts);
	TAILQ_INIT(&m->targets);
	return m;
}

static void
monitor_target_free(struct monitor_target *t)
{
	TAILQ_REMOVE(&t->mon->targets, t, entry);
	if (t->poll != NULL)
		t->src->cancel(t->poll);
	event_free(t->timer);
	free(t);
}

void
monitor_free(struct monitor *m)
{
	if (m == NULL)
		return;
	while (!TAILQ_EMPTY(&m->targets))
		monitor_target_free(TAILQ_FIRST(&m->targets));
	while (!TAILQ_EMPTY(&m->accounts))
		monitor_account_free(TAILQ_FIRST(&m->accounts));
	free(m);
}

void
monitor_set_outbox(struct monitor *m, struct outbox *ob)
{
	m->outbox = ob;
}

void
monitor_set_tasks(struct monitor *m, struct tasks *ts)
{
	m->tasks = ts;
}

static void
monitor_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	monitor_poll(arg);
}

/* Arm the next poll. */
static void
monitor_schedule(struct monitor_target *t, uint64_t delay_ms)
{
	struct timeval tv;

	tv.tv_sec = (time_t)(delay_ms / 1000);
	tv.tv_usec = (suseconds_t)((delay_ms % 1000) * 1000);
	t->next_poll = time(NULL) + tv.tv_sec;
	evtimer_add(t->timer, &tv);
}

/* The interval plus up to 10% jitter, so targets drift apart. */
static uint64_t
monitor_next_delay_ms(const struct monitor_target *t)
{
	uint64_t ms = t->interval * 1000;

	return ms + arc4random_uniform((uint32_t)(ms / 10 + 1));
}

static struct monitor_target *
monitor_find(struct monitor *m, const struct monitor_source *src,
    const struct monitor_account *a, const char *region)
{
	struct monitor_target *t;

	TAILQ_FOREACH(t, &m->targets, entry)
	if (t->src == src && t->acct == a && strcmp(t->region, region) == 0)
		return t;
	return NULL;
}

void
monitor_targets_drop_account(struct monitor *m, struct monitor_account *a)
{
	struct monitor_target *t, *tmp;

	for (t = TAILQ_FIRST(&m->targets); t != NULL; t = tmp) {
		tmp = TAILQ_NEXT(t, entry);
		if (t->acct == a)
			monitor_target_free(t);
	}
}

static void
monitor_target_set(struct monitor_target *t, const struct conf *c)
{
	t->interval = t->src->interval(c);
	t->blind_after = t->src->blind_after(c);
	if (t->blind_after == 0)
		t->blind_after = 3 * t->interval;
	memset(&t->ep_err, 0, sizeof t->ep_err);
	endpoint_resolve(t->src->prefix, t->region, t->src->endpoint_url(c),
	    c->endpoint_url, &t->ep, &t->ep_err);
}

static struct monitor_target *
monitor_target_new(struct monitor *m, const struct monitor_source *src,
    struct monitor_account *a, const char *region)
{
	struct monitor_target *t = xcalloc(1, sizeof *t);
	struct state_poll last;

	t->mon = m;
	t->src = src;
	t->acct = a;
	strlcpy(t->account, a->name, sizeof t->account);
	strlcpy(t->region, region, sizeof t->region);
	t->timer = evtimer_new(m->base, monitor_timer_cb, t);
	if (state_last_poll(m->state, src->name, t->account, region, &last) ==
	    0) {
		t->state = last.ok ? MON_OK : MON_DEGRADED;
		if (!last.ok)
			t->failing_since =
			    last.last_ok != 0 ? last.last_ok : last.at;
	}
	TAILQ_INSERT_TAIL(&m->targets, t, entry);
	return t;
}

/* Want the target (src, a, region): keep, retune or create it. */
static void
monitor_want_target(struct monitor *m, const struct monitor_source *src,
    struct monitor_account *a, const char *region, const struct conf *c)
{
	struct monitor_target *t = monitor_find(m, src, a, region);
	uint64_t old;

	if (t == NULL) {
		t = monitor_target_new(m, src, a, region);
		monitor_target_set(t, c);
		if (m->running)
			monitor_schedule(t, 0);
	} else {
		old = t->interval;
		monitor_target_set(t, c);
		if (old != t->interval && m->running && t->poll == NULL)
			monitor_schedule(t, monitor_next_delay_ms(t));
	}
	t->keep = 1;
}

/* The regions of account a: its own, or [aws] regions. */
static void
monitor_account_regions(
    const struct conf *c, const char *name, char *const **regions, size_t *n)
{
	size_t i;

	*regions = c->regions;
	*n = c->nregions;
	for (i = 0; i < c->naccounts; i++)
		if (strcmp(c->accounts[i].name, name) == 0 &&
		    c->accounts[i].nregions > 0) {
			*regions = c->accounts[i].regions;
			*n = c->accounts[i].nregions;
		}
}

void
monitor_foreach_where(struct monitor *m, const char *prefix,
    const char *service_url, monitor_where_cb cb, void *arg)
{
	struct monitor_account *a;
	struct endpoint ep;
	struct sm_err err;
	char *const *regions;
	size_t i, n;

	if (m->conf == NULL)
		return;
	TAILQ_FOREACH(a, &m->accounts, entry)
	{
		monitor_account_regions(m->conf, a->name, &regions, &n);
		for (i = 0; i < n; i++) {
			memset(&err, 0, sizeof err);
			if (endpoint_resolve(prefix, regions[i], service_url,
				m->conf->endpoint_url, &ep, &err) == -1)
				cb(a->name, regions[i], a->aws, NULL, &err,
				    arg);
			else
				cb(a->name, regions[i], a->aws, &ep, NULL, arg);
		}
	}
}

static void
monitor_opts(struct monitor *m, const struct conf *c)
{
	memset(&m->opts, 0, sizeof m->opts);
	m->opts.connect_timeout_ms = (long)c->connect_timeout_ms;
	m->opts.timeout_ms = (long)c->timeout_ms;
	m->opts.max_body = (size_t)c->max_body;
	m->opts.max_attempts = c->max_attempts;
	m->opts.base_backoff_ms = 1000;
	if (c->role_session_name != NULL)
		strlcpy(m->session, c->role_session_name, sizeof m->session);
	else
		creds_session_name(m->session, sizeof m->session);
}

int
monitor_configure(struct monitor *m, const struct conf *c, struct sm_err *err)
{
	struct monitor_target *t, *tmp;
	struct monitor_account *a;
	char *const *regions;
	size_t i, k, n;

	(void)err;
	m->conf = c;
	monitor_opts(m, c);
	monitor_accounts_configure(m, c);
	TAILQ_FOREACH(t, &m->targets, entry)
	t->keep = 0;
	TAILQ_FOREACH(a, &m->accounts, entry)
	{
		monitor_account_regions(c, a->name, &regions, &n);
		for (k = 0; k < MONITOR_NSOURCES; k++)
			for (i = 0; monitor_sources[k]->enabled(c) && i < n;
			     i++)
				monitor_want_target(
				    m, monitor_sources[k], a, regions[i], c);
	}
	for (t = TAILQ_FIRST(&m->targets); t != NULL; t = tmp) {
		tmp = TAILQ_NEXT(t, entry);
		if (!t->keep)
			monitor_target_free(t);
	}
	return 0;
}

json_t *
monitor_accounts_status_json(struct monitor *m)
{
	return monitor_accounts_json(m);
}

static void monitor_blind_rule(
    struct monitor_target *, const struct sm_err *, time_t);

static int
monitor_is_blind(const struct monitor_target *t, time_t now)
{
	/* failing_since outlives a poll in flight: a retry does not end it. */
	return t->failing_since != 0 &&
	    now - t->failing_since >= (time_t)t->blind_after;
}

/* Sum up the targets for systemd's STATUS= line. */
void
monitor_notify_status(struct monitor *m)
{
	struct monitor_target *t;
	unsigned n = 0, ok = 0, bad = 0, blind = 0, due = 0, overdue = 0;
	unsigned long long runs = 0;
	time_t now = time(NULL);

	TAILQ_FOREACH(t, &m->targets, entry)
	{
		n++;
		ok += t->state == MON_OK;
		bad += t->state == MON_DEGRADED;
		if (monitor_is_blind(t, now)) {
			/* Alerted as soon as it is reported (once). */
			struct sm_err e = { "blind", "" };
			struct state_poll last;

			if (state_last_poll(m->state, t->src->name, t->account,
				t->region, &last) == 0)
				strlcpy(e.msg, last.error, sizeof e.msg);
			monitor_blind_rule(t, &e, now);
			blind++;
		}
	}
	/* Alerts out before the world hears of the poll. */
	if (m->outbox != NULL)
		outbox_kick(m->outbox);
	if (m->tasks != NULL)
		tasks_counts(m->tasks, &runs, &due, &overdue);
	sd_notifyf(0,
	    "STATUS=watching %u target%s: %u ok, %u degraded, %u blind; "
	    "%llu polls done; %llu task runs, %u due, %u overdue; "
	    "%lld alerts pending",
	    n, n == 1 ? "" : "s", ok, bad, blind, m->polls_done, runs, due,
	    overdue, m->outbox != NULL ? outbox_pending(m->outbox) : 0);
}

static void
monitor_once_step(struct monitor *m, int ok)
{
	monitor_once_cb cb = m->once_cb;

	if (cb == NULL)
		return;
	m->once_failed += !ok;
	if (--m->once_left == 0) {
		m->once_cb = NULL;
		cb(m->once_failed, m->once_arg);
	}
}

/*
 * source_blind: raised when a target has failed past blind_after, resolved
 * by its next good poll (the lifecycle keeps it to one of each).
 */
static void
monitor_blind_rule(
    struct monitor_target *t, const struct sm_err *err, time_t now)
{
	char title[400];
	struct sm_err serr;
	struct alert_event ev = { .kind = "source_blind",
		.severity = 7.0,
		.account = t->account,
		.region = t->region,
		.subject = t->src->name,
		.title = title,
		.detail = err != NULL ? err->msg : NULL };

	if (err != NULL && !monitor_is_blind(t, now))
		return;
	ev.resolved = err == NULL;
	snprintf(title, sizeof title, "%s %s/%s %s", t->src->name, t->account,
	    t->region,
	    err != NULL ? "has been failing: secmond is blind to it"
			: "polls again");
	if (state_alert_raise_txn(t->mon->state, &ev, now, &serr) == -1)
		log_warnx("alerts: %s", serr.msg);
}

void
monitor_poll_done(
    struct monitor_target *t, const struct sm_err *err, const char *what)
{
	struct monitor *m = t->mon;
	uint64_t ms = sm_mono_ms() - t->started_ms;
	struct sm_err serr;

	t->poll = NULL;
	if (err != NULL) {
		log_warnx("%s %s/%s: poll failed after %llu ms: %s",
		    t->src->name, t->account, t->region, (unsigned long long)ms,
		    err->msg);
		if (state_poll_failed(m->state, t->src->name, t->account,
			t->region, t->started, ms, err->msg, &serr) == -1)
			log_warnx("state: %s", serr.msg);
		if (t->failing_since == 0)
			t->failing_since = t->started;
	} else {
		log_info("%s %s/%s: poll ok in %llu ms: %s", t->src->name,
		    t->account, t->region, (unsigned long long)ms, what);
		t->failing_since = 0;
	}
	t->state = err == NULL ? MON_OK : MON_DEGRADED;
	monitor_blind_rule(t, err, time(NULL));
	m->polls_done++;
	monitor_notify_status(m);
	if (m->running)
		monitor_schedule(t, monitor_next_delay_ms(t));
	monitor_once_step(m, err == NULL);
}

static void
monitor_poll(struct monitor_target *t)
{
	struct sm_err err;

	if (t->poll != NULL)
		return;
	t->started = time(NULL);
	t->started_ms = sm_mono_ms();
	t->state = MON_POLLING;
	if (t->ep_err.code[0] != '\0') {
		monitor_poll_done(t, &t->ep_err, NULL);
		return;
	}
	log_debug("%s %s/%s: poll starts (%s)", t->src->name, t->account,
	    t->region, t->ep.url);
	if ((t->poll = t->src->start(t, &err)) == NULL)
		monitor_poll_done(t, &err, NULL);
}

void
monitor_start(struct monitor *m)
{
	struct monitor_target *t;

	m->running = 1;
	TAILQ_FOREACH(t, &m->targets, entry)
	monitor_schedule(t, 0);
}

unsigned
monitor_poll_now(struct monitor *m, const char *source)
{
	struct monitor_target *t;
	unsigned n = 0;

	TAILQ_FOREACH(t, &m->targets, entry)
	{
		if (source != NULL && strcmp(source, t->src->name) != 0)
			continue;
		if (t->poll == NULL) {
			evtimer_del(t->timer);
			monitor_schedule(t, 0);
		}
		n++;
	}
	return n;
}

int
monitor_known_source(const char *name)
{
	size_t k;

	for (k = 0; k < MONITOR_NSOURCES; k++)
		if (strcmp(monitor_sources[k]->name, name) == 0)
			return 1;
	return 0;
}

void
monitor_stop(struct monitor *m)
{
	struct monitor_target *t;

	m->running = 0;
	m->once_cb = NULL;
	TAILQ_FOREACH(t, &m->targets, entry)
	{
		if (t->poll != NULL)
			t->src->cancel(t->poll);
		t->poll = NULL;
		evtimer_del(t->timer);
	}
}

void
monitor_once(struct monitor *m, monitor_once_cb cb, void *arg)
{
	struct monitor_target *t;
	unsigned n = 0;

	TAILQ_FOREACH(t, &m->targets, entry)
	n++;
	m->once_cb = cb;
	m->once_arg = arg;
	m->once_left = n;
	m->once_failed = 0;
	if (n == 0) {
		m->once_cb = NULL;
		cb(0, arg);
		return;
	}
	TAILQ_FOREACH(t, &m->targets, entry)
	monitor_schedule(t, 0);
}

static json_t *
monitor_target_json(struct monitor *m, struct monitor_target *t, time_t now)
{
	struct state_poll last;
	json_t *o, *lp = json_null();
	int polled;

	polled = state_last_poll(
		     m->state, t->src->name, t->account, t->region, &last) == 0;
	if (polled)
		lp = json_pack("{s:o,s:I,s:b,s:o}", "at", sm_time_json(last.at),
		    "duration_ms", (json_int_t)last.duration_ms, "ok", last.ok,
		    "error", last.ok ? json_null() : json_string(last.error));
	o = json_pack("{s:s,s:s,s:s,s:s,s:b,s:o,s:o,s:o,s:o,s:I,s:I}", "source",
	    t->src->name, "account", t->account, "region", t->region, "state",
	    monitor_state_names[t->state], "blind", monitor_is_blind(t, now),
	    "failing_since", sm_time_json(t->failing_since), "last_poll", lp,
	    "last_ok", sm_time_json(polled ? last.last_ok : 0), "next_poll",
	    sm_time_json(m->running && t->poll == NULL ? t->next_poll : 0),
	    "interval_sec", (json_int_t)t->interval, "blind_after_sec",
	    (json_int_t)t->blind_after);
	t->src->status(t, o);
	return o;
}

json_t *
monitor_status_json(struct monitor *m)
{
	struct monitor_target *t;
	json_t *a = json_array();
	time_t now = time(NULL);

	TAILQ_FOREACH(t, &m->targets, entry)
	json_array_append_new(a, monitor_target_json(m, t, now));
	return a;
}

void
monitor_print_summary(struct monitor *m)
{
	struct monitor_target *t;
	struct state_poll last;
	char what[512];

	TAILQ_FOREACH(t, &m->targets, entry)
	{
		if (state_last_poll(m->state, t->src->name, t->account,
			t->region, &last) == -1)
			continue;
		if (last.ok) {
			t->src->summary(t, what, sizeof what);
			printf("%s %s/%s: ok in %llu ms: %s\n", t->src->name,
			    t->account, t->region,
			    (unsigned long long)last.duration_ms, what);
		} else
			printf("%s %s/%s: FAILED: %s\n", t->src->name,
			    t->account, t->region, last.error);
	}
	fflush(stdout);
}
