/*
 * creds-src.h: the inside of a credential source, shared by creds.c (the
 * cache, waiters and chain) and creds-fetch.c (the providers).
 */
#ifndef SECMON_CREDS_SRC_H
#define SECMON_CREDS_SRC_H

#include <sys/queue.h>
#include <sys/types.h>

#include "creds.h"
#include "endpoint.h"

struct aws;
struct aws_req;
struct http_req;
struct event;

enum creds_kind {
	CK_CHAIN,     /* the default chain: picks a delegate */
	CK_STATIC,    /* keys from the environment or a file */
	CK_ROLE,      /* STS AssumeRole over a base source */
	CK_WEBID,     /* STS AssumeRoleWithWebIdentity */
	CK_PROCESS,   /* credential_process */
	CK_CONTAINER, /* ECS / EKS pod identity endpoint */
	CK_IMDS,      /* EC2 instance metadata, IMDSv2 */
};

struct creds_wait {
	TAILQ_ENTRY(creds_wait) entry;
	struct creds_src *src;
	creds_cb cb;
	void *arg;
	struct event *ev;
	int ready;
};

struct creds_src {
	enum creds_kind kind;
	struct creds_ctx ctx;
	char name[96]; /* the provider, for status */
	struct creds cur;
	struct creds fixed; /* CK_STATIC: the keys themselves */
	int have;
	time_t fetched_at, refreshed;
	int fetching;
	struct sm_err last_err;
	TAILQ_HEAD(, creds_wait) waiters;

	/* CK_CHAIN */
	char *profile;
	char region[32];
	struct creds_src *delegate;
	struct creds_wait *dwait;

	/* CK_ROLE, CK_WEBID */
	struct creds_src *base;       /* borrowed */
	struct creds_src *owned_base; /* a role profile's own source */
	char *role_arn, *external_id, *session_name, *token_file;
	uint64_t duration;
	struct aws *sts;
	struct aws_req *req;
	struct endpoint ep;

	/* CK_CONTAINER, CK_IMDS */
	char *url;
	char *auth; /* secret: container token */
	char *auth_file;
	struct http_req *hreq;
	int step;
	unsigned attempt;
	char imds_token[256]; /* secret */
	char imds_role[256];
	struct event *retry;

	/* CK_PROCESS */
	char *command;
	pid_t pid;
	int fd;
	struct event *ev, *timer;
	char *out;
	size_t outlen;
};

struct creds_src *creds_src_alloc(
    const struct creds_ctx *, enum creds_kind, const char *name);
void creds_fetched(
    struct creds_src *, const struct creds *, const struct sm_err *);

/* creds-fetch.c */
void creds_fetch_start(struct creds_src *);
void creds_fetch_stop(struct creds_src *);
struct creds_src *creds_chain_pick(struct creds_src *chain, struct sm_err *);

#endif
