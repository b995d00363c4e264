/*
 * outbox.c: durable delivery. Every second (and whenever a poll committed
 * alerts) each sink takes its due rows from the SQLite outbox, grouped by
 * kind and event once they are group_wait old, and delivers them as one
 * notification: the journal and syslog at once, SNS through an API call.
 * Rows leave the outbox only when the sink confirmed; a failure is kept
 * with its error and retried with capped exponential backoff, for as long
 * as it takes. A crash loses nothing: the rows are still there at start.
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <event2/event.h>

#include "alert.h"
#include "aws.h"
#include "conf.h"
#include "creds.h"
#include "log.h"
#include "outbox.h"
#include "sink-sns.h"
#include "state.h"

#define OUTBOX_TICK_MS 1000      /* how often due rows are looked for */
#define OUTBOX_GROUPS_PER_RUN 64 /* notifications per sink per run */

struct outbox_sink {
	char *name;
	int type;
	char *identifier;
	int facility;
	struct sink_sns sns;
	char *topic_arn;
	struct sink_sns_req *req; /* SNS delivery in flight */
	struct state_group group; /* what it carries */
	struct outbox *ob;
};

struct outbox {
	struct event_base *base;
	struct state *state;
	struct http *http;
	struct creds_src *chain;
	const struct creds_ctx *cctx;
	struct outbox_sink *sinks;
	size_t nsinks;
	uint64_t group_wait, max_backoff, repeat_interval;
	unsigned ticks;
	struct event *tick;
	outbox_drain_cb drain_cb;
	void *drain_arg;
	outbox_notify_cb notify_cb;
	void *notify_arg;
};

static void outbox_run(struct outbox *);

#define OUTBOX_REPEAT_TICKS 60 /* ticks between two repeat scans */

static void
outbox_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct outbox *ob = arg;
	struct sm_err err;
	int n;

	(void)fd;
	(void)what;
	/* repeat_interval: high alerts still firing go out again. */
	if (++ob->ticks % OUTBOX_REPEAT_TICKS == 0 &&
	    (n = state_alert_repeats(
		 ob->state, time(NULL), ob->repeat_interval, &err)) != 0) {
		if (n == -1)
			log_warnx("alerts: repeats: %s", err.msg);
		else
			log_info("alerts: %d still firing, sent again", n);
	}
	outbox_run(ob);
}

struct outbox *
outbox_new(struct event_base *base, struct state *state, struct http *http,
    struct creds_src *chain, const struct creds_ctx *cctx)
{
	struct outbox *ob = xcalloc(1, sizeof *ob);
	struct timeval tv = { OUTBOX_TICK_MS / 1000, 0 };

	ob->base = base;
	ob->state = state;
	ob->http = http;
	ob->chain = chain;
	ob->cctx = cctx;
	ob->tick = event_new(base, -1, EV_PERSIST, outbox_tick_cb, ob);
	event_add(ob->tick, &tv);
	return ob;
}

static void
outbox_sinks_free(struct outbox *ob)
{
	struct outbox_sink *k;
	size_t i;

	for (i = 0; i < ob->nsinks; i++) {
		k = &ob->sinks[i];
		sink_sns_cancel(k->req);
		state_group_clear(&k->group);
		aws_free(k->sns.aws);
		free(k->name);
		free(k->identifier);
		free(k->topic_arn);
	}
	free(ob->sinks);
	ob->sinks = NULL;
	ob->nsinks = 0;
}

void
outbox_free(struct outbox *ob)
{
	if (ob == NULL)
		return;
	outbox_sinks_free(ob);
	event_free(ob->tick);
	free(ob);
}

/* A configured sink, or the implicit journal when none is configured. */
static void
outbox_sink_set(struct outbox *ob, struct outbox_sink *k,
    const struct conf_sink *cs, const struct conf *c)
{
	struct aws_opts o = { (long)c->connect_timeout_ms, (long)c->timeout_ms,
		1024 * 1024, c->max_attempts, 1000 };
	struct sm_err err;

	k->ob = ob;
	k->name = xstrdup(cs != NULL ? cs->name : "journal");
	k->type = cs != NULL ? cs->type : CONF_SINK_JOURNAL;
	k->identifier = xstrdup(
	    cs != NULL && cs->identifier != NULL ? cs->identifier : "secmond");
	k->facility =
	    cs != NULL && cs->facility != 0 ? cs->facility : LOG_DAEMON;
	if (k->type != CONF_SINK_SNS)
		return;
	k->topic_arn = xstrdup(cs->topic_arn);
	k->sns.topic_arn = k->topic_arn;
	k->sns.fifo = cs->fifo;
	if (endpoint_resolve("sns", cs->topic_region, NULL, c->endpoint_url,
		&k->sns.ep, &err) == -1)
		log_warnx("sink %s: %s", k->name, err.msg);
	k->sns.aws = aws_new(ob->base, ob->http, &o, ob->chain);
}

void
outbox_configure(struct outbox *ob, const struct conf *c)
{
	struct state_sink *ss;
	size_t i, n = 0;

	outbox_sinks_free(ob);
	ob->group_wait = c->alerts.group_wait;
	ob->max_backoff = c->alerts.retry_max_backoff;
	ob->repeat_interval = c->alerts.repeat_interval;
	ob->sinks = xcalloc(c->nsinks + 1, sizeof *ob->sinks);
	ss = xcalloc(c->nsinks + 1, sizeof *ss);
	for (i = 0; i < c->nsinks; i++) {
		if (!c->sinks[i].enabled)
			continue;
		outbox_sink_set(ob, &ob->sinks[n], &c->sinks[i], c);
		ss[n] = (struct state_sink){ ob->sinks[n].name,
			c->sinks[i].kinds, c->sinks[i].min_severity,
			c->sinks[i].send_resolved };
		n++;
	}
	if (c->nsinks == 0) {
		outbox_sink_set(ob, &ob->sinks[n], NULL, c);
		ss[n++] = (struct state_sink){ ob->sinks[0].name, CONF_KIND_ALL,
			0, 1 };
	}
	ob->nsinks = n;
	state_set_sinks(ob->state, ss, n);
	free(ss);
	if (state_outbox_drop_unknown(ob->state) == -1)
		log_warnx("outbox: cannot drop the rows of removed sinks");
}

static void
outbox_note(const struct outbox_sink *k, const struct state_group *g,
    struct alert_note *n)
{
	size_t i;

	n->sink = k->name;
	n->kind = g->kind;
	n->event = g->event;
	n->items = g->items;
	n->n = g->n;
	n->severity = 0;
	for (i = 0; i < g->n; i++)
		if (g->items[i].severity > n->severity)
			n->severity = g->items[i].severity;
}

/* The delay after a failed delivery: 5 s doubling, capped, jittered. */
static time_t
outbox_backoff(const struct outbox *ob, int attempts)
{
	uint64_t s = 5;

	while (attempts-- > 0 && s < ob->max_backoff)
		s *= 2;
	if (s > ob->max_backoff)
		s = ob->max_backoff;
	return (time_t)(s / 2 + arc4random_uniform((uint32_t)(s / 2 + 1)));
}

/* A delivery ended: the rows go, or wait for their next attempt. */
static void
outbox_result(struct outbox_sink *k, const struct sm_err *err)
{
	struct outbox *ob = k->ob;
	time_t now = time(NULL);

	if (err == NULL) {
		if (state_outbox_delivered(
			ob->state, k->name, &k->group, now) == -1)
			log_warnx("outbox %s: cannot mark %zu delivered (they "
				  "will be sent again)",
			    k->name, k->group.n);
	} else {
		log_warnx("sink %s: delivery of %zu %s alert(s) failed: %s",
		    k->name, k->group.n, k->group.kind, err->msg);
		state_outbox_failed(ob->state, k->name, &k->group,
		    now +
			outbox_backoff(
			    ob, state_outbox_attempts(ob->state, &k->group)),
		    err->msg);
	}
	state_group_clear(&k->group);
}

static void
outbox_sns_cb(const struct sm_err *err, void *arg)
{
	struct outbox_sink *k = arg;

	k->req = NULL;
	outbox_result(k, err);
	outbox_run(k->ob);
	if (k->ob->notify_cb != NULL)
		k->ob->notify_cb(k->ob->notify_arg);
}

void
outbox_set_notify(struct outbox *ob, outbox_notify_cb cb, void *arg)
{
	ob->notify_cb = cb;
	ob->notify_arg = arg;
}

long long
outbox_pending(struct outbox *ob)
{
	json_t *a = state_sinks_json(ob->state), *o;
	long long n = 0;
	size_t i;

	json_array_foreach(a, i, o) n +=
	    json_integer_value(json_object_get(o, "pending"));
	json_decref(a);
	return n;
}

/* Deliver k's group; 1 if it went out at once, 0 if in flight. */
static int
outbox_deliver(struct outbox_sink *k)
{
	struct alert_note n;
	struct sm_err err;

	outbox_note(k, &k->group, &n);
	switch (k->type) {
	case CONF_SINK_SNS:
		k->req = sink_sns_publish(&k->sns, &n, outbox_sns_cb, k, &err);
		if (k->req != NULL)
			return 0;
		outbox_result(k, &err);
		return 1;
	case CONF_SINK_SYSLOG:
		alert_sink_syslog(&n, k->identifier, k->facility);
		outbox_result(k, NULL);
		return 1;
	default:
		if (alert_sink_journal(&n, k->identifier) == -1) {
			sm_err_set(&err, "journal", "sd_journal_send failed");
			outbox_result(k, &err);
		} else
			outbox_result(k, NULL);
		return 1;
	}
}

/* Take due groups for one sink until none is left or one is in flight. */
static int
outbox_run_sink(struct outbox *ob, struct outbox_sink *k, time_t ready)
{
	time_t now = time(NULL);
	int i, found = 0;

	for (i = 0; i < OUTBOX_GROUPS_PER_RUN && k->req == NULL; i++) {
		if (state_outbox_next(
			ob->state, k->name, now, ready, &k->group) != 1)
			break;
		found = 1;
		outbox_deliver(k);
	}
	/* Busy while a delivery is in flight or groups were left over. */
	return k->req != NULL || (found && i == OUTBOX_GROUPS_PER_RUN);
}

static void
outbox_run(struct outbox *ob)
{
	time_t now = time(NULL), ready = now - (time_t)ob->group_wait;
	int busy = 0;
	size_t i;

	if (ob->drain_cb != NULL)
		ready = now; /* --once: nothing waits for a group */
	for (i = 0; i < ob->nsinks; i++)
		busy |= outbox_run_sink(ob, &ob->sinks[i], ready);
	if (ob->drain_cb != NULL && !busy) {
		outbox_drain_cb cb = ob->drain_cb;

		ob->drain_cb = NULL;
		cb(ob->drain_arg);
	}
}

void
outbox_kick(struct outbox *ob)
{
	outbox_run(ob);
}

void
outbox_drain(struct outbox *ob, outbox_drain_cb cb, void *arg)
{
	ob->drain_cb = cb;
	ob->drain_arg = arg;
	outbox_run(ob);
}

json_t *
outbox_status_json(struct outbox *ob)
{
	json_t *a = state_sinks_json(ob->state), *o;
	size_t i;

	json_array_foreach(a, i, o) if (i < ob->nsinks) json_object_set_new(
	    o, "type", json_string(conf_sink_type_name(ob->sinks[i].type)));
	return a;
}

int
outbox_test(
    struct outbox *ob, const char *sink, unsigned *queued, struct sm_err *err)
{
	struct alert_event ev = { .kind = "test",
		.severity = 1.0,
		.account = "-",
		.region = "-",
		.subject = "test-alert",
		.title = "secmond test notification: delivery works",
		.detail = "sent by secmonctl test-alert" };
	size_t i;
	long long id;

	*queued = 0;
	for (i = 0; i < ob->nsinks; i++)
		if (sink == NULL || strcmp(sink, ob->sinks[i].name) == 0)
			break;
	if (i == ob->nsinks)
		return sm_err_set(
		    err, "unknown_sink", "no sink named %s", sink);
	for (i = 0; i < ob->nsinks; i++) {
		if (sink != NULL && strcmp(sink, ob->sinks[i].name) != 0)
			continue;
		if ((id = state_alert_record(ob->state, &ev, "test",
			 ob->sinks[i].name, time(NULL), err)) == -1)
			return -1;
		(*queued)++;
	}
	outbox_kick(ob);
	return 0;
}
