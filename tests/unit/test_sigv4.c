/*
 * test_sigv4.c: sigv4 against AWS's SigV4 test suite (SIGV4_TESTSUITE,
 * default ../shared/aws/sigv4-testsuite), the AWS-NOTES vectors, a
 * randomized cross-check with botocore (tests/unit/sigv4_botocore.py run
 * by $PYTHON, default python3) and edge cases. Run from the repo top.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sigv4.h"

#define TSIG_SUITE_DEFAULT "../shared/aws/sigv4-testsuite"
#define TSIG_SUITE_MIN 30           /* cases the suite must give */
#define TSIG_MAX_FILE (1024 * 1024) /* bytes of a suite file */
#define TSIG_MAX_HEADERS 32         /* header lines of a suite request */
#define TSIG_MAX_CASES 256          /* folders in the suite */
#define TSIG_BOTO_SCRIPT "tests/unit/sigv4_botocore.py"
#define TSIG_BOTO_SEED 20150830UL /* fixed; SIGV4_SEED overrides */
#define TSIG_BOTO_COUNT 10000UL   /* SIGV4_COUNT overrides */
#define TSIG_BOTO_NOBOTOCORE 3    /* exit status: botocore missing */
#define TSIG_AUTH_LEN 4096

#define TSIG_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define TSIG_EMPTY_HASH                                                        \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* One suite request.txt, parsed. */
struct tsig_http {
	char *method;
	char *path;
	char *query;
	struct sigv4_header h[TSIG_MAX_HEADERS];
	char *hname[TSIG_MAX_HEADERS];
	char *hvalue[TSIG_MAX_HEADERS];
	size_t n;
	const char *body;
	size_t body_len;
	char *text;
};

/* Read a whole file (NUL-terminated, caller frees), or NULL. */
static char *
tsig_read(const char *dir, const char *name, size_t *lenp)
{
	char path[4096], *buf;
	FILE *f;
	size_t len;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >=
	    sizeof path)
		return NULL;
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	buf = xmalloc(TSIG_MAX_FILE + 1);
	len = fread(buf, 1, TSIG_MAX_FILE + 1, f);
	fclose(f);
	if (len > TSIG_MAX_FILE) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return buf;
}

/* Drop trailing CR/LF (the expected files may or may not end in one). */
static void
tsig_chomp(char *s)
{
	size_t len = strlen(s);

	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		s[--len] = '\0';
}

static void
tsig_http_add(struct tsig_http *r, const char *name, size_t nlen,
    const char *value, size_t vlen)
{
	assert_true(r->n < TSIG_MAX_HEADERS);
	r->hname[r->n] = xstrndup(name, nlen);
	r->hvalue[r->n] = xstrndup(value, vlen);
	r->n++;
}

/* A continuation line: obs-fold, replaced by one space (RFC 7230 3.2.4). */
static void
tsig_http_fold(struct tsig_http *r, const char *line, size_t len)
{
	char *v;

	assert_true(r->n > 0);
	xasprintf(&v, "%s %.*s", r->hvalue[r->n - 1], (int)len, line);
	free(r->hvalue[r->n - 1]);
	r->hvalue[r->n - 1] = v;
}

/* The request line: METHOD SP target SP HTTP/1.1 (target may hold SP). */
static void
tsig_http_request_line(struct tsig_http *r, const char *line, size_t len)
{
	const char *sp, *ver = NULL, *q, *p;
	size_t tlen;

	sp = memchr(line, ' ', len);
	assert_non_null(sp);
	for (p = line; p + 6 <= line + len; p++) {
		if (memcmp(p, " HTTP/", 6) == 0)
			ver = p;
	}
	assert_non_null(ver);
	r->method = xstrndup(line, (size_t)(sp - line));
	tlen = (size_t)(ver - sp - 1);
	if ((q = memchr(sp + 1, '?', tlen)) == NULL) {
		r->path = xstrndup(sp + 1, tlen);
		r->query = xstrdup("");
	} else {
		r->path = xstrndup(sp + 1, (size_t)(q - sp - 1));
		r->query = xstrndup(q + 1, (size_t)(ver - q - 1));
	}
}

static void
tsig_http_parse(struct tsig_http *r, char *text, size_t textlen)
{
	char *p = text, *end = text + textlen, *nl, *colon;
	size_t len;
	int first = 1;

	memset(r, 0, sizeof *r);
	r->text = text;
	r->body = "";
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		len = (size_t)(nl - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (first)
			tsig_http_request_line(r, p, len);
		else if (len == 0) {
			r->body = nl < end ? nl + 1 : end;
			r->body_len = (size_t)(end - r->body);
			break;
		} else if (p[0] == ' ' || p[0] == '\t')
			tsig_http_fold(r, p, len);
		else {
			colon = memchr(p, ':', len);
			assert_non_null(colon);
			tsig_http_add(r, p, (size_t)(colon - p), colon + 1,
			    len - (size_t)(colon - p) - 1);
		}
		first = 0;
		p = nl + 1;
	}
}

static void
tsig_http_free(struct tsig_http *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->hname[i]);
		free(r->hvalue[i]);
	}
	free(r->method);
	free(r->path);
	free(r->query);
	free(r->text);
}

/* "2015-08-30T12:36:00Z" -> "20150830T123600Z". */
static void
tsig_amz_date(const char *iso, char out[17])
{
	size_t i, n = 0;

	for (i = 0; iso[i] != '\0' && n < 16; i++) {
		if (iso[i] != '-' && iso[i] != ':')
			out[n++] = iso[i];
	}
	out[n] = '\0';
}

/* Compare got with dir/file; print both on a mismatch. */
static int
tsig_expect(const char *dir, const char *file, const char *got)
{
	char *want;
	int ok;

	want = tsig_read(dir, file, NULL);
	if (want == NULL) {
		printf("sigv4: %s: cannot read %s\n", dir, file);
		return 0;
	}
	tsig_chomp(want);
	ok = got != NULL && strcmp(want, got) == 0;
	if (!ok)
		printf(
		    "sigv4: %s: %s differs\n--- want\n%s\n--- got\n%s\n---\n",
		    dir, file, want, got == NULL ? "(NULL)" : got);
	free(want);
	return ok;
}

/* The Authorization line of header-signed-request.txt (caller frees). */
static char *
tsig_signed_auth(const char *dir)
{
	char *text, *p, *nl, *auth = NULL;

	if ((text = tsig_read(dir, "header-signed-request.txt", NULL)) == NULL)
		return NULL;
	for (p = text; p != NULL && *p != '\0';
	     p = nl == NULL ? NULL : nl + 1) {
		nl = strchr(p, '\n');
		if (strncmp(p, "Authorization:", 14) == 0) {
			auth = nl == NULL
			    ? xstrdup(p + 14)
			    : xstrndup(p + 14, (size_t)(nl - p - 14));
			tsig_chomp(auth);
			break;
		}
	}
	free(text);
	return auth;
}

/* Run one suite folder; returns 1 if all three files match. */
static int
tsig_suite_case(const char *dir)
{
	struct tsig_http r;
	struct sigv4_req req;
	struct sigv4_creds cr;
	struct sm_err err;
	json_t *ctx, *creds;
	json_error_t jerr;
	const char *token, *sig;
	char ctxpath[4096], amz[17], hash[65], auth[TSIG_AUTH_LEN];
	char *text, *creq, *sts, *want_auth;
	size_t len, i;
	int ok = 1;

	snprintf(ctxpath, sizeof ctxpath, "%s/context.json", dir);
	ctx = json_load_file(ctxpath, 0, &jerr);
	assert_non_null(ctx);
	creds = json_object_get(ctx, "credentials");
	tsig_amz_date(
	    json_string_value(json_object_get(ctx, "timestamp")), amz);
	text = tsig_read(dir, "request.txt", &len);
	assert_non_null(text);
	tsig_http_parse(&r, text, len);

	/* What the suite's signer adds before signing. */
	tsig_http_add(&r, "X-Amz-Date", 10, amz, strlen(amz));
	token = json_string_value(json_object_get(creds, "token"));
	if (json_is_true(json_object_get(ctx, "omit_session_token")))
		token = NULL; /* added after signing: not signed */
	if (token != NULL)
		tsig_http_add(
		    &r, "X-Amz-Security-Token", 20, token, strlen(token));
	if (json_is_true(json_object_get(ctx, "sign_body"))) {
		sigv4_sha256_hex(r.body, r.body_len, hash);
		tsig_http_add(&r, "X-Amz-Content-SHA256", 20, hash, 64);
	}
	for (i = 0; i < r.n; i++) {
		r.h[i].name = r.hname[i];
		r.h[i].value = r.hvalue[i];
	}

	memset(&req, 0, sizeof req);
	req.method = r.method;
	req.path = r.path;
	req.query = r.query;
	req.headers = r.h;
	req.nheaders = r.n;
	req.body = r.body;
	req.body_len = r.body_len;
	req.region = json_string_value(json_object_get(ctx, "region"));
	req.service = json_string_value(json_object_get(ctx, "service"));
	req.amz_date = amz;
	req.no_normalize = json_is_false(json_object_get(ctx, "normalize"));
	cr.access_key_id =
	    json_string_value(json_object_get(creds, "access_key_id"));
	cr.secret_access_key =
	    json_string_value(json_object_get(creds, "secret_access_key"));
	cr.session_token = token;

	memset(&err, 0, sizeof err);
	creq = sigv4_canonical_request(&req, &err);
	ok &= tsig_expect(dir, "header-canonical-request.txt", creq);
	sts = sigv4_string_to_sign(&req, &err);
	ok &= tsig_expect(dir, "header-string-to-sign.txt", sts);
	if (sigv4_sign(&req, &cr, auth, sizeof auth, &err) != 0) {
		printf("sigv4: %s: sign: %s: %s\n", dir, err.code, err.msg);
		ok = 0;
	} else {
		sig = strstr(auth, "Signature=");
		ok &= tsig_expect(
		    dir, "header-signature.txt", sig == NULL ? NULL : sig + 10);
		want_auth = tsig_signed_auth(dir);
		if (want_auth != NULL && strcmp(want_auth, auth) != 0) {
			printf("sigv4: %s: Authorization differs\n%s\n%s\n",
			    dir, want_auth, auth);
			ok = 0;
		}
		free(want_auth);
	}
	free(creq);
	free(sts);
	tsig_http_free(&r);
	json_decref(ctx);
	return ok;
}

static int
tsig_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *
tsig_suite_dir(void)
{
	const char *dir = getenv("SIGV4_TESTSUITE");

	return dir != NULL && *dir != '\0' ? dir : TSIG_SUITE_DEFAULT;
}

/* Every folder of the suite with a header-signature.txt, sorted. */
static size_t
tsig_suite_list(const char *suite, char **names, size_t max)
{
	DIR *d;
	struct dirent *de;
	struct stat sb;
	char path[4096];
	size_t n = 0;

	if ((d = opendir(suite)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s/header-signature.txt", suite,
		    de->d_name);
		if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		assert_true(n < max);
		xasprintf(&names[n++], "%s/%s", suite, de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, tsig_strcmp);
	return n;
}

static void
test_sigv4_suite(void **state)
{
	const char *suite = tsig_suite_dir();
	struct stat sb;
	char *names[TSIG_MAX_CASES];
	size_t n, i, failed = 0;

	(void)state;
	if (stat(suite, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		printf(
		    "sigv4: AWS test suite not found at %s, skipped\n", suite);
		skip();
	}
	n = tsig_suite_list(suite, names, TSIG_MAX_CASES);
	for (i = 0; i < n; i++) {
		if (!tsig_suite_case(names[i]))
			failed++;
		free(names[i]);
	}
	printf("sigv4: AWS test suite %s: %zu cases, %zu failed\n", suite, n,
	    failed);
	assert_true(n >= TSIG_SUITE_MIN);
	assert_int_equal(failed, 0);
}

/* AWS-NOTES section 1: CloudWatch DescribeAlarms with a session token. */
static void
test_sigv4_cloudwatch(void **state)
{
	static const char body[] = "{\"StateValue\":\"ALARM\"}";
	struct sigv4_header h[] = {
		{ "Content-Type", "application/x-amz-json-1.0" },
		{ "Host", "monitoring.us-east-1.amazonaws.com" },
		{ "X-Amz-Date", "20150830T123600Z" },
		{ "X-Amz-Security-Token", "TOKEN" },
		{ "X-Amz-Target",
		    "GraniteServiceVersion20100801.DescribeAlarms" },
	};
	struct sigv4_req req = {
		.method = "POST",
		.path = "/",
		.query = NULL,
		.headers = h,
		.nheaders = sizeof h / sizeof h[0],
		.body = body,
		.body_len = sizeof body - 1,
		.region = "us-east-1",
		.service = "monitoring",
		.amz_date = "20150830T123600Z",
	};
	struct sigv4_creds cr = { "AKIDEXAMPLE", TSIG_SECRET, "TOKEN" };
	struct sm_err err;
	char auth[TSIG_AUTH_LEN], *creq, *last;

	(void)state;
	creq = sigv4_canonical_request(&req, &err);
	assert_non_null(creq);
	last = strrchr(creq, '\n');
	assert_non_null(last);
	assert_string_equal(last + 1,
	    "8d88511179bb96ca5c38b6ed038890d56cfeaa0"
	    "d104aa7fa7ee626cca769830f");
	free(creq);
	assert_int_equal(sigv4_sign(&req, &cr, auth, sizeof auth, &err), 0);
	assert_string_equal(auth,
	    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/"
	    "monitoring/aws4_request, SignedHeaders=content-type;host;"
	    "x-amz-date;x-amz-security-token;x-amz-target, Signature="
	    "cae7aeeb3836ba49f31afc558103478c7af01ef8e288876d646c97363e149a8e");
}

/*
 * AWS-NOTES section 1 kSigning check (20150830/us-east-1/iam): the
 * signature must be HMAC(kSigning, string to sign).
 */
static void
test_sigv4_signing_key(void **state)
{
	static const char ksigning[] = "c4afb1cc5771d871763a393e44b703571b55cc"
				       "28424d1a5e86da6ed3c154a4b9";
	struct sigv4_header h[] = {
		{ "host", "iam.amazonaws.com" },
		{ "x-amz-date", "20150830T123600Z" },
	};
	struct sigv4_req req = {
		.method = "GET",
		.path = "/",
		.query = "Action=ListUsers&Version=2010-05-08",
		.headers = h,
		.nheaders = 2,
		.region = "us-east-1",
		.service = "iam",
		.amz_date = "20150830T123600Z",
	};
	struct sigv4_creds cr = { "AKIDEXAMPLE", TSIG_SECRET, NULL };
	struct sm_err err;
	unsigned char key[32], mac[32];
	unsigned int maclen = 0, i;
	char auth[TSIG_AUTH_LEN], hex[65], *sts;

	(void)state;
	for (i = 0; i < 32; i++)
		sscanf(ksigning + 2 * i, "%2hhx", &key[i]);
	sts = sigv4_string_to_sign(&req, &err);
	assert_non_null(sts);
	assert_non_null(HMAC(EVP_sha256(), key, sizeof key,
	    (const unsigned char *)sts, strlen(sts), mac, &maclen));
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", mac[i]);
	assert_int_equal(sigv4_sign(&req, &cr, auth, sizeof auth, &err), 0);
	assert_non_null(strstr(auth, "Signature="));
	assert_string_equal(strstr(auth, "Signature=") + 10, hex);
	free(sts);
}

/* Decode base64 (no line breaks) into a new buffer; -1 if malformed. */
static int
tsig_b64(const char *s, unsigned char **out, size_t *outlen)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
				  "qrstuvwxyz0123456789+/";
	size_t len = strlen(s), i, n = 0;
	unsigned int acc = 0, bits = 0;
	const char *p;

	*out = xmalloc(len / 4 * 3 + 3);
	for (i = 0; i < len && s[i] != '='; i++) {
		if ((p = strchr(tab, s[i])) == NULL || s[i] == '\0') {
			free(*out);
			return -1;
		}
		acc = (acc << 6) | (unsigned int)(p - tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			(*out)[n++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	*outlen = n;
	return 0;
}

static const char *
tsig_jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s;
}

/* One botocore case; 1 if sigv4 agrees, else prints it when first. */
static int
tsig_boto_case(json_t *c, const char *line, size_t idx, int first)
{
	struct sigv4_header h[TSIG_MAX_HEADERS * 2];
	struct sigv4_req req;
	struct sigv4_creds cr;
	struct sm_err err;
	json_t *hv, *e;
	unsigned char *body = NULL;
	size_t i, blen = 0;
	char auth[TSIG_AUTH_LEN], *creq;
	const char *want_creq, *want_auth;
	int ok, rc;

	hv = json_object_get(c, "headers");
	assert_true(json_array_size(hv) <= sizeof h / sizeof h[0]);
	json_array_foreach(hv, i, e)
	{
		h[i].name = json_string_value(json_array_get(e, 0));
		h[i].value = json_string_value(json_array_get(e, 1));
	}
	assert_int_equal(tsig_b64(tsig_jstr(c, "body_b64"), &body, &blen), 0);
	memset(&req, 0, sizeof req);
	req.method = tsig_jstr(c, "method");
	req.path = tsig_jstr(c, "path");
	req.query = tsig_jstr(c, "query");
	req.headers = h;
	req.nheaders = json_array_size(hv);
	req.body = body;
	req.body_len = blen;
	req.region = tsig_jstr(c, "region");
	req.service = tsig_jstr(c, "service");
	req.amz_date = tsig_jstr(c, "amz_date");
	cr.access_key_id = tsig_jstr(c, "access_key_id");
	cr.secret_access_key = tsig_jstr(c, "secret_access_key");
	cr.session_token = tsig_jstr(c, "session_token");
	want_creq = tsig_jstr(c, "canonical_request");
	want_auth = tsig_jstr(c, "authorization");

	memset(&err, 0, sizeof err);
	creq = sigv4_canonical_request(&req, &err);
	rc = sigv4_sign(&req, &cr, auth, sizeof auth, &err);
	ok = creq != NULL && rc == 0 && strcmp(creq, want_creq) == 0 &&
	    strcmp(auth, want_auth) == 0;
	if (!ok && first) {
		printf("sigv4: botocore case %zu differs\n--- case\n%s\n"
		       "--- botocore canonical request\n%s\n"
		       "--- sigv4 canonical request\n%s\n"
		       "--- botocore Authorization\n%s\n"
		       "--- sigv4 Authorization\n%s\n--- err %s: %s\n",
		    idx, line, want_creq, creq == NULL ? "(NULL)" : creq,
		    want_auth, rc == 0 ? auth : "(failed)", err.code, err.msg);
	}
	free(creq);
	free(body);
	return ok;
}

static unsigned long
tsig_env_ulong(const char *name, unsigned long def)
{
	const char *s = getenv(name);
	char *end;
	unsigned long v;

	if (s == NULL || *s == '\0')
		return def;
	v = strtoul(s, &end, 10);
	return *end == '\0' ? v : def;
}

static void
test_sigv4_botocore(void **state)
{
	const char *python = getenv("PYTHON");
	unsigned long seed, count;
	char cmd[1024], *line = NULL;
	size_t cap = 0, n = 0, bad = 0;
	ssize_t len;
	json_t *c;
	json_error_t jerr;
	FILE *f;
	int st;

	(void)state;
	if (python == NULL || *python == '\0')
		python = "python3";
	seed = tsig_env_ulong("SIGV4_SEED", TSIG_BOTO_SEED);
	count = tsig_env_ulong("SIGV4_COUNT", TSIG_BOTO_COUNT);
	assert_true(
	    (size_t)snprintf(cmd, sizeof cmd, "%s %s --seed %lu --count %lu",
		python, TSIG_BOTO_SCRIPT, seed, count) < sizeof cmd);
	printf("sigv4: botocore cross-check: seed %lu, %lu cases: %s\n", seed,
	    count, cmd);
	fflush(stdout);
	f = popen(cmd, "r");
	assert_non_null(f);
	while ((len = getline(&line, &cap, f)) > 0) {
		c = json_loads(line, 0, &jerr);
		assert_non_null(c);
		if (!tsig_boto_case(c, line, n, bad == 0))
			bad++;
		n++;
		json_decref(c);
	}
	free(line);
	st = pclose(f);
	if (n == 0 && WIFEXITED(st) &&
	    (WEXITSTATUS(st) == 127 ||
		WEXITSTATUS(st) == TSIG_BOTO_NOBOTOCORE)) {
		printf("sigv4: %s or botocore unavailable (exit %d), botocore "
		       "cross-check skipped\n",
		    python, WEXITSTATUS(st));
		skip();
	}
	printf("sigv4: botocore cross-check: %zu cases, %zu differ\n", n, bad);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(n, count);
	assert_int_equal(bad, 0);
}

/* A small valid request in *req, headers in h (host, x-amz-date). */
static void
tsig_req(struct sigv4_req *req, struct sigv4_header h[2], const char *path)
{
	h[0].name = "Host";
	h[0].value = "example.amazonaws.com";
	h[1].name = "X-Amz-Date";
	h[1].value = "20150830T123600Z";
	memset(req, 0, sizeof *req);
	req->method = "GET";
	req->path = path;
	req->headers = h;
	req->nheaders = 2;
	req->region = "us-east-1";
	req->service = "service";
	req->amz_date = "20150830T123600Z";
}

/* The canonical URI (second line) of path, or NULL if refused. */
static char *
tsig_uri(const char *path, int no_normalize)
{
	struct sigv4_header h[2];
	struct sigv4_req req;
	struct sm_err err;
	char *creq, *nl, *uri;

	tsig_req(&req, h, path);
	req.no_normalize = no_normalize;
	if ((creq = sigv4_canonical_request(&req, &err)) == NULL)
		return NULL;
	uri = xstrdup(strchr(creq, '\n') + 1);
	if ((nl = strchr(uri, '\n')) != NULL)
		*nl = '\0';
	free(creq);
	return uri;
}

static void
tsig_uri_is(const char *path, int no_normalize, const char *want)
{
	char *got = tsig_uri(path, no_normalize);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

/* The canonical query (third line) of query, or NULL if refused. */
static char *
tsig_query(const char *query)
{
	struct sigv4_header h[2];
	struct sigv4_req req;
	struct sm_err err;
	char *creq, *p, *nl, *q;

	tsig_req(&req, h, "/");
	req.query = query;
	if ((creq = sigv4_canonical_request(&req, &err)) == NULL)
		return NULL;
	p = strchr(strchr(creq, '\n') + 1, '\n') + 1;
	nl = strchr(p, '\n');
	q = xstrndup(p, (size_t)(nl - p));
	free(creq);
	return q;
}

static void
test_sigv4_uri_encode(void **state)
{
	char *s;

	(void)state;
	s = sigv4_uri_encode("\xe1\x88\xb4", 3, 0);
	assert_string_equal(s, "%E1%88%B4");
	free(s);
	s = sigv4_uri_encode("a b/+=&%:?#@~._-Z9", 18, 0);
	assert_string_equal(s, "a%20b%2F%2B%3D%26%25%3A%3F%23%40~._-Z9");
	free(s);
	s = sigv4_uri_encode("/a b/\xc3\xa9/", 8, 1);
	assert_string_equal(s, "/a%20b/%C3%A9/");
	free(s);
	s = sigv4_uri_encode("a\0b", 3, 0);
	assert_string_equal(s, "a%00b");
	free(s);
	s = sigv4_uri_encode("", 0, 1);
	assert_string_equal(s, "");
	free(s);
	assert_null(sigv4_uri_encode(NULL, 0, 0));
}

static void
test_sigv4_paths(void **state)
{
	(void)state;
	tsig_uri_is("", 0, "/");
	tsig_uri_is("", 1, "/");
	tsig_uri_is("/", 0, "/");
	tsig_uri_is("/a/b/../c/./d//", 0, "/a/c/d/");
	tsig_uri_is("/a/b/..", 0, "/a");
	tsig_uri_is("/..", 0, "/");
	tsig_uri_is("/../..//", 0, "/");
	tsig_uri_is("/a/./", 1, "/a/./");
	tsig_uri_is("/standards/controls/arn%3Aaws%3Asecurityhub", 0,
	    "/standards/controls/arn%253Aaws%253Asecurityhub");
	tsig_uri_is("/%2E%2E/x", 0, "/%252E%252E/x");
	tsig_uri_is("/a+b=c:d@e", 0, "/a%2Bb%3Dc%3Ad%40e");
	assert_null(tsig_uri("relative", 0));
	assert_null(tsig_uri("/a?b", 0));
	assert_null(tsig_uri("/a\nb", 0));
}

static void
test_sigv4_queries(void **state)
{
	struct {
		const char *in, *want;
	} t[] = {
		{ "", "" },
		{ "b=2&a=1&a=0", "a=0&a=1&b=2" },
		{ "flag&x=", "flag=&x=" },
		{ "a-b=1&a=2", "a=2&a-b=1" },
		{ "t=a%2Bb%2F%3D&u=a%2bb", "t=a%2Bb%2F%3D&u=a%2Bb" },
		{ "sp=a%20b&plus=a+b", "plus=a%2Bb&sp=a%20b" },
		{ "k=a=b", "k=a%3Db" },
		{ "\xe1\x88\xb4=bar&Z=1", "%E1%88%B4=bar&Z=1" },
		{ "%41=%7e", "A=~" },
		{ "a&&b", "=&a=&b=" },
	};
	char *q;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		q = tsig_query(t[i].in);
		assert_non_null(q);
		assert_string_equal(q, t[i].want);
		free(q);
	}
	assert_null(tsig_query("a=%zz"));
	assert_null(tsig_query("a=%4"));
	assert_null(tsig_query("a=%"));
	assert_null(tsig_query("a=b c"));
	assert_null(tsig_query("a=b#c"));
}

static void
test_sigv4_headers(void **state)
{
	struct sigv4_header h[] = {
		{ "Host", "  example.amazonaws.com\t" },
		{ "X-Amz-Date", "20150830T123600Z" },
		{ "My-Header", " a \t  b  " },
		{ "my-header", "\"c   d\"" },
		{ "Empty", "   " },
	};
	struct sigv4_req req;
	struct sm_err err;
	char *creq;

	(void)state;
	tsig_req(&req, h, "/");
	req.headers = h;
	req.nheaders = sizeof h / sizeof h[0];
	creq = sigv4_canonical_request(&req, &err);
	assert_non_null(creq);
	assert_string_equal(creq,
	    "GET\n/\n\nempty:\nhost:example.amazonaws.com"
	    "\nmy-header:a b,\"c d\"\nx-amz-date:"
	    "20150830T123600Z\n\nempty;host;my-header;"
	    "x-amz-date\n" TSIG_EMPTY_HASH);
	free(creq);

	h[2].value = "a\r\nX-Injected: 1";
	assert_null(sigv4_canonical_request(&req, &err));
	h[2].value = "ok";
	h[2].name = "Bad Name";
	assert_null(sigv4_canonical_request(&req, &err));
	h[2].name = "";
	assert_null(sigv4_canonical_request(&req, &err));
	h[2].name = NULL;
	assert_null(sigv4_canonical_request(&req, &err));
	h[2].name = "My-Header";
	h[1].value = "20150830T123601Z"; /* not amz_date */
	assert_null(sigv4_canonical_request(&req, &err));
	h[1].value = "20150830T123600Z";
	req.nheaders = 1; /* no x-amz-date */
	assert_null(sigv4_canonical_request(&req, &err));
	req.headers = h + 1; /* no host */
	assert_null(sigv4_canonical_request(&req, &err));
}

static void
test_sigv4_bad_input(void **state)
{
	static const char *dates[] = { "", "20150830T1236Z",
		"2015-08-30T12:36:00Z", "20151330T123600Z", "20150830T123600z",
		"20150830 123600Z", "20150830T123600ZZ", "2015083xT123600Z" };
	struct sigv4_header h[2];
	struct sigv4_req req;
	struct sigv4_creds cr = { "AKIDEXAMPLE", TSIG_SECRET, NULL };
	struct sm_err err;
	char auth[TSIG_AUTH_LEN], *longpath;
	size_t i;

	(void)state;
	memset(&err, 0, sizeof err);
	assert_null(sigv4_canonical_request(NULL, &err));
	assert_true(err.code[0] != '\0');
	assert_null(sigv4_string_to_sign(NULL, NULL));
	assert_int_equal(sigv4_sign(NULL, &cr, auth, sizeof auth, &err), -1);

	tsig_req(&req, h, "/");
	assert_int_equal(sigv4_sign(&req, NULL, auth, sizeof auth, &err), -1);
	assert_int_equal(sigv4_sign(&req, &cr, NULL, sizeof auth, &err), -1);
	cr.secret_access_key = NULL;
	assert_int_equal(sigv4_sign(&req, &cr, auth, sizeof auth, &err), -1);
	cr.secret_access_key = TSIG_SECRET;
	cr.access_key_id = "AKID/EXAMPLE";
	assert_int_equal(sigv4_sign(&req, &cr, auth, sizeof auth, &err), -1);
	cr.access_key_id = "AKIDEXAMPLE";
	cr.session_token = "TOKEN"; /* but no x-amz-security-token header */
	memset(&err, 0, sizeof err);
	assert_int_equal(sigv4_sign(&req, &cr, auth, sizeof auth, &err), -1);
	assert_true(err.code[0] != '\0');
	cr.session_token = NULL;

	req.method = NULL;
	assert_null(sigv4_canonical_request(&req, &err));
	req.method = "get";
	assert_null(sigv4_canonical_request(&req, &err));
	req.method = "GET";
	req.region = NULL;
	assert_null(sigv4_canonical_request(&req, &err));
	req.region = "US_EAST_1";
	assert_null(sigv4_canonical_request(&req, &err));
	req.region = "us-east-1";
	req.service = "";
	assert_null(sigv4_canonical_request(&req, &err));
	req.service = "service";
	req.path = NULL;
	assert_null(sigv4_canonical_request(&req, &err));
	req.path = "/";
	req.body_len = 3; /* without a body */
	assert_null(sigv4_canonical_request(&req, &err));
	req.body_len = 0;
	req.headers = NULL;
	assert_null(sigv4_canonical_request(&req, &err));
	req.headers = h;
	for (i = 0; i < sizeof dates / sizeof dates[0]; i++) {
		req.amz_date = dates[i];
		h[1].value = dates[i];
		memset(&err, 0, sizeof err);
		assert_null(sigv4_canonical_request(&req, &err));
		assert_true(err.code[0] != '\0');
	}
	req.amz_date = h[1].value = "20150830T123600Z";

	longpath = xmalloc(100000);
	memset(longpath, 'a', 99999);
	longpath[0] = '/';
	longpath[99999] = '\0';
	req.path = longpath;
	memset(&err, 0, sizeof err);
	assert_null(sigv4_canonical_request(&req, &err));
	assert_true(err.code[0] != '\0');
	free(longpath);
}

static void
test_sigv4_out_too_small(void **state)
{
	struct sigv4_header h[2];
	struct sigv4_req req;
	struct sigv4_creds cr = { "AKIDEXAMPLE", TSIG_SECRET, NULL };
	struct sm_err err;
	char auth[TSIG_AUTH_LEN], small[TSIG_AUTH_LEN];
	size_t len;

	(void)state;
	tsig_req(&req, h, "/");
	assert_int_equal(sigv4_sign(&req, &cr, auth, sizeof auth, &err), 0);
	assert_string_equal(auth,
	    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"
	    "20150830/us-east-1/service/aws4_request, "
	    "SignedHeaders=host;x-amz-date, Signature="
	    "5fa00fa31553b73ebf1942676e86291e8372ff2a22"
	    "60956d9b8aae1d763fbf31");
	len = strlen(auth);
	memset(&err, 0, sizeof err);
	memset(small, 'x', sizeof small);
	assert_int_equal(sigv4_sign(&req, &cr, small, len, &err), -1);
	assert_string_equal(small, "");
	assert_true(err.code[0] != '\0');
	assert_int_equal(sigv4_sign(&req, &cr, small, 10, &err), -1);
	assert_int_equal(sigv4_sign(&req, &cr, small, 0, &err), -1);
	assert_int_equal(sigv4_sign(&req, &cr, small, len + 1, &err), 0);
	assert_string_equal(small, auth);
}

static void
test_sigv4_sha256(void **state)
{
	char hex[65];

	(void)state;
	sigv4_sha256_hex("", 0, hex);
	assert_string_equal(hex, TSIG_EMPTY_HASH);
	sigv4_sha256_hex(NULL, 0, hex);
	assert_string_equal(hex, TSIG_EMPTY_HASH);
	sigv4_sha256_hex("abc", 3, hex);
	assert_string_equal(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396"
	    "177a9cb410ff61f20015ad");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sigv4_suite),
		cmocka_unit_test(test_sigv4_cloudwatch),
		cmocka_unit_test(test_sigv4_signing_key),
		cmocka_unit_test(test_sigv4_uri_encode),
		cmocka_unit_test(test_sigv4_paths),
		cmocka_unit_test(test_sigv4_queries),
		cmocka_unit_test(test_sigv4_headers),
		cmocka_unit_test(test_sigv4_bad_input),
		cmocka_unit_test(test_sigv4_out_too_small),
		cmocka_unit_test(test_sigv4_sha256),
		cmocka_unit_test(test_sigv4_botocore),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
