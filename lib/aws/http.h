/*
 * http.h: HTTP requests on the event loop: libcurl's multi_socket API driven
 * by libevent (curl's hiperfifo pattern). Timeouts and a body cap on every
 * request; TLS peer and host verification always on (AWS_CA_BUNDLE names
 * extra trust anchors); plain http only to loopback addresses.
 */
#ifndef SECMON_HTTP_H
#define SECMON_HTTP_H

#include <stddef.h>

#include "util.h"

#define HTTP_MAX_HEADERS 64      /* response headers kept */
#define HTTP_MAX_HEADER_LEN 8192 /* bytes in one response header */

struct event_base;
struct curl_slist;
struct http;
struct http_req;

struct http_header {
	char *name;
	char *value;
};

struct http_result {
	long status;         /* HTTP status; 0 if no response */
	int transport_error; /* 1: no complete response (err says why) */
	int timed_out;       /* 1: the transport error was a timeout */
	int too_large;       /* 1: the body passed max_body */
	const char *body;    /* NUL-terminated; body_len excludes the NUL */
	size_t body_len;
	const struct http_header *headers;
	size_t nheaders;
	double total_sec;
	struct sm_err err;
};

struct http_opts {
	const char *method;
	const char *url;
	struct curl_slist
	    *headers; /* owned by the request from http_request on */
	const void *body;
	size_t body_len;
	long connect_timeout_ms;
	long timeout_ms;
	size_t max_body;
	int metadata; /* 1: http also to the instance and container
			 metadata addresses (169.254.169.254, ...) */
};

typedef void (*http_done_cb)(const struct http_result *, void *arg);

struct http *http_new(struct event_base *, struct sm_err *err);
/* Cancels every request in flight (their callbacks are not called). */
void http_free(struct http *);

/*
 * Start a request; done is called exactly once from the loop (never from
 * inside this call), unless the request is cancelled first. Returns NULL
 * with err set if it cannot even start.
 */
struct http_req *http_request(struct http *, const struct http_opts *,
    http_done_cb done, void *arg, struct sm_err *err);

/* Abort a request in flight; its callback is not called. */
void http_cancel(struct http_req *);

/* A response header's value by case-insensitive name, or NULL. */
const char *http_result_header(const struct http_result *, const char *name);

/* Requests in flight. */
unsigned http_inflight(const struct http *);

#endif
