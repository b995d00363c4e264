/*
 * creds-profile.c: the shared config file (AWS_CONFIG_FILE, ~/.aws/config:
 * sections "[profile NAME]" and "[default]") and the shared credentials
 * file (AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials: sections
 * "[NAME]"), merged per profile with the credentials file winning, as
 * botocore does. Parsed with inih; secrets are wiped when cleared.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <ini.h>

#include "creds.h"
#include "creds-int.h"

struct creds_profile_ctx {
	const char *name;
	struct creds_profile *out;
	int config;     /* parsing the config file */
	int from_creds; /* keys set by the credentials file */
};

struct creds_profile_key {
	const char *name;
	size_t off;
	int secret;
};

static const struct creds_profile_key creds_profile_keys[] = {
	{ "aws_access_key_id", offsetof(struct creds_profile, access_key_id),
	    0 },
	{ "aws_secret_access_key",
	    offsetof(struct creds_profile, secret_access_key), 1 },
	{ "aws_security_token", offsetof(struct creds_profile, session_token),
	    1 },
	{ "aws_session_token", offsetof(struct creds_profile, session_token),
	    1 },
	{ "credential_process",
	    offsetof(struct creds_profile, credential_process), 0 },
	{ "credential_source",
	    offsetof(struct creds_profile, credential_source), 0 },
	{ "duration_seconds", offsetof(struct creds_profile, duration_seconds),
	    0 },
	{ "external_id", offsetof(struct creds_profile, external_id), 0 },
	{ "region", offsetof(struct creds_profile, region), 0 },
	{ "role_arn", offsetof(struct creds_profile, role_arn), 0 },
	{ "role_session_name",
	    offsetof(struct creds_profile, role_session_name), 0 },
	{ "source_profile", offsetof(struct creds_profile, source_profile), 0 },
	{ "web_identity_token_file",
	    offsetof(struct creds_profile, web_identity_token_file), 0 },
};

void
creds_profile_clear(struct creds_profile *p)
{
	size_t i;
	char **f;

	for (i = 0;
	     i < sizeof creds_profile_keys / sizeof creds_profile_keys[0];
	     i++) {
		f = (char **)((char *)p + creds_profile_keys[i].off);
		if (creds_profile_keys[i].secret)
			sm_free_secret(*f);
		else
			free(*f);
		*f = NULL;
	}
	p->found = 0;
}

const char *
creds_profile_name(const char *conf_profile)
{
	const char *p = getenv("AWS_PROFILE");

	if (conf_profile != NULL)
		return conf_profile;
	return p != NULL && *p != '\0' ? p : "default";
}

/* Does section name this profile in the file being parsed? */
static int
creds_profile_section(const struct creds_profile_ctx *ctx, const char *section)
{
	if (!ctx->config)
		return strcmp(section, ctx->name) == 0;
	if (strncmp(section, "profile ", 8) == 0)
		return strcmp(section + 8, ctx->name) == 0;
	return strcmp(section, "default") == 0 &&
	    strcmp(ctx->name, "default") == 0;
}

static int
creds_profile_cb(
    void *arg, const char *section, const char *name, const char *value)
{
	struct creds_profile_ctx *ctx = arg;
	const struct creds_profile_key *k;
	char **f;
	size_t i;

	if (!creds_profile_section(ctx, section))
		return 1;
	ctx->out->found = 1;
	for (i = 0;
	     i < sizeof creds_profile_keys / sizeof creds_profile_keys[0];
	     i++) {
		k = &creds_profile_keys[i];
		if (strcasecmp(name, k->name) != 0)
			continue;
		f = (char **)((char *)ctx->out + k->off);
		/* The credentials file, read second, wins. */
		if (k->secret)
			sm_free_secret(*f);
		else
			free(*f);
		*f = xstrdup(value);
	}
	return 1;
}

static const char *
creds_file_path(const char *env, const char *leaf, char *buf, size_t len)
{
	const char *p = getenv(env), *home = getenv("HOME");

	if (p != NULL && *p != '\0')
		return p;
	if (home == NULL || *home == '\0')
		return NULL;
	if ((size_t)snprintf(buf, len, "%s/.aws/%s", home, leaf) >= len)
		return NULL;
	return buf;
}

static int
creds_profile_parse(
    const char *path, struct creds_profile_ctx *ctx, struct sm_err *err)
{
	struct stat st;
	int rc;

	if (stat(path, &st) == -1)
		return 0; /* a missing file holds nothing */
	if (S_ISREG(st.st_mode) && st.st_size > CREDS_MAX_FILE)
		return sm_err_set(err, "BadCredentialsFile",
		    "%s: larger than "
		    "%d bytes",
		    path, CREDS_MAX_FILE);
	if ((rc = ini_parse(path, creds_profile_cb, ctx)) < 0)
		return sm_err_set(
		    err, "BadCredentialsFile", "%s: %s", path, strerror(errno));
	if (rc > 0)
		return sm_err_set(
		    err, "BadCredentialsFile", "%s:%d: syntax error", path, rc);
	return 0;
}

int
creds_profile_load(
    const char *name, struct creds_profile *out, struct sm_err *err)
{
	struct creds_profile_ctx ctx = { name, out, 1, 0 };
	char buf[4096];
	const char *path;

	memset(out, 0, sizeof *out);
	path = creds_file_path("AWS_CONFIG_FILE", "config", buf, sizeof buf);
	if (path != NULL && creds_profile_parse(path, &ctx, err) == -1)
		goto fail;
	ctx.config = 0;
	path = creds_file_path(
	    "AWS_SHARED_CREDENTIALS_FILE", "credentials", buf, sizeof buf);
	if (path != NULL && creds_profile_parse(path, &ctx, err) == -1)
		goto fail;
	return 0;
fail:
	creds_profile_clear(out);
	return -1;
}
