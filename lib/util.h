/*
 * util.h: the small things every module shares: the bounded error record,
 * allocation that aborts on OOM, strlcpy, durations and timestamps.
 */
#ifndef SECMON_UTIL_H
#define SECMON_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SECMON_VERSION "0.1.0"

/* An error: a short machine code and a human message, never allocated. */
struct sm_err {
	char code[48];
	char msg[256];
};

/* Fill err (if not NULL) with code and a formatted message; returns -1. */
int sm_err_set(struct sm_err *err, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xreallocarray(void *, size_t, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
int xasprintf(char **, const char *, ...) __attribute__((format(printf, 2, 3)));

size_t strlcpy(char *, const char *, size_t);
size_t strlcat(char *, const char *, size_t);

/* Overwrite and free a secret string; NULL is a no-op. */
void sm_free_secret(char *);

/*
 * Parse a duration: "90", "90s", "5m", "1h30m", "2d". Returns seconds in
 * *out, or -1 on a malformed or out-of-range value.
 */
int sm_duration_parse(const char *, uint64_t *out);

/* Format t (UTC) as ISO 8601 "2026-11-23T10:32:09Z" into buf (>= 21). */
void sm_iso8601(time_t t, char *buf, size_t len);

/* Parse "2026-11-23T10:32:09Z" or with fractional seconds; -1 if malformed. */
int sm_iso8601_parse(const char *, time_t *out);

/* t as an ISO 8601 JSON string, JSON null for 0 (jansson's json_t). */
struct json_t;
struct json_t *sm_time_json(time_t t);

/* Milliseconds of CLOCK_MONOTONIC. */
uint64_t sm_mono_ms(void);

/*
 * Escape control characters and invalid UTF-8 in s for display, into a new
 * string (caller frees).
 */
char *sm_escape(const char *s);

#endif
