/*
 * conf-value.c: what a config value may be: paths, the socket mode, names
 * (group, profile, account, session), regions, URLs, durations, sizes,
 * counts, fractions, booleans, severities, role ARNs, external ids. Each
 * parser checks one value and stores it at its key's offset in a struct
 * conf or an object of a named section, or says why not in an sm_err.
 * Also the reader's text helpers (trim, unquote, quote) and the secret key
 * names. No logs.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "conf-int.h"

#define CONF_MAX_REGION 32     /* bytes in one region name */
#define CONF_MAX_PROFILE 64    /* bytes in a profile name */
#define CONF_MAX_GROUP 32      /* bytes in a group name */
#define CONF_MAX_URL 1024      /* bytes in an endpoint URL */
#define CONF_MAX_ROLE_NAME 64  /* bytes in an IAM role name */
#define CONF_MAX_ROLE_PATH 512 /* bytes in an IAM path, both '/' */
#define CONF_NOT_ROLE_ARN                                                      \
	"is not an IAM role ARN (arn:aws:iam::123456789012:role/name)"
#define CONF_IAM_CHARS                                                         \
	CONF_LOWER "ABCDEFGHIJKLMNOPQRSTUVWXYZ" CONF_DIGITS "+=,.@_-"
#define CONF_SUN_PATH sizeof(((struct sockaddr_un *)0)->sun_path)

static const struct {
	const char *name;
	double value;
} conf_severities[] = { { "low", 1.0 }, { "medium", 4.0 }, { "high", 7.0 },
	{ "critical", 9.0 } };

/* Booleans: false, true, false, true... */
static const char *const conf_bools[] = { "no", "yes", "false", "true", "off",
	"on", "0", "1" };

/* Keys that name a secret, in any section. */
static const char *const conf_secret_names[] = { "aws_access_key_id",
	"aws_secret_access_key", "aws_session_token", "passwd", "password",
	"token" };
static const char *const conf_secret_suffixes[] = { "_password", "_secret",
	"_token" };

/* Copy s into buf for an error message: printable ASCII, cut if long. */
const char *
conf_quote(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s != '\0' && o + 8 < len; s++) {
		if (*s >= 0x20 && *s < 0x7f)
			buf[o++] = *s;
		else
			o += (size_t)snprintf(
			    buf + o, len - o, "\\x%02x", (unsigned char)*s);
	}
	if (*s != '\0')
		o += (size_t)snprintf(buf + o, len - o, "...");
	buf[o] = '\0';
	return buf;
}

/* Replace the string at dst with a copy of v. */
void
conf_set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

/* Does s hold only bytes of set, and at least one? */
int
conf_only(const char *s, const char *set)
{
	return *s != '\0' && s[strspn(s, set)] == '\0';
}

static int
conf_has_ctrl(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	}
	return 0;
}

static int
conf_check_path(const char *v, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN];

	if (*v != '/' || conf_has_ctrl(v))
		return sm_err_set(err, "conf", "'%s' is not an absolute path",
		    conf_quote(v, q, sizeof q));
	if (strlen(v) >= 4096)
		return sm_err_set(err, "conf", "path is too long");
	return 0;
}

int
conf_parse_path(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	if (conf_check_path(v, err) == -1)
		return -1;
	conf_set_str(CONF_FIELD(base, k, char *), v);
	return 0;
}

int
conf_parse_socket(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	if (conf_check_path(v, err) == -1)
		return -1;
	if (strlen(v) >= CONF_SUN_PATH)
		return sm_err_set(err, "conf",
		    "path is %zu bytes, a socket path must be under %zu",
		    strlen(v), CONF_SUN_PATH);
	conf_set_str(CONF_FIELD(base, k, char *), v);
	return 0;
}

/* An octal mode, 3 or 4 digits (0660), with nothing for "other". */
int
conf_parse_mode(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN];
	unsigned long mode;
	size_t n = strlen(v);

	if (!conf_only(v, "01234567") || n < 3 || n > 4 ||
	    (n == 4 && v[0] != '0'))
		return sm_err_set(err, "conf",
		    "'%s' is not an octal mode (0660)",
		    conf_quote(v, q, sizeof q));
	mode = strtoul(v, NULL, 8);
	if ((mode & 07) != 0)
		return sm_err_set(err, "conf",
		    "'%s' gives access to other users; use 0660 or 0600",
		    conf_quote(v, q, sizeof q));
	*CONF_FIELD(base, k, unsigned) = (unsigned)mode;
	return 0;
}

/* A group name as useradd(8) takes it; its existence is checked later. */
int
conf_parse_group(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN];

	if (strlen(v) > CONF_MAX_GROUP || !conf_only(v, CONF_NAME_CHARS) ||
	    !(isalpha((unsigned char)v[0]) || v[0] == '_'))
		return sm_err_set(err, "conf", "'%s' is not a group name",
		    conf_quote(v, q, sizeof q));
	conf_set_str(CONF_FIELD(base, k, char *), v);
	return 0;
}

int
conf_parse_loglevel(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN];
	int *debug = CONF_FIELD(base, k, int);

	if (strcmp(v, "info") == 0)
		*debug = 0;
	else if (strcmp(v, "debug") == 0)
		*debug = 1;
	else
		return sm_err_set(err, "conf", "'%s' is not info or debug",
		    conf_quote(v, q, sizeof q));
	return 0;
}

/* Is s a region name: ^[a-z]{2}(-[a-z]+)+-[0-9]+$ ? */
int
conf_is_region(const char *s)
{
	size_t n, words = 0;

	if (strlen(s) > CONF_MAX_REGION || strspn(s, CONF_LOWER) != 2)
		return 0;
	s += 2;
	while (s[0] == '-' && (n = strspn(s + 1, CONF_LOWER)) > 0) {
		s += 1 + n;
		words++;
	}
	if (words == 0 || s[0] != '-')
		return 0;
	n = strspn(s + 1, CONF_DIGITS);
	return n > 0 && s[1 + n] == '\0';
}

void
conf_free_regions(char **regions, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(regions[i]);
	free(regions);
}

/* Check region r and add it to list (n entries, room for the max). */
static int
conf_add_region(char **list, size_t *n, const char *r, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN];
	size_t i;

	if (!conf_is_region(r))
		return sm_err_set(err, "conf",
		    "'%s' is not a region name (like us-east-1)",
		    conf_quote(r, q, sizeof q));
	for (i = 0; i < *n; i++) {
		if (strcmp(list[i], r) == 0)
			return sm_err_set(
			    err, "conf", "duplicate region '%s'", r);
	}
	if (*n == CONF_MAX_REGIONS)
		return sm_err_set(
		    err, "conf", "more than %d regions", CONF_MAX_REGIONS);
	list[(*n)++] = xstrdup(r);
	return 0;
}

/* Replace the regions at k->off (count at k->off_n) with list. */
static void
conf_set_regions(void *base, const struct conf_key *k, char **list, size_t n)
{
	char ***regions = CONF_FIELD(base, k, char **);
	size_t *nregions = (size_t *)((char *)base + k->off_n);

	conf_free_regions(*regions, *nregions);
	*regions = list;
	*nregions = n;
}

/* Regions separated by whitespace or commas. */
int
conf_parse_regions(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	char *copy, *r, *last, **list;
	size_t n = 0;
	int rc = 0;

	list = xcalloc(CONF_MAX_REGIONS + 1, sizeof *list);
	copy = xstrdup(v);
	for (r = strtok_r(copy, " \t,", &last); r != NULL && rc == 0;
	     r = strtok_r(NULL, " \t,", &last))
		rc = conf_add_region(list, &n, r, err);
	free(copy);
	if (rc == 0 && n == 0)
		rc = sm_err_set(err, "conf", "no region given");
	if (rc == -1) {
		conf_free_regions(list, n);
		return -1;
	}
	conf_set_regions(base, k, list, n);
	return 0;
}

int
conf_parse_profile(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN];

	if (strlen(v) > CONF_MAX_PROFILE || !conf_only(v, CONF_NAME_CHARS "+@"))
		return sm_err_set(err, "conf", "'%s' is not a profile name",
		    conf_quote(v, q, sizeof q));
	conf_set_str(CONF_FIELD(base, k, char *), v);
	return 0;
}

/* Skip the host of a URL: a name, an IPv4 or a bracketed IPv6 address. */
static const char *
conf_url_host(const char *p)
{
	size_t n;

	if (*p == '[') {
		n = strspn(p + 1, CONF_DIGITS "abcdefABCDEF:.");
		return n > 0 && p[1 + n] == ']' ? p + n + 2 : NULL;
	}
	n = strspn(p, CONF_LOWER "ABCDEFGHIJKLMNOPQRSTUVWXYZ" CONF_DIGITS ".-");
	return n > 0 ? p + n : NULL;
}

/* Skip an optional ":port" (1 to 65535). */
static const char *
conf_url_port(const char *p)
{
	size_t n;

	if (*p != ':')
		return p;
	n = strspn(p + 1, CONF_DIGITS);
	if (n == 0 || n > 5 || strtoul(p + 1, NULL, 10) - 1 > 65534)
		return NULL;
	return p + 1 + n;
}

/* Check an http(s) URL: host, optional port and path, no query. */
static int
conf_check_url(const char *v, struct sm_err *err)
{
	const char *p = v;

	if (strncmp(p, "https://", 8) == 0)
		p += 8;
	else if (strncmp(p, "http://", 7) == 0)
		p += 7;
	else
		return sm_err_set(err, "conf",
		    "must start with http:// or "
		    "https://");
	if (strchr(p, '@') != NULL)
		return sm_err_set(err, "conf", "must not hold user:password@");
	if ((p = conf_url_host(p)) == NULL || (p = conf_url_port(p)) == NULL ||
	    (*p != '\0' && *p != '/'))
		return sm_err_set(err, "conf", "bad host or port");
	if (strpbrk(p, "?#") != NULL)
		return sm_err_set(
		    err, "conf", "must have no query or fragment");
	if (strlen(v) > CONF_MAX_URL || conf_has_ctrl(p) || strchr(p, ' '))
		return sm_err_set(err, "conf", "bad path");
	return 0;
}

int
conf_parse_url(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN];
	struct sm_err why;

	if (conf_check_url(v, &why) == -1) {
		if (strchr(v, '@') != NULL) /* may hold a password: no echo */
			return sm_err_set(err, "conf", "%s", why.msg);
		return sm_err_set(err, "conf", "'%s': %s",
		    conf_quote(v, q, sizeof q), why.msg);
	}
	conf_set_str(CONF_FIELD(base, k, char *), v);
	return 0;
}

/* Write a number of seconds as the largest whole unit: 300 -> "5m". */
static const char *
conf_fmt_secs(uint64_t s, char *buf, size_t len)
{
	if (s == 0)
		snprintf(buf, len, "0s");
	else if (s % 86400 == 0)
		snprintf(buf, len, "%llud", (unsigned long long)(s / 86400));
	else if (s % 3600 == 0)
		snprintf(buf, len, "%lluh", (unsigned long long)(s / 3600));
	else if (s % 60 == 0)
		snprintf(buf, len, "%llum", (unsigned long long)(s / 60));
	else
		snprintf(buf, len, "%llus", (unsigned long long)s);
	return buf;
}

/* A duration within the key's range of seconds, into *secs. */
static int
conf_duration(
    const struct conf_key *k, const char *v, uint64_t *secs, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN], lo[24], hi[24];

	if (sm_duration_parse(v, secs) == -1)
		return sm_err_set(err, "conf",
		    "'%s' is not a duration (like 30s, 5m, 1h)",
		    conf_quote(v, q, sizeof q));
	if (*secs < k->min && k->max == UINT64_MAX)
		return sm_err_set(err, "conf", "'%s' is less than %s",
		    conf_quote(v, q, sizeof q),
		    conf_fmt_secs(k->min, lo, sizeof lo));
	if (*secs < k->min || *secs > k->max)
		return sm_err_set(err, "conf", "'%s' is out of range %s..%s",
		    conf_quote(v, q, sizeof q),
		    conf_fmt_secs(k->min, lo, sizeof lo),
		    conf_fmt_secs(k->max, hi, sizeof hi));
	return 0;
}

/* A duration kept in milliseconds. */
int
conf_parse_msec(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	uint64_t secs;

	if (conf_duration(k, v, &secs, err) == -1)
		return -1;
	*CONF_FIELD(base, k, uint64_t) = secs * 1000;
	return 0;
}

/* A duration kept in seconds. */
int
conf_parse_secs(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	uint64_t secs;

	if (conf_duration(k, v, &secs, err) == -1)
		return -1;
	*CONF_FIELD(base, k, uint64_t) = secs;
	return 0;
}

/* "16M", "512K", "1G" or bytes; -1 if malformed or past 1 TiB. */
static int
conf_size(const char *v, uint64_t *out)
{
	uint64_t n = 0, mul = 1;

	if (!isdigit((unsigned char)*v))
		return -1;
	for (; isdigit((unsigned char)*v); v++) {
		if (n > CONF_GIB * 1024)
			return -1;
		n = n * 10 + (uint64_t)(*v - '0');
	}
	if (*v == 'K' || *v == 'k')
		mul = CONF_KIB;
	else if (*v == 'M' || *v == 'm')
		mul = CONF_MIB;
	else if (*v == 'G' || *v == 'g')
		mul = CONF_GIB;
	if (mul != 1)
		v++;
	if (*v != '\0' || n > CONF_GIB * 1024 / mul)
		return -1;
	*out = n * mul;
	return 0;
}

/* Write a number of bytes as the largest whole unit: 65536 -> "64K". */
static const char *
conf_fmt_size(uint64_t n, char *buf, size_t len)
{
	if (n % CONF_GIB == 0)
		snprintf(buf, len, "%lluG", (unsigned long long)(n / CONF_GIB));
	else if (n % CONF_MIB == 0)
		snprintf(buf, len, "%lluM", (unsigned long long)(n / CONF_MIB));
	else if (n % CONF_KIB == 0)
		snprintf(buf, len, "%lluK", (unsigned long long)(n / CONF_KIB));
	else
		snprintf(buf, len, "%llu", (unsigned long long)n);
	return buf;
}

int
conf_parse_size(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN], lo[24], hi[24];
	uint64_t n;

	if (conf_size(v, &n) == -1)
		return sm_err_set(err, "conf",
		    "'%s' is not a size (like 512K, 16M, 1G)",
		    conf_quote(v, q, sizeof q));
	if (n < k->min || n > k->max)
		return sm_err_set(err, "conf", "'%s' is out of range %s..%s",
		    conf_quote(v, q, sizeof q),
		    conf_fmt_size(k->min, lo, sizeof lo),
		    conf_fmt_size(k->max, hi, sizeof hi));
	*CONF_FIELD(base, k, uint64_t) = n;
	return 0;
}

int
conf_parse_bool(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN];
	size_t i;

	for (i = 0; i < CONF_NELEM(conf_bools); i++) {
		if (strcasecmp(v, conf_bools[i]) == 0) {
			*CONF_FIELD(base, k, int) = (int)(i % 2);
			return 0;
		}
	}
	return sm_err_set(
	    err, "conf", "'%s' is not yes or no", conf_quote(v, q, sizeof q));
}

/*
 * Digits, then at most places decimals after a '.', into units of
 * 10^-places: conf_decimal("0.05", 3) is 50. By hand, not strtod: the
 * locale must not change the decimal point.
 */
int
conf_decimal(const char *v, size_t places, uint64_t *out)
{
	size_t n = strspn(v, CONF_DIGITS), m = 0;
	uint64_t x = 0;

	if (n == 0 || n > 6 || (v[n] != '\0' && v[n] != '.'))
		return -1;
	if (v[n] == '.' &&
	    ((m = strspn(v + n + 1, CONF_DIGITS)) == 0 || m > places ||
		v[n + 1 + m] != '\0'))
		return -1;
	for (; *v != '\0'; v++)
		x = *v == '.' ? x : x * 10 + (uint64_t)(*v - '0');
	for (; m < places; m++)
		x *= 10;
	*out = x;
	return 0;
}

/* "0" to "10" with at most one decimal, or a GuardDuty severity name. */
static int
conf_severity(const char *v, double *out)
{
	uint64_t tenths;
	size_t i;

	for (i = 0; i < CONF_NELEM(conf_severities); i++) {
		if (strcasecmp(v, conf_severities[i].name) == 0) {
			*out = conf_severities[i].value;
			return 0;
		}
	}
	if (strspn(v, CONF_DIGITS) > 2 || conf_decimal(v, 1, &tenths) == -1 ||
	    tenths > 100)
		return -1;
	*out = (double)tenths / 10.0;
	return 0;
}

int
conf_parse_severity(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN];

	if (conf_severity(v, CONF_FIELD(base, k, double)) == -1)
		return sm_err_set(err, "conf",
		    "'%s' is not a severity (0.0 to 10.0, low, medium, "
		    "high or critical)",
		    conf_quote(v, q, sizeof q));
	return 0;
}

/* A whole number in the key's range, kept as an unsigned. */
int
conf_parse_count(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN];
	unsigned long n;

	if (!conf_only(v, CONF_DIGITS))
		return sm_err_set(err, "conf", "'%s' is not a whole number",
		    conf_quote(v, q, sizeof q));
	n = strlen(v) > 9 ? ULONG_MAX : strtoul(v, NULL, 10);
	if (n < k->min || n > k->max)
		return sm_err_set(err, "conf",
		    "'%s' is out of range %llu..%llu",
		    conf_quote(v, q, sizeof q), (unsigned long long)k->min,
		    (unsigned long long)k->max);
	*CONF_FIELD(base, k, unsigned) = (unsigned)n;
	return 0;
}

/* Write thousandths as a decimal number: 50 -> "0.05", 1000 -> "1.0". */
static const char *
conf_fmt_thousandths(uint64_t t, char *buf, size_t len)
{
	size_t n;

	snprintf(buf, len, "%llu.%03llu", (unsigned long long)(t / 1000),
	    (unsigned long long)(t % 1000));
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0' && buf[n - 2] != '.')
		buf[--n] = '\0';
	return buf;
}

/* A decimal number in the key's range of thousandths, kept as a double. */
int
conf_parse_fraction(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN], lo[32], hi[32];
	uint64_t t;

	if (conf_decimal(v, 3, &t) == -1)
		return sm_err_set(err, "conf",
		    "'%s' is not a number (like 0.5, at most 3 decimals)",
		    conf_quote(v, q, sizeof q));
	if (t < k->min || t > k->max)
		return sm_err_set(err, "conf", "'%s' is out of range %s..%s",
		    conf_quote(v, q, sizeof q),
		    conf_fmt_thousandths(k->min, lo, sizeof lo),
		    conf_fmt_thousandths(k->max, hi, sizeof hi));
	*CONF_FIELD(base, k, double) = (double)t / 1000.0;
	return 0;
}

/* Copy v to the key's string if it is lo to hi bytes of set. */
static int
conf_set_chars(
    void *base, const struct conf_key *k, const char *v, const char *set)
{
	size_t n = strlen(v);

	if (n < k->min || n > k->max || !conf_only(v, set))
		return -1;
	conf_set_str(CONF_FIELD(base, k, char *), v);
	return 0;
}

/* The RoleSessionName of AssumeRole; empty: unset, the daemon's default. */
int
conf_parse_session_name(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN], **dst = CONF_FIELD(base, k, char *);

	if (*v == '\0') {
		free(*dst);
		*dst = NULL;
		return 0;
	}
	if (conf_set_chars(base, k, v, CONF_IAM_CHARS) == -1)
		return sm_err_set(err, "conf",
		    "'%s' is not a session name (%llu to %llu letters, digits "
		    "or +=,.@_-)",
		    conf_quote(v, q, sizeof q), (unsigned long long)k->min,
		    (unsigned long long)k->max);
	return 0;
}

/* The ExternalId of AssumeRole: not a secret, AWS says. */
int
conf_parse_external_id(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN];

	if (conf_set_chars(base, k, v, CONF_IAM_CHARS ":/") == -1)
		return sm_err_set(err, "conf",
		    "'%s' is not an external id (%llu to %llu letters, digits "
		    "or +=,.@:/_-)",
		    conf_quote(v, q, sizeof q), (unsigned long long)k->min,
		    (unsigned long long)k->max);
	return 0;
}

/* Skip "aws:", "aws-cn:" or "aws-us-gov:"; NULL if none of them. */
const char *
conf_arn_partition(const char *p)
{
	static const char *const partitions[] = {
		"aws:", "aws-cn:", "aws-us-gov:"
	};
	size_t i, n;

	for (i = 0; i < CONF_NELEM(partitions); i++) {
		n = strlen(partitions[i]);
		if (strncmp(p, partitions[i], n) == 0)
			return p + n;
	}
	return NULL;
}

/* "path/name" of a role ARN: segments of IAM characters, a short name. */
static int
conf_arn_role(const char *p)
{
	const char *name = strrchr(p, '/');

	name = name == NULL ? p : name + 1;
	if (*name == '\0' || strlen(name) > CONF_MAX_ROLE_NAME ||
	    (size_t)(name - p) >= CONF_MAX_ROLE_PATH)
		return -1;
	return conf_only(p, CONF_IAM_CHARS "/") && *p != '/' &&
		strstr(p, "//") == NULL
	    ? 0
	    : -1;
}

/* Why v is not arn:<partition>:iam::<12 digits>:role/<path/name>, or NULL. */
static const char *
conf_check_role_arn(const char *v)
{
	const char *p;

	if (strncmp(v, "arn:", 4) != 0)
		return CONF_NOT_ROLE_ARN;
	if ((p = conf_arn_partition(v + 4)) == NULL)
		return "has an unknown partition (aws, aws-cn or aws-us-gov)";
	if (strncmp(p, "iam::", 5) != 0)
		return CONF_NOT_ROLE_ARN;
	if (strspn(p + 5, CONF_DIGITS) != 12 || p[17] != ':')
		return "has no 12-digit account id";
	if (strncmp(p + 18, "role/", 5) != 0)
		return CONF_NOT_ROLE_ARN;
	if (conf_arn_role(p + 23) == -1)
		return "has a bad role path or name";
	return NULL;
}

int
conf_parse_role_arn(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN];
	const char *why;

	if ((why = conf_check_role_arn(v)) != NULL)
		return sm_err_set(
		    err, "conf", "'%s' %s", conf_quote(v, q, sizeof q), why);
	conf_set_str(CONF_FIELD(base, k, char *), v);
	return 0;
}

/* Trim whitespace at both ends, in place. */
char *
conf_trim(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Strip one pair of double quotes around v, in place; NULL if unpaired. */
char *
conf_unquote(char *v)
{
	size_t n = strlen(v);

	if (n == 0 || (v[0] != '"' && v[n - 1] != '"'))
		return v;
	if (n < 2 || v[0] != '"' || v[n - 1] != '"')
		return NULL;
	v[n - 1] = '\0';
	return v + 1;
}

/* Does this key name a secret? */
int
conf_is_secret(const char *name)
{
	size_t i, n = strlen(name), m;

	if (strncasecmp(name, "secret", 6) == 0)
		return 1;
	for (i = 0; i < CONF_NELEM(conf_secret_names); i++) {
		if (strcasecmp(name, conf_secret_names[i]) == 0)
			return 1;
	}
	for (i = 0; i < CONF_NELEM(conf_secret_suffixes); i++) {
		m = strlen(conf_secret_suffixes[i]);
		if (n > m &&
		    strcasecmp(name + n - m, conf_secret_suffixes[i]) == 0)
			return 1;
	}
	return 0;
}
