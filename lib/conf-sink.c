/*
 * conf-sink.c: value parsers for [sink NAME] and the alert settings: the
 * sink type, SNS topic ARNs (their region and FIFO-ness kept beside them),
 * severity names, alert kinds, syslog facilities and identifiers. Also the
 * kind and type names other modules print. No logs.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "conf.h"
#include "conf-int.h"

#define CONF_MAX_TOPIC 256     /* bytes in an SNS topic name, .fifo too */
#define CONF_MAX_IDENT 64      /* bytes in a journal or syslog identifier */
#define CONF_MAX_ARN_REGION 32 /* bytes in the region of an ARN */
#define CONF_FIFO ".fifo"
#define CONF_TOPIC_CHARS                                                       \
	CONF_LOWER "ABCDEFGHIJKLMNOPQRSTUVWXYZ" CONF_DIGITS "_-"
#define CONF_NOT_TOPIC_ARN                                                     \
	"is not an SNS topic ARN (arn:aws:sns:us-east-1:123456789012:name)"

/* By CONF_KIND_* bit, lowest first. */
static const char *const conf_kinds[] = { "new_finding", "finding_escalated",
	"control_failing", "score_drop", "score_below_target", "alarm",
	"source_blind", "task_overdue", "test", "digest", "task_due" };

/* By enum conf_action. */
static const char *const conf_actions[] = { NULL, "manual", "guardduty-digest",
	"alarms-digest", "securityhub-digest", "waf-digest" };

_Static_assert(CONF_KIND_ALL == (1u << CONF_NELEM(conf_kinds)) - 1,
    "conf_kinds and CONF_KIND_* disagree");

/* By enum conf_sink_type. */
static const char *const conf_sink_types[] = { NULL, "sns", "journal",
	"syslog" };

/* Security Hub's labels; GuardDuty's bands are the last four. */
static const char *const conf_levels[] = { "informational", "low", "medium",
	"high", "critical" };

static const struct {
	const char *name;
	int facility;
} conf_facilities[] = { { "daemon", LOG_DAEMON }, { "local0", LOG_LOCAL0 },
	{ "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
	{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
	{ "local7", LOG_LOCAL7 } };

const char *
conf_kind_name(unsigned bit)
{
	size_t i;

	for (i = 0; i < CONF_NELEM(conf_kinds); i++) {
		if (bit == 1u << i)
			return conf_kinds[i];
	}
	return NULL;
}

int
conf_kind_parse(const char *name, unsigned *bit)
{
	size_t i;

	for (i = 0; i < CONF_NELEM(conf_kinds); i++) {
		if (strcmp(name, conf_kinds[i]) == 0) {
			*bit = 1u << i;
			return 0;
		}
	}
	return -1;
}

const char *
conf_action_name(int action)
{
	if (action <= CONF_ACTION_NONE || action > CONF_ACTION_WAF)
		return NULL;
	return conf_actions[action];
}

/* manual, or an automated review ("guardduty-digest", also written
 * "digest guardduty"). */
int
conf_parse_action(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN], alias[64];
	size_t i;

	if (strncmp(v, "digest ", 7) == 0) {
		snprintf(alias, sizeof alias, "%s-digest", v + 7);
		if (strchr(v + 7, ' ') == NULL && strcmp(v + 7, "") != 0)
			v = alias;
	}
	for (i = 1; i < CONF_NELEM(conf_actions); i++) {
		if (strcmp(v, conf_actions[i]) == 0) {
			*CONF_FIELD(base, k, int) = (int)i;
			return 0;
		}
	}
	return sm_err_set(err, "conf",
	    "unknown action '%s' (manual, guardduty-digest, alarms-digest, "
	    "securityhub-digest or waf-digest)",
	    conf_quote(v, q, sizeof q));
}

const char *
conf_sink_type_name(int type)
{
	if (type <= CONF_SINK_NONE || type > CONF_SINK_SYSLOG)
		return NULL;
	return conf_sink_types[type];
}

int
conf_parse_sink_type(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN];
	int i;

	for (i = CONF_SINK_SNS; i <= CONF_SINK_SYSLOG; i++) {
		if (strcmp(v, conf_sink_types[i]) == 0) {
			*CONF_FIELD(base, k, int) = i;
			return 0;
		}
	}
	return sm_err_set(err, "conf", "'%s' is not sns, journal or syslog",
	    conf_quote(v, q, sizeof q));
}

/* "name" or "name.fifo" of a topic ARN; -1 if bad. */
static int
conf_topic_name(const char *p, int *fifo)
{
	size_t n = strspn(p, CONF_TOPIC_CHARS), len = strlen(p);

	if (n == 0 || len > CONF_MAX_TOPIC)
		return -1;
	*fifo = strcmp(p + n, CONF_FIFO) == 0;
	return p[n] == '\0' || *fifo ? 0 : -1;
}

/*
 * Why v is not arn:<partition>:sns:<region>:<12 digits>:<name>, or NULL:
 * then its region is in region (CONF_MAX_ARN_REGION + 1 bytes).
 */
static const char *
conf_check_topic_arn(const char *v, char *region, int *fifo)
{
	const char *p;
	size_t n;

	if (strncmp(v, "arn:", 4) != 0)
		return CONF_NOT_TOPIC_ARN;
	if ((p = conf_arn_partition(v + 4)) == NULL)
		return "has an unknown partition (aws, aws-cn or aws-us-gov)";
	if (strncmp(p, "sns:", 4) != 0)
		return CONF_NOT_TOPIC_ARN;
	p += 4;
	n = strcspn(p, ":");
	if (p[n] != ':' || n > CONF_MAX_ARN_REGION)
		return "has a bad region";
	memcpy(region, p, n);
	region[n] = '\0';
	if (!conf_is_region(region))
		return "has a bad region";
	p += n + 1;
	if (strspn(p, CONF_DIGITS) != 12 || p[12] != ':')
		return "has no 12-digit account id";
	if (conf_topic_name(p + 13, fifo) == -1)
		return "has a bad topic name (1 to 256 letters, digits, '_' or "
		       "'-', ending in .fifo for a FIFO topic)";
	return NULL;
}

/* The topic of an sns sink: the ARN, its region, and whether FIFO. */
int
conf_parse_topic_arn(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN], region[CONF_MAX_ARN_REGION + 1];
	struct conf_sink *s = base;
	const char *why;
	int fifo;

	if ((why = conf_check_topic_arn(v, region, &fifo)) != NULL)
		return sm_err_set(
		    err, "conf", "'%s' %s", conf_quote(v, q, sizeof q), why);
	conf_set_str(CONF_FIELD(base, k, char *), v);
	conf_set_str(&s->topic_region, region);
	s->fifo = fifo;
	return 0;
}

/* "a, b or c" of conf_levels[lo..hi] into buf. */
static const char *
conf_level_list(size_t lo, size_t hi, char *buf, size_t len)
{
	size_t i;

	buf[0] = '\0';
	for (i = lo; i <= hi; i++) {
		if (i > lo)
			strlcat(buf, i == hi ? " or " : ", ", len);
		strlcat(buf, conf_levels[i], len);
	}
	return buf;
}

/*
 * A severity name of conf_levels[k->min..k->max], in any case, kept as an
 * int counted from k->min: enum conf_severity from 1, conf_sh_severity 0.
 */
int
conf_parse_level(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN], list[96];
	size_t i;

	for (i = k->min; i <= k->max && i < CONF_NELEM(conf_levels); i++) {
		if (strcasecmp(v, conf_levels[i]) == 0) {
			*CONF_FIELD(base, k, int) = (int)(i - k->min);
			return 0;
		}
	}
	return sm_err_set(err, "conf", "'%s' is not %s",
	    conf_quote(v, q, sizeof q),
	    conf_level_list(k->min, k->max, list, sizeof list));
}

/* Add kind s to *mask; -1 if it is no kind or there already. */
static int
conf_add_kind(const char *s, unsigned *mask, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN];
	unsigned bit;

	if (conf_kind_parse(s, &bit) == -1)
		return sm_err_set(err, "conf",
		    "'%s' is not a kind (new_finding, finding_escalated, "
		    "control_failing, score_drop, score_below_target, alarm, "
		    "source_blind, task_overdue, test, digest or task_due)",
		    conf_quote(s, q, sizeof q));
	if (*mask & bit)
		return sm_err_set(err, "conf", "'%s' is listed twice", s);
	*mask |= bit;
	return 0;
}

/* Kinds of alert separated by whitespace or commas, as a bit mask. */
int
conf_parse_kinds(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	char *copy, *s, *last;
	unsigned mask = 0;
	int rc = 0;

	copy = xstrdup(v);
	for (s = strtok_r(copy, " \t,", &last); s != NULL && rc == 0;
	     s = strtok_r(NULL, " \t,", &last))
		rc = conf_add_kind(s, &mask, err);
	free(copy);
	if (rc == 0 && mask == 0)
		rc = sm_err_set(err, "conf", "no kind given");
	if (rc == -1)
		return -1;
	*CONF_FIELD(base, k, unsigned) = mask;
	return 0;
}

int
conf_parse_facility(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN];
	size_t i;

	for (i = 0; i < CONF_NELEM(conf_facilities); i++) {
		if (strcmp(v, conf_facilities[i].name) == 0) {
			*CONF_FIELD(base, k, int) = conf_facilities[i].facility;
			return 0;
		}
	}
	return sm_err_set(err, "conf", "'%s' is not daemon or local0 to local7",
	    conf_quote(v, q, sizeof q));
}

/* The SYSLOG_IDENTIFIER or syslog ident of a journal or syslog sink. */
int
conf_parse_identifier(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN];

	if (strlen(v) > CONF_MAX_IDENT || !conf_only(v, CONF_NAME_CHARS))
		return sm_err_set(err, "conf",
		    "'%s' is not an identifier (1 to %d letters, digits, '_', "
		    "'.' or '-')",
		    conf_quote(v, q, sizeof q), CONF_MAX_IDENT);
	conf_set_str(CONF_FIELD(base, k, char *), v);
	return 0;
}
