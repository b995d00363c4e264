/*
 * sigv4.h: AWS Signature Version 4 header signing, pure (no I/O, no
 * logging, no clock): request in, Authorization header out.
 */
#ifndef SECMON_SIGV4_H
#define SECMON_SIGV4_H

#include <stddef.h>

#include "util.h"

struct sigv4_header {
	const char *name;  /* any case */
	const char *value; /* raw; trimmed and folded when canonicalised */
};

struct sigv4_req {
	const char *method; /* "GET", "POST" */
	const char *path;  /* as sent on the wire (percent-encoded), no query */
	const char *query; /* as sent, without '?'; NULL or "" if none */
	/* Every header to sign: must include host and x-amz-date (and
	 * x-amz-security-token when a session token is used). */
	const struct sigv4_header *headers;
	size_t nheaders;
	const void *body; /* the exact bytes sent; NULL = empty */
	size_t body_len;
	const char *region;   /* signing region */
	const char *service;  /* signing name */
	const char *amz_date; /* "YYYYMMDDTHHMMSSZ", same as x-amz-date */
	int no_normalize;     /* 1 = keep '.', '..' and empty segments
				 (the path is still encoded again) */
};

struct sigv4_creds {
	const char *access_key_id;
	const char *secret_access_key;
	const char *session_token; /* NULL if none (not signed here: add the
				      x-amz-security-token header yourself;
				      sigv4_sign fails if it is missing) */
};

/* The canonical request (caller frees), or NULL with err set. */
char *sigv4_canonical_request(const struct sigv4_req *, struct sm_err *err);

/* The string to sign (caller frees), or NULL with err set. */
char *sigv4_string_to_sign(const struct sigv4_req *, struct sm_err *err);

/*
 * The full Authorization header value ("AWS4-HMAC-SHA256 Credential=...,
 * SignedHeaders=..., Signature=...") into out. Returns 0, or -1 with err
 * set (malformed input, out too small).
 */
int sigv4_sign(const struct sigv4_req *, const struct sigv4_creds *, char *out,
    size_t outlen, struct sm_err *err);

/*
 * RFC 3986 percent-encoding of len bytes of s: keeps A-Z a-z 0-9 - _ . ~
 * (and '/' when keep_slash), uppercase hex. Caller frees.
 */
char *sigv4_uri_encode(const char *s, size_t len, int keep_slash);

/* Lowercase hex SHA-256 of len bytes into hex (65 bytes). */
void sigv4_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
