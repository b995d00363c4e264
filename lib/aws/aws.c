/*
 * aws.c: one API call: build the request for its protocol, sign it, send it
 * through http, read the error envelope or the JSON answer, and retry what
 * the standard retry mode retries. Owns its http requests and retry timers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "aws.h"
#include "creds.h"
#include "http.h"
#include "ratelimit.h"
#include "retry.h"
#include "sigv4.h"
#include "xml.h"

struct aws {
	struct event_base *base;
	struct http *http;
	struct aws_opts opts;
	struct creds_src *src;
	struct ratelimit_gate *gate; /* borrowed; NULL: no client limits */
	char label[80];              /* account label for rate-limit keys */
	struct retry_quota quota;
	TAILQ_HEAD(, aws_req) reqs;
};

struct aws_req {
	TAILQ_ENTRY(aws_req) entry;
	struct aws *aws;
	char *label, *op, *method, *path, *query, *target, *body;
	enum aws_proto proto;
	struct endpoint ep;
	aws_done_cb done;
	void *arg;
	struct http_req *hreq;
	struct creds_wait *cwait;
	struct creds creds; /* for the attempt waiting on the gate */
	struct ratelimit_waiter *rwait;
	int admitted;        /* holds a slot of the gate */
	int timed_out;       /* the last attempt timed out */
	unsigned retry_cost; /* quota taken by this request's retries */
	char key[RATELIMIT_MAX_KEY];
	char hint_amz[32], hint_after[32];
	struct event *ev; /* retry delay, or a deferred finish */
	int finishing;
	int unsigned_req;
	struct aws_result res;
};

static void aws_attempt(struct aws_req *);

struct aws *
aws_new(struct event_base *base, struct http *http, const struct aws_opts *o,
    struct creds_src *src)
{
	struct aws *a = xcalloc(1, sizeof *a);

	a->base = base;
	a->http = http;
	a->opts = *o;
	a->src = src;
	retry_quota_init(&a->quota);
	TAILQ_INIT(&a->reqs);
	return a;
}

static void
aws_req_free(struct aws_req *r)
{
	TAILQ_REMOVE(&r->aws->reqs, r, entry);
	creds_wait_cancel(r->cwait);
	ratelimit_cancel(r->rwait);
	if (r->admitted)
		ratelimit_done(r->aws->gate);
	creds_clear(&r->creds);
	http_cancel(r->hreq);
	event_free(r->ev);
	json_decref(r->res.json);
	xml_free(r->res.xml);
	free(r->label);
	free(r->op);
	free(r->method);
	free(r->path);
	free(r->query);
	free(r->target);
	free(r->body);
	free(r);
}

void
aws_free(struct aws *a)
{
	if (a == NULL)
		return;
	while (!TAILQ_EMPTY(&a->reqs))
		aws_req_free(TAILQ_FIRST(&a->reqs));
	free(a);
}

void
aws_set_opts(struct aws *a, const struct aws_opts *o)
{
	a->opts = *o;
}

void
aws_set_gate(struct aws *a, struct ratelimit_gate *gate, const char *label)
{
	a->gate = gate;
	strlcpy(a->label, label, sizeof a->label);
}

unsigned
aws_retry_tokens(const struct aws *a)
{
	return retry_quota_available(&a->quota);
}

void
aws_normalize_code(const char *in, char *out, size_t len)
{
	const char *end = strchr(in, ':'), *hash;
	size_t n = end != NULL ? (size_t)(end - in) : strlen(in);

	hash = memrchr(in, '#', n);
	if (hash != NULL) {
		n -= (size_t)(hash + 1 - in);
		in = hash + 1;
	}
	if (n >= len)
		n = len - 1;
	memcpy(out, in, n);
	out[n] = '\0';
}

static const char *const aws_throttle_codes[] = {
	"BandwidthLimitExceeded",
	"EC2ThrottledException",
	"LimitExceededException",
	"PriorRequestNotComplete",
	"ProvisionedThroughputExceededException",
	"RequestLimitExceeded",
	"RequestThrottled",
	"RequestThrottledException",
	"SlowDown",
	"ThrottledException",
	"Throttling",
	"ThrottlingException",
	"TooManyRequestsException",
	"TransactionInProgressException",
};

static const char *const aws_transient_codes[] = {
	"IDPCommunicationError",
	"InternalError",
	"InternalFailure",
	"InternalServerError",
	"InternalServerErrorException",
	"RequestTimeout",
	"RequestTimeoutException",
	"ServiceUnavailable",
	"Timeout",
	"Transport",
};

static int
aws_in(const char *code, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(code, list[i]) == 0)
			return 1;
	return 0;
}

int
aws_is_expired_token(const char *code)
{
	return strcmp(code, "ExpiredToken") == 0 ||
	    strcmp(code, "ExpiredTokenException") == 0;
}

int
aws_is_retryable(long status, const char *code, int *throttling)
{
	*throttling = aws_in(code, aws_throttle_codes,
	    sizeof aws_throttle_codes / sizeof aws_throttle_codes[0]);
	/* Services without a modelled throttle error answer 429. */
	if (status == 429)
		*throttling = 1;
	if (*throttling)
		return 1;
	if (status == 500 || status == 502 || status == 503 || status == 504)
		return 1;
	return aws_in(code, aws_transient_codes,
	    sizeof aws_transient_codes / sizeof aws_transient_codes[0]);
}

/* Split the endpoint URL into the Host header value and a base path. */
static int
aws_split_url(const char *url, char *host, size_t hostlen, char *base,
    size_t baselen, struct sm_err *err)
{
	CURLU *u = curl_url();
	char *h = NULL, *port = NULL, *path = NULL;
	int rc = -1;

	if (u == NULL || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK)
		sm_err_set(err, "BadEndpoint", "malformed endpoint URL");
	else {
		curl_url_get(u, CURLUPART_PORT, &port, 0);
		curl_url_get(u, CURLUPART_PATH, &path, 0);
		if (port != NULL)
			snprintf(host, hostlen, "%s:%s", h, port);
		else
			strlcpy(host, h, hostlen);
		strlcpy(base,
		    path != NULL && strcmp(path, "/") != 0 ? path : "",
		    baselen);
		rc = 0;
	}
	curl_free(h);
	curl_free(port);
	curl_free(path);
	curl_url_cleanup(u);
	return rc;
}

static const char *
aws_content_type(enum aws_proto proto)
{
	switch (proto) {
	case AWS_JSON_10:
		return "application/x-amz-json-1.0";
	case AWS_QUERY:
		return "application/x-www-form-urlencoded; charset=utf-8";
	default:
		return "application/json";
	}
}

/* Sign the request and turn it into headers; -1 with err. */
static int
aws_sign(struct aws_req *r, const struct creds *cr, const char *host,
    const char *path, struct curl_slist **out, struct sm_err *err)
{
	struct sigv4_header h[8];
	struct sigv4_req sr;
	struct sigv4_creds sc;
	char date[20], auth[1024], *line;
	time_t now = time(NULL);
	size_t n = 0, i;

	strftime(date, sizeof date, "%Y%m%dT%H%M%SZ", gmtime(&now));
	if (r->body != NULL)
		h[n++] = (struct sigv4_header){ "content-type",
			aws_content_type(r->proto) };
	h[n++] = (struct sigv4_header){ "host", host };
	h[n++] = (struct sigv4_header){ "x-amz-date", date };
	if (cr != NULL && cr->session_token != NULL)
		h[n++] = (struct sigv4_header){ "x-amz-security-token",
			cr->session_token };
	if (r->target != NULL)
		h[n++] = (struct sigv4_header){ "x-amz-target", r->target };
	/* CloudWatch is awsQueryCompatible: say so, as the SDKs do. */
	if (r->proto == AWS_JSON_10)
		h[n++] = (struct sigv4_header){ "x-amzn-query-mode", "true" };
	memset(&sr, 0, sizeof sr);
	sr.method = r->method;
	sr.path = path;
	sr.query = r->query;
	sr.headers = h;
	sr.nheaders = n;
	sr.body = r->body;
	sr.body_len = r->body != NULL ? strlen(r->body) : 0;
	sr.region = r->ep.signing_region;
	sr.service = r->ep.signing_name;
	sr.amz_date = date;
	if (cr == NULL) {
		*out = NULL;
		for (i = 0; i < n; i++) {
			if (strcmp(h[i].name, "x-amz-date") == 0 ||
			    strcmp(h[i].name, "x-amz-security-token") == 0)
				continue;
			xasprintf(&line, "%s: %s", h[i].name, h[i].value);
			*out = curl_slist_append(*out, line);
			free(line);
		}
		return 0;
	}
	sc.access_key_id = cr->access_key_id;
	sc.secret_access_key = cr->secret_access_key;
	sc.session_token = cr->session_token;
	if (sigv4_sign(&sr, &sc, auth, sizeof auth, err) == -1)
		return -1;
	*out = NULL;
	for (i = 0; i < n; i++) {
		/* Session tokens run past 1 KiB: size each line to fit. */
		xasprintf(&line, "%s: %s", h[i].name, h[i].value);
		*out = curl_slist_append(*out, line);
		sm_free_secret(line);
	}
	xasprintf(&line, "Authorization: %s", auth);
	*out = curl_slist_append(*out, line);
	free(line);
	return 0;
}

static void
aws_finish_later(struct aws_req *r)
{
	struct timeval tv = { 0, 0 };

	r->finishing = 1;
	evtimer_add(r->ev, &tv);
}

/*
 * The standard retry mode: retry what is retryable while attempts and the
 * client's retry quota last, after rand[0,1) * min(base * 2^(n-1), cap),
 * or at least what the service asked for (x-amz-retry-after, Retry-After).
 */
static void
aws_retry_or_finish(struct aws_req *r, int retryable)
{
	uint64_t ms;
	struct timeval tv;

	if (!retry_should(&r->aws->quota, r->res.attempts,
		r->aws->opts.max_attempts, retryable, r->timed_out,
		&r->retry_cost)) {
		aws_finish_later(r);
		return;
	}
	ms = retry_delay_ms(r->res.attempts, r->aws->opts.base_backoff_ms,
	    AWS_MAX_BACKOFF_MS, arc4random() / 4294967296.0);
	ms = retry_delay_hinted(ms, r->hint_amz[0] != '\0' ? r->hint_amz : NULL,
	    r->hint_after[0] != '\0' ? r->hint_after : NULL);
	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)((ms % 1000) * 1000);
	r->finishing = 0;
	evtimer_add(r->ev, &tv);
}

static void
aws_fail(struct aws_req *r, const char *code, const char *msg)
{
	strlcpy(r->res.code, code, sizeof r->res.code);
	sm_err_set(
	    &r->res.err, code, "%s.%s: %s: %s", r->label, r->op, code, msg);
}

static const char *
aws_json_str(const json_t *o, const char *a, const char *b)
{
	const char *s = json_string_value(json_object_get(o, a));

	if (s == NULL && b != NULL)
		s = json_string_value(json_object_get(o, b));
	return s;
}

/* The <ErrorResponse> of a query-protocol answer. */
static void
aws_parse_xml_error(struct aws_req *r, const struct http_result *hr)
{
	char code[64], msg[256], rid[80];
	struct xml_node *x = xml_parse(hr->body, hr->body_len, NULL);

	if (x != NULL &&
	    xml_aws_error(
		x, code, sizeof code, msg, sizeof msg, rid, sizeof rid) == 0 &&
	    code[0] != '\0') {
		if (rid[0] != '\0')
			strlcpy(
			    r->res.request_id, rid, sizeof r->res.request_id);
		aws_fail(r, code, msg[0] != '\0' ? msg : "(no message)");
	} else {
		snprintf(code, sizeof code, "HTTP%ld", hr->status);
		aws_fail(r, code, "(no error envelope)");
	}
	xml_free(x);
}

/* The error code and message of a non-2xx answer, per protocol. */
static void
aws_parse_error(struct aws_req *r, const struct http_result *hr)
{
	const char *hcode, *code = NULL, *msg = NULL;
	char norm[64], *semi;
	json_t *j;

	if (r->proto == AWS_QUERY) {
		aws_parse_xml_error(r, hr);
		return;
	}
	j = json_loadb(hr->body, hr->body_len, 0, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	hcode = http_result_header(hr,
	    r->proto == AWS_JSON_10 ? "x-amzn-query-error"
				    : "x-amzn-ErrorType");
	if (hcode != NULL)
		code = hcode;
	else if (j != NULL && r->proto == AWS_REST_JSON)
		code = aws_json_str(j, "code", "Code");
	if (code == NULL && j != NULL)
		code = aws_json_str(j, "__type", NULL);
	if (j != NULL)
		msg = aws_json_str(j, "message", "Message");
	if (code != NULL) {
		aws_normalize_code(code, norm, sizeof norm);
		if ((semi = strchr(norm, ';')) != NULL)
			*semi = '\0';
	}
	if (code == NULL || norm[0] == '\0')
		snprintf(norm, sizeof norm, "HTTP%ld", hr->status);
	aws_fail(r, norm, msg != NULL ? msg : "(no message)");
	json_decref(j);
}

/* A 2xx answer: a JSON object (an empty body reads as {}). */
static int
aws_parse_ok(struct aws_req *r, const struct http_result *hr)
{
	json_error_t jerr;
	struct sm_err err;
	json_t *j;

	if (r->proto == AWS_QUERY) {
		if ((r->res.xml = xml_parse(hr->body, hr->body_len, &err)) ==
		    NULL) {
			aws_fail(r, "MalformedResponse", err.msg);
			return -1;
		}
		r->res.ok = 1;
		return 0;
	}
	if (hr->body_len == 0)
		j = json_object();
	else if ((j = json_loadb(hr->body, hr->body_len, 0, &jerr)) == NULL) {
		aws_fail(r, "MalformedResponse", jerr.text);
		return -1;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		aws_fail(
		    r, "MalformedResponse", "the answer is not a JSON object");
		return -1;
	}
	r->res.json = j;
	r->res.ok = 1;
	return 0;
}

/* The service's own word on when to come back, kept for the retry. */
static void
aws_take_hints(struct aws_req *r, const struct http_result *hr)
{
	const char *a = http_result_header(hr, "x-amz-retry-after");
	const char *b = http_result_header(hr, "Retry-After");

	strlcpy(r->hint_amz, a != NULL ? a : "", sizeof r->hint_amz);
	strlcpy(r->hint_after, b != NULL ? b : "", sizeof r->hint_after);
}

static void
aws_http_done_cb(const struct http_result *hr, void *arg)
{
	struct aws_req *r = arg;
	const char *rid;
	int retryable = 0, throttling;

	r->hreq = NULL;
	if (r->admitted) {
		r->admitted = 0;
		ratelimit_done(r->aws->gate);
	}
	r->res.status = hr->status;
	r->timed_out = hr->timed_out;
	aws_take_hints(r, hr);
	if ((rid = http_result_header(hr, "x-amzn-RequestId")) != NULL)
		strlcpy(r->res.request_id, rid, sizeof r->res.request_id);
	if (hr->transport_error) {
		aws_fail(r, hr->err.code, hr->err.msg);
		retryable = !hr->too_large;
	} else if (hr->status >= 200 && hr->status < 300) {
		if (aws_parse_ok(r, hr) == 0) {
			r->res.code[0] = '\0';
			retry_success(
			    &r->aws->quota, r->retry_cost, r->res.attempts);
			aws_finish_later(r);
			return;
		}
	} else {
		aws_parse_error(r, hr);
		retryable =
		    aws_is_retryable(hr->status, r->res.code, &throttling);
		if (throttling && r->aws->gate != NULL)
			ratelimit_throttled(r->aws->gate, r->key);
		if (aws_is_expired_token(r->res.code) && r->aws->src != NULL) {
			/* Fetch anew and try again: another attempt. */
			creds_invalidate(r->aws->src);
			retryable = 1;
		}
	}
	aws_retry_or_finish(r, retryable);
}

/* Send one attempt signed with cr (NULL: unsigned). */
static void
aws_send(struct aws_req *r, const struct creds *cr)
{
	char host[300], base[256], path[2048], url[ENDPOINT_MAX_URL + 4096];
	struct http_opts o;
	struct sm_err err;

	memset(&o, 0, sizeof o);
	if (aws_split_url(
		r->ep.url, host, sizeof host, base, sizeof base, &err) == -1 ||
	    (size_t)snprintf(path, sizeof path, "%s%s", base, r->path) >=
		sizeof path ||
	    (size_t)snprintf(url, sizeof url, "%s%s%s%s", r->ep.url, r->path,
		r->query != NULL && *r->query != '\0' ? "?" : "",
		r->query != NULL ? r->query : "") >= sizeof url) {
		aws_fail(r, "BadRequest", "endpoint or path too long");
		aws_finish_later(r);
		return;
	}
	if (aws_sign(r, cr, host, path, &o.headers, &err) == -1) {
		aws_fail(r, "SigningFailed", err.msg);
		aws_finish_later(r);
		return;
	}
	o.method = r->method;
	o.url = url;
	o.body = r->body;
	o.body_len = r->body != NULL ? strlen(r->body) : 0;
	o.connect_timeout_ms = r->aws->opts.connect_timeout_ms;
	o.timeout_ms = r->aws->opts.timeout_ms;
	o.max_body = r->aws->opts.max_body;
	if ((r->hreq = http_request(
		 r->aws->http, &o, aws_http_done_cb, r, &err)) == NULL) {
		aws_fail(r, err.code, err.msg);
		aws_finish_later(r);
	}
}

/* The gate let the attempt go: sign with the credentials it waited with. */
static void
aws_admit_cb(void *arg)
{
	struct aws_req *r = arg;

	r->rwait = NULL;
	r->admitted = 1;
	aws_send(r, r->unsigned_req ? NULL : &r->creds);
	creds_clear(&r->creds);
}

/* Wait for the gate (if any) under this account, region and API. */
static void
aws_gate(struct aws_req *r)
{
	struct sm_err err;

	if (r->aws->gate == NULL) {
		aws_send(r, r->unsigned_req ? NULL : &r->creds);
		creds_clear(&r->creds);
		return;
	}
	snprintf(r->key, sizeof r->key, "%s/%s/%s.%s", r->aws->label,
	    r->ep.signing_region, r->ep.signing_name, r->op);
	if ((r->rwait = ratelimit_wait(
		 r->aws->gate, r->key, aws_admit_cb, r, &err)) == NULL) {
		creds_clear(&r->creds);
		aws_fail(r, "RateLimit", err.msg);
		aws_finish_later(r);
	}
}

/* Credentials first (an STS fetch must not hold a slot of the gate). */
static void
aws_creds_cb(const struct creds *c, const struct sm_err *err, void *arg)
{
	struct aws_req *r = arg;

	r->cwait = NULL;
	if (c == NULL) {
		aws_fail(r, "NoCredentials", err->msg);
		aws_finish_later(r);
		return;
	}
	creds_copy(&r->creds, c);
	aws_gate(r);
}

static void
aws_attempt(struct aws_req *r)
{
	r->res.attempts++;
	if (r->unsigned_req)
		aws_gate(r);
	else
		r->cwait = creds_get(r->aws->src, aws_creds_cb, r);
}

static void
aws_ev_cb(evutil_socket_t fd, short what, void *arg)
{
	struct aws_req *r = arg;

	(void)fd;
	(void)what;
	if (!r->finishing) {
		json_decref(r->res.json);
		r->res.json = NULL;
		xml_free(r->res.xml);
		r->res.xml = NULL;
		aws_attempt(r);
		return;
	}
	r->done(&r->res, r->arg);
	aws_req_free(r);
}

static char *
aws_strdup0(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

struct aws_req *
aws_call(struct aws *a, const struct aws_call *c, aws_done_cb done, void *arg,
    struct sm_err *err)
{
	struct aws_req *r;

	if (a->src == NULL && !c->unsigned_req) {
		sm_err_set(err, "NoCredentials", "%s.%s: no credentials",
		    c->service_label, c->op);
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->aws = a;
	r->label = xstrdup(c->service_label);
	r->op = xstrdup(c->op);
	r->method = xstrdup(c->method);
	r->path = xstrdup(c->path);
	r->query = aws_strdup0(c->query);
	r->target = aws_strdup0(c->target);
	r->proto = c->proto;
	r->ep = *c->ep;
	r->unsigned_req = c->unsigned_req;
	if (c->form != NULL)
		r->body = xstrdup(c->form);
	else if (c->body != NULL)
		r->body = json_dumps(c->body, JSON_COMPACT);
	else if (c->proto == AWS_JSON_10)
		r->body = xstrdup("{}");
	r->done = done;
	r->arg = arg;
	r->ev = evtimer_new(a->base, aws_ev_cb, r);
	TAILQ_INSERT_TAIL(&a->reqs, r, entry);
	aws_attempt(r);
	return r;
}

void
aws_cancel(struct aws_req *r)
{
	if (r != NULL)
		aws_req_free(r);
}
