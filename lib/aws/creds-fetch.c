/*
 * creds-fetch.c: the providers behind credential sources: static keys,
 * STS AssumeRole and AssumeRoleWithWebIdentity, the container endpoint,
 * IMDSv2 and credential_process, and the default chain's choice among
 * them in botocore's order. Everything runs on the loop; each provider
 * ends with creds_fetched().
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <jansson.h>

#include "aws.h"
#include "creds-int.h"
#include "creds-src.h"
#include "http.h"
#include "query.h"
#include "xml.h"

extern char **environ;

static void creds_fetch_abort(struct creds_src *);
static void creds_fail(struct creds_src *, const char *code, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

static void
creds_fail(struct creds_src *s, const char *code, const char *fmt, ...)
{
	struct sm_err err;
	va_list ap;
	int n;

	strlcpy(err.code, code, sizeof err.code);
	n = snprintf(err.msg, sizeof err.msg, "%s: ", s->name);
	va_start(ap, fmt);
	vsnprintf(err.msg + n, sizeof err.msg - (size_t)n, fmt, ap);
	va_end(ap);
	creds_fetched(s, NULL, &err);
}

static struct creds_src *
creds_static_new(const struct creds_ctx *ctx, const char *name, const char *id,
    const char *secret, const char *token)
{
	struct creds_src *s = creds_src_alloc(ctx, CK_STATIC, name);

	s->fixed.access_key_id = xstrdup(id);
	s->fixed.secret_access_key = xstrdup(secret);
	if (token != NULL && *token != '\0')
		s->fixed.session_token = xstrdup(token);
	strlcpy(s->fixed.source, name, sizeof s->fixed.source);
	return s;
}

/* Read a small file whole (token files); NULL with err. Caller frees. */
static char *
creds_read_file(const char *path, size_t max, struct sm_err *err)
{
	char *buf = xmalloc(max + 1);
	size_t n;
	FILE *f;

	if ((f = fopen(path, "re")) == NULL) {
		free(buf);
		sm_err_set(
		    err, "NoCredentials", "%s: %s", path, strerror(errno));
		return NULL;
	}
	n = fread(buf, 1, max + 1, f);
	fclose(f);
	if (n > max) {
		sm_free_secret(buf);
		sm_err_set(err, "NoCredentials", "%s: larger than %zu bytes",
		    path, max);
		return NULL;
	}
	while (n > 0 &&
	    (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return buf;
}

/* --- STS: AssumeRole and AssumeRoleWithWebIdentity --- */

static void
creds_sts_cb(struct aws_result *res, void *arg)
{
	struct creds_src *s = arg;
	const char *op = s->kind == CK_ROLE ? "AssumeRoleResult"
					    : "AssumeRoleWithWebIdentityResult";
	const struct xml_node *c;
	struct creds out;

	s->req = NULL;
	if (!res->ok) {
		creds_fetched(s, NULL, &res->err);
		return;
	}
	c = xml_path(xml_child(res->xml, op), "Credentials");
	memset(&out, 0, sizeof out);
	if (c == NULL || *xml_text(xml_child(c, "AccessKeyId")) == '\0' ||
	    *xml_text(xml_child(c, "SecretAccessKey")) == '\0' ||
	    sm_iso8601_parse(
		xml_text(xml_child(c, "Expiration")), &out.expires) == -1) {
		creds_fail(s, "MalformedResponse",
		    "STS answer without "
		    "credentials or expiration");
		return;
	}
	out.access_key_id =
	    (char *)(uintptr_t)xml_text(xml_child(c, "AccessKeyId"));
	out.secret_access_key =
	    (char *)(uintptr_t)xml_text(xml_child(c, "SecretAccessKey"));
	out.session_token =
	    (char *)(uintptr_t)xml_text(xml_child(c, "SessionToken"));
	strlcpy(out.source, s->name, sizeof out.source);
	creds_fetched(s, &out, NULL);
}

static int
creds_sts_query(struct creds_src *s, struct query *q, struct sm_err *err)
{
	char dur[24];

	snprintf(dur, sizeof dur, "%llu", (unsigned long long)s->duration);
	query_add(q, "RoleArn", s->role_arn);
	query_add(q, "RoleSessionName", s->session_name);
	if (s->kind == CK_WEBID) {
		char *tok =
		    creds_read_file(s->token_file, CREDS_MAX_TOKEN, err);

		if (tok == NULL)
			return -1;
		query_add(q, "WebIdentityToken", tok);
		sm_free_secret(tok);
	}
	if (s->duration > 0)
		query_add(q, "DurationSeconds", dur);
	if (s->kind == CK_ROLE && s->external_id != NULL)
		query_add(q, "ExternalId", s->external_id);
	return 0;
}

static void
creds_sts_start(struct creds_src *s)
{
	const char *op =
	    s->kind == CK_ROLE ? "AssumeRole" : "AssumeRoleWithWebIdentity";
	struct aws_call c = { .service_label = "STS",
		.op = op,
		.proto = AWS_QUERY,
		.ep = &s->ep,
		.method = "POST",
		.path = "/",
		.unsigned_req = s->kind == CK_WEBID };
	struct query *q = query_new(op, "2011-06-15");
	struct sm_err err;
	size_t len;

	if (creds_sts_query(s, q, &err) == -1 ||
	    (c.form = query_body(q, &len, &err)) == NULL ||
	    (s->req = aws_call(s->sts, &c, creds_sts_cb, s, &err)) == NULL)
		creds_fetched(s, NULL, &err);
	query_free(q);
}

static struct creds_src *
creds_sts_new(const struct creds_ctx *ctx, enum creds_kind kind,
    struct creds_src *base, const char *role_arn, const char *session_name,
    uint64_t duration, const char *region)
{
	struct creds_src *s;
	struct aws_opts o = { ctx->connect_timeout_ms, ctx->timeout_ms,
		1024 * 1024, AWS_MAX_ATTEMPTS, 1000 };
	char name[96];
	struct sm_err err;

	snprintf(name, sizeof name, "%s:%s",
	    kind == CK_ROLE ? "assume-role" : "web-identity", role_arn);
	s = creds_src_alloc(ctx, kind, name);
	s->base = base;
	s->role_arn = xstrdup(role_arn);
	s->session_name = xstrdup(session_name);
	s->duration = duration;
	s->sts =
	    aws_new(ctx->base, ctx->http, &o, kind == CK_ROLE ? base : NULL);
	if (endpoint_resolve(
		"sts", region, NULL, ctx->endpoint_url, &s->ep, &err) == -1)
		endpoint_resolve("sts", "us-east-1", NULL, NULL, &s->ep, &err);
	return s;
}

struct creds_src *
creds_role_new(const struct creds_ctx *ctx, struct creds_src *base,
    const char *role_arn, const char *external_id, const char *session_name,
    uint64_t duration, const char *region)
{
	struct creds_src *s = creds_sts_new(
	    ctx, CK_ROLE, base, role_arn, session_name, duration, region);

	if (external_id != NULL)
		s->external_id = xstrdup(external_id);
	return s;
}

/* --- JSON credentials (container, IMDS, credential_process) --- */

/* Take keys from a JSON document; token_key names the session token. */
static void
creds_json_done(
    struct creds_src *s, const char *body, size_t len, const char *token_key)
{
	json_t *j = json_loadb(body, len, 0, NULL);
	const char *id, *secret, *exp;
	struct creds out;

	id = json_string_value(json_object_get(j, "AccessKeyId"));
	secret = json_string_value(json_object_get(j, "SecretAccessKey"));
	exp = json_string_value(json_object_get(j, "Expiration"));
	memset(&out, 0, sizeof out);
	if (id == NULL || secret == NULL || *id == '\0' || *secret == '\0' ||
	    (exp != NULL && sm_iso8601_parse(exp, &out.expires) == -1)) {
		json_decref(j);
		creds_fail(s, "MalformedResponse",
		    "no usable credentials in "
		    "the answer");
		return;
	}
	out.access_key_id = (char *)(uintptr_t)id;
	out.secret_access_key = (char *)(uintptr_t)secret;
	out.session_token =
	    (char *)(uintptr_t)json_string_value(json_object_get(j, token_key));
	strlcpy(out.source, s->name, sizeof out.source);
	creds_fetched(s, &out, NULL);
	json_decref(j);
}

static long
creds_env_long(const char *name, long def, long min, long max)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return def;
	n = strtol(v, &end, 10);
	return *end != '\0' || n < min || n > max ? def : n;
}

/* One metadata request: GET (or PUT for the IMDS token) with headers. */
static int
creds_http(struct creds_src *s, const char *method, const char *url,
    struct curl_slist *hdrs, long timeout_ms, http_done_cb cb)
{
	struct http_opts o;
	struct sm_err err;

	memset(&o, 0, sizeof o);
	o.method = method;
	o.url = url;
	o.headers = hdrs;
	o.connect_timeout_ms = timeout_ms;
	o.timeout_ms = timeout_ms;
	o.max_body = 64 * 1024;
	o.metadata = 1;
	if ((s->hreq = http_request(s->ctx.http, &o, cb, s, &err)) == NULL) {
		creds_fetched(s, NULL, &err);
		return -1;
	}
	return 0;
}

/* --- the container provider (ECS task roles, EKS pod identity) --- */

static void creds_container_try(struct creds_src *);

static void
creds_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	creds_container_try(arg);
}

static void
creds_container_cb(const struct http_result *hr, void *arg)
{
	struct creds_src *s = arg;
	struct timeval tv = { 1, 0 };

	s->hreq = NULL;
	if (!hr->transport_error && hr->status == 200) {
		creds_json_done(s, hr->body, hr->body_len, "Token");
		return;
	}
	if (++s->attempt < 3) {
		evtimer_add(s->retry, &tv);
		return;
	}
	if (hr->transport_error)
		creds_fail(s, "NoCredentials", "%s", hr->err.msg);
	else
		creds_fail(s, "NoCredentials", "HTTP %ld", hr->status);
}

static void
creds_container_try(struct creds_src *s)
{
	struct curl_slist *h = NULL;
	struct sm_err err;
	char *tok = NULL, *line;

	if (s->auth_file != NULL &&
	    (tok = creds_read_file(s->auth_file, 16384, &err)) == NULL) {
		creds_fetched(s, NULL, &err);
		return;
	}
	if (tok == NULL && s->auth != NULL)
		tok = xstrdup(s->auth);
	if (tok != NULL && strpbrk(tok, "\r\n") != NULL) {
		sm_free_secret(tok);
		creds_fail(s, "NoCredentials",
		    "the authorization token holds "
		    "a line break");
		return;
	}
	if (tok != NULL) {
		xasprintf(&line, "Authorization: %s", tok);
		h = curl_slist_append(h, line);
		sm_free_secret(line);
		sm_free_secret(tok);
	}
	creds_http(s, "GET", s->url, h, 2000, creds_container_cb);
}

static struct creds_src *
creds_container_new(const struct creds_ctx *ctx, struct sm_err *err)
{
	const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	const char *tok = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	const char *tokf = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	struct creds_src *s;

	if ((rel == NULL || *rel == '\0') && (full == NULL || *full == '\0'))
		return NULL;
	s = creds_src_alloc(ctx, CK_CONTAINER, "container");
	if (rel != NULL && *rel != '\0')
		xasprintf(&s->url, "http://169.254.170.2%s", rel);
	else
		s->url = xstrdup(full);
	if (tokf != NULL && *tokf != '\0')
		s->auth_file = xstrdup(tokf);
	else if (tok != NULL && *tok != '\0')
		s->auth = xstrdup(tok);
	s->retry = evtimer_new(ctx->base, creds_retry_cb, s);
	(void)err;
	return s;
}

/* --- EC2 instance metadata, IMDSv2 (token first, v1 fallback) --- */

enum { IMDS_TOKEN, IMDS_ROLE, IMDS_CREDS };

static void creds_imds_step(struct creds_src *);

static long
creds_imds_timeout(void)
{
	return creds_env_long("AWS_METADATA_SERVICE_TIMEOUT", 1, 1, 60) * 1000;
}

static int
creds_v1_allowed(void)
{
	const char *v = getenv("AWS_EC2_METADATA_V1_DISABLED");

	return v == NULL || strcasecmp(v, "true") != 0;
}

static void
creds_imds_cb(const struct http_result *hr, void *arg)
{
	struct creds_src *s = arg;
	const char *nl;
	size_t n;

	s->hreq = NULL;
	if (s->step == IMDS_TOKEN) {
		if (!hr->transport_error && hr->status == 200 &&
		    hr->body_len > 0 && hr->body_len < sizeof s->imds_token)
			strlcpy(s->imds_token, hr->body, sizeof s->imds_token);
		else if (hr->status == 400 || !creds_v1_allowed()) {
			creds_fail(s, "NoCredentials", "IMDSv2 token: %s",
			    hr->transport_error ? hr->err.msg : "refused");
			return;
		} /* else: IMDSv1, no token */
		s->step = IMDS_ROLE;
		creds_imds_step(s);
		return;
	}
	if (hr->transport_error || hr->status != 200) {
		creds_fail(s, "NoCredentials", "instance metadata: %s",
		    hr->transport_error ? hr->err.msg : "no instance role");
		return;
	}
	if (s->step == IMDS_ROLE) {
		nl = memchr(hr->body, '\n', hr->body_len);
		n = nl != NULL ? (size_t)(nl - hr->body) : hr->body_len;
		if (n == 0 || n >= sizeof s->imds_role ||
		    memchr(hr->body, '/', n) != NULL) {
			creds_fail(s, "NoCredentials",
			    "instance metadata: no "
			    "usable role name");
			return;
		}
		memcpy(s->imds_role, hr->body, n);
		s->imds_role[n] = '\0';
		s->step = IMDS_CREDS;
		creds_imds_step(s);
		return;
	}
	creds_json_done(s, hr->body, hr->body_len, "Token");
}

static void
creds_imds_step(struct creds_src *s)
{
	struct curl_slist *h = NULL;
	char url[1024], *line;

	if (s->step == IMDS_TOKEN) {
		snprintf(url, sizeof url, "%s/latest/api/token", s->url);
		h = curl_slist_append(
		    h, "x-aws-ec2-metadata-token-ttl-seconds: 21600");
		creds_http(
		    s, "PUT", url, h, creds_imds_timeout(), creds_imds_cb);
		return;
	}
	snprintf(url, sizeof url,
	    "%s/latest/meta-data/iam/"
	    "security-credentials/%s",
	    s->url, s->step == IMDS_CREDS ? s->imds_role : "");
	if (s->imds_token[0] != '\0') {
		xasprintf(&line, "x-aws-ec2-metadata-token: %s", s->imds_token);
		h = curl_slist_append(h, line);
		sm_free_secret(line);
	}
	creds_http(s, "GET", url, h, creds_imds_timeout(), creds_imds_cb);
}

static struct creds_src *
creds_imds_new(const struct creds_ctx *ctx)
{
	const char *off = getenv("AWS_EC2_METADATA_DISABLED");
	const char *ep = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	const char *mode = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
	struct creds_src *s;
	size_t n;

	if (off != NULL && strcasecmp(off, "true") == 0)
		return NULL;
	s = creds_src_alloc(ctx, CK_IMDS, "instance-metadata");
	if (ep != NULL && *ep != '\0')
		s->url = xstrdup(ep);
	else if (mode != NULL && strcasecmp(mode, "IPv6") == 0)
		s->url = xstrdup("http://[fd00:ec2::254]");
	else
		s->url = xstrdup("http://169.254.169.254");
	n = strlen(s->url);
	while (n > 0 && s->url[n - 1] == '/')
		s->url[--n] = '\0';
	return s;
}

/* --- credential_process --- */

#define CREDS_MAX_ARGS 64

/* Split a command line shell-style (quotes, backslashes); no shell runs. */
static int
creds_split(const char *cmd, char *buf, char **argv)
{
	int argc = 0, in = 0;
	char q = 0, *o = buf;

	for (; *cmd != '\0'; cmd++) {
		if (q == 0 && (*cmd == ' ' || *cmd == '\t')) {
			if (in) {
				*o++ = '\0';
				in = 0;
			}
			continue;
		}
		if (!in) {
			if (argc == CREDS_MAX_ARGS - 1)
				return -1;
			argv[argc++] = o;
			in = 1;
		}
		if (q == 0 && (*cmd == '"' || *cmd == '\''))
			q = *cmd;
		else if (q != 0 && *cmd == q)
			q = 0;
		else if (*cmd == '\\' && q != '\'' && cmd[1] != '\0')
			*o++ = *++cmd;
		else
			*o++ = *cmd;
	}
	*o = '\0';
	argv[argc] = NULL;
	return q != 0 || argc == 0 ? -1 : argc;
}

static void
creds_process_reap(struct creds_src *s, int force)
{
	int status;

	if (s->pid <= 0)
		return;
	if (force)
		kill(s->pid, SIGKILL);
	if (waitpid(s->pid, &status, force ? 0 : WNOHANG) == s->pid)
		s->pid = 0;
}

static void
creds_process_end(struct creds_src *s)
{
	int status = 0;
	pid_t r;

	r = waitpid(s->pid, &status, WNOHANG);
	if (r == 0) {
		/* stdout closed but still running: look again shortly. */
		struct timeval tv = { 0, 20000 };

		evtimer_add(s->retry, &tv);
		return;
	}
	s->pid = 0;
	evtimer_del(s->timer);
	if (r == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		creds_fail(s, "NoCredentials",
		    "credential_process failed "
		    "(exit %d)",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	else
		creds_json_done(
		    s, s->out != NULL ? s->out : "", s->outlen, "SessionToken");
	if (s->out != NULL)
		explicit_bzero(s->out, s->outlen);
	free(s->out);
	s->out = NULL;
	s->outlen = 0;
}

static void
creds_process_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct creds_src *s = arg;
	ssize_t n;

	(void)what;
	if (s->out == NULL)
		s->out = xmalloc(CREDS_MAX_PROCESS_OUT + 1);
	n = read(fd, s->out + s->outlen, CREDS_MAX_PROCESS_OUT - s->outlen);
	if (n > 0) {
		s->outlen += (size_t)n;
		s->out[s->outlen] = '\0';
		if (s->outlen < CREDS_MAX_PROCESS_OUT)
			return;
	} else if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	event_free(s->ev);
	s->ev = NULL;
	close(s->fd);
	s->fd = -1;
	if (s->outlen >= CREDS_MAX_PROCESS_OUT) {
		creds_process_reap(s, 1);
		creds_fail(s, "NoCredentials",
		    "credential_process wrote more "
		    "than %d bytes",
		    CREDS_MAX_PROCESS_OUT);
		return;
	}
	creds_process_end(s);
}

static void
creds_process_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct creds_src *s = arg;

	(void)fd;
	(void)what;
	creds_fetch_abort(s);
	creds_fail(s, "NoCredentials",
	    "credential_process ran longer than "
	    "%d s",
	    CREDS_PROCESS_TIMEOUT_SEC);
}

static void
creds_process_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	creds_process_end(arg);
}

static void
creds_process_start(struct creds_src *s)
{
	char *buf = xmalloc(strlen(s->command) + 1), *argv[CREDS_MAX_ARGS];
	posix_spawn_file_actions_t fa;
	struct timeval tv = { CREDS_PROCESS_TIMEOUT_SEC, 0 };
	int p[2], rc;

	if (creds_split(s->command, buf, argv) == -1 ||
	    pipe2(p, O_CLOEXEC) == -1) {
		free(buf);
		creds_fail(s, "NoCredentials",
		    "credential_process: bad "
		    "command line or no pipe");
		return;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(
	    &fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	rc = posix_spawnp(&s->pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	free(buf);
	if (rc != 0) {
		close(p[0]);
		s->pid = 0;
		creds_fail(
		    s, "NoCredentials", "credential_process: %s", strerror(rc));
		return;
	}
	s->fd = p[0];
	evutil_make_socket_nonblocking(s->fd);
	s->ev = event_new(
	    s->ctx.base, s->fd, EV_READ | EV_PERSIST, creds_process_read_cb, s);
	event_add(s->ev, NULL);
	evtimer_add(s->timer, &tv);
}

static struct creds_src *
creds_process_new(const struct creds_ctx *ctx, const char *command)
{
	struct creds_src *s =
	    creds_src_alloc(ctx, CK_PROCESS, "credential-process");

	s->command = xstrdup(command);
	s->fd = -1;
	s->timer = evtimer_new(ctx->base, creds_process_timer_cb, s);
	s->retry = evtimer_new(ctx->base, creds_process_retry_cb, s);
	return s;
}

/* --- start and stop --- */

void
creds_fetch_start(struct creds_src *s)
{
	switch (s->kind) {
	case CK_STATIC:
		creds_fetched(s, &s->fixed, NULL);
		break;
	case CK_ROLE:
	case CK_WEBID:
		creds_sts_start(s);
		break;
	case CK_CONTAINER:
		s->attempt = 0;
		creds_container_try(s);
		break;
	case CK_IMDS:
		s->step = IMDS_TOKEN;
		explicit_bzero(s->imds_token, sizeof s->imds_token);
		creds_imds_step(s);
		break;
	case CK_PROCESS:
		creds_process_start(s);
		break;
	case CK_CHAIN:
		break;
	}
}

/* Abandon the fetch in flight (the source stays usable). */
static void
creds_fetch_abort(struct creds_src *s)
{
	aws_cancel(s->req);
	s->req = NULL;
	http_cancel(s->hreq);
	s->hreq = NULL;
	if (s->retry != NULL)
		evtimer_del(s->retry);
	if (s->timer != NULL)
		evtimer_del(s->timer);
	if (s->ev != NULL)
		event_free(s->ev);
	s->ev = NULL;
	if (s->fd >= 0 && s->kind == CK_PROCESS)
		close(s->fd);
	s->fd = -1;
	creds_process_reap(s, 1);
	explicit_bzero(s->imds_token, sizeof s->imds_token);
	if (s->out != NULL)
		explicit_bzero(s->out, s->outlen);
	free(s->out);
	s->out = NULL;
	s->outlen = 0;
}

void
creds_fetch_stop(struct creds_src *s)
{
	creds_fetch_abort(s);
	aws_free(s->sts);
	s->sts = NULL;
	if (s->retry != NULL)
		event_free(s->retry);
	s->retry = NULL;
	if (s->timer != NULL)
		event_free(s->timer);
	s->timer = NULL;
}

/* --- the default chain --- */

static struct creds_src *creds_profile_src(
    struct creds_src *chain, const char *name, int depth, struct sm_err *err);

static struct creds_src *
creds_env_src(const struct creds_ctx *ctx)
{
	const char *id = getenv("AWS_ACCESS_KEY_ID");
	const char *secret = getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = getenv("AWS_SESSION_TOKEN");

	if (token == NULL || *token == '\0')
		token = getenv("AWS_SECURITY_TOKEN");
	if (id == NULL || *id == '\0' || secret == NULL || *secret == '\0')
		return NULL;
	return creds_static_new(ctx, "environment", id, secret, token);
}

/* A role profile's source: source_profile or credential_source. */
static struct creds_src *
creds_role_base(struct creds_src *chain, const struct creds_profile *p,
    int depth, struct sm_err *err)
{
	const char *cs = p->credential_source;
	struct creds_src *b = NULL;

	if (p->source_profile != NULL)
		return creds_profile_src(
		    chain, p->source_profile, depth + 1, err);
	if (strcmp(cs, "Environment") == 0)
		b = creds_env_src(&chain->ctx);
	else if (strcmp(cs, "Ec2InstanceMetadata") == 0)
		b = creds_imds_new(&chain->ctx);
	else if (strcmp(cs, "EcsContainer") == 0)
		b = creds_container_new(&chain->ctx, err);
	else {
		sm_err_set(err, "BadProfile",
		    "credential_source %s: not "
		    "Environment, Ec2InstanceMetadata or EcsContainer",
		    cs);
		return NULL;
	}
	if (b == NULL)
		sm_err_set(err, "NoCredentials",
		    "credential_source %s has no "
		    "credentials",
		    cs);
	return b;
}

static struct creds_src *
creds_profile_role(struct creds_src *chain, const struct creds_profile *p,
    int depth, struct sm_err *err)
{
	struct creds_src *base, *s;
	char session[72];
	unsigned long long dur = 0;

	if ((base = creds_role_base(chain, p, depth, err)) == NULL)
		return NULL;
	if (p->role_session_name != NULL)
		strlcpy(session, p->role_session_name, sizeof session);
	else
		creds_session_name(session, sizeof session);
	if (p->duration_seconds != NULL)
		dur = strtoull(p->duration_seconds, NULL, 10);
	s = creds_role_new(&chain->ctx, base, p->role_arn, p->external_id,
	    session, dur, chain->region);
	s->owned_base = base;
	return s;
}

/* The source one profile describes, following source_profile. */
static struct creds_src *
creds_profile_src(
    struct creds_src *chain, const char *name, int depth, struct sm_err *err)
{
	struct creds_profile p;
	struct creds_src *s = NULL;
	char label[96];

	if (depth > CREDS_MAX_ROLE_CHAIN) {
		sm_err_set(err, "BadProfile",
		    "profile %s: source_profile "
		    "chain longer than %d",
		    name, CREDS_MAX_ROLE_CHAIN);
		return NULL;
	}
	if (creds_profile_load(name, &p, err) == -1)
		return NULL;
	if (p.role_arn != NULL &&
	    (p.source_profile != NULL || p.credential_source != NULL) &&
	    !(depth > 0 && p.access_key_id != NULL))
		s = creds_profile_role(chain, &p, depth, err);
	else if (p.access_key_id != NULL && p.secret_access_key != NULL) {
		snprintf(label, sizeof label, "profile:%s", name);
		s = creds_static_new(&chain->ctx, label, p.access_key_id,
		    p.secret_access_key, p.session_token);
	} else if (depth > 0)
		sm_err_set(err, "NoCredentials",
		    "source_profile %s has no "
		    "credentials",
		    name);
	creds_profile_clear(&p);
	return s;
}

static struct creds_src *
creds_webid_src(struct creds_src *chain, const struct creds_profile *p)
{
	const char *file = getenv("AWS_WEB_IDENTITY_TOKEN_FILE");
	const char *role = getenv("AWS_ROLE_ARN");
	const char *sess = getenv("AWS_ROLE_SESSION_NAME");
	char session[72];
	struct creds_src *s;

	if (file == NULL || *file == '\0')
		file = p->web_identity_token_file;
	if (role == NULL || *role == '\0')
		role = p->web_identity_token_file != NULL ? p->role_arn : NULL;
	if (file == NULL || role == NULL)
		return NULL;
	if (sess == NULL || *sess == '\0')
		sess = p->role_session_name;
	if (sess != NULL)
		strlcpy(session, sess, sizeof session);
	else
		creds_session_name(session, sizeof session);
	s = creds_sts_new(
	    &chain->ctx, CK_WEBID, NULL, role, session, 0, chain->region);
	s->token_file = xstrdup(file);
	return s;
}

/* The rest of the chain once the profile is read. */
static struct creds_src *
creds_chain_profile(struct creds_src *chain, struct creds_profile *p,
    const char *name, struct sm_err *err)
{
	struct creds_src *s;

	if (p->role_arn != NULL &&
	    (p->source_profile != NULL || p->credential_source != NULL))
		return creds_profile_src(chain, name, 0, err);
	if ((s = creds_webid_src(chain, p)) != NULL)
		return s;
	if (p->access_key_id != NULL && p->secret_access_key != NULL)
		return creds_profile_src(chain, name, 0, err);
	if (p->credential_process != NULL)
		return creds_process_new(&chain->ctx, p->credential_process);
	if ((s = creds_container_new(&chain->ctx, err)) != NULL)
		return s;
	if ((s = creds_imds_new(&chain->ctx)) != NULL)
		return s;
	sm_err_set(err, "NoCredentials",
	    "no credentials: none in the "
	    "environment, profile %s has none, no container credentials, and "
	    "instance metadata is disabled",
	    name);
	return NULL;
}

struct creds_src *
creds_chain_pick(struct creds_src *chain, struct sm_err *err)
{
	struct creds_profile p;
	struct creds_src *s;
	const char *name;

	if (chain->profile == NULL && (s = creds_env_src(&chain->ctx)) != NULL)
		return s;
	name = creds_profile_name(chain->profile);
	if (creds_profile_load(name, &p, err) == -1)
		return NULL;
	if (chain->profile != NULL && !p.found) {
		creds_profile_clear(&p);
		sm_err_set(err, "NoCredentials",
		    "profile %s: not in the shared "
		    "config or credentials file",
		    name);
		return NULL;
	}
	s = creds_chain_profile(chain, &p, name, err);
	creds_profile_clear(&p);
	return s;
}
