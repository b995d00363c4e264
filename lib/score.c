/*
 * score.c: pure: control findings -> the Security Hub security score per
 * standard and overall (AWS-NOTES 4.1). Control ids are sorted and
 * searched (qsort + bsearch); each control keeps one bit per enabled
 * standard for membership, disabled, FAILED, unknown and PASSED, so the
 * whole computation is O(n log n) in time and O(controls) in memory.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "score.h"

/* One control while findings are read: a bit per enabled standard. */
struct score_acc {
	const char *id;
	uint64_t member, disabled, failed, unknown, passed;
	size_t failed_resources, findings;
};

/* An enabled standard's key, for bsearch. */
struct score_key {
	const char *key;
	size_t idx;
};

/* A counted FAILED finding's resource, to count each resource once. */
struct score_fail {
	struct score_acc *a;
	const char *res;
};

struct score_ctx {
	const struct score_input *in;
	struct score_fail *fails;
	size_t nfails;
	struct score_key keys[SCORE_MAX_STANDARDS];
	size_t nkeys;
	struct score_acc *acc;
	size_t nacc;
	struct score_result *out;
};

static const char *score_status_names[] = {
	[SCORE_ST_NONE] = "",
	[SCORE_ST_PASSED] = "PASSED",
	[SCORE_ST_FAILED] = "FAILED",
	[SCORE_ST_UNKNOWN] = "UNKNOWN",
	[SCORE_ST_NO_DATA] = "NO_DATA",
	[SCORE_ST_DISABLED] = "DISABLED",
};

const char *
score_status_name(enum score_status s)
{
	if ((size_t)s >= sizeof score_status_names / sizeof *score_status_names)
		return "";
	return score_status_names[s];
}

/* Index of s in names[n], or -1. */
static int
score_lookup(const char *s, const char *const *names, int n)
{
	int i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

int
score_compliance_parse(const char *s, enum score_compliance *out)
{
	static const char *const names[] = { "PASSED", "FAILED", "WARNING",
		"NOT_AVAILABLE" };
	int i = score_lookup(s, names, 4);

	if (i != -1)
		*out = (enum score_compliance)i;
	return i == -1 ? -1 : 0;
}

int
score_record_parse(const char *s, enum score_record *out)
{
	static const char *const names[] = { "ACTIVE", "ARCHIVED" };
	int i = score_lookup(s, names, 2);

	if (i != -1)
		*out = (enum score_record)i;
	return i == -1 ? -1 : 0;
}

int
score_workflow_parse(const char *s, enum score_workflow *out)
{
	static const char *const names[] = { "NEW", "NOTIFIED", "RESOLVED",
		"SUPPRESSED" };
	int i = score_lookup(s, names, 4);

	if (i != -1)
		*out = (enum score_workflow)i;
	return i == -1 ? -1 : 0;
}

const char *
score_std_key(const char *s)
{
	const char *p = s;
	int colons = 0;

	if (strncmp(s, "arn:", 4) != 0)
		return s;
	while (*p != '\0' && colons < 5)
		if (*p++ == ':')
			colons++;
	return colons == 5 ? p : s;
}

static int
score_key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct score_key *)a)->key,
	    ((const struct score_key *)b)->key);
}

/* The result index of an enabled standard, or -1. */
static int
score_std_find(const struct score_ctx *c, const char *std)
{
	struct score_key k = { score_std_key(std), 0 }, *hit;

	hit = bsearch(&k, c->keys, c->nkeys, sizeof *c->keys, score_key_cmp);
	return hit == NULL ? -1 : (int)hit->idx;
}

/* The enabled standards, duplicates dropped, and their sorted keys. */
static int
score_std_setup(struct score_ctx *c, struct sm_err *err)
{
	const struct score_input *in = c->in;
	struct score_result *out = c->out;
	size_t i;

	if (in->nstandards > SCORE_MAX_STANDARDS)
		return sm_err_set(err, "TooManyStandards",
		    "more than %d enabled standards", SCORE_MAX_STANDARDS);
	out->standards = xcalloc(in->nstandards + 1, sizeof *out->standards);
	for (i = 0; i < in->nstandards; i++) {
		if (in->standards[i].arn == NULL)
			return sm_err_set(
			    err, "InvalidInput", "standard %zu has no ARN", i);
		if (score_std_find(c, in->standards[i].arn) != -1)
			continue;
		out->standards[out->nstandards].arn =
		    xstrdup(in->standards[i].arn);
		out->standards[out->nstandards].name = xstrdup(
		    in->standards[i].name != NULL ? in->standards[i].name : "");
		c->keys[c->nkeys].key = score_std_key(in->standards[i].arn);
		c->keys[c->nkeys++].idx = out->nstandards++;
		qsort(c->keys, c->nkeys, sizeof *c->keys, score_key_cmp);
	}
	return 0;
}

static int
score_str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
score_acc_cmp(const void *a, const void *b)
{
	return strcmp(((const struct score_acc *)a)->id,
	    ((const struct score_acc *)b)->id);
}

/* The accumulator of a control, or NULL. */
static struct score_acc *
score_acc_find(const struct score_ctx *c, const char *id)
{
	struct score_acc k = { .id = id };

	return bsearch(&k, c->acc, c->nacc, sizeof *c->acc, score_acc_cmp);
}

/* One accumulator per distinct control id of findings and pairs. */
static int
score_acc_setup(struct score_ctx *c, struct sm_err *err)
{
	const struct score_input *in = c->in;
	size_t n = in->nfindings + in->ndisabled, i;
	const char **ids;

	if (in->ndisabled > SCORE_MAX_PAIRS)
		return sm_err_set(err, "TooManyPairs",
		    "more than %d disabled pairs", SCORE_MAX_PAIRS);
	ids = xcalloc(n + 1, sizeof *ids);
	for (i = 0; i < in->nfindings; i++)
		ids[i] = in->findings[i].control_id;
	for (i = 0; i < in->ndisabled; i++)
		ids[in->nfindings + i] = in->disabled[i].control_id;
	for (i = 0; i < n; i++)
		if (ids[i] == NULL) {
			free(ids);
			return sm_err_set(err, "InvalidInput",
			    "a finding or pair has no control id");
		}
	qsort(ids, n, sizeof *ids, score_str_cmp);
	c->acc = xcalloc(n + 1, sizeof *c->acc);
	for (i = 0; i < n; i++)
		if (c->nacc == 0 || strcmp(c->acc[c->nacc - 1].id, ids[i]) != 0)
			c->acc[c->nacc++].id = ids[i];
	free(ids);
	return 0;
}

static void
score_apply_disabled(struct score_ctx *c)
{
	const struct score_input *in = c->in;
	struct score_acc *a;
	size_t i;
	int s;

	for (i = 0; i < in->ndisabled; i++) {
		if (in->disabled[i].standard == NULL ||
		    (s = score_std_find(c, in->disabled[i].standard)) == -1)
			continue;
		a = score_acc_find(c, in->disabled[i].control_id);
		a->disabled |= (uint64_t)1 << s;
	}
}

/* The enabled standards of a finding, as bits. */
static uint64_t
score_finding_mask(const struct score_ctx *c, const struct score_finding *f)
{
	uint64_t m = 0;
	size_t i;
	int s;

	for (i = 0; i < f->nstandards; i++)
		if (f->standards[i] != NULL &&
		    (s = score_std_find(c, f->standards[i])) != -1)
			m |= (uint64_t)1 << s;
	return m;
}

static void
score_add_finding(struct score_ctx *c, const struct score_finding *f)
{
	struct score_acc *a = score_acc_find(c, f->control_id);
	uint64_t m = score_finding_mask(c, f);

	a->member |= m;
	if (f->record == SCORE_ARCHIVED || f->workflow == SCORE_SUPPRESSED)
		return;
	if ((m &= ~a->disabled) == 0)
		return;
	a->findings++;
	switch (f->compliance) {
	case SCORE_FAILED:
		a->failed |= m;
		if (f->resource_id == NULL)
			a->failed_resources++;
		else
			c->fails[c->nfails++] =
			    (struct score_fail){ a, f->resource_id };
		break;
	case SCORE_PASSED:
		a->passed |= m;
		break;
	default:
		a->unknown |= m;
		break;
	}
}

static int
score_fail_cmp(const void *x, const void *y)
{
	const struct score_fail *a = x, *b = y;

	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return strcmp(a->res, b->res);
}

/* Each control's failed resources: distinct ids of its FAILED findings. */
static void
score_count_resources(struct score_ctx *c)
{
	size_t i;

	qsort(c->fails, c->nfails, sizeof *c->fails, score_fail_cmp);
	for (i = 0; i < c->nfails; i++)
		if (i == 0 ||
		    score_fail_cmp(&c->fails[i - 1], &c->fails[i]) != 0)
			c->fails[i].a->failed_resources++;
}

/* A control's status in the standards of mask bit. */
static enum score_status
score_status_of(const struct score_acc *a, uint64_t bit)
{
	if (a->disabled & bit)
		return SCORE_ST_DISABLED;
	if (a->failed & bit)
		return SCORE_ST_FAILED;
	if (a->unknown & bit)
		return SCORE_ST_UNKNOWN;
	if (a->passed & bit)
		return SCORE_ST_PASSED;
	if (a->member & bit)
		return SCORE_ST_NO_DATA;
	return SCORE_ST_NONE;
}

/* Across the enabled standards: FAILED in any is FAILED, and so on. */
static enum score_status
score_overall_of(const struct score_acc *a)
{
	uint64_t act = a->member & ~a->disabled;

	if (act == 0)
		return SCORE_ST_DISABLED;
	if (a->failed & act)
		return SCORE_ST_FAILED;
	if (a->unknown & act)
		return SCORE_ST_UNKNOWN;
	if (a->passed & act)
		return SCORE_ST_PASSED;
	return SCORE_ST_NO_DATA;
}

static void
score_count(struct score_counts *k, enum score_status s)
{
	switch (s) {
	case SCORE_ST_PASSED:
		k->passed++;
		break;
	case SCORE_ST_FAILED:
		k->failed++;
		break;
	case SCORE_ST_UNKNOWN:
		k->unknown++;
		break;
	case SCORE_ST_NO_DATA:
		k->no_data++;
		break;
	case SCORE_ST_DISABLED:
		k->disabled++;
		break;
	case SCORE_ST_NONE:
		break;
	}
}

/* Score = passed / (passed + failed + unknown); -1 when nothing counts. */
static void
score_finish(struct score_counts *k)
{
	size_t d = k->passed + k->failed + k->unknown;

	k->enabled_controls = d + k->no_data;
	if (d == 0) {
		k->score = -1;
		k->rounded = -1;
		return;
	}
	k->score = 100.0 * (double)k->passed / (double)d;
	k->rounded = (int)((200 * k->passed + d) / (2 * d));
}

/* One control of the table, counted in its standards and overall. */
static void
score_emit(struct score_ctx *c, const struct score_acc *a)
{
	struct score_result *out = c->out;
	struct score_control *ctl = &out->controls[out->ncontrols++];
	size_t s;

	ctl->control_id = xstrdup(a->id);
	ctl->status = score_overall_of(a);
	ctl->failed_resources = a->failed_resources;
	ctl->findings = a->findings;
	ctl->in_std = xcalloc(out->nstandards + 1, sizeof *ctl->in_std);
	for (s = 0; s < out->nstandards; s++) {
		ctl->in_std[s] = score_status_of(a, (uint64_t)1 << s);
		score_count(&out->standards[s].c, ctl->in_std[s]);
	}
	score_count(&out->overall, ctl->status);
}

static void
score_emit_all(struct score_ctx *c)
{
	struct score_result *out = c->out;
	size_t i, ndef = 0;
	double sum = 0;

	out->controls = xcalloc(c->nacc + 1, sizeof *out->controls);
	for (i = 0; i < c->nacc; i++)
		if ((c->acc[i].member | c->acc[i].disabled) != 0)
			score_emit(c, &c->acc[i]);
	score_finish(&out->overall);
	for (i = 0; i < out->nstandards; i++) {
		score_finish(&out->standards[i].c);
		if (out->standards[i].c.score >= 0) {
			sum += out->standards[i].c.score;
			ndef++;
		}
	}
	out->mean = ndef == 0 ? -1 : sum / (double)ndef;
}

int
score_compute(
    const struct score_input *in, struct score_result *out, struct sm_err *err)
{
	struct score_ctx c = { .in = in, .out = out };
	size_t i;

	memset(out, 0, sizeof *out);
	if (in->nfindings > SCORE_MAX_FINDINGS) {
		sm_err_set(err, "TooManyFindings", "more than %d findings",
		    SCORE_MAX_FINDINGS);
		return -1;
	}
	if (score_std_setup(&c, err) == -1 || score_acc_setup(&c, err) == -1) {
		score_result_clear(out);
		return -1;
	}
	score_apply_disabled(&c);
	c.fails = xcalloc(in->nfindings + 1, sizeof *c.fails);
	for (i = 0; i < in->nfindings; i++)
		score_add_finding(&c, &in->findings[i]);
	score_count_resources(&c);
	score_emit_all(&c);
	free(c.fails);
	free(c.acc);
	return 0;
}

void
score_result_clear(struct score_result *r)
{
	size_t i;

	for (i = 0; i < r->nstandards; i++) {
		free(r->standards[i].arn);
		free(r->standards[i].name);
	}
	free(r->standards);
	for (i = 0; i < r->ncontrols; i++) {
		free(r->controls[i].control_id);
		free(r->controls[i].in_std);
	}
	free(r->controls);
	memset(r, 0, sizeof *r);
}
