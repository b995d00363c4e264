/*
 * gd.c: one GuardDuty poll of one target: ListDetectors, then per detector
 * ListFindings (non-archived, severity >= min, oldest update first) page by
 * page, each page's ids fetched with GetFindings, then the detector's
 * GetFindingsStatistics (active findings by severity). Every answer is
 * checked for shape; any failure ends the poll with an error and no
 * snapshot.
 * Owns its aws requests; does not touch SQLite or alerts.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <jansson.h>

#include "aws.h"
#include "pager.h"
#include "gd.h"
#include "sigv4.h"

enum gd_step {
	GD_LIST_DETECTORS,
	GD_LIST_FINDINGS,
	GD_GET_FINDINGS,
	GD_STATISTICS,
};

struct gd_poll {
	struct aws *aws;
	struct endpoint ep;
	double min_severity;
	gd_done_cb done;
	void *arg;
	struct aws_req *req;
	enum gd_step step;
	char *detectors[GD_MAX_DETECTORS];
	size_t ndetectors, cur_detector;
	struct aws_pager pg; /* nextToken of the listing in progress */
	json_t *page_ids;    /* ids of the current ListFindings page */
	size_t batch_off;    /* next id of page_ids to get */
	size_t batch_n;      /* ids in the GetFindings in flight */
	struct gd_snapshot snap;
	size_t cap;
	int starting; /* in gd_poll_start: fail without calling back */
	int start_failed;
	struct sm_err start_err;
};

static void gd_next(struct gd_poll *);

static const char *const gd_band_names[GD_NBANDS] = {
	[GD_LOW] = "low",
	[GD_MEDIUM] = "medium",
	[GD_HIGH] = "high",
	[GD_CRITICAL] = "critical",
};

enum gd_band
gd_band_of(double s)
{
	if (s >= 9.0)
		return GD_CRITICAL;
	if (s >= 7.0)
		return GD_HIGH;
	if (s >= 4.0)
		return GD_MEDIUM;
	return GD_LOW;
}

const char *
gd_band_name(enum gd_band b)
{
	return (unsigned)b < GD_NBANDS ? gd_band_names[b] : "?";
}

const char *
gd_severity_band(double s)
{
	return gd_band_names[gd_band_of(s)];
}

static void
gd_snapshot_clear(struct gd_snapshot *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->findings[i].id);
		free(s->findings[i].type);
		free(s->findings[i].title);
		free(s->findings[i].account_id);
		free(s->findings[i].region);
		free(s->findings[i].updated_at);
	}
	free(s->findings);
	memset(s, 0, sizeof *s);
}

static void
gd_poll_free(struct gd_poll *p)
{
	size_t i;

	aws_cancel(p->req);
	for (i = 0; i < p->ndetectors; i++)
		free(p->detectors[i]);
	free(p->pg.token);
	json_decref(p->page_ids);
	gd_snapshot_clear(&p->snap);
	free(p);
}

void
gd_poll_cancel(struct gd_poll *p)
{
	if (p != NULL)
		gd_poll_free(p);
}

static void
gd_fail(struct gd_poll *p, const struct sm_err *err)
{
	p->req = NULL;
	if (p->starting) {
		/* gd_poll_start returns NULL and err: no callback. */
		p->start_failed = 1;
		p->start_err = *err;
		return;
	}
	p->done(NULL, err, p->arg);
	gd_poll_free(p);
}

/* A malformed answer to op: what is wrong with it. */
static void
gd_malformed(struct gd_poll *p, const char *op, const char *what)
{
	struct sm_err err;

	sm_err_set(&err, "MalformedResponse",
	    "GuardDuty.%s: MalformedResponse: %s", op, what);
	gd_fail(p, &err);
}

static void
gd_succeed(struct gd_poll *p)
{
	p->req = NULL;
	p->snap.ndetectors = p->ndetectors;
	p->done(&p->snap, NULL, p->arg);
	gd_poll_free(p);
}

/*
 * Take nextToken from an answer: absent, null or "" ends the listing; a
 * token that repeats, or too many pages, is an error.
 */
static int
gd_take_token(struct gd_poll *p, json_t *j, const char *op)
{
	const char *why =
	    aws_pager_take(&p->pg, j, "nextToken", 0, GD_MAX_PAGES, 0);

	if (why == NULL)
		return 0;
	gd_malformed(p, op, why);
	return -1;
}

/* Run one call; its answer comes back to cb. */
static void
gd_call(struct gd_poll *p, const char *op, const char *method, const char *path,
    const char *query, json_t *body, void (*cb)(struct aws_result *, void *))
{
	struct aws_call c = {
		.service_label = "GuardDuty",
		.op = op,
		.proto = AWS_REST_JSON,
		.ep = &p->ep,
		.method = method,
		.path = path,
		.query = query,
		.body = body,
	};
	struct sm_err err;

	p->snap.calls++;
	p->req = aws_call(p->aws, &c, cb, p, &err);
	json_decref(body);
	if (p->req == NULL)
		gd_fail(p, &err);
}

static void gd_detectors_cb(struct aws_result *, void *);
static void gd_list_cb(struct aws_result *, void *);
static void gd_get_cb(struct aws_result *, void *);
static void gd_stats_cb(struct aws_result *, void *);

static void
gd_list_detectors(struct gd_poll *p)
{
	char query[4096];
	char *tok = NULL;

	if (p->pg.token != NULL)
		tok = sigv4_uri_encode(p->pg.token, strlen(p->pg.token), 0);
	if ((size_t)snprintf(query, sizeof query, "maxResults=50%s%s",
		tok != NULL ? "&nextToken=" : "",
		tok != NULL ? tok : "") >= sizeof query) {
		free(tok);
		gd_malformed(p, "ListDetectors", "nextToken too long");
		return;
	}
	free(tok);
	p->step = GD_LIST_DETECTORS;
	gd_call(p, "ListDetectors", "GET", "/detector", query, NULL,
	    gd_detectors_cb);
}

/*
 * The list of ids under key in an answer to op, each a non-empty string of
 * at most 300 bytes, at most max of them; NULL (the poll failed) if not.
 */
static json_t *
gd_answer_ids(struct gd_poll *p, struct aws_result *res, const char *op,
    const char *key, size_t max)
{
	json_t *ids, *v;
	size_t i;

	p->req = NULL;
	if (!res->ok) {
		gd_fail(p, &res->err);
		return NULL;
	}
	if (!json_is_array(ids = json_object_get(res->json, key)) ||
	    json_array_size(ids) > max) {
		gd_malformed(p, op, "the list of ids is missing or too long");
		return NULL;
	}
	json_array_foreach(ids, i, v)
	{
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    json_string_length(v) > 300) {
			gd_malformed(p, op, "an id is not a short string");
			return NULL;
		}
	}
	return ids;
}

static void
gd_detectors_cb(struct aws_result *res, void *arg)
{
	struct gd_poll *p = arg;
	json_t *ids, *v;
	size_t i;

	if ((ids = gd_answer_ids(p, res, "ListDetectors", "detectorIds",
		 GD_MAX_DETECTORS - p->ndetectors)) == NULL)
		return;
	json_array_foreach(ids, i, v) p->detectors[p->ndetectors++] =
	    xstrdup(json_string_value(v));
	if (gd_take_token(p, res->json, "ListDetectors") == -1)
		return;
	if (p->pg.token != NULL)
		gd_list_detectors(p);
	else {
		p->pg.pages = 0;
		gd_next(p);
	}
}

/* The path of an operation on the current detector. */
static int
gd_detector_path(struct gd_poll *p, const char *suffix, char *buf, size_t len)
{
	const char *d = p->detectors[p->cur_detector];
	char *enc = sigv4_uri_encode(d, strlen(d), 0);
	int n = snprintf(buf, len, "/detector/%s/findings%s", enc, suffix);

	free(enc);
	return (size_t)n >= len ? -1 : 0;
}

static void
gd_list_findings(struct gd_poll *p)
{
	char path[1024];
	json_t *body;

	if (gd_detector_path(p, "", path, sizeof path) == -1) {
		gd_malformed(p, "ListFindings", "detector id too long");
		return;
	}
	/* The criterion takes an integer (int64): ask from the floor of the
	 * threshold, keep only findings at or above it when they arrive. */
	body = json_pack("{s:{s:{s:{s:[s]},s:{s:I}}},s:{s:s,s:s},s:i}",
	    "findingCriteria", "criterion", "service.archived", "equals",
	    "false", "severity", "greaterThanOrEqual",
	    (json_int_t)floor(p->min_severity), "sortCriteria", "attributeName",
	    "updatedAt", "orderBy", "ASC", "maxResults", 50);
	if (p->pg.token != NULL)
		json_object_set_new(
		    body, "nextToken", json_string(p->pg.token));
	p->step = GD_LIST_FINDINGS;
	gd_call(p, "ListFindings", "POST", path, NULL, body, gd_list_cb);
}

static void
gd_list_cb(struct aws_result *res, void *arg)
{
	struct gd_poll *p = arg;
	json_t *ids;

	if ((ids = gd_answer_ids(p, res, "ListFindings", "findingIds", 50)) ==
	    NULL)
		return;
	if (gd_take_token(p, res->json, "ListFindings") == -1)
		return;
	json_decref(p->page_ids);
	p->page_ids = json_incref(ids);
	p->batch_off = 0;
	gd_next(p);
}

static void
gd_get_findings(struct gd_poll *p)
{
	size_t n = json_array_size(p->page_ids) - p->batch_off, i;
	char path[1024];
	json_t *ids;

	if (n > GD_BATCH)
		n = GD_BATCH;
	if (gd_detector_path(p, "/get", path, sizeof path) == -1) {
		gd_malformed(p, "GetFindings", "detector id too long");
		return;
	}
	ids = json_array();
	for (i = 0; i < n; i++)
		json_array_append(
		    ids, json_array_get(p->page_ids, p->batch_off + i));
	p->batch_off += n;
	p->batch_n = n;
	p->step = GD_GET_FINDINGS;
	gd_call(p, "GetFindings", "POST", path, NULL,
	    json_pack("{s:o}", "findingIds", ids), gd_get_cb);
}

static char *
gd_dup_field(json_t *o, const char *name, size_t max)
{
	const char *s = json_string_value(json_object_get(o, name));

	if (s == NULL)
		return xstrdup("");
	return xstrndup(s, max);
}

/* One finding of a GetFindings answer into the snapshot; -1 if malformed. */
static int
gd_add_finding(struct gd_poll *p, json_t *f)
{
	struct gd_finding *g;
	json_t *id = json_object_get(f, "id");
	json_t *sev = json_object_get(f, "severity");
	json_t *svc = json_object_get(f, "service");

	if (!json_is_string(id) || json_string_length(id) == 0 ||
	    !json_is_number(sev))
		return -1;
	if (json_number_value(sev) < p->min_severity)
		return 0;
	if (p->snap.n == GD_MAX_FINDINGS)
		return -1;
	if (p->snap.n == p->cap) {
		p->cap = p->cap == 0 ? 64 : p->cap * 2;
		p->snap.findings = xreallocarray(
		    p->snap.findings, p->cap, sizeof *p->snap.findings);
	}
	g = &p->snap.findings[p->snap.n++];
	g->id = xstrndup(json_string_value(id), 300);
	g->severity = json_number_value(sev);
	g->type = gd_dup_field(f, "type", 256);
	g->title = gd_dup_field(f, "title", 1024);
	g->account_id = gd_dup_field(f, "accountId", 32);
	g->region = gd_dup_field(f, "region", 32);
	g->updated_at = gd_dup_field(f, "updatedAt", 40);
	g->count = json_integer_value(json_object_get(svc, "count"));
	return 0;
}

/*
 * Does the answer hold each id of the last batch once, and nothing else?
 * The batch is page_ids[batch_off - batch_n, batch_off).
 */
static int
gd_batch_check(struct gd_poll *p, json_t *fs)
{
	unsigned char seen[GD_BATCH];
	size_t first = p->batch_off - p->batch_n, i, k;
	const char *id;
	json_t *f;

	if (json_array_size(fs) != p->batch_n)
		return -1;
	memset(seen, 0, sizeof seen);
	json_array_foreach(fs, i, f)
	{
		id = json_string_value(json_object_get(f, "id"));
		for (k = 0; id != NULL && k < p->batch_n; k++)
			if (!seen[k] &&
			    strcmp(id,
				json_string_value(json_array_get(
				    p->page_ids, first + k))) == 0)
				break;
		if (id == NULL || k == p->batch_n)
			return -1;
		seen[k] = 1;
	}
	return 0;
}

static void
gd_get_cb(struct aws_result *res, void *arg)
{
	struct gd_poll *p = arg;
	json_t *fs, *f;
	size_t i;

	p->req = NULL;
	if (!res->ok) {
		gd_fail(p, &res->err);
		return;
	}
	if (!json_is_array(fs = json_object_get(res->json, "findings"))) {
		gd_malformed(p, "GetFindings", "findings is not a list");
		return;
	}
	/* A finding asked for and not returned would read as resolved. */
	if (gd_batch_check(p, fs) == -1) {
		gd_malformed(p, "GetFindings",
		    "the answer does not hold "
		    "exactly the findings asked for");
		return;
	}
	json_array_foreach(fs, i, f)
	{
		if (gd_add_finding(p, f) == -1) {
			gd_malformed(p, "GetFindings",
			    "a finding without id or severity, or too many");
			return;
		}
	}
	gd_next(p);
}

/*
 * Count the detector's active findings by severity (all of them, not only
 * those at or above min_severity). groupBy, not the deprecated
 * findingStatisticTypes; the request cannot send a nextToken.
 */
static void
gd_statistics(struct gd_poll *p)
{
	char path[1024];
	json_t *body;

	if (gd_detector_path(p, "/statistics", path, sizeof path) == -1) {
		gd_malformed(
		    p, "GetFindingsStatistics", "detector id too long");
		return;
	}
	body = json_pack("{s:s,s:{s:{s:{s:[s]}}},s:i}", "groupBy", "SEVERITY",
	    "findingCriteria", "criterion", "service.archived", "equals",
	    "false", "maxResults", GD_STATS_GROUPS);
	p->step = GD_STATISTICS;
	gd_call(
	    p, "GetFindingsStatistics", "POST", path, NULL, body, gd_stats_cb);
}

/* One {severity, totalFindings} group into counts; -1 if malformed. */
static int
gd_add_group(json_t *g, long long counts[GD_NBANDS])
{
	json_t *sev = json_object_get(g, "severity");
	json_t *n = json_object_get(g, "totalFindings");

	if (!json_is_number(sev) || !json_is_integer(n) ||
	    json_integer_value(n) < 0 || json_integer_value(n) > GD_MAX_COUNT)
		return -1;
	counts[gd_band_of(json_number_value(sev))] += json_integer_value(n);
	return 0;
}

/* The groups of an answer into counts; NULL, or what is wrong. */
static const char *
gd_take_groups(json_t *res, long long counts[GD_NBANDS])
{
	json_t *st = json_object_get(res, "findingStatistics"), *gs;
	const char *tok = json_string_value(json_object_get(res, "nextToken"));
	size_t i;

	if (!json_is_object(st))
		return "findingStatistics is not an object";
	gs = json_object_get(st, "groupedBySeverity");
	if (gs == NULL || json_is_null(gs))
		return NULL; /* no active findings */
	if (!json_is_array(gs))
		return "groupedBySeverity is not a list";
	/* A full answer (or a nextToken we cannot send) may leave some out. */
	if (json_array_size(gs) >= GD_STATS_GROUPS ||
	    (tok != NULL && tok[0] != '\0'))
		return "too many severity groups for complete counts";
	for (i = 0; i < json_array_size(gs); i++)
		if (gd_add_group(json_array_get(gs, i), counts) == -1)
			return "a group without a numeric severity or a count";
	return NULL;
}

static void
gd_stats_cb(struct aws_result *res, void *arg)
{
	struct gd_poll *p = arg;
	long long counts[GD_NBANDS] = { 0 };
	const char *why;
	size_t b;

	p->req = NULL;
	if (!res->ok) {
		gd_fail(p, &res->err);
		return;
	}
	if ((why = gd_take_groups(res->json, counts)) != NULL) {
		gd_malformed(p, "GetFindingsStatistics", why);
		return;
	}
	for (b = 0; b < GD_NBANDS; b++)
		p->snap.counts[b] += counts[b];
	gd_next(p);
}

/*
 * What comes next: another batch, another page, the detector's statistics,
 * another detector, or done.
 */
static void
gd_next(struct gd_poll *p)
{
	if (p->page_ids != NULL &&
	    p->batch_off < json_array_size(p->page_ids)) {
		gd_get_findings(p);
		return;
	}
	json_decref(p->page_ids);
	p->page_ids = NULL;
	if (p->step == GD_LIST_DETECTORS) {
		p->cur_detector = 0;
		if (p->ndetectors == 0) {
			gd_succeed(p);
			return;
		}
		gd_list_findings(p);
		return;
	}
	if (p->pg.token != NULL) {
		gd_list_findings(p);
		return;
	}
	if (p->step != GD_STATISTICS) {
		gd_statistics(p);
		return;
	}
	if (++p->cur_detector < p->ndetectors) {
		p->pg.pages = 0;
		gd_list_findings(p);
		return;
	}
	gd_succeed(p);
}

struct gd_poll *
gd_poll_start(struct aws *aws, const struct endpoint *ep, double min_severity,
    gd_done_cb done, void *arg, struct sm_err *err)
{
	struct gd_poll *p;

	p = xcalloc(1, sizeof *p);
	p->aws = aws;
	p->ep = *ep;
	p->min_severity = min_severity;
	p->done = done;
	p->arg = arg;
	p->starting = 1;
	gd_list_detectors(p);
	p->starting = 0;
	if (p->start_failed) {
		*err = p->start_err;
		gd_poll_free(p);
		return NULL;
	}
	return p;
}
