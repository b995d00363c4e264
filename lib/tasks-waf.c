/*
 * tasks-waf.c: the WAF review across the estate: one waf_poll per account
 * and region (lib/sources/waf.c), all at once, their web ACLs gathered in
 * one JSON report for the digest; a region that fails is named in the
 * report's errors rather than failing the others. The callback always
 * runs from the loop, even when nothing could start.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "endpoint.h"
#include "monitor.h"
#include "tasks-int.h"
#include "util.h"
#include "waf.h"

struct waf_one {
	struct tasks_waf *w;
	char account[72];
	char region[32];
	struct waf_poll *poll;
};

struct tasks_waf {
	tasks_waf_cb cb;
	void *arg;
	time_t end;
	json_t *acls, *errors, *window;
	unsigned calls;
	struct waf_one **ones;
	size_t nones;
	size_t pending;
	struct event *done; /* fires the callback from the loop */
};

static void
tasks_waf_error(struct tasks_waf *w, const char *account, const char *region,
    const char *msg)
{
	json_array_append_new(w->errors,
	    json_pack("{s:s,s:s,s:s}", "account", account, "region", region,
		"error", msg));
}

/* All answered: hand the report over, from the loop. */
static void
tasks_waf_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tasks_waf *w = arg;
	tasks_waf_cb cb = w->cb;
	void *cbarg = w->arg;
	json_t *data;

	(void)fd;
	(void)what;
	data = json_pack("{s:O,s:O,s:O,s:I}", "window", w->window, "web_acls",
	    w->acls, "errors", w->errors, "calls", (json_int_t)w->calls);
	tasks_waf_cancel(w);
	cb(data, cbarg);
}

static void
tasks_waf_one_done(
    const struct waf_report *rep, const struct sm_err *err, void *arg)
{
	struct waf_one *one = arg;
	struct tasks_waf *w = one->w;
	size_t i;

	one->poll = NULL;
	if (rep == NULL)
		tasks_waf_error(w, one->account, one->region, err->msg);
	else {
		w->calls += rep->calls;
		for (i = 0; i < rep->n; i++)
			json_array_append_new(w->acls,
			    json_pack("{s:s,s:s,s:s,s:f,s:f,s:i}", "account",
				one->account, "region", rep->acls[i].region,
				"web_acl", rep->acls[i].web_acl, "this_week",
				rep->acls[i].this_week, "last_week",
				rep->acls[i].last_week, "points",
				(int)rep->acls[i].points));
	}
	if (--w->pending == 0)
		event_active(w->done, 0, 0);
}

static void
tasks_waf_where(const char *account, const char *region, struct aws *aws,
    const struct endpoint *ep, const struct sm_err *ep_err, void *arg)
{
	struct tasks_waf *w = arg;
	struct waf_one *one;
	struct sm_err err;

	if (ep == NULL) {
		tasks_waf_error(w, account, region, ep_err->msg);
		return;
	}
	one = xcalloc(1, sizeof *one);
	one->w = w;
	strlcpy(one->account, account, sizeof one->account);
	strlcpy(one->region, region, sizeof one->region);
	w->ones = xreallocarray(w->ones, w->nones + 1, sizeof *w->ones);
	w->ones[w->nones++] = one;
	one->poll =
	    waf_poll_start(aws, ep, w->end, tasks_waf_one_done, one, &err);
	if (one->poll == NULL)
		tasks_waf_error(w, account, region, err.msg);
	else
		w->pending++;
}

struct tasks_waf *
tasks_waf_start(struct event_base *base, struct monitor *m,
    const char *endpoint_url, time_t end, tasks_waf_cb cb, void *arg)
{
	struct tasks_waf *w = xcalloc(1, sizeof *w);
	time_t start, middle;

	w->cb = cb;
	w->arg = arg;
	w->acls = json_array();
	w->errors = json_array();
	w->done = event_new(base, -1, 0, tasks_waf_done_cb, w);
	if (waf_window(end, &start, &middle, &w->end) == -1) {
		w->window = json_object();
		tasks_waf_error(w, "-", "-", "the clock is out of range");
	} else {
		w->window = json_pack("{s:o,s:o,s:o}", "start",
		    sm_time_json(start), "middle", sm_time_json(middle), "end",
		    sm_time_json(w->end));
		if (m != NULL)
			monitor_foreach_where(
			    m, "monitoring", endpoint_url, tasks_waf_where, w);
	}
	if (w->pending == 0)
		event_active(w->done, 0, 0);
	return w;
}

void
tasks_waf_cancel(struct tasks_waf *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->nones; i++) {
		waf_poll_cancel(w->ones[i]->poll);
		free(w->ones[i]);
	}
	free(w->ones);
	event_free(w->done);
	json_decref(w->acls);
	json_decref(w->errors);
	json_decref(w->window);
	free(w);
}
