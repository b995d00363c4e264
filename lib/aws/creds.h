/*
 * creds.h: AWS credentials, fetched asynchronously on the loop. A source
 * is either the default chain, in botocore's order (environment; a profile
 * with role_arn + source_profile or credential_source; web identity; the
 * shared credentials file; credential_process; the config file's keys; the
 * container provider; EC2 IMDSv2), or an assumed role over another source
 * (one per monitored account). Each source caches, refreshes ahead of
 * expiry, and makes concurrent callers wait for one refresh. Secrets have
 * no printer: status shows only where credentials came from and when they
 * expire.
 */
#ifndef SECMON_CREDS_H
#define SECMON_CREDS_H

#include <stdint.h>
#include <time.h>

#include "util.h"

#define CREDS_MAX_FILE (1024 * 1024) /* bytes in a credentials file */
#define CREDS_MAX_TOKEN 20000        /* bytes of a web identity token */
#define CREDS_MAX_PROCESS_OUT 65536  /* bytes of credential_process output */
#define CREDS_PROCESS_TIMEOUT_SEC 60 /* credential_process run time */
#define CREDS_ADVISORY_SEC 900       /* refresh in the background */
#define CREDS_MANDATORY_SEC 600      /* refresh before use */
#define CREDS_MAX_ROLE_CHAIN 8       /* source_profile hops */

struct event_base;
struct http;
struct creds_src;
struct creds_wait;

struct creds {
	char *access_key_id;
	char *secret_access_key; /* secret */
	char *session_token;     /* secret; NULL if none */
	time_t expires;          /* 0: does not expire */
	char source[96];         /* "environment", "assume-role:arn..." */
};

/* What the providers need to reach the network. */
struct creds_ctx {
	struct event_base *base;
	struct http *http;
	long connect_timeout_ms;
	long timeout_ms;
	const char *endpoint_url; /* [aws] endpoint_url (STS), or NULL */
};

/* A source's state, for status. */
struct creds_status {
	char source[96];  /* provider in use, "" before the first */
	int have;         /* credentials in hand */
	time_t expires;   /* 0: never */
	time_t refreshed; /* last successful fetch */
	char error[256];  /* last failure, "" if the last was ok */
};

/* cb gets credentials, or NULL and err; both valid only during the call. */
typedef void (*creds_cb)(
    const struct creds *c, const struct sm_err *err, void *arg);

/*
 * The default chain. profile: the [aws] profile of the config, or NULL
 * (then AWS_PROFILE, else "default"; the environment is tried first only
 * then). region: for STS calls (web identity, role profiles).
 */
struct creds_src *creds_chain_new(
    const struct creds_ctx *, const char *profile, const char *region);

/*
 * An assumed role over base (borrowed; must outlive it): STS AssumeRole
 * in region with session_name, external_id (NULL if none) and duration
 * (seconds).
 */
struct creds_src *creds_role_new(const struct creds_ctx *,
    struct creds_src *base, const char *role_arn, const char *external_id,
    const char *session_name, uint64_t duration, const char *region);

/* Cancels every waiter (no callbacks) and the fetch in flight. */
void creds_src_free(struct creds_src *);

/*
 * Get valid credentials. cb runs once, later, from the loop (never inside
 * this call), unless the wait is cancelled.
 */
struct creds_wait *creds_get(struct creds_src *, creds_cb, void *arg);
void creds_wait_cancel(struct creds_wait *);

/* The service said the credentials expired: fetch anew at the next get. */
void creds_invalidate(struct creds_src *);

void creds_src_status(const struct creds_src *, struct creds_status *out);

/* Copy c into out (caller releases with creds_clear). */
void creds_copy(struct creds *out, const struct creds *c);
/* Wipe and free the secrets; c is left zeroed. */
void creds_clear(struct creds *c);

/* "secmond-<hostname>", trimmed to what RoleSessionName allows. */
void creds_session_name(char *buf, size_t len);

#endif
