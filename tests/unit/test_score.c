/*
 * test_score.c: the console's security score: each rule of AWS-NOTES 4.1
 * alone, the summary as a unique-control ratio, the caps, then a
 * randomised comparison (fixed seed) against a naive second
 * implementation written here, which must agree exactly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "score.h"

#define FSBP                                                                   \
	"arn:aws:securityhub:us-east-1::standards/"                            \
	"aws-foundational-security-best-practices/v/1.0.0"
#define FSBP_RES "standards/aws-foundational-security-best-practices/v/1.0.0"
#define CIS                                                                    \
	"arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
#define CIS_RES "ruleset/cis-aws-foundations-benchmark/v/1.2.0"
#define PCI "arn:aws:securityhub:us-east-1::standards/pci-dss/v/3.2.1"

/* A test case under construction. */
struct tcase {
	struct score_finding f[64];
	size_t nf;
	struct score_standard_in s[8];
	size_t ns;
	struct score_pair d[16];
	size_t nd;
	struct score_result r;
};

static const char *const only_fsbp[] = { FSBP_RES };
static const char *const only_cis[] = { CIS_RES };
static const char *const both[] = { FSBP_RES, CIS_RES };

static void
add(struct tcase *t, const char *ctl, enum score_compliance c,
    const char *const *stds, size_t n)
{
	struct score_finding *f = &t->f[t->nf++];

	memset(f, 0, sizeof *f);
	f->control_id = ctl;
	f->compliance = c;
	f->record = SCORE_ACTIVE;
	f->workflow = SCORE_NEW;
	f->standards = stds;
	f->nstandards = n;
	f->account = "111122223333";
	f->region = "us-east-1";
}

static void
std(struct tcase *t, const char *arn, const char *name)
{
	t->s[t->ns].arn = arn;
	t->s[t->ns++].name = name;
}

static void
run(struct tcase *t)
{
	struct score_input in = { t->f, t->nf, t->s, t->ns, t->d, t->nd };
	struct sm_err err;

	assert_int_equal(score_compute(&in, &t->r, &err), 0);
}

static const struct score_control *
ctl(const struct tcase *t, const char *id)
{
	size_t i;

	for (i = 0; i < t->r.ncontrols; i++)
		if (strcmp(t->r.controls[i].control_id, id) == 0)
			return &t->r.controls[i];
	fail_msg("no control %s", id);
	return NULL;
}

static void
test_names(void **st)
{
	enum score_compliance c;
	enum score_workflow w;
	enum score_record r;

	(void)st;
	assert_string_equal(score_std_key(FSBP), FSBP_RES);
	assert_string_equal(score_std_key(CIS), CIS_RES);
	assert_string_equal(score_std_key(CIS_RES), CIS_RES);
	assert_string_equal(score_std_key("arn:aws:x"), "arn:aws:x");
	assert_int_equal(score_compliance_parse("NOT_AVAILABLE", &c), 0);
	assert_int_equal(c, SCORE_NOT_AVAILABLE);
	assert_int_equal(score_compliance_parse("passed", &c), -1);
	assert_int_equal(score_compliance_parse(NULL, &c), -1);
	assert_int_equal(score_workflow_parse("SUPPRESSED", &w), 0);
	assert_int_equal(w, SCORE_SUPPRESSED);
	assert_int_equal(score_record_parse("ARCHIVED", &r), 0);
	assert_int_equal(r, SCORE_ARCHIVED);
	assert_string_equal(score_status_name(SCORE_ST_NO_DATA), "NO_DATA");
}

static void
test_empty(void **st)
{
	struct tcase t = { .nf = 0 };

	(void)st;
	run(&t);
	assert_int_equal(t.r.ncontrols, 0);
	assert_int_equal(t.r.nstandards, 0);
	assert_true(t.r.overall.score == -1);
	assert_int_equal(t.r.overall.rounded, -1);
	assert_true(t.r.mean == -1);
	score_result_clear(&t.r);
	std(&t, FSBP, "FSBP");
	run(&t);
	assert_int_equal(t.r.nstandards, 1);
	assert_string_equal(t.r.standards[0].name, "FSBP");
	assert_true(t.r.standards[0].c.score == -1);
	assert_int_equal(t.r.standards[0].c.enabled_controls, 0);
	score_result_clear(&t.r);
}

static void
test_archived_ignored(void **st)
{
	struct tcase t = { .nf = 0 };

	(void)st;
	std(&t, FSBP, NULL);
	add(&t, "IAM.1", SCORE_PASSED, only_fsbp, 1);
	add(&t, "IAM.1", SCORE_FAILED, only_fsbp, 1);
	t.f[1].record = SCORE_ARCHIVED;
	run(&t);
	assert_int_equal(ctl(&t, "IAM.1")->status, SCORE_ST_PASSED);
	assert_int_equal(ctl(&t, "IAM.1")->failed_resources, 0);
	assert_int_equal(ctl(&t, "IAM.1")->findings, 1);
	assert_true(t.r.standards[0].c.score == 100);
	assert_string_equal(t.r.standards[0].name, "");
	score_result_clear(&t.r);
}

static void
test_suppressed_ignored(void **st)
{
	struct tcase t = { .nf = 0 };

	(void)st;
	std(&t, FSBP, NULL);
	add(&t, "S3.1", SCORE_FAILED, only_fsbp, 1);
	add(&t, "S3.1", SCORE_WARNING, only_fsbp, 1);
	t.f[0].workflow = SCORE_SUPPRESSED;
	add(&t, "S3.2", SCORE_PASSED, only_fsbp, 1);
	add(&t, "S3.2", SCORE_FAILED, only_fsbp, 1);
	t.f[3].workflow = SCORE_RESOLVED; /* only SUPPRESSED is ignored */
	run(&t);
	assert_int_equal(ctl(&t, "S3.1")->status, SCORE_ST_UNKNOWN);
	assert_int_equal(ctl(&t, "S3.2")->status, SCORE_ST_FAILED);
	assert_int_equal(t.r.standards[0].c.unknown, 1);
	assert_int_equal(t.r.standards[0].c.failed, 1);
	assert_true(t.r.standards[0].c.score == 0);
	assert_int_equal(t.r.standards[0].c.rounded, 0);
	score_result_clear(&t.r);
}

static void
test_failed_beats_warning(void **st)
{
	struct tcase t = { .nf = 0 };

	(void)st;
	std(&t, FSBP, NULL);
	add(&t, "EC2.1", SCORE_WARNING, only_fsbp, 1);
	add(&t, "EC2.1", SCORE_FAILED, only_fsbp, 1);
	add(&t, "EC2.1", SCORE_PASSED, only_fsbp, 1);
	add(&t, "EC2.1", SCORE_FAILED, only_fsbp, 1);
	add(&t, "EC2.1", SCORE_NOT_AVAILABLE, only_fsbp, 1);
	add(&t, "EC2.2", SCORE_FAILED, only_fsbp, 1);
	add(&t, "EC2.2", SCORE_FAILED, only_fsbp, 1);
	add(&t, "EC2.2", SCORE_FAILED, only_fsbp, 1);
	t.f[5].resource_id = t.f[6].resource_id = "i-1";
	t.f[7].resource_id = "i-2";
	run(&t);
	assert_int_equal(ctl(&t, "EC2.1")->status, SCORE_ST_FAILED);
	assert_int_equal(ctl(&t, "EC2.1")->failed_resources, 2);
	assert_int_equal(ctl(&t, "EC2.2")->failed_resources, 2);
	assert_int_equal(ctl(&t, "EC2.1")->findings, 5);
	score_result_clear(&t.r);
}

static void
test_not_available_unknown(void **st)
{
	struct tcase t = { .nf = 0 };

	(void)st;
	std(&t, FSBP, NULL);
	add(&t, "Config.1", SCORE_PASSED, only_fsbp, 1);
	add(&t, "Config.1", SCORE_NOT_AVAILABLE, only_fsbp, 1);
	add(&t, "Config.2", SCORE_PASSED, only_fsbp, 1);
	run(&t);
	assert_int_equal(ctl(&t, "Config.1")->status, SCORE_ST_UNKNOWN);
	assert_int_equal(ctl(&t, "Config.1")->in_std[0], SCORE_ST_UNKNOWN);
	assert_int_equal(t.r.standards[0].c.unknown, 1);
	assert_int_equal(t.r.standards[0].c.passed, 1);
	assert_true(t.r.standards[0].c.score == 50);
	assert_int_equal(t.r.standards[0].c.rounded, 50);
	score_result_clear(&t.r);
}

static void
test_all_suppressed_no_data(void **st)
{
	struct tcase t = { .nf = 0 };

	(void)st;
	std(&t, FSBP, NULL);
	add(&t, "KMS.4", SCORE_FAILED, only_fsbp, 1);
	add(&t, "KMS.4", SCORE_PASSED, only_fsbp, 1);
	t.f[0].workflow = SCORE_SUPPRESSED;
	t.f[1].record = SCORE_ARCHIVED;
	add(&t, "KMS.5", SCORE_FAILED, only_fsbp, 1);
	run(&t);
	assert_int_equal(ctl(&t, "KMS.4")->status, SCORE_ST_NO_DATA);
	assert_int_equal(t.r.standards[0].c.no_data, 1);
	assert_int_equal(t.r.standards[0].c.failed, 1);
	assert_int_equal(t.r.standards[0].c.enabled_controls, 2);
	assert_true(t.r.standards[0].c.score == 0);
	assert_int_equal(t.r.overall.no_data, 1);
	score_result_clear(&t.r);
}

static void
test_disabled_excluded(void **st)
{
	struct tcase t = { .nf = 0 };

	(void)st;
	std(&t, FSBP, NULL);
	std(&t, CIS, NULL);
	add(&t, "IAM.4", SCORE_FAILED, both, 2);
	add(&t, "IAM.5", SCORE_PASSED, both, 2);
	add(&t, "IAM.6", SCORE_FAILED, only_fsbp, 1);
	t.d[t.nd++] = (struct score_pair){ "IAM.4", FSBP };
	t.d[t.nd++] = (struct score_pair){ "IAM.6", FSBP_RES };
	t.d[t.nd++] = (struct score_pair){ "IAM.9", CIS_RES };
	t.d[t.nd++] = (struct score_pair){ "IAM.9", PCI }; /* not enabled */
	run(&t);
	assert_int_equal(ctl(&t, "IAM.4")->in_std[0], SCORE_ST_DISABLED);
	assert_int_equal(ctl(&t, "IAM.4")->in_std[1], SCORE_ST_FAILED);
	assert_int_equal(ctl(&t, "IAM.4")->status, SCORE_ST_FAILED);
	assert_int_equal(ctl(&t, "IAM.6")->status, SCORE_ST_DISABLED);
	assert_int_equal(ctl(&t, "IAM.6")->failed_resources, 0);
	assert_int_equal(ctl(&t, "IAM.9")->status, SCORE_ST_DISABLED);
	assert_int_equal(ctl(&t, "IAM.9")->in_std[0], SCORE_ST_NONE);
	/* FSBP: IAM.5 passed; IAM.4 and IAM.6 disabled. */
	assert_int_equal(t.r.standards[0].c.passed, 1);
	assert_int_equal(t.r.standards[0].c.disabled, 2);
	assert_int_equal(t.r.standards[0].c.enabled_controls, 1);
	assert_true(t.r.standards[0].c.score == 100);
	/* CIS: IAM.4 failed, IAM.5 passed, IAM.9 disabled. */
	assert_int_equal(t.r.standards[1].c.disabled, 1);
	assert_true(t.r.standards[1].c.score == 50);
	assert_int_equal(t.r.overall.disabled, 2);
	assert_int_equal(t.r.overall.enabled_controls, 2);
	score_result_clear(&t.r);
}

static void
test_two_standards_once(void **st)
{
	struct tcase t = { .nf = 0 };

	(void)st;
	std(&t, FSBP, "AWS Foundational Security Best Practices v1.0.0");
	std(&t, CIS, "CIS AWS Foundations Benchmark v1.2.0");
	std(&t, FSBP, "duplicate");
	add(&t, "CloudTrail.1", SCORE_FAILED, both, 2);
	add(&t, "CloudTrail.1", SCORE_PASSED, both, 2);
	add(&t, "CloudTrail.2", SCORE_PASSED, only_fsbp, 1);
	add(&t, "CloudTrail.2", SCORE_FAILED, only_cis, 1);
	add(&t, "CloudTrail.3", SCORE_PASSED, both, 2);
	run(&t);
	assert_int_equal(t.r.nstandards, 2);
	assert_int_equal(t.r.overall.failed, 2);
	assert_int_equal(t.r.overall.passed, 1);
	assert_int_equal(t.r.overall.enabled_controls, 3);
	assert_int_equal(ctl(&t, "CloudTrail.1")->failed_resources, 1);
	assert_int_equal(ctl(&t, "CloudTrail.2")->status, SCORE_ST_FAILED);
	assert_int_equal(ctl(&t, "CloudTrail.2")->in_std[0], SCORE_ST_PASSED);
	assert_int_equal(t.r.overall.rounded, 33);
	assert_int_equal(t.r.standards[0].c.rounded, 67); /* 2/3 */
	assert_int_equal(t.r.standards[1].c.rounded, 33); /* 1/3 */
	score_result_clear(&t.r);
}

/* The doc's point: the summary is a unique-control ratio, not a mean. */
static void
test_overall_not_mean(void **st)
{
	static const char *const ids[] = { "C.3", "C.4", "C.5" };
	struct tcase t = { .nf = 0 };
	size_t i;

	(void)st;
	std(&t, FSBP, NULL);
	std(&t, CIS, NULL);
	add(&t, "C.1", SCORE_PASSED, both, 2);
	add(&t, "C.2", SCORE_FAILED, only_fsbp, 1);
	for (i = 0; i < 3; i++)
		add(&t, ids[i], SCORE_PASSED, only_cis, 1);
	run(&t);
	assert_true(t.r.standards[0].c.score == 50);
	assert_true(t.r.standards[1].c.score == 100);
	assert_true(t.r.mean == 75);
	assert_true(t.r.overall.score == 80);
	assert_int_equal(t.r.overall.rounded, 80);
	score_result_clear(&t.r);
}

static void
test_rounding_and_others(void **st)
{
	static const char *const other[] = { PCI };
	static const char *const ids[] = { "H", "G", "F", "E", "D", "C", "B",
		"A" };
	struct tcase t = { .nf = 0 };
	size_t i;

	(void)st;
	std(&t, FSBP, NULL);
	for (i = 0; i < 8; i++) /* 1 passed of 8: 12.5 -> 13 */
		add(&t, ids[i], i == 0 ? SCORE_PASSED : SCORE_FAILED, only_fsbp,
		    1);
	add(&t, "Z", SCORE_FAILED, other, 1); /* no enabled standard */
	add(&t, "Y", SCORE_FAILED, NULL, 0);
	run(&t);
	assert_true(t.r.standards[0].c.score == 12.5);
	assert_int_equal(t.r.standards[0].c.rounded, 13);
	assert_int_equal(t.r.ncontrols, 8);
	assert_string_equal(t.r.controls[0].control_id, "A");
	score_result_clear(&t.r);
}

static void
test_caps(void **st)
{
	struct score_standard_in s[SCORE_MAX_STANDARDS + 1];
	struct score_input in = { .standards = s };
	struct score_finding f = { .control_id = NULL };
	struct score_result r;
	struct sm_err err;
	size_t i;

	(void)st;
	for (i = 0; i <= SCORE_MAX_STANDARDS; i++)
		s[i] = (struct score_standard_in){ FSBP, NULL };
	in.nstandards = SCORE_MAX_STANDARDS + 1;
	assert_int_equal(score_compute(&in, &r, &err), -1);
	assert_string_equal(err.code, "TooManyStandards");
	in.nstandards = 1;
	in.findings = &f;
	in.nfindings = 1;
	assert_int_equal(score_compute(&in, &r, &err), -1);
	assert_string_equal(err.code, "InvalidInput");
	in.nfindings = SCORE_MAX_FINDINGS + 1;
	assert_int_equal(score_compute(&in, &r, &err), -1);
	assert_string_equal(err.code, "TooManyFindings");
}

/* The naive second implementation: quadratic scans, no bit sets. */

static uint64_t rnd_state = 0x5ec30d5eedULL;

static unsigned
rnd(unsigned n)
{
	rnd_state = rnd_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((rnd_state >> 33) % n);
}

static int
same_std(const char *a, const char *b)
{
	return strcmp(score_std_key(a), score_std_key(b)) == 0;
}

static int
naive_lists(const struct score_finding *f, const char *s)
{
	size_t i;

	for (i = 0; i < f->nstandards; i++)
		if (same_std(f->standards[i], s))
			return 1;
	return 0;
}

static int
naive_disabled(const struct score_input *in, const char *c, const char *s)
{
	size_t i;

	for (i = 0; i < in->ndisabled; i++)
		if (strcmp(in->disabled[i].control_id, c) == 0 &&
		    same_std(in->disabled[i].standard, s))
			return 1;
	return 0;
}

static int
naive_counts(const struct score_finding *f)
{
	return f->record == SCORE_ACTIVE && f->workflow != SCORE_SUPPRESSED;
}

/* Status from a list of counted findings (any, failed, unknown). */
static enum score_status
naive_status(int any, int failed, int unknown)
{
	if (!any)
		return SCORE_ST_NO_DATA;
	if (failed)
		return SCORE_ST_FAILED;
	return unknown ? SCORE_ST_UNKNOWN : SCORE_ST_PASSED;
}

static enum score_status
naive_in_std(const struct score_input *in, const char *c, const char *s)
{
	int member = 0, any = 0, failed = 0, unknown = 0;
	size_t i;

	for (i = 0; i < in->nfindings; i++) {
		const struct score_finding *f = &in->findings[i];

		if (strcmp(f->control_id, c) != 0 || !naive_lists(f, s))
			continue;
		member = 1;
		if (!naive_counts(f))
			continue;
		any = 1;
		failed |= f->compliance == SCORE_FAILED;
		unknown |= f->compliance == SCORE_WARNING ||
		    f->compliance == SCORE_NOT_AVAILABLE;
	}
	if (naive_disabled(in, c, s))
		return SCORE_ST_DISABLED;
	if (!member)
		return SCORE_ST_NONE;
	return naive_status(any, failed, unknown);
}

static void
naive_count(struct score_counts *k, enum score_status s)
{
	k->passed += s == SCORE_ST_PASSED;
	k->failed += s == SCORE_ST_FAILED;
	k->unknown += s == SCORE_ST_UNKNOWN;
	k->no_data += s == SCORE_ST_NO_DATA;
	k->disabled += s == SCORE_ST_DISABLED;
}

static void
naive_finish(struct score_counts *k)
{
	size_t d = k->passed + k->failed + k->unknown;

	k->enabled_controls = d + k->no_data;
	k->score = d == 0 ? -1 : 100.0 * (double)k->passed / (double)d;
	k->rounded = d == 0 ? -1 : (int)lround(k->score);
}

static void
check_counts(const struct score_counts *a, const struct score_counts *b)
{
	assert_int_equal(a->passed, b->passed);
	assert_int_equal(a->failed, b->failed);
	assert_int_equal(a->unknown, b->unknown);
	assert_int_equal(a->no_data, b->no_data);
	assert_int_equal(a->disabled, b->disabled);
	assert_int_equal(a->enabled_controls, b->enabled_controls);
	assert_true(a->score == b->score);
	assert_int_equal(a->rounded, b->rounded);
}

/* Distinct enabled standards, in order of first appearance. */
static size_t
naive_stds(const struct score_input *in, const char **out)
{
	size_t n = 0, i, j;

	for (i = 0; i < in->nstandards; i++) {
		for (j = 0; j < n; j++)
			if (same_std(out[j], in->standards[i].arn))
				break;
		if (j == n)
			out[n++] = in->standards[i].arn;
	}
	return n;
}

/* Does finding f count toward its control (some enabled pair applies)? */
static int
naive_applies(const struct score_input *in, const struct score_finding *f,
    const char **stds, size_t ns)
{
	size_t s;

	for (s = 0; s < ns; s++)
		if (naive_lists(f, stds[s]) &&
		    !naive_disabled(in, f->control_id, stds[s]))
			return naive_counts(f);
	return 0;
}

/* Is FAILED f the first counted failure of its resource (NULL: yes)? */
static int
naive_first_failure(const struct score_input *in, const struct score_finding *f,
    const char **stds, size_t ns)
{
	const struct score_finding *g;

	if (f->resource_id == NULL)
		return 1;
	for (g = in->findings; g < f; g++)
		if (g->compliance == SCORE_FAILED && g->resource_id != NULL &&
		    strcmp(g->control_id, f->control_id) == 0 &&
		    strcmp(g->resource_id, f->resource_id) == 0 &&
		    naive_applies(in, g, stds, ns))
			return 0;
	return 1;
}

/* The control's overall status, failed resources, counted findings. */
static enum score_status
naive_overall(const struct score_input *in, const char *c, const char **stds,
    size_t ns, size_t *failed_res, size_t *counted)
{
	int any = 0, failed = 0, unknown = 0, enabled = 0;
	size_t i, s;

	for (s = 0; s < ns; s++)
		enabled |= !naive_disabled(in, c, stds[s]) &&
		    naive_in_std(in, c, stds[s]) != SCORE_ST_NONE;
	*failed_res = *counted = 0;
	for (i = 0; i < in->nfindings; i++) {
		const struct score_finding *f = &in->findings[i];
		int applies = 0;

		for (s = 0; s < ns; s++)
			applies |= naive_lists(f, stds[s]) &&
			    !naive_disabled(in, c, stds[s]);
		if (strcmp(f->control_id, c) != 0 || !applies ||
		    !naive_counts(f))
			continue;
		any = 1;
		++*counted;
		failed |= f->compliance == SCORE_FAILED;
		*failed_res += f->compliance == SCORE_FAILED &&
		    naive_first_failure(in, f, stds, ns);
		unknown |= f->compliance == SCORE_WARNING ||
		    f->compliance == SCORE_NOT_AVAILABLE;
	}
	return enabled ? naive_status(any, failed, unknown) : SCORE_ST_DISABLED;
}

/* Compare one control of r (or its absence) with the naive answer. */
static void
naive_check_control(const struct score_input *in, const struct score_result *r,
    const char *c, const char **stds, size_t ns, struct score_counts *k)
{
	enum score_status st[SCORE_MAX_STANDARDS], ov;
	const struct score_control *got = NULL;
	size_t s, i, fr, counted;
	int known = 0;

	for (s = 0; s < ns; s++)
		known |=
		    (st[s] = naive_in_std(in, c, stds[s])) != SCORE_ST_NONE;
	for (i = 0; i < r->ncontrols; i++)
		if (strcmp(r->controls[i].control_id, c) == 0)
			got = &r->controls[i];
	assert_int_equal(got != NULL, known);
	if (!known)
		return;
	ov = naive_overall(in, c, stds, ns, &fr, &counted);
	assert_int_equal(got->status, ov);
	assert_int_equal(got->failed_resources, fr);
	assert_int_equal(got->findings, counted);
	naive_count(&k[ns], ov);
	for (s = 0; s < ns; s++) {
		assert_int_equal(got->in_std[s], st[s]);
		naive_count(&k[s], st[s]);
	}
}

static void
naive_compare(
    const struct score_input *in, const char *const *ctls, size_t nctls)
{
	struct score_counts k[SCORE_MAX_STANDARDS + 1];
	const char *stds[SCORE_MAX_STANDARDS];
	struct score_result r;
	struct sm_err err;
	size_t ns = naive_stds(in, stds), i;

	memset(k, 0, sizeof k);
	assert_int_equal(score_compute(in, &r, &err), 0);
	assert_int_equal(r.nstandards, ns);
	for (i = 0; i < nctls; i++)
		naive_check_control(in, &r, ctls[i], stds, ns, k);
	for (i = 0; i < ns; i++) {
		naive_finish(&k[i]);
		assert_true(same_std(r.standards[i].arn, stds[i]));
		check_counts(&r.standards[i].c, &k[i]);
	}
	naive_finish(&k[ns]);
	check_counts(&r.overall, &k[ns]);
	for (i = 1; i < r.ncontrols; i++)
		assert_true(strcmp(r.controls[i - 1].control_id,
				r.controls[i].control_id) < 0);
	score_result_clear(&r);
}

#define R_CTLS 60
#define R_FINDINGS 4000
#define R_ROUNDS 12

/* Standards as findings name them: full ARNs, resource parts, others. */
static const char *const r_pool[] = { FSBP, FSBP_RES, CIS, CIS_RES, PCI,
	"standards/nist-800-53/v/5.0.0",
	"arn:aws:securityhub:eu-west-1::standards/nist-800-53/v/5.0.0",
	"standards/not-enabled/v/1" };

static void
random_finding(
    struct score_finding *f, const char *const *ctls, const char **refs)
{
	size_t j;

	memset(f, 0, sizeof *f);
	static const char *const res[] = { "arn:aws:s3:::a", "arn:aws:s3:::b",
		"AWS::::Account:111122223333", NULL };

	f->control_id = ctls[rnd(R_CTLS)];
	f->resource_id = res[rnd(4)];
	f->compliance = (enum score_compliance)rnd(4);
	f->record = rnd(10) == 0 ? SCORE_ARCHIVED : SCORE_ACTIVE;
	f->workflow = (enum score_workflow)rnd(4);
	f->nstandards = rnd(4);
	for (j = 0; j < f->nstandards; j++)
		refs[j] = r_pool[rnd(8)];
	f->standards = refs;
}

static void
test_random_vs_naive(void **st)
{
	static char ids[R_CTLS][16];
	const char *ctls[R_CTLS];
	struct score_finding *f = calloc(R_FINDINGS, sizeof *f);
	const char **refs = calloc(R_FINDINGS * 4, sizeof *refs);
	struct score_standard_in s[5] = { { FSBP, "a" }, { CIS_RES, "b" },
		{ "arn:aws:securityhub:us-east-1::standards/nist-800-53/v/"
		  "5.0.0",
		    "c" },
		{ FSBP_RES, "dup" }, { PCI, "e" } };
	struct score_pair d[80];
	struct score_input in = { f, 0, s, 0, d, 0 };
	size_t i, round;

	(void)st;
	for (i = 0; i < R_CTLS; i++) {
		snprintf(ids[i], sizeof ids[i], "Ctl.%zu", i);
		ctls[i] = ids[i];
	}
	for (round = 0; round < R_ROUNDS; round++) {
		in.nfindings = round == 0 ? 0 : 1 + rnd(R_FINDINGS);
		in.nstandards = rnd(6);
		in.ndisabled = rnd(80);
		for (i = 0; i < in.nfindings; i++)
			random_finding(&f[i], ctls, &refs[i * 4]);
		for (i = 0; i < in.ndisabled; i++)
			d[i] = (struct score_pair){ ctls[rnd(R_CTLS)],
				r_pool[rnd(8)] };
		naive_compare(&in, ctls, R_CTLS);
	}
	free(f);
	free(refs);
}

/* 100,000 findings over 500 controls and 4 standards, in time. */
static void
test_large(void **st)
{
	static char ids[500][16];
	static const char *const s3[] = { FSBP_RES, CIS_RES, PCI };
	struct score_finding *f = calloc(100000, sizeof *f);
	struct score_standard_in s[3] = { { FSBP, NULL }, { CIS, NULL },
		{ PCI, NULL } };
	struct score_input in = { f, 100000, s, 3, NULL, 0 };
	struct score_result r;
	struct sm_err err;
	size_t i;

	(void)st;
	for (i = 0; i < 500; i++)
		snprintf(ids[i], sizeof ids[i], "X.%zu", i);
	for (i = 0; i < 100000; i++) {
		f[i].control_id = ids[rnd(500)];
		f[i].compliance = rnd(20) == 0 ? SCORE_FAILED : SCORE_PASSED;
		f[i].standards = &s3[rnd(3)];
		f[i].nstandards = 1;
	}
	assert_int_equal(score_compute(&in, &r, &err), 0);
	assert_int_equal(r.ncontrols, 500);
	assert_true(r.overall.failed > 0 && r.overall.score >= 0);
	score_result_clear(&r);
	free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_archived_ignored),
		cmocka_unit_test(test_suppressed_ignored),
		cmocka_unit_test(test_failed_beats_warning),
		cmocka_unit_test(test_not_available_unknown),
		cmocka_unit_test(test_all_suppressed_no_data),
		cmocka_unit_test(test_disabled_excluded),
		cmocka_unit_test(test_two_standards_once),
		cmocka_unit_test(test_overall_not_mean),
		cmocka_unit_test(test_rounding_and_others),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_random_vs_naive),
		cmocka_unit_test(test_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
