/*
 * log.h: logging to the journal (structured fields) when stderr is
 * connected to it, else to stderr. Control characters are escaped. Nothing
 * here may ever be handed a secret.
 */
#ifndef SECMON_LOG_H
#define SECMON_LOG_H

#include <stdarg.h>

enum log_target {
	LOG_TO_AUTO, /* journal if JOURNAL_STREAM matches stderr */
	LOG_TO_STDERR,
	LOG_TO_JOURNAL,
};

/* Set up logging; debug enables log_debug. */
void log_init(const char *ident, enum log_target, int debug);
void log_set_debug(int debug);
int log_is_journal(void);

void log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * One structured record: fields is a NULL-terminated list of "NAME=value"
 * strings (journal field names: upper case, digits, underscore). On the
 * journal each is a field; on stderr they follow the message as
 * NAME="value" pairs. priority is a syslog priority (LOG_WARNING, ...).
 */
void log_struct(int priority, const char *message, const char *const *fields);

#endif
