/*
 * secmonctl.h: what secmonctl's files share (private to daemon/secmonctl*):
 * its command table's entry and options, tables for people, and the
 * helpers that escape and format the daemon's values. Every helper takes
 * any JSON (a member missing or of the wrong type gives NULL, shown "-").
 */
#ifndef SECMONCTL_H
#define SECMONCTL_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

enum {
	CLI_EXIT_OK = 0,      /* the daemon answered ok */
	CLI_EXIT_ERROR = 1,   /* the daemon answered an error */
	CLI_EXIT_USAGE = 2,   /* bad command line */
	CLI_EXIT_CONNECT = 3, /* cannot connect, no answer, malformed answer */
};

/* An option of a command: --name (a flag, sent as true) or --name value. */
struct cli_opt {
	const char *name;    /* "history" for --history */
	const char *metavar; /* "A" if it takes a value; NULL: a flag */
	const char *key;     /* the daemon's argument it sets */
	/* The value as JSON, or NULL (said why) if it is wrong. */
	json_t *(*value)(const struct cli_opt *, const char *);
};

struct cli_cmd {
	const char *name;
	const char *usage; /* the command and its arguments */
	const char *help;
	const struct cli_opt *opts; /* terminated by { NULL }; NULL: none */
	/* Turn the words left after the options into args; -1 (said why). */
	int (*args)(const struct cli_cmd *, int, char **, json_t *);
	/* Print the reply's data for people. */
	void (*render)(const char *socket, json_t *data);
};

/* A table for people: escaped cells, columns padded to fit. */
struct cli_table {
	size_t ncols;
	size_t nrows;
	char **cells; /* nrows * ncols, owned */
};

extern int cli_utf8; /* the terminal takes UTF-8 (LC_CTYPE's codeset) */

/* secmonctl-render.c: escaping, tables, cells; status, poll, generic. */
char *cli_escape(const char *s);
size_t cli_width(const char *s);
size_t cli_term_width(void);
struct cli_table *cli_table_new(size_t ncols);
void cli_table_head(struct cli_table *, const char *const *head);
void cli_table_row(struct cli_table *, char **cells);
/* Print t; with width > 0, cut the last column to fit in width columns. */
void cli_table_print(struct cli_table *, size_t width);
void cli_table_free(struct cli_table *);
char *cli_str(json_t *o, const char *key);
char *cli_int(json_t *o, const char *key, const char *suffix);
char *cli_number(json_t *v, int prec, int sign);
void cli_duration(long long secs, char *buf, size_t len);
char *cli_when(json_t *o, const char *key, time_t now, int future);
void cli_render_generic(const char *, json_t *);
void cli_render_poll(const char *, json_t *);
void cli_render_status(const char *, json_t *);

/* secmonctl-alerts.c: alerts and sinks. */
void cli_render_alerts(const char *, json_t *);
void cli_render_test_alert(const char *, json_t *);
void cli_render_silence_add(const char *, json_t *);
void cli_render_silence_expire(const char *, json_t *);
void cli_render_silence_list(const char *, json_t *);

/*
 * secmonctl-calendar.c: "calendar EXPR [options]", computed here, never
 * sent. argv[0] is "calendar"; the exit status.
 */
extern const char cli_calendar_usage[];
extern const char cli_calendar_help[];
int cli_calendar(int argc, char **argv, int as_json);

/* secmonctl-views.c: the posture: scores, controls, alarms, findings. */
void cli_render_alarms(const char *, json_t *);
void cli_render_controls(const char *, json_t *);
void cli_render_findings(const char *, json_t *);
void cli_render_score(const char *, json_t *);
json_t *cli_value_severity(const struct cli_opt *, const char *);
json_t *cli_value_state(const struct cli_opt *, const char *);
json_t *cli_value_string(const struct cli_opt *, const char *);

/* secmonctl-tasks.c: the maintenance calendar. */
int cli_args_task(const struct cli_cmd *, int, char **, json_t *);
int cli_args_history(const struct cli_cmd *, int, char **, json_t *);
int cli_args_digest(const struct cli_cmd *, int, char **, json_t *);
json_t *cli_value_limit(const struct cli_opt *, const char *);
void cli_render_tasks(const char *, json_t *);
void cli_render_history(const char *, json_t *);
void cli_render_digest(const char *, json_t *);
void cli_render_run(const char *, json_t *);
void cli_render_ack(const char *, json_t *);

#endif
