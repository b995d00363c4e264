/*
 * query.h: the AWS query protocol's request body (SNS, STS, CloudWatch
 * fallback): "Action=Op&Version=v&..." as application/x-www-form-urlencoded;
 * charset=utf-8, serialised as botocore's query serializer does. Pure.
 *
 * Names and values are percent-encoded strictly (RFC 3986, as SigV4: keep
 * A-Z a-z 0-9 - _ . ~, all else %XX uppercase, space %20). botocore puts
 * the same pairs on the wire form-encoded (space as '+'); both decode to
 * the same parameters.
 *
 * Parameters go out in the order they are added. botocore keeps the order
 * of the caller's input, not the model's: add them in the model's member
 * order and the body equals botocore's for a call written in that order
 * (checked by test_query against tests/data/xml/query/).
 */
#ifndef SECMON_QUERY_H
#define SECMON_QUERY_H

#include <stddef.h>
#include <time.h>

#include "util.h"

#define QUERY_MAX_BODY (1024 * 1024) /* bytes of an encoded body */
#define QUERY_MAX_NAME 256           /* bytes of one parameter name */

struct query;

/* A body holding Action=action&Version=version; query_free it. */
struct query *query_new(const char *action, const char *version);

/* Free q; NULL is a no-op. */
void query_free(struct query *);

/*
 * Each query_add* appends parameters and returns 0, or -1 if the name is
 * empty or over QUERY_MAX_NAME, a value is NULL, or the body would pass
 * QUERY_MAX_BODY. A failure sticks: later adds do nothing and return -1,
 * and query_body returns NULL with the first error (code
 * "InvalidParameter" or "QueryTooLarge").
 */
int query_add(struct query *, const char *name, const char *value);

/* Value, then a printf format for the name: ("x", "Tags.member.%zu.Key", i). */
int query_addf(struct query *, const char *value, const char *name_fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* An integer: DurationSeconds=3600. */
int query_add_int(struct query *, const char *name, long long value);

/* A boolean: "true" or "false". */
int query_add_bool(struct query *, const char *name, int value);

/* A timestamp, ISO 8601 UTC: 2026-11-23T10:32:09Z. */
int query_add_time(struct query *, const char *name, time_t value);

/*
 * A list of strings: name.member.1=v1&name.member.2=v2; an empty list
 * (n 0) is "name=", as botocore sends it. For lists of structures, use
 * query_addf with "name.member.%zu.Field" (1-based).
 */
int query_add_list(
    struct query *, const char *name, const char *const *values, size_t n);

/*
 * A map of strings: name.entry.N.<key>=k&name.entry.N.<value>=v, N from
 * 1; keyname/valuename NULL mean "key"/"value"; an empty map adds
 * nothing (as botocore). For structured values
 * (SNS MessageAttributes) use query_addf with
 * "MessageAttributes.entry.%zu.Value.DataType".
 */
int query_add_map(struct query *, const char *name, const char *keyname,
    const char *valuename, const char *const *keys, const char *const *values,
    size_t n);

/*
 * The encoded body (lives until the next add or query_free), its length in
 * *lenp if not NULL; or NULL with err set if an add failed.
 */
const char *query_body(const struct query *, size_t *lenp, struct sm_err *err);

/*
 * Strict RFC 3986 percent-encoding of len bytes of s, as used in bodies
 * (caller frees).
 */
char *query_encode(const char *s, size_t len);

#endif
