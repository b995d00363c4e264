/*
 * conf-list.c: value parsers for the source sections: comma-separated name
 * lists (CloudWatch alarm names may hold spaces), free text with a length
 * range (alarm name prefixes), percentages (score targets) and points
 * (score drops).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf-int.h"

#define CONF_MAX_NAMES 1000 /* names in one list */

void
conf_free_names(char **names, size_t n)
{
	size_t i;

	if (names == NULL)
		return;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Printable ASCII and UTF-8, no control characters. */
static int
conf_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static int
conf_add_name(char **list, size_t *n, char *name, const struct conf_key *k,
    struct sm_err *err)
{
	char q[CONF_QUOTE_LEN];
	size_t i, len = strlen(name = conf_trim(name));

	if (len < k->min || len > k->max || !conf_printable(name))
		return sm_err_set(err, "conf",
		    "'%s': a name is %llu to %llu "
		    "printable characters",
		    conf_quote(name, q, sizeof q), (unsigned long long)k->min,
		    (unsigned long long)k->max);
	for (i = 0; i < *n; i++)
		if (strcmp(list[i], name) == 0)
			return sm_err_set(err, "conf", "'%s' is listed twice",
			    conf_quote(name, q, sizeof q));
	if (*n == CONF_MAX_NAMES)
		return sm_err_set(
		    err, "conf", "more than %d names", CONF_MAX_NAMES);
	list[(*n)++] = xstrdup(name);
	return 0;
}

/* Names separated by commas; the count goes to k->off_n. */
int
conf_parse_names(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	char *copy = xstrdup(v), *p, *next, **list;
	size_t n = 0, *np = (size_t *)((char *)base + k->off_n);
	int rc = 0;

	list = xcalloc(CONF_MAX_NAMES + 1, sizeof *list);
	for (p = copy; p != NULL && rc == 0; p = next) {
		if ((next = strchr(p, ',')) != NULL)
			*next++ = '\0';
		rc = conf_add_name(list, &n, p, k, err);
	}
	free(copy);
	if (rc == -1) {
		conf_free_names(list, n);
		return -1;
	}
	conf_free_names(*CONF_FIELD(base, k, char **), *np);
	*CONF_FIELD(base, k, char **) = list;
	*np = n;
	return 0;
}

/* Text of k->min to k->max printable characters. */
int
conf_parse_text(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN], **field = CONF_FIELD(base, k, char *);
	size_t len = strlen(v);

	if (len < k->min || len > k->max || !conf_printable(v))
		return sm_err_set(err, "conf",
		    "'%s' is not %llu to %llu "
		    "printable characters",
		    conf_quote(v, q, sizeof q), (unsigned long long)k->min,
		    (unsigned long long)k->max);
	free(*field);
	*field = xstrdup(v);
	return 0;
}

/* Write tenths as a decimal number: 1 -> "0.1", 1000 -> "100". */
static const char *
conf_fmt_tenths(uint64_t t, char *buf, size_t len)
{
	if (t % 10 == 0)
		snprintf(buf, len, "%llu", (unsigned long long)(t / 10));
	else
		snprintf(buf, len, "%llu.%llu", (unsigned long long)(t / 10),
		    (unsigned long long)(t % 10));
	return buf;
}

/* A number of k->min to k->max tenths, kept as a double; what it is. */
static int
conf_tenths(void *base, const struct conf_key *k, const char *v,
    const char *what, struct sm_err *err)
{
	char q[CONF_QUOTE_LEN], lo[24], hi[24];
	uint64_t t;

	if (conf_decimal(v, 1, &t) == -1 || t < k->min || t > k->max)
		return sm_err_set(err, "conf",
		    "'%s' is not %s (%s to %s, at most one decimal)",
		    conf_quote(v, q, sizeof q), what,
		    conf_fmt_tenths(k->min, lo, sizeof lo),
		    conf_fmt_tenths(k->max, hi, sizeof hi));
	*CONF_FIELD(base, k, double) = (double)t / 10.0;
	return 0;
}

/* A percentage (score targets), in the key's range of tenths. */
int
conf_parse_percent(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	return conf_tenths(base, k, v, "a percentage", err);
}

/* Points of a score (score drops), in the key's range of tenths. */
int
conf_parse_points(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err)
{
	return conf_tenths(base, k, v, "a number of points", err);
}
