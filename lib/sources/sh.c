/*
 * sh.c: one Security Hub poll of one target (AWS-NOTES 4.2): DescribeHub
 * (consolidated or per-standard control findings; InvalidAccessException
 * = not enabled), GetEnabledStandards (all pages), GetFindings (the
 * Security Hub product's ACTIVE, unsuppressed control findings, all pages),
 * BatchGetStandardsControlAssociations for every (control, standard) seen,
 * then score_compute(). Only READY standards are scored: INCOMPLETE (some
 * controls could not be enabled; the console's handling is unverified) is
 * left out, as the fake's expected scores do, and counted in the snapshot
 * so that status can say so. Names are the ARN's resource part (no
 * DescribeStandards call: one permission and one call fewer).
 * Every answer is checked for shape; any failure ends the poll with an
 * error and no snapshot. Owns its aws requests; does not touch SQLite.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws.h"
#include "pager.h"
#include "sh.h"

enum sh_step {
	SH_DESCRIBE_HUB,
	SH_ENABLED_STANDARDS,
	SH_GET_FINDINGS,
	SH_ASSOCIATIONS,
};

struct sh_std {
	char *arn;       /* as GetEnabledStandards gives it */
	const char *key; /* its resource part */
};

struct sh_ctl {
	char *id;
	char *title;
	int sev;           /* rank of the highest label, -1 none */
	uint64_t member;   /* enabled standards its findings named */
	uint64_t disabled; /* standards it is disabled in */
};

/* A finding, compact: 200,000 of them stay small. */
struct sh_fnd {
	uint32_t ctl;
	uint8_t compliance, record, workflow;
	uint64_t mask;
	char *res; /* Resources[0].Id of a FAILED finding */
};

struct sh_poll {
	struct aws *aws;
	struct endpoint ep;
	sh_done_cb done;
	void *arg;
	struct sm_err *start_err; /* set while sh_poll_start runs */
	struct aws_req *req;
	enum sh_step step;
	struct aws_pager pg;
	int empty_page; /* the last page had no items */
	struct sh_std std[SH_MAX_STANDARDS];
	size_t nstd;
	struct sh_ctl *ctl;
	size_t nctl, ctlcap;
	json_t *ids; /* control id -> index in ctl (jansson's hash table) */
	struct sh_fnd *fnd;
	size_t nfnd, fndcap;
	size_t cur_ctl, cur_std; /* association cursor */
	struct sh_control_info *info;
	struct sh_snapshot snap;
};

static const char *const sh_sev_names[] = { "INFORMATIONAL", "LOW", "MEDIUM",
	"HIGH", "CRITICAL" };

static void sh_next(struct sh_poll *);
static void sh_succeed(struct sh_poll *);

static void
sh_poll_free(struct sh_poll *p)
{
	size_t i;

	aws_cancel(p->req);
	free(p->pg.token);
	for (i = 0; i < p->nstd; i++)
		free(p->std[i].arn);
	for (i = 0; i < p->nctl; i++) {
		free(p->ctl[i].id);
		free(p->ctl[i].title);
	}
	free(p->ctl);
	for (i = 0; i < p->nfnd; i++)
		free(p->fnd[i].res);
	json_decref(p->ids);
	free(p->fnd);
	free(p->info);
	score_result_clear(&p->snap.score);
	free(p);
}

void
sh_poll_cancel(struct sh_poll *p)
{
	if (p != NULL)
		sh_poll_free(p);
}

static void
sh_fail(struct sh_poll *p, const struct sm_err *err)
{
	p->req = NULL;
	p->done(NULL, err, p->arg);
	sh_poll_free(p);
}

/* A malformed answer to op: what is wrong with it. */
static void
sh_malformed(struct sh_poll *p, const char *op, const char *what)
{
	struct sm_err err;

	sm_err_set(&err, "MalformedResponse",
	    "SecurityHub.%s: MalformedResponse: %s", op, what);
	sh_fail(p, &err);
}

/* Room for one more of n items of size in *a (capacity *cap). */
static void *
sh_grow(void *a, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return a;
	*cap = *cap == 0 ? 64 : *cap * 2;
	return xreallocarray(a, *cap, size);
}

/* A string member: 1 and *out if present, 0 if absent or null, -1 bad. */
static int
sh_str(json_t *o, const char *name, size_t max, const char **out)
{
	json_t *v = json_object_get(o, name);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v) || json_string_length(v) > max ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return -1;
	*out = json_string_value(v);
	return 1;
}

/*
 * Take NextToken from an answer: absent, null or "" ends the listing; a
 * token that repeats, is too long, or too many pages, is an error.
 */
static int
sh_take_token(struct sh_poll *p, json_t *j, const char *op)
{
	/* An empty page may repeat its token; the page cap still holds. */
	const char *why = aws_pager_take(
	    &p->pg, j, "NextToken", SH_MAX_TOKEN, SH_MAX_PAGES, p->empty_page);

	if (why == NULL)
		return 0;
	sh_malformed(p, op, why);
	return -1;
}

/*
 * Start one call (body is consumed). If it can't start, the poll fails,
 * or, from sh_poll_start, start_err says why.
 */
static void
sh_call(struct sh_poll *p, const char *op, const char *method, const char *path,
    json_t *body, void (*cb)(struct aws_result *, void *))
{
	struct aws_call c = {
		.service_label = "SecurityHub",
		.op = op,
		.proto = AWS_REST_JSON,
		.ep = &p->ep,
		.method = method,
		.path = path,
		.body = body,
	};
	struct sm_err err;

	p->snap.calls++;
	p->req = aws_call(p->aws, &c, cb, p, &err);
	json_decref(body);
	if (p->req != NULL)
		return;
	if (p->start_err != NULL)
		*p->start_err = err;
	else
		sh_fail(p, &err);
}

/* The answer of a call, or NULL after failing the poll. */
static json_t *
sh_answer(struct sh_poll *p, struct aws_result *res)
{
	p->req = NULL;
	if (!res->ok) {
		sh_fail(p, &res->err);
		return NULL;
	}
	return res->json;
}

typedef int (*sh_item_fn)(struct sh_poll *, json_t *);

/*
 * Each item of the answer's list member name (at most max) through fn.
 * 0, or -1 after failing the poll.
 */
static int
sh_each(struct sh_poll *p, struct aws_result *res, const char *op,
    const char *name, size_t max, sh_item_fn fn)
{
	json_t *a, *v;
	char what[128];
	size_t i;

	if (sh_answer(p, res) == NULL)
		return -1;
	a = json_object_get(res->json, name);
	if (!json_is_array(a) || json_array_size(a) > max) {
		snprintf(what, sizeof what, "%s is not a list of at most %zu",
		    name, max);
		sh_malformed(p, op, what);
		return -1;
	}
	p->empty_page = json_array_size(a) == 0;
	json_array_foreach(a, i, v)
	{
		if (fn(p, v) == -1) {
			snprintf(what, sizeof what,
			    "%s[%zu] is malformed or past a cap", name, i);
			sh_malformed(p, op, what);
			return -1;
		}
	}
	return 0;
}

/* The index of control id, added if new; -1 if it is unknown and !add. */
static long
sh_control(struct sh_poll *p, const char *id, int add)
{
	json_t *i = json_object_get(p->ids, id);

	if (i != NULL || !add)
		return i != NULL ? (long)json_integer_value(i) : -1;
	p->ctl = sh_grow(p->ctl, p->nctl, &p->ctlcap, sizeof *p->ctl);
	memset(&p->ctl[p->nctl], 0, sizeof *p->ctl);
	p->ctl[p->nctl].id = xstrdup(id);
	p->ctl[p->nctl].sev = -1;
	json_object_set_new(p->ids, id, json_integer((json_int_t)p->nctl));
	return (long)p->nctl++;
}

/* The index of an enabled standard (full ARN or resource part), or -1. */
static int
sh_std_find(const struct sh_poll *p, const char *arn)
{
	const char *key = score_std_key(arn);
	size_t i;

	for (i = 0; i < p->nstd; i++)
		if (strcmp(p->std[i].key, key) == 0)
			return (int)i;
	return -1;
}

/* 1. DescribeHub. */

static void
sh_hub_cb(struct aws_result *res, void *arg)
{
	struct sh_poll *p = arg;
	const char *g;
	int r;

	if (!res->ok && strcmp(res->code, "InvalidAccessException") == 0) {
		sh_succeed(p); /* not subscribed: hub_enabled 0, empty score */
		return;
	}
	if (sh_answer(p, res) == NULL)
		return;
	p->snap.hub_enabled = 1;
	r = sh_str(res->json, "ControlFindingGenerator", 64, &g);
	if (r == -1 ||
	    (r == 1 && strcmp(g, "SECURITY_CONTROL") != 0 &&
		strcmp(g, "STANDARD_CONTROL") != 0)) {
		sh_malformed(p, "DescribeHub", "bad ControlFindingGenerator");
		return;
	}
	/* Absent (hubs older than consolidation): per-standard findings. */
	p->snap.consolidated = r == 1 && strcmp(g, "SECURITY_CONTROL") == 0;
	sh_next(p);
}

/* 2. GetEnabledStandards, every page. */

/* One subscription: kept if READY; -1 if malformed. */
static int
sh_add_standard(struct sh_poll *p, json_t *s)
{
	const char *arn, *st;

	if (sh_str(s, "StandardsArn", SH_MAX_ID, &arn) != 1 ||
	    sh_str(s, "StandardsStatus", 32, &st) != 1)
		return -1;
	p->snap.incomplete += strcmp(st, "INCOMPLETE") == 0;
	if (strcmp(st, "READY") != 0 || sh_std_find(p, arn) != -1)
		return 0;
	if (p->nstd == SH_MAX_STANDARDS)
		return -1;
	p->std[p->nstd].arn = xstrdup(arn);
	p->std[p->nstd].key = score_std_key(p->std[p->nstd].arn);
	p->nstd++;
	return 0;
}

static void
sh_enabled_cb(struct aws_result *res, void *arg)
{
	struct sh_poll *p = arg;

	if (sh_each(p, res, "GetEnabledStandards", "StandardsSubscriptions",
		SH_PAGE, sh_add_standard) == 0 &&
	    sh_take_token(p, res->json, "GetEnabledStandards") == 0)
		sh_next(p);
}

static void
sh_enabled_standards(struct sh_poll *p)
{
	json_t *body = json_pack("{s:i}", "MaxResults", SH_PAGE);

	if (p->pg.token != NULL)
		json_object_set_new(
		    body, "NextToken", json_string(p->pg.token));
	p->step = SH_ENABLED_STANDARDS;
	sh_call(p, "GetEnabledStandards", "POST", "/standards/get", body,
	    sh_enabled_cb);
}

/* 3. GetFindings, every page. */

/* The control id: SecurityControlId, else GeneratorId's. 0 if none. */
static int
sh_finding_control(json_t *f, json_t *comp, const char **id)
{
	const char *g;

	if (sh_str(comp, "SecurityControlId", SH_MAX_ID, id) == -1 ||
	    sh_str(f, "GeneratorId", SH_MAX_ID, &g) == -1)
		return -1;
	if (*id != NULL && **id != '\0')
		return 1;
	if (g != NULL && strncmp(g, "security-control/", 17) == 0)
		g += 17;
	*id = g;
	return g != NULL && *g != '\0';
}

/* Standards from Compliance.AssociatedStandards[].StandardsId. */
static int
sh_assoc_mask(struct sh_poll *p, json_t *comp, uint64_t *mask)
{
	json_t *a = json_object_get(comp, "AssociatedStandards"), *s;
	const char *id;
	size_t i;
	int k;

	if (a != NULL && !json_is_null(a) &&
	    (!json_is_array(a) || json_array_size(a) > 100))
		return -1;
	json_array_foreach(a, i, s)
	{
		if (sh_str(s, "StandardsId", SH_MAX_ID, &id) != 1)
			return -1;
		if ((k = sh_std_find(p, id)) != -1)
			*mask |= (uint64_t)1 << k;
	}
	return 0;
}

/*
 * The enabled standards a finding counts in. Per-standard mode:
 * ProductFields.StandardsArn (StandardsGuideArn for CIS 1.2), else the
 * associated standards; consolidated: the associated standards.
 */
static int
sh_finding_mask(struct sh_poll *p, json_t *f, json_t *comp, uint64_t *mask)
{
	json_t *pf = json_object_get(f, "ProductFields");
	const char *arn = NULL;
	int k;

	*mask = 0;
	if (pf != NULL && !json_is_object(pf))
		return -1;
	if (!p->snap.consolidated && pf != NULL &&
	    (sh_str(pf, "StandardsArn", SH_MAX_ID, &arn) == -1 ||
		(arn == NULL &&
		    sh_str(pf, "StandardsGuideArn", SH_MAX_ID, &arn) == -1)))
		return -1;
	if (arn == NULL)
		return sh_assoc_mask(p, comp, mask);
	if ((k = sh_std_find(p, arn)) != -1)
		*mask = (uint64_t)1 << k;
	return 0;
}

/* Compliance, record and workflow states: absent takes the default. */
static int
sh_finding_states(json_t *f, json_t *comp, struct sh_fnd *d)
{
	enum score_compliance c = SCORE_NOT_AVAILABLE;
	enum score_record r = SCORE_ACTIVE;
	enum score_workflow w = SCORE_NEW;
	const char *s;
	int k;

	if ((k = sh_str(comp, "Status", 32, &s)) == -1 ||
	    (k == 1 && score_compliance_parse(s, &c) == -1) ||
	    (k = sh_str(f, "RecordState", 32, &s)) == -1 ||
	    (k == 1 && score_record_parse(s, &r) == -1) ||
	    (k = sh_str(json_object_get(f, "Workflow"), "Status", 32, &s)) ==
		-1 ||
	    (k == 1 && score_workflow_parse(s, &w) == -1))
		return -1;
	d->compliance = (uint8_t)c;
	d->record = (uint8_t)r;
	d->workflow = (uint8_t)w;
	return 0;
}

/* Title, top severity label into c; a FAILED finding's resource into d. */
static int
sh_finding_info(struct sh_ctl *c, json_t *f, struct sh_fnd *d)
{
	json_t *res = json_array_get(json_object_get(f, "Resources"), 0);
	const char *t, *l, *id;
	size_t i;

	if (sh_str(f, "Title", SH_MAX_TITLE, &t) == -1 ||
	    sh_str(json_object_get(f, "Severity"), "Label", 32, &l) == -1 ||
	    sh_str(res, "Id", SH_MAX_ID, &id) == -1)
		return -1;
	if (c->title == NULL && t != NULL)
		c->title = xstrdup(t);
	for (i = 0; l != NULL && i < 5; i++)
		if (strcmp(l, sh_sev_names[i]) == 0 && (int)i > c->sev)
			c->sev = (int)i;
	if (d->compliance == SCORE_FAILED && id != NULL)
		d->res = xstrdup(id);
	return 0;
}

/* One finding of a page; -1 if malformed or past the cap. */
static int
sh_add_finding(struct sh_poll *p, json_t *f)
{
	json_t *comp = json_object_get(f, "Compliance");
	struct sh_fnd d = { 0 };
	const char *id;
	int r;
	long c;

	if (!json_is_object(f) || p->snap.findings == SH_MAX_FINDINGS ||
	    (comp != NULL && !json_is_object(comp)) ||
	    (r = sh_finding_control(f, comp, &id)) == -1 ||
	    sh_finding_states(f, comp, &d) == -1 ||
	    sh_finding_mask(p, f, comp, &d.mask) == -1)
		return -1;
	p->snap.findings++;
	p->snap.skipped += r == 0;
	if (r == 0)
		return 0;
	c = sh_control(p, id, 1);
	p->ctl[c].member |= d.mask;
	d.ctl = (uint32_t)c;
	if (sh_finding_info(&p->ctl[c], f, &d) == -1)
		return -1;
	p->fnd = sh_grow(p->fnd, p->nfnd, &p->fndcap, sizeof *p->fnd);
	p->fnd[p->nfnd++] = d;
	return 0;
}

static void
sh_findings_cb(struct aws_result *res, void *arg)
{
	struct sh_poll *p = arg;

	if (sh_each(p, res, "GetFindings", "Findings", SH_PAGE,
		sh_add_finding) == 0 &&
	    sh_take_token(p, res->json, "GetFindings") == 0)
		sh_next(p);
}

static json_t *
sh_filter(const char *value, const char *cmp)
{
	return json_pack("[{s:s,s:s}]", "Value", value, "Comparison", cmp);
}

static void
sh_get_findings(struct sh_poll *p)
{
	const char *r = p->ep.signing_region;
	char product[128];
	json_t *filters, *body;

	snprintf(product, sizeof product,
	    "arn:%s:securityhub:%s::product/aws/securityhub",
	    strncmp(r, "cn-", 3) == 0           ? "aws-cn"
		: strncmp(r, "us-gov-", 7) == 0 ? "aws-us-gov"
						: "aws",
	    r);
	filters = json_pack("{s:o,s:o,s:o}", "ProductArn",
	    sh_filter(product, "EQUALS"), "RecordState",
	    sh_filter("ACTIVE", "EQUALS"), "WorkflowStatus",
	    sh_filter("SUPPRESSED", "NOT_EQUALS"));
	if (p->snap.consolidated)
		json_object_set_new(filters, "GeneratorId",
		    sh_filter("security-control/", "PREFIX"));
	body =
	    json_pack("{s:o,s:i}", "Filters", filters, "MaxResults", SH_PAGE);
	if (p->pg.token != NULL)
		json_object_set_new(
		    body, "NextToken", json_string(p->pg.token));
	p->step = SH_GET_FINDINGS;
	sh_call(p, "GetFindings", "POST", "/findings", body, sh_findings_cb);
}

/* 4. BatchGetStandardsControlAssociations over every pair seen. */

/* One association detail; -1 if malformed or not asked about. */
static int
sh_assoc_detail(struct sh_poll *p, json_t *d)
{
	const char *arn, *id, *st;
	long c;
	int s;

	if (sh_str(d, "StandardsArn", SH_MAX_ID, &arn) != 1 ||
	    sh_str(d, "SecurityControlId", SH_MAX_ID, &id) != 1 ||
	    sh_str(d, "AssociationStatus", 32, &st) != 1 ||
	    (c = sh_control(p, id, 0)) == -1 || (s = sh_std_find(p, arn)) == -1)
		return -1;
	if (strcmp(st, "DISABLED") == 0)
		p->ctl[c].disabled |= (uint64_t)1 << s;
	else if (strcmp(st, "ENABLED") != 0)
		return -1;
	return 0;
}

/*
 * Unprocessed pairs count as enabled (an unknown control, say), except a
 * throttled one: the poll would be incomplete.
 */
static int
sh_assoc_unprocessed(json_t *u)
{
	json_t *e;
	const char *code;
	size_t i;

	if (u != NULL && !json_is_null(u) &&
	    (!json_is_array(u) || json_array_size(u) > SH_BATCH))
		return -1;
	json_array_foreach(u, i, e)
	{
		if (!json_is_object(e) ||
		    sh_str(e, "ErrorCode", 64, &code) == -1 ||
		    (code != NULL && strcmp(code, "LIMIT_EXCEEDED") == 0))
			return -1;
	}
	return 0;
}

static void
sh_assoc_cb(struct aws_result *res, void *arg)
{
	struct sh_poll *p = arg;

	if (sh_each(p, res, "BatchGetStandardsControlAssociations",
		"StandardsControlAssociationDetails", SH_BATCH,
		sh_assoc_detail) == -1)
		return;
	if (sh_assoc_unprocessed(
		json_object_get(res->json, "UnprocessedAssociations")) == -1) {
		sh_malformed(p, "BatchGetStandardsControlAssociations",
		    "bad or throttled UnprocessedAssociations");
		return;
	}
	sh_next(p);
}

/* The next batch of pairs from the cursor; empty at the end. */
static json_t *
sh_next_pairs(struct sh_poll *p)
{
	json_t *ids = json_array();
	struct sh_ctl *c;

	for (; p->cur_ctl < p->nctl; p->cur_std = 0, p->cur_ctl++) {
		c = &p->ctl[p->cur_ctl];
		for (; p->cur_std < p->nstd && json_array_size(ids) < SH_BATCH;
		     p->cur_std++)
			if (c->member & ((uint64_t)1 << p->cur_std))
				json_array_append_new(ids,
				    json_pack("{s:s,s:s}", "SecurityControlId",
					c->id, "StandardsArn",
					p->std[p->cur_std].arn));
		if (json_array_size(ids) == SH_BATCH)
			break;
	}
	return ids;
}

static void
sh_associations(struct sh_poll *p, json_t *ids)
{
	p->step = SH_ASSOCIATIONS;
	sh_call(p, "BatchGetStandardsControlAssociations", "POST",
	    "/associations/batchGet",
	    json_pack("{s:o}", "StandardsControlAssociationIds", ids),
	    sh_assoc_cb);
}

/* 5. The score, and the snapshot. */

/* Findings for score_compute; standards point into *pool (caller frees). */
static struct score_finding *
sh_score_findings(struct sh_poll *p, const char ***pool)
{
	struct score_finding *f = xcalloc(p->nfnd + 1, sizeof *f);
	size_t i, s, n = 0;

	for (i = 0; i < p->nfnd; i++)
		n += (size_t)__builtin_popcountll(p->fnd[i].mask);
	*pool = xcalloc(n + 1, sizeof **pool);
	for (i = 0, n = 0; i < p->nfnd; i++) {
		f[i].control_id = p->ctl[p->fnd[i].ctl].id;
		f[i].compliance = p->fnd[i].compliance;
		f[i].record = p->fnd[i].record;
		f[i].workflow = p->fnd[i].workflow;
		f[i].resource_id = p->fnd[i].res;
		f[i].standards = &(*pool)[n];
		for (s = 0; s < p->nstd; s++)
			if (p->fnd[i].mask & ((uint64_t)1 << s))
				(*pool)[n++] = p->std[s].arn;
		f[i].nstandards = (size_t)(&(*pool)[n] - f[i].standards);
	}
	return f;
}

/* The disabled pairs for score_compute (caller frees). */
static struct score_pair *
sh_score_pairs(struct sh_poll *p, size_t *n)
{
	struct score_pair *d = NULL;
	size_t i, s, cap = 0;

	for (*n = 0, i = 0; i < p->nctl; i++)
		for (s = 0; s < p->nstd; s++)
			if (p->ctl[i].disabled & ((uint64_t)1 << s)) {
				d = sh_grow(d, *n, &cap, sizeof *d);
				d[(*n)++] = (struct score_pair){ p->ctl[i].id,
					p->std[s].arn };
			}
	return d;
}

static int
sh_score(struct sh_poll *p, struct sm_err *err)
{
	struct score_standard_in s[SH_MAX_STANDARDS];
	struct score_input in = {
		.nfindings = p->nfnd, .standards = s, .nstandards = p->nstd
	};
	struct score_finding *f;
	struct score_pair *d;
	const char **pool;
	size_t i;
	int r;

	for (i = 0; i < p->nstd; i++) /* "standards/NAME/v/1.0.0" -> NAME.. */
		s[i] = (struct score_standard_in){ p->std[i].arn,
			strchr(p->std[i].key, '/') != NULL
			    ? strchr(p->std[i].key, '/') + 1
			    : p->std[i].key };
	in.findings = f = sh_score_findings(p, &pool);
	in.disabled = d = sh_score_pairs(p, &in.ndisabled);
	r = score_compute(&in, &p->snap.score, err);
	free(f);
	free(pool);
	free(d);
	return r;
}

static void
sh_succeed(struct sh_poll *p)
{
	struct score_result *sr = &p->snap.score;
	struct sm_err err;
	size_t i;
	long c;

	if (sh_score(p, &err) == -1) {
		sh_fail(p, &err);
		return;
	}
	p->info = xcalloc(sr->ncontrols + 1, sizeof *p->info);
	for (i = 0; i < sr->ncontrols; i++) {
		c = sh_control(p, sr->controls[i].control_id, 0);
		p->info[i].title =
		    p->ctl[c].title != NULL ? p->ctl[c].title : "";
		p->info[i].severity =
		    p->ctl[c].sev < 0 ? "" : sh_sev_names[p->ctl[c].sev];
	}
	p->snap.info = p->info;
	p->req = NULL;
	p->done(&p->snap, NULL, p->arg);
	sh_poll_free(p);
}

/* What comes next: another page, the next step, or done. */
static void
sh_next(struct sh_poll *p)
{
	json_t *ids;

	if (p->pg.token == NULL)
		p->pg.pages = 0;
	if (p->pg.token != NULL && p->step == SH_ENABLED_STANDARDS)
		sh_enabled_standards(p);
	else if (p->pg.token != NULL)
		sh_get_findings(p);
	else if (p->step == SH_DESCRIBE_HUB)
		sh_enabled_standards(p);
	else if (p->step == SH_ENABLED_STANDARDS && p->nstd == 0)
		sh_succeed(p); /* nothing enabled, nothing to score */
	else if (p->step == SH_ENABLED_STANDARDS)
		sh_get_findings(p);
	else if (json_array_size(ids = sh_next_pairs(p)) > 0)
		sh_associations(p, ids);
	else {
		json_decref(ids);
		sh_succeed(p);
	}
}

struct sh_poll *
sh_poll_start(struct aws *aws, const struct endpoint *ep, sh_done_cb done,
    void *arg, struct sm_err *err)
{
	struct sh_poll *p = xcalloc(1, sizeof *p);

	p->aws = aws;
	p->ep = *ep;
	p->done = done;
	p->arg = arg;
	p->ids = json_object();
	p->start_err = err;
	p->step = SH_DESCRIBE_HUB;
	sh_call(p, "DescribeHub", "GET", "/accounts", NULL, sh_hub_cb);
	p->start_err = NULL;
	if (p->req == NULL) {
		sh_poll_free(p);
		return NULL;
	}
	return p;
}
