/*
 * aws.h: one AWS API call on the loop: framing for the protocol, SigV4,
 * HTTP, the standard retry mode (bounded attempts, capped exponential
 * backoff with full jitter), the error envelope, and the JSON answer.
 */
#ifndef SECMON_AWS_H
#define SECMON_AWS_H

#include <jansson.h>

#include "endpoint.h"
#include "util.h"

#define AWS_MAX_ATTEMPTS 3       /* the standard mode's default */
#define AWS_MAX_BACKOFF_MS 20000 /* cap on one retry delay */

struct event_base;
struct http;
struct creds;
struct aws;
struct aws_req;

enum aws_proto {
	AWS_REST_JSON, /* GuardDuty, Security Hub */
	AWS_JSON_10,   /* CloudWatch */
	AWS_QUERY,     /* STS, SNS: form body in, XML out */
};

struct xml_node;

struct aws_opts {
	long connect_timeout_ms;
	long timeout_ms;
	size_t max_body;
	unsigned max_attempts;
	unsigned base_backoff_ms; /* 1000 in the standard mode */
};

struct aws_call {
	const char *service_label; /* "GuardDuty", for messages */
	const char *op;            /* "ListFindings" */
	enum aws_proto proto;
	const struct endpoint *ep;
	const char *method; /* "GET", "POST" */
	const char *path;   /* wire path, percent-encoded */
	const char *query;  /* wire query without '?', or NULL */
	const json_t *body; /* JSON input, or NULL (no body) */
	const char *target; /* X-Amz-Target for AWS_JSON_10 */
	const char *form;   /* AWS_QUERY: the body (query_body()) */
	int unsigned_req;   /* 1: send without signing (web identity) */
};

struct aws_result {
	int ok;      /* 2xx and a parsed JSON object */
	long status; /* last HTTP status, 0 if none */
	unsigned attempts;
	char code[64]; /* AWS error code, "Transport", "Timeout", ... */
	char request_id[80];
	json_t *json;         /* JSON answer when ok; the callee may steal it */
	struct xml_node *xml; /* AWS_QUERY answer when ok; may be stolen */
	struct sm_err err;    /* msg: "GuardDuty.ListFindings: Code: message" */
};

typedef void (*aws_done_cb)(struct aws_result *, void *arg);

struct creds_src;

/* A client signing with credentials from src (borrowed; NULL: unsigned calls
 * only). */
struct aws *aws_new(struct event_base *, struct http *, const struct aws_opts *,
    struct creds_src *src);
void aws_free(struct aws *);
void aws_set_opts(struct aws *, const struct aws_opts *);

struct ratelimit_gate;
/*
 * Pace this client's requests through gate (borrowed; shared by all
 * clients) under keys "<label>/<region>/<service>.<Operation>".
 */
void aws_set_gate(struct aws *, struct ratelimit_gate *gate, const char *label);

/* What is left of the client's retry quota. */
unsigned aws_retry_tokens(const struct aws *);

/*
 * Start a call. done runs exactly once from the loop, after the last
 * attempt, unless cancelled. NULL with err set if it cannot start.
 */
struct aws_req *aws_call(struct aws *, const struct aws_call *, aws_done_cb,
    void *arg, struct sm_err *err);
void aws_cancel(struct aws_req *);

/* Code normalisation: cut at the first ':', keep what follows the last '#'. */
void aws_normalize_code(const char *in, char *out, size_t len);

/* Did the service say the credentials expired? */
int aws_is_expired_token(const char *code);

/* Is code (or status) retryable in the standard mode? 1 = throttling too. */
int aws_is_retryable(long status, const char *code, int *throttling);

#endif
