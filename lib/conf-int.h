/*
 * conf-int.h: what the conf*.c files share and nothing else sees: the key
 * table entry, the value parsers it points at and their helpers, the kinds
 * of named section, and the state of one load for the checks at its end.
 */
#ifndef SECMON_CONF_INT_H
#define SECMON_CONF_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "util.h"

#define CONF_QUOTE_LEN 80 /* bytes of a value shown in an error */
#define CONF_LOWER "abcdefghijklmnopqrstuvwxyz"
#define CONF_DIGITS "0123456789"
#define CONF_NAME_CHARS                                                        \
	CONF_LOWER "ABCDEFGHIJKLMNOPQRSTUVWXYZ" CONF_DIGITS "_.-"
#define CONF_NELEM(a) (sizeof(a) / sizeof((a)[0]))
/* The field of key k in the object at base, as a pointer to type. */
#define CONF_FIELD(base, k, type) ((type *)((char *)(base) + (k)->off))
#define CONF_KIB 1024ULL
#define CONF_MIB (1024ULL * 1024)
#define CONF_GIB (1024ULL * 1024 * 1024)

#define CONF_MAX_KEYS 16                 /* keys in one section */
#define CONF_NSECTIONS 10                /* entries in conf_sections */
#define CONF_NNAMED 3                    /* kinds of [type NAME] */
#define CONF_MAX_NAMED CONF_MAX_ACCOUNTS /* objects of one named kind */

struct conf;
struct conf_errors;
struct conf_key;

/*
 * Parse value v of key k into the object at base (a struct conf, or one of
 * a named section), at k->off; -1 with err filled if v is bad.
 */
typedef int (*conf_parse_cb)(
    void *base, const struct conf_key *k, const char *v, struct sm_err *err);

/* One key: its name (first, for bsearch), parser, field and range. */
struct conf_key {
	const char *name;
	conf_parse_cb parse;
	size_t off;
	uint64_t min, max; /* seconds, bytes, a count, tenths, thousandths */
	size_t off_n;      /* regions: where the count goes */
};

/* A kind of named section, [type NAME]: an array of objects in struct conf. */
struct conf_named {
	const char *type;          /* "account" for [account NAME] */
	size_t id;                 /* its index in conf_ctx at[] */
	size_t max;                /* objects at most */
	size_t size;               /* bytes of one object, char *name first */
	size_t off_list, off_n;    /* its array and count in struct conf */
	size_t off_line, off_file; /* where its section first opens */
	void (*init)(void *);      /* set the defaults */
	void (*free)(void *);      /* free what it holds, not itself */
};

extern const struct conf_named conf_named_account;
extern const struct conf_named conf_named_sink;
extern const struct conf_named conf_named_task;
extern const struct conf_named *const conf_named_kinds[CONF_NNAMED]; /* id */

/* The file being read. */
struct conf_file {
	const char *path;
	FILE *fp;
	unsigned lineno;
	int read_errno;
	int toolong;
	int nul;
	char line[CONF_MAX_LINE + 1];
	const char *value; /* the current line's value, in line */
	unsigned first[CONF_NSECTIONS][CONF_MAX_KEYS]; /* line set, or 0 */
	unsigned named_first[CONF_MAX_KEYS]; /* the same, current object */
	unsigned named_line[CONF_NNAMED][CONF_MAX_NAMED]; /* its header's */
};

_Static_assert(
    CONF_MAX_SINKS <= CONF_MAX_NAMED && CONF_MAX_TASKS <= CONF_MAX_NAMED,
    "raise CONF_MAX_NAMED");

/* Where a key of a named section was last set, even wrongly. */
struct conf_at {
	const char *file; /* in conf_ctx files[] */
	unsigned line;    /* 0: never set */
};

/* One conf_load. */
struct conf_ctx {
	struct conf *conf;
	struct conf_errors *errs;
	size_t nerrors;
	int stop;
	struct conf_file *file;
	int regions_seen; /* set, even if wrongly: no fallback to the env */
	int catalog;      /* reading the catalog: only [task NAME] there */
	size_t named;     /* the object of the named section being read */
	char **files;     /* every file read, for conf_at */
	size_t nfiles;
	struct conf_at *at[CONF_NNAMED]; /* [object * CONF_MAX_KEYS + key] */
};

/* An error not tied to a line: the caller names the file. */
void conf_error(struct conf_ctx *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* An error at the current line: "file:line: message". */
void conf_lerror(struct conf_ctx *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Make [type name] the object being read: a new one, or one of an earlier
 * file whose keys this file overrides. -1 (and an error) if it cannot be.
 */
int conf_named_open(
    struct conf_ctx *, const struct conf_named *, const char *name);

/* Where key of object i of named section type was set; NULL: never. */
const struct conf_at *conf_at(
    const struct conf_ctx *, const char *type, size_t i, const char *key);

/* The checks across keys and files, at the end of the load. */
void conf_check(struct conf_ctx *);
/* Those of the [task NAME] sections (conf-task.c). */
void conf_check_tasks(struct conf_ctx *);

/* Is s a NAME of [type NAME]? -1 with err filled if not. */
int conf_check_name(
    const struct conf_named *, const char *s, struct sm_err *err);

/* Object i of a kind, the count of objects, the index of name (or n). */
void *conf_named_obj(const struct conf *, const struct conf_named *, size_t);
size_t conf_named_count(const struct conf *, const struct conf_named *);
size_t conf_named_find(
    const struct conf *, const struct conf_named *, const char *name);

/* Add an object with its defaults: its index, or -1 if there are max. */
int conf_named_add(struct conf *, const struct conf_named *, const char *name,
    const char *file, unsigned line);

/* Free every object of every kind. */
void conf_named_free(struct conf *);

/* Copy s into buf for an error message: printable ASCII, cut if long. */
const char *conf_quote(const char *s, char *buf, size_t len);

/* Trim whitespace at both ends of s, in place. */
char *conf_trim(char *s);

/* Strip one pair of double quotes around v, in place; NULL if unpaired. */
char *conf_unquote(char *v);

/* Does this key name a secret (aws_secret_access_key, *_token, ...)? */
int conf_is_secret(const char *name);

/* Is s a region name like us-east-1? */
int conf_is_region(const char *s);
void conf_free_regions(char **regions, size_t n);

/* Does s hold only bytes of set, and at least one? */
int conf_only(const char *s, const char *set);

/* Replace the string at dst with a copy of v. */
void conf_set_str(char **dst, const char *v);

/* Skip "aws:", "aws-cn:" or "aws-us-gov:" of an ARN; NULL if none. */
const char *conf_arn_partition(const char *p);

/* Digits and at most places decimals, in units of 10^-places. */
int conf_decimal(const char *v, size_t places, uint64_t *out);

/* The parsers of the key tables, in conf-value.c and conf-list.c. */
int conf_parse_path(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_socket(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_mode(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_group(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_loglevel(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_regions(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_profile(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_url(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_msec(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_secs(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_size(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_bool(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_severity(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_count(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_fraction(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_session_name(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_role_arn(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_external_id(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_names(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_text(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_percent(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_points(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_level(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_sink_type(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_topic_arn(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_kinds(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_facility(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_identifier(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_action(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_schedule(
    void *, const struct conf_key *, const char *, struct sm_err *);
int conf_parse_timezone(
    void *, const struct conf_key *, const char *, struct sm_err *);
void conf_free_names(char **names, size_t n);

/* The built-in catalog: conf/maintenance.conf, embedded at build time. */
extern const char conf_builtin_catalog[];

#endif
