/*
 * query.c: build query protocol request bodies: Action and Version first,
 * then each parameter strictly percent-encoded, in the order added, with
 * botocore's names for list members and map entries. Pure: no I/O.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

#define QUERY_FIRST_SIZE 256 /* first body allocation, bytes */
#define QUERY_MAX_SCALAR 64  /* bytes of a formatted number or time */

struct query {
	char *s;
	size_t len;
	size_t size;
	int failed;
	struct sm_err err; /* why, once failed */
};

static const char query_hex[] = "0123456789ABCDEF";

/* 1 if c is left as is: RFC 3986 unreserved. */
static int
query_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	    c == '~';
}

/* Bytes that len bytes of s take once encoded. */
static size_t
query_encoded_len(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += query_unreserved((unsigned char)s[i]) ? 1 : 3;
	return n;
}

/* Encode len bytes of s to out, which has room; returns bytes written. */
static size_t
query_encode_to(char *out, const char *s, size_t len)
{
	unsigned char c;
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (query_unreserved(c))
			out[n++] = (char)c;
		else {
			out[n++] = '%';
			out[n++] = query_hex[c >> 4];
			out[n++] = query_hex[c & 0x0f];
		}
	}
	return n;
}

char *
query_encode(const char *s, size_t len)
{
	char *out;
	size_t n;

	if (len > (SIZE_MAX - 1) / 3)
		abort();
	out = xmalloc(query_encoded_len(s, len) + 1);
	n = query_encode_to(out, s, len);
	out[n] = '\0';
	return out;
}

/* Mark q failed (the first error wins); returns -1. */
static int __attribute__((format(printf, 3, 4)))
query_fail(struct query *q, const char *code, const char *fmt, ...)
{
	va_list ap;

	if (!q->failed) {
		q->failed = 1;
		strlcpy(q->err.code, code, sizeof q->err.code);
		va_start(ap, fmt);
		vsnprintf(q->err.msg, sizeof q->err.msg, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Make room for need more bytes (and a NUL) within QUERY_MAX_BODY. */
static int
query_grow(struct query *q, size_t need)
{
	size_t want;

	if (need > QUERY_MAX_BODY - q->len)
		return query_fail(
		    q, "QueryTooLarge", "body over %d bytes", QUERY_MAX_BODY);
	want = q->len + need + 1;
	if (want > q->size) {
		if (q->size == 0)
			q->size = QUERY_FIRST_SIZE;
		while (q->size < want)
			q->size *= 2;
		q->s = xreallocarray(q->s, 1, q->size);
	}
	return 0;
}

/* Append "&name=value" (no '&' for the first), both encoded. */
static int
query_append(struct query *q, const char *name, const char *value)
{
	size_t nlen, vlen, enlen, evlen;

	if (q->failed)
		return -1;
	if (name == NULL || value == NULL)
		return query_fail(
		    q, "InvalidParameter", "NULL parameter name or value");
	nlen = strlen(name);
	if (nlen == 0 || nlen > QUERY_MAX_NAME)
		return query_fail(
		    q, "InvalidParameter", "parameter name of %zu bytes", nlen);
	vlen = strlen(value);
	if (vlen > QUERY_MAX_BODY)
		return query_fail(q, "QueryTooLarge",
		    "value of %s over %d bytes", name, QUERY_MAX_BODY);
	enlen = query_encoded_len(name, nlen);
	evlen = query_encoded_len(value, vlen);
	if (query_grow(q, enlen + evlen + 2) != 0)
		return -1;
	if (q->len != 0)
		q->s[q->len++] = '&';
	q->len += query_encode_to(q->s + q->len, name, nlen);
	q->s[q->len++] = '=';
	q->len += query_encode_to(q->s + q->len, value, vlen);
	q->s[q->len] = '\0';
	return 0;
}

struct query *
query_new(const char *action, const char *version)
{
	struct query *q;

	q = xcalloc(1, sizeof *q);
	query_append(q, "Action", action);
	query_append(q, "Version", version);
	return q;
}

void
query_free(struct query *q)
{
	if (q == NULL)
		return;
	free(q->s);
	free(q);
}

int
query_add(struct query *q, const char *name, const char *value)
{
	return query_append(q, name, value);
}

int
query_addf(struct query *q, const char *value, const char *name_fmt, ...)
{
	char name[QUERY_MAX_NAME + 1];
	va_list ap;
	int n;

	if (q->failed)
		return -1;
	va_start(ap, name_fmt);
	n = vsnprintf(name, sizeof name, name_fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof name)
		return query_fail(q, "InvalidParameter",
		    "parameter name over %d bytes", QUERY_MAX_NAME);
	return query_append(q, name, value);
}

int
query_add_int(struct query *q, const char *name, long long value)
{
	char buf[QUERY_MAX_SCALAR];

	snprintf(buf, sizeof buf, "%lld", value);
	return query_append(q, name, buf);
}

int
query_add_bool(struct query *q, const char *name, int value)
{
	return query_append(q, name, value ? "true" : "false");
}

int
query_add_time(struct query *q, const char *name, time_t value)
{
	char buf[QUERY_MAX_SCALAR];
	struct tm tm;

	if (gmtime_r(&value, &tm) == NULL || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900)
		return query_fail(q, "InvalidParameter",
		    "timestamp of %s out of range", name == NULL ? "?" : name);
	if (strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return query_fail(q, "InvalidParameter",
		    "timestamp of %s out of range", name == NULL ? "?" : name);
	return query_append(q, name, buf);
}

int
query_add_list(
    struct query *q, const char *name, const char *const *values, size_t n)
{
	size_t i;

	if (n == 0)
		return query_append(q, name, "");
	if (values == NULL || name == NULL)
		return query_fail(q, "InvalidParameter", "NULL list");
	for (i = 0; i < n; i++) {
		if (query_addf(q, values[i], "%s.member.%zu", name, i + 1) != 0)
			return -1;
	}
	return 0;
}

int
query_add_map(struct query *q, const char *name, const char *keyname,
    const char *valuename, const char *const *keys, const char *const *values,
    size_t n)
{
	size_t i;

	if (name == NULL || (n != 0 && (keys == NULL || values == NULL)))
		return query_fail(q, "InvalidParameter", "NULL map");
	if (keyname == NULL)
		keyname = "key";
	if (valuename == NULL)
		valuename = "value";
	for (i = 0; i < n; i++) {
		if (query_addf(q, keys[i], "%s.entry.%zu.%s", name, i + 1,
			keyname) != 0 ||
		    query_addf(q, values[i], "%s.entry.%zu.%s", name, i + 1,
			valuename) != 0)
			return -1;
	}
	return 0;
}

const char *
query_body(const struct query *q, size_t *lenp, struct sm_err *err)
{
	if (q->failed) {
		if (err != NULL)
			*err = q->err;
		return NULL;
	}
	if (lenp != NULL)
		*lenp = q->len;
	return q->s;
}
