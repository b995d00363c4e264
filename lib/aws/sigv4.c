/*
 * sigv4.c: AWS Signature Version 4 header signing: canonical URI, query
 * and headers, string to sign, key derivation, Authorization value.
 * Pure: no I/O, no logging, no clock; every buffer lives for one call.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sigv4.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SIGV4_TERMINATOR "aws4_request"
#define SIGV4_AMZ_DATE_LEN 16        /* "YYYYMMDDTHHMMSSZ" */
#define SIGV4_DATE_LEN 8             /* "YYYYMMDD" */
#define SIGV4_MAX_METHOD 16          /* bytes of the method */
#define SIGV4_MAX_PATH 8192          /* bytes of the wire path */
#define SIGV4_MAX_QUERY 32768        /* bytes of the wire query */
#define SIGV4_MAX_PARAMS 1024        /* query parameters */
#define SIGV4_MAX_HEADERS 128        /* header lines */
#define SIGV4_MAX_HEADER_NAME 128    /* bytes of a header name */
#define SIGV4_MAX_HEADER_VALUE 16384 /* bytes of a header value */
#define SIGV4_MAX_SCOPE 64           /* bytes of region, service */
#define SIGV4_MAX_KEY 256            /* bytes of access key id, secret */
#define SIGV4_HASH_LEN 32            /* SHA-256 output, bytes */

/* A growing string; aborts on OOM like the x-alloc functions. */
struct sigv4_buf {
	char *s;
	size_t len;
	size_t size;
};

/* One query parameter, name and value strictly encoded. */
struct sigv4_param {
	char *name;
	char *value;
};

/* One header line: lowercase name, folded value, arrival order. */
struct sigv4_line {
	char name[SIGV4_MAX_HEADER_NAME + 1];
	char *value;
	size_t order;
};

/* What the canonical request gives the later steps. */
struct sigv4_canon {
	char *request;
	char *signed_headers;
};

static const char sigv4_hexdigits[] = "0123456789ABCDEF";

static void
sigv4_buf_add(struct sigv4_buf *b, const void *p, size_t len)
{
	size_t need;

	if (len > SIZE_MAX - b->len - 1)
		abort();
	need = b->len + len + 1;
	if (need > b->size) {
		b->size = b->size == 0 ? 256 : b->size;
		while (b->size < need)
			b->size = b->size > SIZE_MAX / 2 ? need : b->size * 2;
		b->s = xreallocarray(b->s, 1, b->size);
	}
	memcpy(b->s + b->len, p, len);
	b->len += len;
	b->s[b->len] = '\0';
}

static void
sigv4_buf_addc(struct sigv4_buf *b, char c)
{
	sigv4_buf_add(b, &c, 1);
}

static void
sigv4_buf_addstr(struct sigv4_buf *b, const char *s)
{
	sigv4_buf_add(b, s, strlen(s));
}

/* The string built so far (an empty one if nothing was added). */
static char *
sigv4_buf_take(struct sigv4_buf *b)
{
	if (b->s == NULL)
		return xstrdup("");
	return b->s;
}

static int
sigv4_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	    c == '~';
}

/* RFC 7230 tchar: what a header name or method may hold. */
static int
sigv4_tchar(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int
sigv4_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static int
sigv4_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void
sigv4_buf_encode(struct sigv4_buf *b, const char *s, size_t len, int keep_slash)
{
	const unsigned char *p = (const unsigned char *)s;
	char pct[3];
	size_t i;

	for (i = 0; i < len; i++) {
		if (sigv4_unreserved(p[i]) || (keep_slash && p[i] == '/')) {
			sigv4_buf_addc(b, (char)p[i]);
			continue;
		}
		pct[0] = '%';
		pct[1] = sigv4_hexdigits[p[i] >> 4];
		pct[2] = sigv4_hexdigits[p[i] & 0xf];
		sigv4_buf_add(b, pct, sizeof pct);
	}
}

char *
sigv4_uri_encode(const char *s, size_t len, int keep_slash)
{
	struct sigv4_buf b = { NULL, 0, 0 };

	if (s == NULL)
		return NULL;
	sigv4_buf_encode(&b, s, len, keep_slash);
	return sigv4_buf_take(&b);
}

static void
sigv4_hex(const unsigned char *p, size_t len, char *hex)
{
	static const char lower[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		hex[2 * i] = lower[p[i] >> 4];
		hex[2 * i + 1] = lower[p[i] & 0xf];
	}
	hex[2 * len] = '\0';
}

void
sigv4_sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char md[SIGV4_HASH_LEN];
	unsigned int mdlen = 0;

	if (data == NULL)
		data = "";
	/* Fails only without memory or a SHA-256 provider: like OOM. */
	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen != sizeof md)
		abort();
	sigv4_hex(md, sizeof md, hex);
}

/* out = HMAC-SHA256(key, msg); -1 if OpenSSL fails. */
static int
sigv4_hmac(const void *key, size_t keylen, const void *msg, size_t msglen,
    unsigned char out[SIGV4_HASH_LEN])
{
	unsigned int outlen = 0;

	if (keylen > INT_MAX)
		return -1;
	if (HMAC(EVP_sha256(), key, (int)keylen, msg, msglen, out, &outlen) ==
		NULL ||
	    outlen != SIGV4_HASH_LEN)
		return -1;
	return 0;
}

/* Is s a "YYYYMMDDTHHMMSSZ" with plausible fields? */
static int
sigv4_check_amz_date(const char *s)
{
	int v[6], i;
	static const int off[6] = { 0, 4, 6, 9, 11, 13 };
	static const int len[6] = { 4, 2, 2, 2, 2, 2 };
	int j;

	if (strlen(s) != SIGV4_AMZ_DATE_LEN || s[8] != 'T' || s[15] != 'Z')
		return -1;
	for (i = 0; i < 6; i++) {
		v[i] = 0;
		for (j = 0; j < len[i]; j++) {
			if (s[off[i] + j] < '0' || s[off[i] + j] > '9')
				return -1;
			v[i] = v[i] * 10 + (s[off[i] + j] - '0');
		}
	}
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 ||
	    v[4] > 59 || v[5] > 60)
		return -1;
	return 0;
}

/* Region and service: lowercase letters, digits, '-'. */
static int
sigv4_check_scope(const char *what, const char *s, struct sm_err *err)
{
	size_t i, len = strlen(s);

	if (len == 0 || len > SIGV4_MAX_SCOPE)
		return sm_err_set(
		    err, "SigV4Input", "bad %s length %zu", what, len);
	for (i = 0; i < len; i++) {
		if ((s[i] < 'a' || s[i] > 'z') && (s[i] < '0' || s[i] > '9') &&
		    s[i] != '-')
			return sm_err_set(
			    err, "SigV4Input", "bad character in %s", what);
	}
	return 0;
}

static int
sigv4_check_req(const struct sigv4_req *req, struct sm_err *err)
{
	size_t i, len;

	if (req == NULL || req->method == NULL || req->path == NULL ||
	    req->region == NULL || req->service == NULL ||
	    req->amz_date == NULL ||
	    (req->nheaders != 0 && req->headers == NULL))
		return sm_err_set(err, "SigV4Input", "missing request field");
	len = strlen(req->method);
	if (len == 0 || len > SIGV4_MAX_METHOD)
		return sm_err_set(err, "SigV4Input", "bad method length");
	for (i = 0; i < len; i++) {
		if (req->method[i] < 'A' || req->method[i] > 'Z')
			return sm_err_set(err, "SigV4Input", "bad method");
	}
	if (req->body == NULL && req->body_len != 0)
		return sm_err_set(
		    err, "SigV4Input", "body length without body");
	if (req->nheaders > SIGV4_MAX_HEADERS)
		return sm_err_set(err, "SigV4Limit", "%zu headers, limit %d",
		    req->nheaders, SIGV4_MAX_HEADERS);
	if (sigv4_check_amz_date(req->amz_date) != 0)
		return sm_err_set(err, "SigV4Input", "bad amz_date");
	if (sigv4_check_scope("region", req->region, err) != 0 ||
	    sigv4_check_scope("service", req->service, err) != 0)
		return -1;
	return 0;
}

/* Split the wire path into its segments, dropping "", "." and "..". */
static void
sigv4_normalise(const char *path, struct sigv4_buf *b)
{
	const char **seg;
	size_t *seglen, nseg = 0, n, i, len = strlen(path);
	const char *p = path, *end = path + len, *slash;

	/* len <= SIGV4_MAX_PATH, so a segment per two bytes is plenty. */
	seg = xreallocarray(NULL, len / 2 + 2, sizeof *seg);
	seglen = xreallocarray(NULL, len / 2 + 2, sizeof *seglen);
	while (p <= end) {
		if ((slash = memchr(p, '/', (size_t)(end - p))) == NULL)
			slash = end;
		n = (size_t)(slash - p);
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (nseg > 0)
				nseg--;
		} else if (n != 0 && !(n == 1 && p[0] == '.')) {
			seg[nseg] = p;
			seglen[nseg++] = n;
		}
		p = slash + 1;
	}
	sigv4_buf_addc(b, '/');
	for (i = 0; i < nseg; i++) {
		if (i > 0)
			sigv4_buf_addc(b, '/');
		sigv4_buf_add(b, seg[i], seglen[i]);
	}
	if (nseg > 0 && path[len - 1] == '/')
		sigv4_buf_addc(b, '/');
	free(seg);
	free(seglen);
}

/* The canonical URI: normalised, then percent-encoded again. */
static int
sigv4_canon_uri(
    const struct sigv4_req *req, struct sigv4_buf *out, struct sm_err *err)
{
	struct sigv4_buf norm = { NULL, 0, 0 };
	const char *path = req->path;
	size_t i, len = strlen(path);

	if (len > SIGV4_MAX_PATH)
		return sm_err_set(err, "SigV4Limit",
		    "path of %zu bytes, limit %d", len, SIGV4_MAX_PATH);
	if (len != 0 && path[0] != '/')
		return sm_err_set(err, "SigV4Input", "path must start with /");
	for (i = 0; i < len; i++) {
		if (sigv4_ctl((unsigned char)path[i]) || path[i] == '?' ||
		    path[i] == '#')
			return sm_err_set(
			    err, "SigV4Input", "bad character in path");
	}
	if (len == 0) {
		sigv4_buf_addc(out, '/');
		return 0;
	}
	if (req->no_normalize) {
		sigv4_buf_encode(out, path, len, 1);
		return 0;
	}
	sigv4_normalise(path, &norm);
	sigv4_buf_encode(out, norm.s, norm.len, 1);
	free(norm.s);
	return 0;
}

/* Percent-decode len bytes of s, then encode strictly into a new string. */
static char *
sigv4_reencode(const char *s, size_t len, struct sm_err *err)
{
	struct sigv4_buf dec = { NULL, 0, 0 };
	char *out;
	size_t i;
	int hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] != '%') {
			sigv4_buf_addc(&dec, s[i]);
			continue;
		}
		if (len - i < 3) {
			free(dec.s);
			sm_err_set(err, "SigV4Input", "truncated %% in query");
			return NULL;
		}
		hi = sigv4_hexval((unsigned char)s[i + 1]);
		lo = sigv4_hexval((unsigned char)s[i + 2]);
		if (hi == -1 || lo == -1) {
			free(dec.s);
			sm_err_set(err, "SigV4Input", "bad %% escape in query");
			return NULL;
		}
		sigv4_buf_addc(&dec, (char)(hi << 4 | lo));
		i += 2;
	}
	out = sigv4_uri_encode(dec.s == NULL ? "" : dec.s, dec.len, 0);
	free(dec.s);
	return out;
}

static int
sigv4_param_cmp(const void *a, const void *b)
{
	const struct sigv4_param *pa = a, *pb = b;
	int c;

	if ((c = strcmp(pa->name, pb->name)) != 0)
		return c;
	return strcmp(pa->value, pb->value);
}

static void
sigv4_params_free(struct sigv4_param *pv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(pv[i].name);
		free(pv[i].value);
	}
	free(pv);
}

/* Split query into pv (at most SIGV4_MAX_PARAMS); -1 with err. */
static int
sigv4_split_query(const char *q, size_t len, struct sigv4_param *pv, size_t *np,
    struct sm_err *err)
{
	const char *p = q, *end = q + len, *amp, *eq;
	size_t n = 0;

	while (p <= end) {
		if (n == SIGV4_MAX_PARAMS)
			return sm_err_set(err, "SigV4Limit",
			    "more than %d query parameters", SIGV4_MAX_PARAMS);
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		pv[n].name = sigv4_reencode(p, (size_t)(eq - p), err);
		pv[n].value = NULL;
		if (pv[n].name != NULL && eq != amp)
			pv[n].value =
			    sigv4_reencode(eq + 1, (size_t)(amp - eq - 1), err);
		else if (pv[n].name != NULL)
			pv[n].value = xstrdup("");
		n++;
		*np = n;
		if (pv[n - 1].name == NULL || pv[n - 1].value == NULL)
			return -1;
		p = amp + 1;
	}
	return 0;
}

/*
 * The canonical query: split on '&' and the first '=', decode, encode
 * strictly, sort by name then value, join. Empty when there is none.
 */
static int
sigv4_canon_query(const char *q, struct sigv4_buf *out, struct sm_err *err)
{
	struct sigv4_param *pv;
	size_t i, n = 0, len;

	if (q == NULL || *q == '\0')
		return 0;
	len = strlen(q);
	if (len > SIGV4_MAX_QUERY)
		return sm_err_set(err, "SigV4Limit",
		    "query of %zu bytes, limit %d", len, SIGV4_MAX_QUERY);
	for (i = 0; i < len; i++) {
		if (sigv4_ctl((unsigned char)q[i]) || q[i] == '#' ||
		    q[i] == ' ')
			return sm_err_set(
			    err, "SigV4Input", "bad character in query");
	}
	pv = xcalloc(SIGV4_MAX_PARAMS, sizeof *pv);
	if (sigv4_split_query(q, len, pv, &n, err) != 0) {
		sigv4_params_free(pv, n);
		return -1;
	}
	qsort(pv, n, sizeof *pv, sigv4_param_cmp);
	for (i = 0; i < n; i++) {
		if (i > 0)
			sigv4_buf_addc(out, '&');
		sigv4_buf_addstr(out, pv[i].name);
		sigv4_buf_addc(out, '=');
		sigv4_buf_addstr(out, pv[i].value);
	}
	sigv4_params_free(pv, n);
	return 0;
}

/* A header value trimmed, inner runs of SP/HT folded to one SP. */
static char *
sigv4_fold(const char *v, struct sm_err *err)
{
	struct sigv4_buf b = { NULL, 0, 0 };
	size_t i, len = strlen(v);
	int space = 0;

	if (len > SIGV4_MAX_HEADER_VALUE) {
		sm_err_set(err, "SigV4Limit",
		    "header value of %zu bytes, limit %d", len,
		    SIGV4_MAX_HEADER_VALUE);
		return NULL;
	}
	for (i = 0; i < len; i++) {
		if (v[i] == ' ' || v[i] == '\t') {
			space = 1;
			continue;
		}
		if (sigv4_ctl((unsigned char)v[i])) {
			free(b.s);
			sm_err_set(err, "SigV4Input",
			    "control character in header value");
			return NULL;
		}
		if (space && b.len > 0)
			sigv4_buf_addc(&b, ' ');
		space = 0;
		sigv4_buf_addc(&b, v[i]);
	}
	return sigv4_buf_take(&b);
}

static int
sigv4_line_cmp(const void *a, const void *b)
{
	const struct sigv4_line *la = a, *lb = b;
	int c;

	if ((c = strcmp(la->name, lb->name)) != 0)
		return c;
	return la->order < lb->order ? -1 : la->order > lb->order;
}

static int
sigv4_line_set(struct sigv4_line *l, const struct sigv4_header *h, size_t order,
    struct sm_err *err)
{
	size_t i, len;

	if (h->name == NULL || h->value == NULL)
		return sm_err_set(err, "SigV4Input", "NULL header field");
	len = strlen(h->name);
	if (len == 0 || len > SIGV4_MAX_HEADER_NAME)
		return sm_err_set(err, "SigV4Input", "bad header name length");
	for (i = 0; i < len; i++) {
		if (!sigv4_tchar((unsigned char)h->name[i]))
			return sm_err_set(
			    err, "SigV4Input", "bad character in header name");
		l->name[i] = h->name[i] >= 'A' && h->name[i] <= 'Z'
		    ? (char)(h->name[i] - 'A' + 'a')
		    : h->name[i];
	}
	l->name[len] = '\0';
	l->order = order;
	if ((l->value = sigv4_fold(h->value, err)) == NULL)
		return -1;
	return 0;
}

/* The value of header name (lowercase) once joined, or NULL. */
static const char *
sigv4_find(struct sigv4_buf *joined, const char *name, size_t nlen)
{
	const char *p = joined->s, *nl;

	while (p != NULL && *p != '\0') {
		nl = strchr(p, '\n');
		if (strncmp(p, name, nlen) == 0 && p[nlen] == ':')
			return p + nlen + 1;
		p = nl == NULL ? NULL : nl + 1;
	}
	return NULL;
}

/* Canonical header lines into out (each ending '\n') and the list. */
static int
sigv4_canon_headers(const struct sigv4_req *req, struct sigv4_buf *out,
    struct sigv4_buf *list, struct sm_err *err)
{
	struct sigv4_line *lv;
	size_t i, n = 0;
	int rc = -1;

	lv = xcalloc(req->nheaders, sizeof *lv);
	for (n = 0; n < req->nheaders; n++) {
		if (sigv4_line_set(&lv[n], &req->headers[n], n, err) != 0)
			goto out;
	}
	qsort(lv, n, sizeof *lv, sigv4_line_cmp);
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(lv[i].name, lv[i - 1].name) == 0) {
			sigv4_buf_addc(out, ',');
			sigv4_buf_addstr(out, lv[i].value);
			continue;
		}
		if (i > 0) {
			sigv4_buf_addc(out, '\n');
			sigv4_buf_addc(list, ';');
		}
		sigv4_buf_addstr(out, lv[i].name);
		sigv4_buf_addc(out, ':');
		sigv4_buf_addstr(out, lv[i].value);
		sigv4_buf_addstr(list, lv[i].name);
	}
	sigv4_buf_addc(out, '\n');
	rc = 0;
out:
	for (i = 0; i < req->nheaders; i++)
		free(lv[i].value);
	free(lv);
	return rc;
}

/* host and x-amz-date must be signed, x-amz-date equal to amz_date. */
static int
sigv4_check_headers(
    const struct sigv4_req *req, struct sigv4_buf *hdrs, struct sm_err *err)
{
	const char *v;

	v = sigv4_find(hdrs, "host", 4);
	if (v == NULL || *v == '\n')
		return sm_err_set(err, "SigV4Input", "no host header");
	v = sigv4_find(hdrs, "x-amz-date", 10);
	if (v == NULL || strncmp(v, req->amz_date, SIGV4_AMZ_DATE_LEN) != 0 ||
	    v[SIGV4_AMZ_DATE_LEN] != '\n')
		return sm_err_set(err, "SigV4Input",
		    "x-amz-date header missing or not amz_date");
	return 0;
}

/* Build the canonical request and the signed header list. */
static int
sigv4_canonicalise(
    const struct sigv4_req *req, struct sigv4_canon *c, struct sm_err *err)
{
	struct sigv4_buf b = { NULL, 0, 0 }, hdrs = { NULL, 0, 0 };
	struct sigv4_buf list = { NULL, 0, 0 };
	char hash[65];

	c->request = c->signed_headers = NULL;
	if (sigv4_check_req(req, err) != 0)
		return -1;
	sigv4_buf_addstr(&b, req->method);
	sigv4_buf_addc(&b, '\n');
	if (sigv4_canon_uri(req, &b, err) != 0)
		goto fail;
	sigv4_buf_addc(&b, '\n');
	if (sigv4_canon_query(req->query, &b, err) != 0)
		goto fail;
	sigv4_buf_addc(&b, '\n');
	if (sigv4_canon_headers(req, &hdrs, &list, err) != 0 ||
	    sigv4_check_headers(req, &hdrs, err) != 0)
		goto fail;
	sigv4_buf_add(&b, hdrs.s, hdrs.len);
	sigv4_buf_addc(&b, '\n');
	sigv4_buf_add(&b, list.s, list.len);
	sigv4_buf_addc(&b, '\n');
	sigv4_sha256_hex(req->body, req->body_len, hash);
	sigv4_buf_addstr(&b, hash);
	free(hdrs.s);
	c->request = b.s;
	c->signed_headers = list.s;
	return 0;
fail:
	free(b.s);
	free(hdrs.s);
	free(list.s);
	return -1;
}

static char *
sigv4_sts(const struct sigv4_req *req, const char *creq)
{
	char hash[65], *sts;

	sigv4_sha256_hex(creq, strlen(creq), hash);
	xasprintf(&sts, "%s\n%s\n%.8s/%s/%s/%s\n%s", SIGV4_ALGORITHM,
	    req->amz_date, req->amz_date, req->region, req->service,
	    SIGV4_TERMINATOR, hash);
	return sts;
}

char *
sigv4_canonical_request(const struct sigv4_req *req, struct sm_err *err)
{
	struct sigv4_canon c;

	if (sigv4_canonicalise(req, &c, err) != 0)
		return NULL;
	free(c.signed_headers);
	return c.request;
}

char *
sigv4_string_to_sign(const struct sigv4_req *req, struct sm_err *err)
{
	struct sigv4_canon c;
	char *sts;

	if (sigv4_canonicalise(req, &c, err) != 0)
		return NULL;
	sts = sigv4_sts(req, c.request);
	free(c.request);
	free(c.signed_headers);
	return sts;
}

static int
sigv4_check_creds(const struct sigv4_req *req, const struct sigv4_creds *cr,
    struct sm_err *err)
{
	size_t i, len;
	const char *tok = NULL;

	if (cr == NULL || cr->access_key_id == NULL ||
	    cr->secret_access_key == NULL)
		return sm_err_set(err, "SigV4Input", "missing credentials");
	len = strlen(cr->access_key_id);
	if (len == 0 || len > SIGV4_MAX_KEY)
		return sm_err_set(
		    err, "SigV4Input", "bad access key id length");
	for (i = 0; i < len; i++) {
		if (!sigv4_unreserved((unsigned char)cr->access_key_id[i]))
			return sm_err_set(err, "SigV4Input",
			    "bad character in access key id");
	}
	len = strlen(cr->secret_access_key);
	if (len == 0 || len > SIGV4_MAX_KEY)
		return sm_err_set(err, "SigV4Input", "bad secret key length");
	if (cr->session_token == NULL)
		return 0;
	for (i = 0; i < req->nheaders; i++) {
		if (req->headers[i].name == NULL ||
		    strcasecmp(req->headers[i].name, "x-amz-security-token") !=
			0)
			continue;
		if (tok != NULL)
			return sm_err_set(err, "SigV4Input",
			    "x-amz-security-token header repeated");
		tok = req->headers[i].value;
	}
	if (tok == NULL || strcmp(tok, cr->session_token) != 0)
		return sm_err_set(err, "SigV4Input",
		    "session token set but x-amz-security-token header missing "
		    "or different");
	return 0;
}

/* kSigning from the secret and the scope; -1 if OpenSSL fails. */
static int
sigv4_signing_key(const struct sigv4_req *req, const char *secret,
    unsigned char key[SIGV4_HASH_LEN])
{
	unsigned char ksecret[4 + SIGV4_MAX_KEY], k1[SIGV4_HASH_LEN];
	unsigned char k2[SIGV4_HASH_LEN];
	size_t len = strlen(secret);
	int rc = -1;

	memcpy(ksecret, "AWS4", 4);
	memcpy(ksecret + 4, secret, len);
	if (sigv4_hmac(ksecret, 4 + len, req->amz_date, SIGV4_DATE_LEN, k1) ||
	    sigv4_hmac(k1, sizeof k1, req->region, strlen(req->region), k2) ||
	    sigv4_hmac(k2, sizeof k2, req->service, strlen(req->service), k1) ||
	    sigv4_hmac(
		k1, sizeof k1, SIGV4_TERMINATOR, strlen(SIGV4_TERMINATOR), key))
		goto out;
	rc = 0;
out:
	explicit_bzero(ksecret, sizeof ksecret);
	explicit_bzero(k1, sizeof k1);
	explicit_bzero(k2, sizeof k2);
	return rc;
}

int
sigv4_sign(const struct sigv4_req *req, const struct sigv4_creds *cr, char *out,
    size_t outlen, struct sm_err *err)
{
	struct sigv4_canon c;
	unsigned char key[SIGV4_HASH_LEN], sig[SIGV4_HASH_LEN];
	char *sts, hex[2 * SIGV4_HASH_LEN + 1];
	int n, rc = -1;

	if (out == NULL || outlen == 0)
		return sm_err_set(err, "SigV4Input", "no output buffer");
	*out = '\0';
	if (sigv4_check_req(req, err) != 0 ||
	    sigv4_check_creds(req, cr, err) != 0)
		return -1;
	if (sigv4_canonicalise(req, &c, err) != 0)
		return -1;
	sts = sigv4_sts(req, c.request);
	if (sigv4_signing_key(req, cr->secret_access_key, key) != 0 ||
	    sigv4_hmac(key, sizeof key, sts, strlen(sts), sig) != 0) {
		sm_err_set(err, "SigV4Crypto", "HMAC-SHA256 failed");
		goto out;
	}
	sigv4_hex(sig, sizeof sig, hex);
	n = snprintf(out, outlen,
	    "%s Credential=%s/%.8s/%s/%s/%s, SignedHeaders=%s, Signature=%s",
	    SIGV4_ALGORITHM, cr->access_key_id, req->amz_date, req->region,
	    req->service, SIGV4_TERMINATOR, c.signed_headers, hex);
	if (n < 0 || (size_t)n >= outlen) {
		*out = '\0';
		sm_err_set(err, "SigV4Space",
		    "Authorization needs %d bytes, have %zu", n + 1, outlen);
		goto out;
	}
	rc = 0;
out:
	explicit_bzero(key, sizeof key);
	explicit_bzero(sig, sizeof sig);
	free(sts);
	free(c.request);
	free(c.signed_headers);
	return rc;
}
