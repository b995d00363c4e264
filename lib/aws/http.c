/*
 * http.c: libcurl multi_socket on libevent, as curl's hiperfifo.c does it:
 * sock_cb keeps one event per socket, timer_cb arms one timer, and
 * check_multi_info finishes transfers. Each request carries its own error
 * buffer, a capped body and the response headers it kept. Never exits on a
 * curl error: the request fails instead.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sys/queue.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "http.h"

struct http {
	struct event_base *base;
	CURLM *multi;
	struct event *timer;
	unsigned inflight;
	TAILQ_HEAD(, http_req) reqs;
};

struct http_req {
	TAILQ_ENTRY(http_req) entry;
	struct http *http;
	CURL *easy;
	struct curl_slist *headers;
	http_done_cb done;
	void *arg;
	char *body;
	size_t body_len;
	size_t body_cap;
	size_t max_body;
	int too_large;
	struct http_header hdrs[HTTP_MAX_HEADERS];
	size_t nhdrs;
	char errbuf[CURL_ERROR_SIZE];
};

/* Per-socket state, assigned to curl's socket with curl_multi_assign. */
struct http_sock {
	struct http *http;
	struct event *ev;
};

static void http_check_multi_info(struct http *);

static void
http_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http *h = arg;
	int running;

	(void)fd;
	(void)what;
	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	http_check_multi_info(h);
}

/* CURLMOPT_TIMERFUNCTION: never calls libcurl. */
static int
http_multi_timer_cb(CURLM *multi, long timeout_ms, void *arg)
{
	struct http *h = arg;
	struct timeval tv;

	(void)multi;
	if (timeout_ms < 0) {
		evtimer_del(h->timer);
		return 0;
	}
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(h->timer, &tv);
	return 0;
}

static void
http_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http *h = arg;
	int action = 0, running;

	if (what & EV_READ)
		action |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	curl_multi_socket_action(h->multi, fd, action, &running);
	/* Done callbacks may start new requests (and arm the timer): leave
	 * the timer to libcurl's TIMERFUNCTION, never delete it here. */
	http_check_multi_info(h);
}

/* CURLMOPT_SOCKETFUNCTION: keep one persistent event per curl socket. */
static int
http_sock_cb(CURL *easy, curl_socket_t s, int what, void *arg, void *sockp)
{
	struct http *h = arg;
	struct http_sock *hs = sockp;
	short kind = EV_PERSIST;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (hs != NULL) {
			event_free(hs->ev);
			free(hs);
			curl_multi_assign(h->multi, s, NULL);
		}
		return 0;
	}
	if (hs == NULL) {
		hs = xcalloc(1, sizeof *hs);
		hs->http = h;
		curl_multi_assign(h->multi, s, hs);
	} else
		event_free(hs->ev);
	if (what & CURL_POLL_IN)
		kind |= EV_READ;
	if (what & CURL_POLL_OUT)
		kind |= EV_WRITE;
	hs->ev = event_new(h->base, s, kind, http_event_cb, h);
	event_add(hs->ev, NULL);
	return 0;
}

struct http *
http_new(struct event_base *base, struct sm_err *err)
{
	struct http *h;

	h = xcalloc(1, sizeof *h);
	h->base = base;
	TAILQ_INIT(&h->reqs);
	if ((h->multi = curl_multi_init()) == NULL) {
		free(h);
		sm_err_set(err, "http", "curl_multi_init failed");
		return NULL;
	}
	h->timer = evtimer_new(base, http_timer_cb, h);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, http_sock_cb);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	curl_multi_setopt(
	    h->multi, CURLMOPT_TIMERFUNCTION, http_multi_timer_cb);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	return h;
}

static void
http_req_free(struct http_req *r)
{
	size_t i;

	if (r == NULL)
		return;
	curl_slist_free_all(r->headers);
	for (i = 0; i < r->nhdrs; i++) {
		free(r->hdrs[i].name);
		free(r->hdrs[i].value);
	}
	free(r->body);
	free(r);
}

/* Detach the easy handle from the multi, then free the request. */
static void
http_req_finish(struct http_req *r)
{
	curl_multi_remove_handle(r->http->multi, r->easy);
	curl_easy_cleanup(r->easy);
	r->http->inflight--;
	TAILQ_REMOVE(&r->http->reqs, r, entry);
	http_req_free(r);
}

void
http_free(struct http *h)
{
	struct http_req *r;

	if (h == NULL)
		return;
	while ((r = TAILQ_FIRST(&h->reqs)) != NULL)
		http_req_finish(r);
	curl_multi_cleanup(h->multi);
	event_free(h->timer);
	free(h);
}

/* CURLOPT_WRITEFUNCTION: append, refusing past max_body. */
static size_t
http_write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_req *r = arg;
	size_t n = size * nmemb, cap;

	if (r->body_len + n > r->max_body) {
		r->too_large = 1;
		return 0;
	}
	if (r->body_len + n + 1 > r->body_cap) {
		cap = r->body_cap == 0 ? 16384 : r->body_cap;
		while (cap < r->body_len + n + 1)
			cap *= 2;
		r->body = xreallocarray(r->body, 1, cap);
		r->body_cap = cap;
	}
	memcpy(r->body + r->body_len, data, n);
	r->body_len += n;
	r->body[r->body_len] = '\0';
	return n;
}

/* CURLOPT_HEADERFUNCTION: keep "Name: value" headers, bounded. */
static size_t
http_header_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_req *r = arg;
	size_t n = size * nmemb, i;
	char *colon, *end;

	if (n > HTTP_MAX_HEADER_LEN)
		return n; /* ignored, not fatal: we read only a few */
	if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		/* A new response (after 100-continue or a retry): reset. */
		for (i = 0; i < r->nhdrs; i++) {
			free(r->hdrs[i].name);
			free(r->hdrs[i].value);
		}
		r->nhdrs = 0;
		return n;
	}
	if ((colon = memchr(data, ':', n)) == NULL ||
	    r->nhdrs == HTTP_MAX_HEADERS)
		return n;
	end = data + n;
	while (end > colon + 1 && isspace((unsigned char)end[-1]))
		end--;
	r->hdrs[r->nhdrs].name = xstrndup(data, (size_t)(colon - data));
	colon++;
	while (colon < end && isspace((unsigned char)*colon))
		colon++;
	r->hdrs[r->nhdrs].value = xstrndup(colon, (size_t)(end - colon));
	r->nhdrs++;
	return n;
}

/* Link-local metadata services of EC2, ECS and EKS. */
static int
http_metadata_host(const char *host)
{
	return strcmp(host, "169.254.169.254") == 0 ||
	    strcmp(host, "169.254.170.2") == 0 ||
	    strcmp(host, "169.254.170.23") == 0 ||
	    strcasecmp(host, "[fd00:ec2::254]") == 0 ||
	    strcasecmp(host, "[fd00:ec2::23]") == 0;
}

/* Plain http only to loopback (and, for credentials, metadata) hosts. */
static int
http_url_allowed(const char *url, int metadata, struct sm_err *err)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL;
	int ok = 0;

	if ((u = curl_url()) == NULL)
		return sm_err_set(err, "http", "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		sm_err_set(err, "bad_url", "malformed URL");
	else if (strcasecmp(scheme, "https") == 0)
		ok = 1;
	else if (strcasecmp(scheme, "http") == 0 &&
	    (strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
		strcmp(host, "[::1]") == 0 ||
		(metadata && http_metadata_host(host))))
		ok = 1;
	else
		sm_err_set(err, "bad_url",
		    "%s: only https, or http to a loopback address", scheme);
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return ok ? 0 : -1;
}

static void
http_setopts(struct http_req *r, const struct http_opts *o)
{
	CURL *e = r->easy;
	const char *ca = getenv("AWS_CA_BUNDLE");

	curl_easy_setopt(e, CURLOPT_URL, o->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (ca != NULL && *ca != '\0')
		curl_easy_setopt(e, CURLOPT_CAINFO, ca);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, o->timeout_ms);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, http_header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "secmond/" SECMON_VERSION);
	if (o->max_body > 0)
		curl_easy_setopt(
		    e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
	r->headers = curl_slist_append(o->headers, "Expect:");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
	if (strcmp(o->method, "GET") == 0)
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	else {
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, o->method);
		curl_easy_setopt(
		    e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)o->body_len);
		curl_easy_setopt(
		    e, CURLOPT_COPYPOSTFIELDS, o->body != NULL ? o->body : "");
	}
}

struct http_req *
http_request(struct http *h, const struct http_opts *o, http_done_cb done,
    void *arg, struct sm_err *err)
{
	struct http_req *r;

	if (http_url_allowed(o->url, o->metadata, err) == -1) {
		curl_slist_free_all(o->headers);
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->http = h;
	r->done = done;
	r->arg = arg;
	r->max_body = o->max_body > 0 ? o->max_body : SIZE_MAX / 2;
	if ((r->easy = curl_easy_init()) == NULL) {
		curl_slist_free_all(o->headers);
		free(r);
		sm_err_set(err, "http", "curl_easy_init failed");
		return NULL;
	}
	http_setopts(r, o);
	if (curl_multi_add_handle(h->multi, r->easy) != CURLM_OK) {
		curl_easy_cleanup(r->easy);
		http_req_free(r);
		sm_err_set(err, "http", "curl_multi_add_handle failed");
		return NULL;
	}
	TAILQ_INSERT_TAIL(&h->reqs, r, entry);
	h->inflight++;
	return r;
}

void
http_cancel(struct http_req *r)
{
	if (r != NULL)
		http_req_finish(r);
}

unsigned
http_inflight(const struct http *h)
{
	return h->inflight;
}

const char *
http_result_header(const struct http_result *res, const char *name)
{
	size_t i;

	for (i = 0; i < res->nheaders; i++)
		if (strcasecmp(res->headers[i].name, name) == 0)
			return res->headers[i].value;
	return NULL;
}

/* Turn a finished transfer into an http_result and hand it over. */
static void
http_complete(struct http_req *r, CURLcode rc)
{
	struct http_result res;

	memset(&res, 0, sizeof res);
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &res.status);
	curl_easy_getinfo(r->easy, CURLINFO_TOTAL_TIME, &res.total_sec);
	res.body = r->body != NULL ? r->body : "";
	res.body_len = r->body_len;
	res.headers = r->hdrs;
	res.nheaders = r->nhdrs;
	res.too_large = r->too_large || rc == CURLE_FILESIZE_EXCEEDED;
	if (res.too_large) {
		res.transport_error = 1;
		sm_err_set(&res.err, "ResponseTooLarge",
		    "response body larger than %zu bytes", r->max_body);
	} else if (rc != CURLE_OK) {
		res.transport_error = 1;
		res.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
		sm_err_set(&res.err, res.timed_out ? "Timeout" : "Transport",
		    "%s",
		    r->errbuf[0] != '\0' ? r->errbuf : curl_easy_strerror(rc));
	}
	r->done(&res, r->arg);
}

static void
http_check_multi_info(struct http *h)
{
	struct http_req *r;
	CURLMsg *msg;
	CURLcode rc;
	int left;

	while ((msg = curl_multi_info_read(h->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		rc = msg->data.result;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &r);
		/* msg is dead after remove_handle: finish with what we took */
		curl_multi_remove_handle(h->multi, r->easy);
		http_complete(r, rc);
		curl_easy_cleanup(r->easy);
		r->easy = NULL;
		h->inflight--;
		TAILQ_REMOVE(&h->reqs, r, entry);
		http_req_free(r);
	}
}
