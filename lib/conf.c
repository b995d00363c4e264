/*
 * conf.c: load the configuration: the main file, then conf.d/ *.conf beside
 * it in name order. Each line is read and checked here, inih splits it into
 * section and key, a sorted key table gives each key its parser (in
 * conf-value.c, conf-list.c, conf-sink.c, conf-task.c). The maintenance
 * catalog (maintenance.conf beside the config, or the built-in copy) is
 * read first. Named sections ([account NAME], [sink NAME], [task NAME],
 * conf-named.c) add an object to their array, or, in a later
 * file, override keys of the one of that name. Every error is collected as
 * "file:line: message" and parsing goes on, so one run shows them all; the
 * checks across keys run at the end (conf-check.c). Owns the struct conf it
 * returns; never logs.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * ini.h defaults INI_HANDLER_LINENO to 0, but Debian builds libinih with it
 * on (ini_parse_stream passes the line number as a fifth argument): match
 * the library. The line numbers used are counted by conf_read_cb, which
 * hands inih one line per call, so they hold on any build.
 */
#define INI_HANDLER_LINENO 1
#include <ini.h>

#include "conf.h"
#include "conf-int.h"
#include "util.h"

#define CONF_DROPIN_DIR "conf.d"
#define CONF_DROPIN_SUFFIX ".conf"
#define CONF_MAX_NAME 64 /* bytes in a section or key name */
#define CONF_SKIP "!"    /* section given to inih after a bad header */
#define CONF_BUILTIN_CATALOG "(built-in " CONF_CATALOG ")"

/* One section: its name (first, for bsearch) and sorted keys. */
struct conf_section {
	const char *name;
	const struct conf_key *keys;
	size_t nkeys;
	const struct conf_named *named; /* [type NAME]; NULL: [type] */
};

#define CONF_OFF(f) offsetof(struct conf, f)
#define CONF_AOFF(f) offsetof(struct conf_account, f)
#define CONF_SOFF(f) offsetof(struct conf_sink, f)
#define CONF_TOFF(f) offsetof(struct conf_task, f)
#define CONF_KEY(name, parse, off, min, max)                                   \
	{                                                                      \
		name, parse, off, min, max, 0                                  \
	}

/* Sorted by name. */
static const struct conf_key conf_account_keys[] = {
	CONF_KEY("duration", conf_parse_secs, CONF_AOFF(duration), 900, 43200),
	CONF_KEY("enabled", conf_parse_bool, CONF_AOFF(enabled), 0, 0),
	CONF_KEY("external_id", conf_parse_external_id, CONF_AOFF(external_id),
	    2, 1224),
	{ "regions", conf_parse_regions, CONF_AOFF(regions), 0, 0,
	    CONF_AOFF(nregions) },
	CONF_KEY("role_arn", conf_parse_role_arn, CONF_AOFF(role_arn), 0, 0),
};

/* Sorted by name. */
static const struct conf_key conf_alerts_keys[] = {
	CONF_KEY("group_wait", conf_parse_secs, CONF_OFF(alerts.group_wait), 0,
	    3600),
	CONF_KEY("repeat_interval", conf_parse_secs,
	    CONF_OFF(alerts.repeat_interval), 60, 7 * 86400),
	CONF_KEY("retry_max_backoff", conf_parse_secs,
	    CONF_OFF(alerts.retry_max_backoff), 10, 3600),
};

/* Sorted by name. */
static const struct conf_key conf_aws_keys[] = {
	CONF_KEY("connect_timeout", conf_parse_msec,
	    CONF_OFF(connect_timeout_ms), 1, 300),
	CONF_KEY("endpoint_url", conf_parse_url, CONF_OFF(endpoint_url), 0, 0),
	CONF_KEY(
	    "max_attempts", conf_parse_count, CONF_OFF(max_attempts), 1, 10),
	CONF_KEY("max_body", conf_parse_size, CONF_OFF(max_body), 64 * CONF_KIB,
	    CONF_GIB),
	CONF_KEY("max_concurrency", conf_parse_count, CONF_OFF(max_concurrency),
	    1, 256),
	CONF_KEY("profile", conf_parse_profile, CONF_OFF(profile), 0, 0),
	CONF_KEY("rate_limit_factor", conf_parse_fraction,
	    CONF_OFF(rate_limit_factor), 50, 1000),
	{ "regions", conf_parse_regions, CONF_OFF(regions), 0, 0,
	    CONF_OFF(nregions) },
	CONF_KEY("role_session_name", conf_parse_session_name,
	    CONF_OFF(role_session_name), 2, 64),
	CONF_KEY("timeout", conf_parse_msec, CONF_OFF(timeout_ms), 1, 3600),
};

/* Sorted by name. */
static const struct conf_key conf_cloudwatch_keys[] = {
	{ "alarm_names", conf_parse_names, CONF_OFF(cloudwatch.alarm_names), 1,
	    255, CONF_OFF(cloudwatch.nalarm_names) },
	CONF_KEY("alarm_prefix", conf_parse_text,
	    CONF_OFF(cloudwatch.alarm_prefix), 1, 255),
	CONF_KEY("blind_after", conf_parse_secs,
	    CONF_OFF(cloudwatch.blind_after), 10, UINT64_MAX),
	CONF_KEY(
	    "enabled", conf_parse_bool, CONF_OFF(cloudwatch.enabled), 0, 0),
	CONF_KEY("endpoint_url", conf_parse_url,
	    CONF_OFF(cloudwatch.endpoint_url), 0, 0),
	CONF_KEY("interval", conf_parse_secs, CONF_OFF(cloudwatch.interval), 10,
	    UINT64_MAX),
};

/* Sorted by name. */
static const struct conf_key conf_daemon_keys[] = {
	CONF_KEY("admin_group", conf_parse_group, CONF_OFF(admin_group), 0, 0),
	CONF_KEY("log_level", conf_parse_loglevel, CONF_OFF(debug), 0, 0),
	CONF_KEY("socket", conf_parse_socket, CONF_OFF(socket), 0, 0),
	CONF_KEY("socket_mode", conf_parse_mode, CONF_OFF(socket_mode), 0, 0),
	CONF_KEY("state_dir", conf_parse_path, CONF_OFF(state_dir), 0, 0),
};

/* Sorted by name. */
static const struct conf_key conf_guardduty_keys[] = {
	CONF_KEY("blind_after", conf_parse_secs,
	    CONF_OFF(guardduty.blind_after), 10, UINT64_MAX),
	CONF_KEY("enabled", conf_parse_bool, CONF_OFF(guardduty.enabled), 0, 0),
	CONF_KEY("endpoint_url", conf_parse_url,
	    CONF_OFF(guardduty.endpoint_url), 0, 0),
	CONF_KEY("interval", conf_parse_secs, CONF_OFF(guardduty.interval), 10,
	    UINT64_MAX),
	CONF_KEY("min_severity", conf_parse_severity,
	    CONF_OFF(guardduty.min_severity), 0, 0),
};

/* Sorted by name. */
static const struct conf_key conf_securityhub_keys[] = {
	CONF_KEY("baseline", conf_parse_secs, CONF_OFF(securityhub.baseline),
	    3600, 90 * 86400),
	CONF_KEY("blind_after", conf_parse_secs,
	    CONF_OFF(securityhub.blind_after), 10, UINT64_MAX),
	CONF_KEY("control_min_severity", conf_parse_level,
	    CONF_OFF(securityhub.control_min_severity), 0, 4),
	CONF_KEY(
	    "enabled", conf_parse_bool, CONF_OFF(securityhub.enabled), 0, 0),
	CONF_KEY("endpoint_url", conf_parse_url,
	    CONF_OFF(securityhub.endpoint_url), 0, 0),
	CONF_KEY("interval", conf_parse_secs, CONF_OFF(securityhub.interval),
	    60, UINT64_MAX),
	CONF_KEY("score_drop", conf_parse_points,
	    CONF_OFF(securityhub.score_drop), 1, 1000),
	CONF_KEY("score_target", conf_parse_percent,
	    CONF_OFF(securityhub.score_target), 0, 1000),
};

/* Sorted by name. */
static const struct conf_key conf_maintenance_keys[] = {
	CONF_KEY(
	    "enabled", conf_parse_bool, CONF_OFF(maintenance.enabled), 0, 0),
	CONF_KEY("timezone", conf_parse_timezone,
	    CONF_OFF(maintenance.timezone), 0, 0),
};

/* Sorted by name. */
static const struct conf_key conf_task_keys[] = {
	CONF_KEY("action", conf_parse_action, CONF_TOFF(action), 0, 0),
	CONF_KEY(
	    "description", conf_parse_text, CONF_TOFF(description), 1, 1000),
	CONF_KEY("enabled", conf_parse_bool, CONF_TOFF(enabled), 0, 0),
	CONF_KEY("grace", conf_parse_secs, CONF_TOFF(grace), 60, 90 * 86400),
	CONF_KEY("randomized_delay", conf_parse_secs,
	    CONF_TOFF(randomized_delay), 0, 7 * 86400),
	CONF_KEY("schedule", conf_parse_schedule, CONF_TOFF(schedule), 0, 0),
	{ "sinks", conf_parse_names, CONF_TOFF(sinks), 1, CONF_MAX_SINK_NAME,
	    CONF_TOFF(nsinks) },
	CONF_KEY("title", conf_parse_text, CONF_TOFF(title), 1, 200),
};

/* Sorted by name; min_severity: GuardDuty's bands, low (1) to critical. */
static const struct conf_key conf_sink_keys[] = {
	CONF_KEY("enabled", conf_parse_bool, CONF_SOFF(enabled), 0, 0),
	CONF_KEY("facility", conf_parse_facility, CONF_SOFF(facility), 0, 0),
	CONF_KEY(
	    "identifier", conf_parse_identifier, CONF_SOFF(identifier), 0, 0),
	CONF_KEY("kinds", conf_parse_kinds, CONF_SOFF(kinds), 0, 0),
	CONF_KEY(
	    "min_severity", conf_parse_level, CONF_SOFF(min_severity), 1, 4),
	CONF_KEY(
	    "send_resolved", conf_parse_bool, CONF_SOFF(send_resolved), 0, 0),
	CONF_KEY("topic_arn", conf_parse_topic_arn, CONF_SOFF(topic_arn), 0, 0),
	CONF_KEY("type", conf_parse_sink_type, CONF_SOFF(type), 0, 0),
};

#define CONF_KEYS(t) t, CONF_NELEM(t)

_Static_assert(CONF_NELEM(conf_account_keys) <= CONF_MAX_KEYS &&
	CONF_NELEM(conf_alerts_keys) <= CONF_MAX_KEYS &&
	CONF_NELEM(conf_sink_keys) <= CONF_MAX_KEYS &&
	CONF_NELEM(conf_aws_keys) <= CONF_MAX_KEYS &&
	CONF_NELEM(conf_daemon_keys) <= CONF_MAX_KEYS &&
	CONF_NELEM(conf_guardduty_keys) <= CONF_MAX_KEYS &&
	CONF_NELEM(conf_securityhub_keys) <= CONF_MAX_KEYS &&
	CONF_NELEM(conf_cloudwatch_keys) <= CONF_MAX_KEYS &&
	CONF_NELEM(conf_maintenance_keys) <= CONF_MAX_KEYS &&
	CONF_NELEM(conf_task_keys) <= CONF_MAX_KEYS,
    "raise CONF_MAX_KEYS");

/* Sorted by name; CONF_NSECTIONS entries. */
static const struct conf_section conf_sections[CONF_NSECTIONS] = {
	{ "account", CONF_KEYS(conf_account_keys), &conf_named_account },
	{ "alerts", CONF_KEYS(conf_alerts_keys), NULL },
	{ "aws", CONF_KEYS(conf_aws_keys), NULL },
	{ "cloudwatch", CONF_KEYS(conf_cloudwatch_keys), NULL },
	{ "daemon", CONF_KEYS(conf_daemon_keys), NULL },
	{ "guardduty", CONF_KEYS(conf_guardduty_keys), NULL },
	{ "maintenance", CONF_KEYS(conf_maintenance_keys), NULL },
	{ "securityhub", CONF_KEYS(conf_securityhub_keys), NULL },
	{ "sink", CONF_KEYS(conf_sink_keys), &conf_named_sink },
	{ "task", CONF_KEYS(conf_task_keys), &conf_named_task },
};

const char *
conf_section_name(size_t i, int *named)
{
	if (i >= CONF_NSECTIONS)
		return NULL;
	*named = conf_sections[i].named != NULL;
	return conf_sections[i].name;
}

const char *
conf_section_key(size_t i, size_t k)
{
	if (i >= CONF_NSECTIONS || k >= conf_sections[i].nkeys)
		return NULL;
	return conf_sections[i].keys[k].name;
}

/* Both tables start with the name: compare a name with an entry. */
static int
conf_name_cmp(const void *name, const void *entry)
{
	return strcmp(name, *(const char *const *)entry);
}

static const struct conf_section *
conf_find_section(const char *name)
{
	return bsearch(name, conf_sections, CONF_NSECTIONS,
	    sizeof conf_sections[0], conf_name_cmp);
}

static const struct conf_key *
conf_find_key(const struct conf_section *sec, const char *name)
{
	return bsearch(
	    name, sec->keys, sec->nkeys, sizeof sec->keys[0], conf_name_cmp);
}

/* Add one error (s is taken); the last slot says that we gave up. */
static void
conf_add_error(struct conf_ctx *ctx, char *s)
{
	struct conf_errors *errs = ctx->errs;

	if (ctx->stop) {
		free(s);
		return;
	}
	if (++ctx->nerrors == CONF_MAX_ERRORS) {
		free(s);
		xasprintf(
		    &s, "%s: too many errors, giving up", ctx->conf->path);
		ctx->stop = 1;
	}
	if (errs == NULL) {
		free(s);
		return;
	}
	errs->msg = xreallocarray(errs->msg, errs->n + 1, sizeof *errs->msg);
	errs->msg[errs->n++] = s;
}

/* An error not tied to a line: the caller names the file. */
void
conf_error(struct conf_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		s = xstrdup("out of memory");
	va_end(ap);
	conf_add_error(ctx, s);
}

/* An error at the current line: "file:line: message". */
void
conf_lerror(struct conf_ctx *ctx, const char *fmt, ...)
{
	struct conf_file *cf = ctx->file;
	char body[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof body, fmt, ap);
	va_end(ap);
	conf_error(ctx, "%s:%u: %s", cf->path, cf->lineno, body);
}

/* Read one line into cf->line; -1 at the end of the file. */
static int
conf_getline(struct conf_file *cf)
{
	size_t len = 0;
	int c;

	cf->toolong = cf->nul = 0;
	while ((c = getc(cf->fp)) != EOF && c != '\n') {
		if (c == '\0')
			cf->nul = 1;
		if (len < CONF_MAX_LINE)
			cf->line[len++] = (char)c;
		else
			cf->toolong = 1;
	}
	if (ferror(cf->fp))
		cf->read_errno = errno;
	if (c == EOF && len == 0)
		return -1;
	cf->line[len] = '\0';
	cf->lineno++;
	return 0;
}

/* Hand inih a section header: sec's name, or CONF_SKIP if NULL. */
static int
conf_emit_section(const struct conf_section *sec, char *out, size_t len)
{
	const char *name = sec != NULL ? sec->name : CONF_SKIP;

	return snprintf(out, len, "[%s]\n", name) >= (int)len ? -1 : 0;
}

/* Split "type NAME" in place: NAME, or NULL if there is none. */
static char *
conf_split_header(char *s)
{
	char *name = s + strcspn(s, " \t");

	if (*name == '\0')
		return NULL;
	*name++ = '\0';
	return conf_trim(name);
}

/* The section of "type" or "type NAME"; NULL (and an error) if bad. */
static const struct conf_section *
conf_header(struct conf_ctx *ctx, char *s)
{
	const struct conf_section *sec;
	char q[CONF_QUOTE_LEN], *name;

	conf_quote(s, q, sizeof q);
	name = conf_split_header(s);
	sec = conf_find_section(s);
	if (sec != NULL && sec->named && name == NULL) {
		conf_lerror(ctx, "section [%s] needs a name: [%s NAME]",
		    sec->name, sec->name);
		return NULL;
	}
	if (sec == NULL || (!sec->named && name != NULL)) {
		conf_lerror(ctx, "unknown section [%s]", q);
		return NULL;
	}
	if (ctx->catalog && sec->named != &conf_named_task) {
		conf_lerror(ctx,
		    "[%s] in the maintenance catalog: only [task NAME] "
		    "sections belong there",
		    sec->name);
		return NULL;
	}
	if (sec->named && conf_named_open(ctx, sec->named, name) == -1)
		return NULL;
	return sec;
}

/* A "[type]" or "[type NAME]" line. */
static int
conf_lex_section(struct conf_ctx *ctx, char *s, char *out, size_t len)
{
	size_t n = strlen(s);

	if (n < 2 || s[n - 1] != ']') {
		conf_lerror(ctx, "syntax error: expected [section]");
		return conf_emit_section(NULL, out, len);
	}
	s[n - 1] = '\0';
	return conf_emit_section(conf_header(ctx, conf_trim(s + 1)), out, len);
}

/*
 * A "key = value" line: inih gets "key=" and the value stays in cf->line,
 * so that inih neither cuts it at its 200-byte buffer nor strips a ';'.
 */
static int
conf_lex_key(struct conf_ctx *ctx, char *s, char *out, size_t len)
{
	char q[CONF_QUOTE_LEN], *eq, *key, *v;

	if ((eq = strchr(s, '=')) == NULL) {
		conf_lerror(ctx, "syntax error: expected key = value");
		return -1;
	}
	*eq = '\0';
	key = conf_trim(s);
	if (*key == '\0' || strlen(key) > CONF_MAX_NAME ||
	    key[strspn(key, CONF_NAME_CHARS)] != '\0') {
		conf_lerror(ctx, "syntax error: bad key name '%s'",
		    conf_quote(key, q, sizeof q));
		return -1;
	}
	if ((v = conf_unquote(conf_trim(eq + 1))) == NULL) {
		conf_lerror(ctx, "unterminated quote");
		return -1;
	}
	ctx->file->value = v;
	return snprintf(out, len, "%s=\n", key) >= (int)len ? -1 : 0;
}

/* Check the line just read and write what inih should see into out. */
static int
conf_lex(struct conf_ctx *ctx, char *out, size_t len)
{
	struct conf_file *cf = ctx->file;
	char *s = cf->line;

	if (cf->lineno == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	s = conf_trim(s);
	if (cf->toolong || cf->nul) {
		if (cf->toolong)
			conf_lerror(
			    ctx, "line longer than %d bytes", CONF_MAX_LINE);
		else
			conf_lerror(ctx, "NUL byte in line");
		return *s == '[' ? conf_emit_section(NULL, out, len) : -1;
	}
	if (*s == '\0' || *s == '#' || *s == ';')
		return -1;
	if (*s == '[')
		return conf_lex_section(ctx, s, out, len);
	return conf_lex_key(ctx, s, out, len);
}

/* inih's reader: one checked line per call, a blank one if it is bad. */
static char *
conf_read_cb(char *str, int num, void *stream)
{
	struct conf_ctx *ctx = stream;

	if (num < 2 || ctx->stop || conf_getline(ctx->file) == -1)
		return NULL;
	if (conf_lex(ctx, str, (size_t)num) == -1)
		strlcpy(str, "\n", (size_t)num);
	return str;
}

/* Complain about a key set twice in one file; 0 if it is the first time. */
static int
conf_check_dup(struct conf_ctx *ctx, const struct conf_section *sec,
    const struct conf_key *key)
{
	unsigned *first;

	if (sec->named)
		first = &ctx->file->named_first[key - sec->keys];
	else
		first = &ctx->file->first[sec - conf_sections][key - sec->keys];
	if (*first != 0) {
		conf_lerror(ctx, "duplicate key '%s' (first set at line %u)",
		    key->name, *first);
		return -1;
	}
	*first = ctx->file->lineno;
	return 0;
}

/* The entry of key name in section; NULL (and an error) if none. */
static const struct conf_key *
conf_lookup(struct conf_ctx *ctx, const char *section, const char *name,
    const struct conf_section **sec)
{
	const struct conf_key *key;

	if (conf_is_secret(name)) {
		conf_lerror(ctx,
		    "secrets do not belong in the config: secmond "
		    "reads credentials from the standard AWS chain "
		    "(environment, shared credentials file, ...)");
		return NULL;
	}
	if (*section == '\0') {
		conf_lerror(ctx, "key '%s' is outside any section", name);
		return NULL;
	}
	if ((*sec = conf_find_section(section)) == NULL) /* CONF_SKIP */
		return NULL;
	if ((key = conf_find_key(*sec, name)) != NULL)
		return key;
	if ((*sec)->named)
		conf_lerror(ctx, "unknown key '%s' in [%s %s]", name, section,
		    *(char **)conf_named_obj(
			ctx->conf, (*sec)->named, ctx->named));
	else
		conf_lerror(ctx, "unknown key '%s' in [%s]", name, section);
	return NULL;
}

/* Note the keys set, even wrongly, that later checks must not miss. */
static void
conf_seen(struct conf_ctx *ctx, const struct conf_section *sec,
    const struct conf_key *key)
{
	struct conf_at *at;

	if (sec->named != NULL) {
		at = &ctx->at[sec->named->id][ctx->named * CONF_MAX_KEYS +
		    (size_t)(key - sec->keys)];
		at->file = ctx->files[ctx->nfiles - 1];
		at->line = ctx->file->lineno;
	} else if (key->parse == conf_parse_regions)
		ctx->regions_seen = 1;
}

const struct conf_at *
conf_at(
    const struct conf_ctx *ctx, const char *type, size_t i, const char *name)
{
	const struct conf_section *sec = conf_find_section(type);
	const struct conf_key *key;
	const struct conf_at *at;

	if (sec == NULL || sec->named == NULL ||
	    (key = conf_find_key(sec, name)) == NULL)
		return NULL;
	at = &ctx->at[sec->named->id]
		     [i * CONF_MAX_KEYS + (size_t)(key - sec->keys)];
	return at->line != 0 ? at : NULL;
}

/* inih's handler: the value is ctx->file->value (see conf_lex_key). */
static int
conf_ini_cb(void *user, const char *section, const char *name,
    const char *value, int lineno)
{
	struct conf_ctx *ctx = user;
	const struct conf_section *sec;
	const struct conf_key *key;
	struct sm_err err;
	void *base = ctx->conf;

	(void)value;
	(void)lineno;
	if ((key = conf_lookup(ctx, section, name, &sec)) == NULL)
		return 1;
	conf_seen(ctx, sec, key);
	if (sec->named)
		base = conf_named_obj(ctx->conf, sec->named, ctx->named);
	if (conf_check_dup(ctx, sec, key) == 0 &&
	    key->parse(base, key, ctx->file->value, &err) == -1)
		conf_lerror(ctx, "%s: %s", key->name, err.msg);
	return 1;
}

/* Parse the file open at fp, named path, into ctx->conf; closes fp. */
static void
conf_read_stream(struct conf_ctx *ctx, const char *path, FILE *fp)
{
	struct conf_file *cf;
	int rc;

	cf = xcalloc(1, sizeof *cf);
	cf->path = path;
	cf->fp = fp;
	ctx->file = cf;
	ctx->files =
	    xreallocarray(ctx->files, ctx->nfiles + 1, sizeof *ctx->files);
	ctx->files[ctx->nfiles++] = xstrdup(path);
	rc = ini_parse_stream(conf_read_cb, ctx, conf_ini_cb, ctx);
	if (cf->read_errno != 0)
		conf_error(
		    ctx, "%s: read error: %s", path, strerror(cf->read_errno));
	else if (rc != 0 && !ctx->stop) /* inih refused a line we passed */
		conf_error(ctx, "%s:%d: syntax error", path, rc);
	fclose(cf->fp);
	free(cf);
	ctx->file = NULL;
}

/* Parse one file into ctx->conf; -1 if it cannot be opened. */
static int
conf_read_file(struct conf_ctx *ctx, const char *path)
{
	FILE *fp;

	if ((fp = fopen(path, "re")) == NULL) {
		conf_error(ctx, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	conf_read_stream(ctx, path, fp);
	return 0;
}

/* The file name beside the main config (caller frees). */
static char *
conf_beside(const char *path, const char *name)
{
	const char *slash = strrchr(path, '/');
	char *out;

	if (slash == NULL)
		return xstrdup(name);
	xasprintf(&out, "%.*s/%s", (int)(slash - path), path, name);
	return out;
}

/*
 * The maintenance catalog, read before the config so that its [task NAME]
 * sections can override the catalog's key by key: maintenance.conf beside
 * the config, or the built-in copy when there is none.
 */
static void
conf_read_catalog(struct conf_ctx *ctx)
{
	char *path = conf_beside(ctx->conf->path, CONF_CATALOG);
	FILE *fp;

	ctx->catalog = 1;
	if ((fp = fopen(path, "re")) != NULL)
		conf_read_stream(ctx, path, fp);
	else if (errno != ENOENT)
		conf_error(ctx, "%s: cannot open: %s", path, strerror(errno));
	else if ((fp = fmemopen((void *)(uintptr_t)conf_builtin_catalog,
		      strlen(conf_builtin_catalog), "r")) != NULL)
		conf_read_stream(ctx, CONF_BUILTIN_CATALOG, fp);
	else
		conf_error(
		    ctx, "%s: %s", CONF_BUILTIN_CATALOG, strerror(errno));
	ctx->catalog = 0;
	free(path);
}

/* Is this directory entry a drop-in: "*.conf", not hidden? */
static int
conf_is_dropin(const char *name)
{
	size_t n = strlen(name), m = strlen(CONF_DROPIN_SUFFIX);

	return name[0] != '.' && n > m &&
	    strcmp(name + n - m, CONF_DROPIN_SUFFIX) == 0;
}

static int
conf_str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The drop-in names in dir, sorted; -1 if dir is there but unusable. */
static int
conf_list_dropins(
    struct conf_ctx *ctx, const char *dir, char ***names, size_t *n)
{
	struct dirent *de;
	DIR *d;

	*names = NULL;
	*n = 0;
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		conf_error(ctx, "%s: cannot open: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (!conf_is_dropin(de->d_name))
			continue;
		if (*n == CONF_MAX_DROPINS) {
			conf_error(ctx, "%s: more than %d drop-ins", dir,
			    CONF_MAX_DROPINS);
			break;
		}
		*names = xreallocarray(*names, *n + 1, sizeof **names);
		(*names)[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (*n > 1)
		qsort(*names, *n, sizeof **names, conf_str_cmp);
	return 0;
}

/* Read every drop-in of conf.d beside the main file, in name order. */
static void
conf_read_dropins(struct conf_ctx *ctx)
{
	char *dir, *path, **names;
	size_t i, n;

	dir = conf_beside(ctx->conf->path, CONF_DROPIN_DIR);
	if (conf_list_dropins(ctx, dir, &names, &n) == 0) {
		for (i = 0; i < n && !ctx->stop; i++) {
			xasprintf(&path, "%s/%s", dir, names[i]);
			conf_read_file(ctx, path);
			free(path);
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(dir);
}

/* A new conf holding the defaults. */
static struct conf *
conf_new(const char *path)
{
	struct conf *c;

	c = xcalloc(1, sizeof *c);
	c->path = xstrdup(path);
	c->state_dir = xstrdup(CONF_DEFAULT_STATE_DIR);
	c->socket = xstrdup(CONF_DEFAULT_SOCKET);
	c->socket_mode = 0660;
	c->connect_timeout_ms = 5000;
	c->timeout_ms = 30000;
	c->max_body = 16 * CONF_MIB;
	c->max_attempts = 3;
	c->max_concurrency = 16;
	c->rate_limit_factor = 0.5;
	c->guardduty.enabled = 1;
	c->guardduty.interval = 300;
	c->guardduty.min_severity = 4.0;
	c->securityhub.enabled = 1;
	c->securityhub.interval = 900;
	c->securityhub.score_target = 75.0;
	c->securityhub.score_drop = 2.0;
	c->securityhub.baseline = 7 * 86400;
	c->securityhub.control_min_severity = CONF_SH_HIGH;
	c->alerts.group_wait = 30;
	c->alerts.repeat_interval = 4 * 3600;
	c->alerts.retry_max_backoff = 300;
	c->cloudwatch.enabled = 1;
	c->cloudwatch.interval = 60;
	c->maintenance.enabled = 1;
	return c;
}

/* Free what the load kept only for its checks. */
static void
conf_ctx_clear(struct conf_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nfiles; i++)
		free(ctx->files[i]);
	free(ctx->files);
	for (i = 0; i < CONF_NNAMED; i++)
		free(ctx->at[i]);
}

int
conf_load(const char *path, struct conf **out, struct conf_errors *errs)
{
	struct conf_ctx ctx;
	size_t i;

	memset(&ctx, 0, sizeof ctx);
	ctx.conf = conf_new(path);
	ctx.errs = errs;
	for (i = 0; i < CONF_NNAMED; i++)
		ctx.at[i] = xcalloc(conf_named_kinds[i]->max * CONF_MAX_KEYS,
		    sizeof *ctx.at[i]);
	*out = NULL;
	conf_read_catalog(&ctx);
	if (!ctx.stop && conf_read_file(&ctx, path) == 0) {
		conf_read_dropins(&ctx);
		conf_check(&ctx);
	}
	conf_ctx_clear(&ctx);
	if (ctx.nerrors != 0) {
		conf_free(ctx.conf);
		return -1;
	}
	*out = ctx.conf;
	return 0;
}

void
conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	conf_named_free(c);
	free(c->role_session_name);
	free(c->path);
	free(c->state_dir);
	free(c->socket);
	free(c->admin_group);
	conf_free_regions(c->regions, c->nregions);
	free(c->profile);
	free(c->endpoint_url);
	free(c->guardduty.endpoint_url);
	free(c->securityhub.endpoint_url);
	free(c->cloudwatch.endpoint_url);
	free(c->cloudwatch.alarm_prefix);
	conf_free_names(c->cloudwatch.alarm_names, c->cloudwatch.nalarm_names);
	free(c->maintenance.timezone);
	free(c);
}

void
conf_errors_clear(struct conf_errors *errs)
{
	size_t i;

	if (errs == NULL)
		return;
	for (i = 0; i < errs->n; i++)
		free(errs->msg[i]);
	free(errs->msg);
	errs->msg = NULL;
	errs->n = 0;
}
