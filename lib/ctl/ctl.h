/*
 * ctl.h: the control protocol: one JSON object per line each way,
 *   {"v":1,"cmd":"status","args":{}}
 *   -> {"ok":true,"data":{...}} | {"ok":false,"error":{"code":..,"message":..}}
 * and its command table (one entry per command, one file per command:
 * lib/ctl/ctl-<cmd>.c). ctl_dispatch parses, checks the version, finds the
 * command by exact name, validates the args against the entry and checks
 * authority; only then does the handler run. Handlers never see raw input,
 * never check authority and never write to a socket.
 */
#ifndef SECMON_CTL_H
#define SECMON_CTL_H

#include <sys/types.h>
#include <time.h>

#include <jansson.h>

#include "util.h"

#define CTL_VERSION 1
#define CTL_MAX_LINE 65536 /* bytes in one request line, newline included */
#define CTL_MAX_CLIENTS 32 /* connected control clients */
#define CTL_IDLE_SEC 60    /* seconds a client may stay silent */
#define CTL_MAX_REPLY (4u << 20) /* bytes in one reply line, with newline */

#define CTL_ADMIN 0x1 /* changes things: uid 0 or admin_group */

enum ctl_ret {
	CTL_DONE,  /* *data holds the reply data (may be NULL: {}) */
	CTL_ERROR, /* err holds code and message */
};

enum ctl_arg_type {
	CTL_ARG_STRING,
	CTL_ARG_INT,
	CTL_ARG_NUMBER,
	CTL_ARG_BOOL,
};

struct ctl_arg {
	const char *name;
	enum ctl_arg_type type;
	int required;
};

/* Who is asking, recorded with SO_PEERCRED at accept. */
struct ctl_peer {
	uid_t uid;
	gid_t gid;
	pid_t pid;
	int admin; /* uid 0, the daemon's own uid, or a member of admin_group */
};

struct conf;
struct state;
struct monitor;

/* What handlers may look at: the daemon's modules. */
struct ctl_ctx {
	const struct conf *conf;
	const char *config_path;
	struct state *state;
	struct monitor *monitor;
	struct outbox *outbox;
	struct tasks *tasks; /* NULL with --once and in tests */
	time_t started;
	/* The table being run; ctl_dispatch sets it before exec (for help). */
	const struct ctl_cmd *const *table;
};

typedef enum ctl_ret (*ctl_exec_fn)(struct ctl_ctx *, const struct ctl_peer *,
    json_t *args, json_t **data, struct sm_err *err);

struct ctl_cmd {
	const char *name;
	const char *usage;          /* "status" */
	const char *help;           /* one line */
	const struct ctl_arg *args; /* terminated by { NULL }; NULL = none */
	int flags;                  /* CTL_ADMIN */
	ctl_exec_fn exec;
};

/* The daemon's command table (ctl-table.c), NULL-terminated. */
extern const struct ctl_cmd *const ctl_table[];

/* Find a command of table by exact name, or NULL. */
const struct ctl_cmd *ctl_find(
    const struct ctl_cmd *const *table, const char *name);

/*
 * Run one request line (len bytes, without the newline) against table.
 * Never NULL: the reply object, success or error (caller decrefs).
 */
json_t *ctl_dispatch(const struct ctl_cmd *const *table, struct ctl_ctx *,
    const struct ctl_peer *, const char *line, size_t len);

/*
 * The "help" data for table:
 *   [{"name","usage","help","admin":bool,
 *     "args":[{"name","type":"string|int|number|bool","required":bool}]}...]
 * (caller decrefs).
 */
json_t *ctl_help_json(const struct ctl_cmd *const *table);

/* The help command (ctl-help.c): data {"commands":ctl_help_json(...)}. */
extern const struct ctl_cmd ctl_cmd_help;

/* {"ok":true,"data":data} (steals data; NULL is {}; caller decrefs). */
json_t *ctl_ok_reply(json_t *data);

/*
 * {"ok":false,"error":{"code":code,"message":msg}} (caller decrefs). Never
 * NULL: a msg that is not valid UTF-8 has its bad bytes replaced.
 */
json_t *ctl_error_reply(const char *code, const char *msg);

/*
 * Does reply answer a malformed request (bad_json, bad_request,
 * bad_version, request_too_large)? The server sends it, then closes.
 */
int ctl_reply_closes(const json_t *reply);

#endif
