/*
 * score.h: pure: Security Hub control findings -> the security score per
 * standard and overall, as the console computes it (AWS-NOTES 4.1). No
 * I/O, no logging, no JSON: the caller builds its answer from the structs.
 */
#ifndef SECMON_SCORE_H
#define SECMON_SCORE_H

#include <stddef.h>

#include "util.h"

#define SCORE_MAX_FINDINGS 200000 /* findings in one computation */
#define SCORE_MAX_STANDARDS 64    /* enabled standards (one bit each) */
#define SCORE_MAX_PAIRS 200000    /* disabled (control, standard) pairs */

enum score_compliance {
	SCORE_PASSED,
	SCORE_FAILED,
	SCORE_WARNING,
	SCORE_NOT_AVAILABLE,
};

enum score_record {
	SCORE_ACTIVE,
	SCORE_ARCHIVED,
};

enum score_workflow {
	SCORE_NEW,
	SCORE_NOTIFIED,
	SCORE_RESOLVED,
	SCORE_SUPPRESSED,
};

/* A control's status in one standard, or across the enabled standards. */
enum score_status {
	SCORE_ST_NONE,     /* not part of that standard */
	SCORE_ST_PASSED,   /* every counted finding PASSED */
	SCORE_ST_FAILED,   /* at least one FAILED */
	SCORE_ST_UNKNOWN,  /* no FAILED, a WARNING or NOT_AVAILABLE */
	SCORE_ST_NO_DATA,  /* no counted finding */
	SCORE_ST_DISABLED, /* disabled in that standard (in all, overall) */
};

/* One control finding; every pointer is borrowed. */
struct score_finding {
	const char *control_id; /* Compliance.SecurityControlId */
	enum score_compliance compliance;
	enum score_record record;
	enum score_workflow workflow;
	const char *const *standards; /* StandardsArn, full or resource part */
	size_t nstandards;
	const char *resource_id; /* Resources[0].Id; NULL: counts alone */
	const char *account;     /* informational: all accounts merge */
	const char *region;      /* informational: all regions merge */
};

/* An enabled standard: arn as GetEnabledStandards gives it, name or NULL. */
struct score_standard_in {
	const char *arn;
	const char *name;
};

/* A (control, standard) pair that is disabled. */
struct score_pair {
	const char *control_id;
	const char *standard; /* full ARN or resource part */
};

struct score_input {
	const struct score_finding *findings;
	size_t nfindings;
	const struct score_standard_in *standards;
	size_t nstandards;
	const struct score_pair *disabled;
	size_t ndisabled;
};

struct score_counts {
	double score; /* percentage; -1 when no control counts */
	int rounded;  /* to the nearest integer (half up); -1 too */
	size_t passed, failed, unknown, no_data, disabled;
	size_t enabled_controls; /* passed + failed + unknown + no_data */
};

struct score_standard {
	char *arn;  /* as given */
	char *name; /* as given, "" if none */
	struct score_counts c;
};

struct score_control {
	char *control_id;
	enum score_status status;  /* across the enabled standards */
	size_t failed_resources;   /* distinct resources of FAILED findings */
	size_t findings;           /* findings that counted */
	enum score_status *in_std; /* [nstandards of the result] */
};

struct score_result {
	struct score_standard *standards; /* the enabled ones, input order */
	size_t nstandards;
	struct score_counts overall;    /* each control counted once */
	double mean;                    /* of the defined standard scores, -1 */
	struct score_control *controls; /* sorted by control_id (strcmp) */
	size_t ncontrols;
};

/*
 * Compute the scores. Findings that are ARCHIVED or SUPPRESSED only make a
 * control known (NO DATA); standards that are not enabled are ignored, and
 * so is a control in no enabled standard. Duplicate enabled standards count
 * once. On success fills *out (free with score_result_clear) and returns 0;
 * -1 with err past a cap or on a NULL id.
 */
int score_compute(
    const struct score_input *, struct score_result *out, struct sm_err *err);
void score_result_clear(struct score_result *);

/*
 * The resource part of a standards ARN ("standards/aws-foundational-...",
 * "ruleset/cis-..."): what follows the fifth ':' of an ARN, else s itself.
 */
const char *score_std_key(const char *s);

/* "PASSED", "FAILED", "UNKNOWN", "NO_DATA", "DISABLED" ("" for NONE). */
const char *score_status_name(enum score_status);

/* Wire names -> enums; -1 if the name is unknown. */
int score_compliance_parse(const char *, enum score_compliance *out);
int score_record_parse(const char *, enum score_record *out);
int score_workflow_parse(const char *, enum score_workflow *out);

#endif
