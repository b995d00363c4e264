/*
 * secmonctl.c: the command-line client of secmond's control socket. Turns
 * argv into one request through a table of its own commands, sends it,
 * waits a bounded time for the one-line reply and renders the data for
 * people (secmonctl-render.c, secmonctl-views.c) or, with --json, as JSON.
 * A plain blocking program with poll(2); every string from the daemon is
 * escaped before it reaches a terminal.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "conf.h"
#include "ctl.h"
#include "secmonctl.h"
#include "util.h"

#define CLI_TIMEOUT_MS 10000 /* connect, send and reply, all together */
#define CLI_RETRY_MS 50      /* between connects while the backlog is full */
#define CLI_USAGE_COLS 22    /* a usage this long or longer gets a line */

int cli_utf8;
static const char *cli_socket;

static int cli_args_none(const struct cli_cmd *, int, char **, json_t *);
static int cli_args_poll(const struct cli_cmd *, int, char **, json_t *);
static int cli_args_sink(const struct cli_cmd *, int, char **, json_t *);
static int cli_args_matchers(const struct cli_cmd *, int, char **, json_t *);
static int cli_args_id(const struct cli_cmd *, int, char **, json_t *);

static const struct cli_opt cli_opts_silence_add[] = {
	{ "for", "DURATION", "for", cli_value_string },
	{ "comment", "TEXT", "comment", cli_value_string },
	{ NULL, NULL, NULL, NULL },
};

static const struct cli_opt cli_opts_silence_list[] = {
	{ "all", NULL, "all", NULL },
	{ NULL, NULL, NULL, NULL },
};
static int cli_args_generic(const struct cli_cmd *, int, char **, json_t *);
static void cli_render_help(const char *, json_t *);

static const struct cli_opt cli_opts_alarms[] = {
	{ "state", "S", "state", cli_value_state },
	{ "account", "A", "account", cli_value_string },
	{ "region", "R", "region", cli_value_string },
	{ NULL, NULL, NULL, NULL },
};

static const struct cli_opt cli_opts_controls[] = {
	{ "failed", NULL, "failed", NULL },
	{ "account", "A", "account", cli_value_string },
	{ "region", "R", "region", cli_value_string },
	{ NULL, NULL, NULL, NULL },
};

static const struct cli_opt cli_opts_findings[] = {
	{ "min-severity", "S", "min_severity", cli_value_severity },
	{ "account", "A", "account", cli_value_string },
	{ "region", "R", "region", cli_value_string },
	{ NULL, NULL, NULL, NULL },
};

static const struct cli_opt cli_opts_ack[] = {
	{ "note", "TEXT", "note", cli_value_string },
	{ NULL, NULL, NULL, NULL },
};

static const struct cli_opt cli_opts_history[] = {
	{ "limit", "N", "limit", cli_value_limit },
	{ NULL, NULL, NULL, NULL },
};

static const struct cli_opt cli_opts_score[] = {
	{ "history", NULL, "history", NULL },
	{ "account", "A", "account", cli_value_string },
	{ "region", "R", "region", cli_value_string },
	{ NULL, NULL, NULL, NULL },
};

/* The commands secmonctl knows, sorted by name: one entry each. */
static const struct cli_cmd cli_cmds[] = {
	{ "ack", "ack TASK [--note TEXT]",
	    "acknowledge a manual maintenance task as done (admin)",
	    cli_opts_ack, cli_args_task, cli_render_ack },
	{ "alarms",
	    "alarms [--state OK|ALARM|INSUFFICIENT_DATA] [--account A] "
	    "[--region R]",
	    "list CloudWatch alarms, their state and transitions",
	    cli_opts_alarms, cli_args_none, cli_render_alarms },
	{ "alerts", "alerts",
	    "show each sink's deliveries and the latest alerts", NULL,
	    cli_args_none, cli_render_alerts },
	{ "controls", "controls [--failed] [--account A] [--region R]",
	    "list Security Hub controls, failing and worst first",
	    cli_opts_controls, cli_args_none, cli_render_controls },
	{ "digest", "digest TASK|RUN",
	    "show a task's last digest or reminder (or run RUN's) in full",
	    NULL, cli_args_digest, cli_render_digest },
	{ "findings", "findings [--min-severity S] [--account A] [--region R]",
	    "list active GuardDuty findings (S: 0-10, low, ... critical)",
	    cli_opts_findings, cli_args_none, cli_render_findings },
	{ "help", "help", "list the commands the daemon understands", NULL,
	    cli_args_none, cli_render_help },
	{ "history", "history [TASK] [--limit N]",
	    "the audit trail: task runs and acknowledgements, newest first",
	    cli_opts_history, cli_args_history, cli_render_history },
	{ "poll", "poll [source]",
	    "poll every target (or one source's) now (admin)", NULL,
	    cli_args_poll, cli_render_poll },
	{ "run", "run TASK",
	    "run a maintenance task now: its review or reminder (admin)", NULL,
	    cli_args_task, cli_render_run },
	{ "score", "score [--history] [--account A] [--region R]",
	    "show Security Hub scores, change, level, target, trend",
	    cli_opts_score, cli_args_none, cli_render_score },
	{ "silence-add", "silence add MATCHER... --for DURATION --comment TEXT",
	    "silence matching alerts (MATCHER: kind=, severity=, account=, "
	    "region=, subject=; shell patterns) (admin)",
	    cli_opts_silence_add, cli_args_matchers, cli_render_silence_add },
	{ "silence-expire", "silence expire ID", "end a silence now (admin)",
	    NULL, cli_args_id, cli_render_silence_expire },
	{ "silence-list", "silence list [--all]",
	    "list the active silences (--all: expired ones too)",
	    cli_opts_silence_list, cli_args_none, cli_render_silence_list },
	{ "status", "status",
	    "show the daemon, its sources, their last polls and findings", NULL,
	    cli_args_none, cli_render_status },
	{ "tasks", "tasks",
	    "the maintenance calendar: schedule, next and last run, last "
	    "ack, due or overdue",
	    NULL, cli_args_none, cli_render_tasks },
	{ "test-alert", "test-alert [sink]",
	    "send a test notification through one sink, or every sink (admin)",
	    NULL, cli_args_sink, cli_render_test_alert },
};

/*
 * A command secmonctl does not know (a newer daemon's) is sent as it is,
 * arguments as name=string or name:=json, and its data printed as JSON.
 */
static struct cli_cmd cli_generic = { NULL, "command [name=value ...]",
	"any other command of the daemon", NULL, cli_args_generic,
	cli_render_generic };

static void
cli_usage(FILE *f)
{
	fprintf(f,
	    "usage: secmonctl [-s socket] [--json] command [argument ...]\n"
	    "       secmonctl -h | --help\n"
	    "       secmonctl -V | --version\n");
}

/*
 * One command in a list: its usage, then its help (on a line of its own
 * after a long usage). Both already safe to print.
 */
static void
cli_help_line(const char *usage, const char *help)
{
	if (strlen(usage) < CLI_USAGE_COLS)
		printf("  %-*s %s\n", CLI_USAGE_COLS, usage, help);
	else
		printf("  %s\n  %-*s %s\n", usage, CLI_USAGE_COLS, "", help);
}

static void
cli_help(void)
{
	size_t i;

	cli_usage(stdout);
	printf(
	    "\noptions:\n"
	    "  -s socket      the control socket (default: $SECMOND_SOCKET,\n"
	    "                 else %s)\n"
	    "  --json         print the reply's data (or error) as JSON; may\n"
	    "                 also follow the command\n"
	    "  -h, --help     print this help and exit\n"
	    "  -V, --version  print the version and exit\n"
	    "\ncommands:\n",
	    CONF_DEFAULT_SOCKET);
	for (i = 0; i < sizeof cli_cmds / sizeof cli_cmds[0]; i++)
		cli_help_line(cli_cmds[i].usage, cli_cmds[i].help);
	cli_help_line(cli_calendar_usage, cli_calendar_help);
	cli_help_line(cli_generic.usage, cli_generic.help);
	printf("\nA command's options may come before or after its other "
	       "words.\n"
	       "\nexit status: 0 ok, 1 the daemon answered an error, 2 usage "
	       "error,\n3 no connection or no valid answer.\n");
}

static const struct cli_cmd *
cli_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof cli_cmds / sizeof cli_cmds[0]; i++) {
		if (strcmp(cli_cmds[i].name, name) == 0)
			return &cli_cmds[i];
	}
	return NULL;
}

static void cli_fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Say why the exchange failed: "secmonctl: socket: ...". */
static void
cli_fail(const char *fmt, ...)
{
	char *path = cli_escape(cli_socket);
	va_list ap;

	fprintf(stderr, "secmonctl: %s: ", path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	free(path);
}

/* The option of cmd that arg ("--name" or "--name=value") names, or NULL. */
static const struct cli_opt *
cli_opt_find(const struct cli_cmd *cmd, const char *arg, const char **value)
{
	const struct cli_opt *o;
	const char *eq;
	size_t n;

	arg += 2;
	eq = strchr(arg, '=');
	n = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
	for (o = cmd->opts; o != NULL && o->name != NULL; o++) {
		if (strlen(o->name) == n && strncmp(o->name, arg, n) == 0) {
			*value = eq != NULL ? eq + 1 : NULL;
			return o;
		}
	}
	return NULL;
}

/* Say what is wrong with word arg of cmd ("<what> 'arg'<post>"): -1. */
static int
cli_opt_error(const struct cli_cmd *cmd, const char *what, const char *arg,
    const char *post)
{
	char *e = cli_escape(arg);

	fprintf(stderr, "secmonctl: %s: %s '%s'%s\nsecmonctl: usage: %s\n",
	    cmd->name, what, e, post, cmd->usage);
	free(e);
	return -1;
}

/*
 * Take cmd's options (and --json) out of argv, wherever they stand, into
 * args; "--" ends them. Leaves the other words at the start of argv and
 * returns their count, or -1 (said why).
 */
static int
cli_opts(const struct cli_cmd *cmd, int argc, char **argv, json_t *args,
    int *as_json)
{
	const struct cli_opt *o;
	const char *value;
	int i, n = 0, words = 0;
	json_t *v;

	for (i = 0; i < argc; i++) {
		if (words || argv[i][0] != '-' || argv[i][1] == '\0') {
			argv[n++] = argv[i];
			continue;
		}
		if (strcmp(argv[i], "--") == 0)
			words = 1;
		else if (strcmp(argv[i], "--json") == 0)
			*as_json = 1;
		else if (strncmp(argv[i], "--", 2) != 0 ||
		    (o = cli_opt_find(cmd, argv[i], &value)) == NULL)
			return cli_opt_error(
			    cmd, "unknown option", argv[i], "");
		else if (o->metavar == NULL && value != NULL)
			return cli_opt_error(
			    cmd, "option", argv[i], " takes no value");
		else if (o->metavar != NULL && value == NULL && i + 1 == argc)
			return cli_opt_error(
			    cmd, "option", argv[i], " needs a value");
		else {
			if (o->metavar != NULL && value == NULL)
				value = argv[++i];
			v = o->metavar == NULL ? json_true()
					       : o->value(o, value);
			if (v == NULL)
				return -1;
			json_object_set_new(args, o->key, v);
		}
	}
	return n;
}

static int
cli_args_none(const struct cli_cmd *cmd, int argc, char **argv, json_t *args)
{
	(void)args;
	if (argc == 0)
		return 0;
	return cli_opt_error(cmd, "unexpected argument", argv[0], "");
}

/* At most one word, sent as args[key]. */
static int
cli_args_word(const struct cli_cmd *cmd, int argc, char **argv, json_t *args,
    const char *key)
{
	json_t *s;

	if (argc > 1) {
		fprintf(stderr, "secmonctl: usage: %s\n", cmd->usage);
		return -1;
	}
	if (argc == 1) {
		if ((s = json_string(argv[0])) == NULL) {
			fprintf(stderr, "secmonctl: %s is not UTF-8\n", key);
			return -1;
		}
		json_object_set_new(args, key, s);
	}
	return 0;
}

/* poll [source] */
static int
cli_args_poll(const struct cli_cmd *cmd, int argc, char **argv, json_t *args)
{
	return cli_args_word(cmd, argc, argv, args, "source");
}

/* test-alert [sink] */
static int
cli_args_sink(const struct cli_cmd *cmd, int argc, char **argv, json_t *args)
{
	return cli_args_word(cmd, argc, argv, args, "sink");
}

/* silence add: kind=, severity=, account=, region=, subject= words. */
static int
cli_args_matchers(
    const struct cli_cmd *cmd, int argc, char **argv, json_t *args)
{
	static const char *const keys[] = { "kind", "severity", "account",
		"region", "subject", NULL };
	char *eq;
	size_t k;
	int i;

	for (i = 0; i < argc; i++) {
		eq = strchr(argv[i], '=');
		for (k = 0; eq != NULL && keys[k] != NULL; k++)
			if (strncmp(argv[i], keys[k], (size_t)(eq - argv[i])) ==
				0 &&
			    strlen(keys[k]) == (size_t)(eq - argv[i]))
				break;
		if (eq == NULL || keys[k] == NULL || eq[1] == '\0' ||
		    json_object_set_new(args, keys[k], json_string(eq + 1)) ==
			-1) {
			fprintf(stderr,
			    "secmonctl: bad matcher '%s'\nusage: %s\n", argv[i],
			    cmd->usage);
			return -1;
		}
	}
	if (argc == 0) {
		fprintf(stderr, "secmonctl: usage: %s\n", cmd->usage);
		return -1;
	}
	return 0;
}

/* silence expire ID */
static int
cli_args_id(const struct cli_cmd *cmd, int argc, char **argv, json_t *args)
{
	char *end;
	long long id;

	if (argc != 1 || (id = strtoll(argv[0], &end, 10)) <= 0 ||
	    *end != '\0') {
		fprintf(stderr, "secmonctl: usage: %s\n", cmd->usage);
		return -1;
	}
	json_object_set_new(args, "id", json_integer(id));
	return 0;
}

/* name=string or name:=json (a value of any JSON type). */
static int
cli_args_generic(const struct cli_cmd *cmd, int argc, char **argv, json_t *args)
{
	json_error_t jerr;
	char *eq, *name;
	json_t *v;
	int i;

	(void)cmd;
	for (i = 0; i < argc; i++) {
		if ((eq = strchr(argv[i], '=')) == NULL || eq == argv[i]) {
			fprintf(stderr,
			    "secmonctl: '%s': expected name=value "
			    "or name:=json\n",
			    argv[i]);
			return -1;
		}
		if (eq[-1] == ':') {
			name = xstrndup(argv[i], (size_t)(eq - 1 - argv[i]));
			v = json_loads(eq + 1, JSON_DECODE_ANY, &jerr);
		} else {
			name = xstrndup(argv[i], (size_t)(eq - argv[i]));
			v = json_string(eq + 1);
		}
		if (v == NULL || json_object_set_new(args, name, v) != 0) {
			fprintf(stderr, "secmonctl: '%s': bad value\n", name);
			free(name);
			return -1;
		}
		free(name);
	}
	return 0;
}

/* Milliseconds left until deadline (a sm_mono_ms value), at least 0. */
static int
cli_left(uint64_t deadline)
{
	uint64_t now = sm_mono_ms();

	return now >= deadline ? 0 : (int)(deadline - now);
}

/* Wait for events on fd until deadline; 0 when ready, -1 (said) if not. */
static int
cli_wait(int fd, short events, uint64_t deadline)
{
	struct pollfd pfd = { fd, events, 0 };
	int n;

	for (;;) {
		n = poll(&pfd, 1, cli_left(deadline));
		if (n > 0)
			return 0;
		if (n == 0) {
			cli_fail(
			    "no answer within %d s", CLI_TIMEOUT_MS / 1000);
			return -1;
		}
		if (errno != EINTR) {
			cli_fail("poll: %s", strerror(errno));
			return -1;
		}
	}
}

static int
cli_connect(uint64_t deadline)
{
	struct sockaddr_un sun;
	const char *hint = "";
	int fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	strlcpy(sun.sun_path, cli_socket, sizeof sun.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1) {
		cli_fail("socket: %s", strerror(errno));
		return -1;
	}
	/* A full backlog says EAGAIN, not EINPROGRESS: retry until due. */
	while (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN && cli_left(deadline) > 0) {
			poll(NULL, 0, CLI_RETRY_MS);
			continue;
		}
		if (errno == ENOENT || errno == ECONNREFUSED)
			hint = " (is secmond running?)";
		else if (errno == EACCES)
			hint = " (is this user in the socket's group?)";
		cli_fail("connect: %s%s", strerror(errno), hint);
		close(fd);
		return -1;
	}
	return fd;
}

/* Send buf; 0 when sent, 1 if the daemon closed first, -1 (said) on error. */
static int
cli_send(int fd, const char *buf, size_t len, uint64_t deadline)
{
	ssize_t n;

	while (len > 0) {
		if (cli_wait(fd, POLLOUT, deadline) != 0)
			return -1;
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == EPIPE || errno == ECONNRESET)
				return 1; /* closed: its reply may be in */
			cli_fail("send: %s", strerror(errno));
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read one line (without its newline) into *out (caller frees). */
static int
cli_recv(int fd, char **out, size_t *outlen, uint64_t deadline)
{
	size_t len = 0, size = 4096;
	char *buf = xmalloc(size), *nl;
	ssize_t n;

	for (;;) {
		if (cli_wait(fd, POLLIN, deadline) != 0)
			break;
		n = recv(fd, buf + len, size - len, 0);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n == -1) {
			cli_fail("recv: %s", strerror(errno));
			break;
		}
		if (n == 0) {
			cli_fail("connection closed %s",
			    len == 0 ? "without a reply" : "inside the reply");
			break;
		}
		if ((nl = memchr(buf + len, '\n', (size_t)n)) != NULL) {
			*outlen = (size_t)(nl - buf);
			*out = buf;
			return 0;
		}
		len += (size_t)n;
		if (len == size) {
			if (size >= CTL_MAX_REPLY) {
				cli_fail("reply longer than %u bytes",
				    CTL_MAX_REPLY);
				break;
			}
			size *= 2;
			buf = xreallocarray(buf, 1, size);
		}
	}
	free(buf);
	return -1;
}

/* Send req (len bytes, newline included); the reply or NULL (said why). */
static json_t *
cli_exchange(const char *req, size_t len)
{
	uint64_t deadline = sm_mono_ms() + CLI_TIMEOUT_MS;
	json_error_t jerr;
	json_t *reply = NULL;
	size_t n;
	char *line;
	int fd;

	if ((fd = cli_connect(deadline)) == -1)
		return NULL;
	if (cli_send(fd, req, len, deadline) >= 0 &&
	    cli_recv(fd, &line, &n, deadline) == 0) {
		reply = json_loadb(line, n, JSON_REJECT_DUPLICATES, &jerr);
		if (reply == NULL)
			cli_fail("malformed reply: %s", jerr.text);
		free(line);
	}
	close(fd);
	return reply;
}

/* The request line for cmd and args (consumed), newline included. */
static char *
cli_request(const struct cli_cmd *cmd, json_t *args, size_t *len)
{
	json_t *request;
	char *req;

	request = json_pack("{s:i, s:s, s:o}", "v", CTL_VERSION, "cmd",
	    cmd->name, "args", args);
	if (request == NULL ||
	    (req = json_dumps(request, JSON_COMPACT)) == NULL)
		abort();
	json_decref(request);
	*len = strlen(req);
	req[(*len)++] = '\n'; /* in place of the NUL */
	if (*len > CTL_MAX_LINE) {
		fprintf(stderr, "secmonctl: request longer than %u bytes\n",
		    CTL_MAX_LINE);
		free(req);
		return NULL;
	}
	return req;
}

/* Is reply {"ok":true,"data":{}} or {"ok":false,"error":{code,message}}? */
static int
cli_reply_ok(json_t *reply)
{
	json_t *ok = json_object_get(reply, "ok"), *e;

	if (!json_is_object(reply) || !json_is_boolean(ok))
		return 0;
	if (json_is_true(ok))
		return json_is_object(json_object_get(reply, "data"));
	e = json_object_get(reply, "error");
	return json_is_string(json_object_get(e, "code")) &&
	    json_is_string(json_object_get(e, "message"));
}

/* The daemon's commands; those secmonctl knows with their options. */
static void
cli_render_help(const char *socket, json_t *data)
{
	json_t *cmds = json_object_get(data, "commands"), *c;
	char *usage, *help, *line, *path = cli_escape(socket);
	const struct cli_cmd *known;
	const char *name;
	size_t i;

	cli_usage(stdout);
	printf("\ncommands of the secmond at %s:\n", path);
	free(path);
	json_array_foreach(cmds, i, c)
	{
		name = json_string_value(json_object_get(c, "name"));
		known = name != NULL ? cli_find(name) : NULL;
		usage =
		    known != NULL ? xstrdup(known->usage) : cli_str(c, "usage");
		help = cli_str(c, "help");
		xasprintf(&line, "%s%s", help != NULL ? help : "",
		    json_is_true(json_object_get(c, "admin")) ? " (admin)"
							      : "");
		cli_help_line(usage != NULL ? usage : "-", line);
		free(usage);
		free(help);
		free(line);
	}
}

/* Print the reply: data or error, for people or as JSON. Exit status. */
static int
cli_print(const struct cli_cmd *cmd, json_t *reply, int as_json)
{
	json_t *error = json_object_get(reply, "error"), *out;
	char *code, *msg;

	if (as_json) {
		if (json_is_true(json_object_get(reply, "ok")))
			out = json_incref(json_object_get(reply, "data"));
		else
			out = json_pack("{s:O}", "error", error);
		json_dumpf(out, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
		putchar('\n');
		json_decref(out);
	} else if (json_is_true(json_object_get(reply, "ok")))
		cmd->render(cli_socket, json_object_get(reply, "data"));
	else {
		code = cli_str(error, "code");
		msg = cli_str(error, "message");
		fprintf(
		    stderr, "secmonctl: %s: %s: %s\n", cmd->name, code, msg);
		free(code);
		free(msg);
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "secmonctl: stdout: %s\n", strerror(errno));
		return CLI_EXIT_ERROR;
	}
	return json_is_true(json_object_get(reply, "ok")) ? CLI_EXIT_OK
							  : CLI_EXIT_ERROR;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_cmd *cmd;
	json_t *args, *reply;
	int ch, as_json = 0, rc;
	size_t len;
	static char silence_cmd[64];
	char *req;

	while ((ch = getopt_long(argc, argv, "+s:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			cli_socket = optarg;
			break;
		case 'j':
			as_json = 1;
			break;
		case 'h':
			cli_help();
			return CLI_EXIT_OK;
		case 'V':
			printf("secmonctl %s (control protocol %d)\n",
			    SECMON_VERSION, CTL_VERSION);
			return CLI_EXIT_OK;
		default:
			cli_usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	setlocale(LC_CTYPE, "");
	cli_utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if (argc == 0) {
		cli_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	/* "calendar" is computed here: no socket. */
	if (strcmp(argv[0], "calendar") == 0)
		return cli_calendar(argc, argv, as_json);
	/* "silence add|list|expire" is the daemon's silence-add|list|expire. */
	if (strcmp(argv[0], "silence") == 0 && argc >= 2) {
		snprintf(
		    silence_cmd, sizeof silence_cmd, "silence-%s", argv[1]);
		argv[1] = silence_cmd;
		argc--;
		argv++;
	}
	if ((cmd = cli_find(argv[0])) == NULL) {
		cli_generic.name = argv[0];
		cmd = &cli_generic;
	}
	if (cli_socket == NULL &&
	    (cli_socket = getenv("SECMOND_SOCKET")) != NULL &&
	    *cli_socket == '\0')
		cli_socket = NULL;
	if (cli_socket == NULL)
		cli_socket = CONF_DEFAULT_SOCKET;
	if (*cli_socket == '\0' ||
	    strlen(cli_socket) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		cli_fail("socket path empty or too long");
		return CLI_EXIT_USAGE;
	}

	args = json_object();
	argc--;
	argv++;
	if (cmd != &cli_generic &&
	    (argc = cli_opts(cmd, argc, argv, args, &as_json)) == -1) {
		json_decref(args);
		return CLI_EXIT_USAGE;
	}
	if (cmd->args(cmd, argc, argv, args) != 0) {
		json_decref(args);
		return CLI_EXIT_USAGE;
	}
	if ((req = cli_request(cmd, args, &len)) == NULL)
		return CLI_EXIT_USAGE;
	reply = cli_exchange(req, len);
	free(req);
	if (reply == NULL)
		return CLI_EXIT_CONNECT;
	if (!cli_reply_ok(reply)) {
		cli_fail("malformed reply");
		json_decref(reply);
		return CLI_EXIT_CONNECT;
	}
	rc = cli_print(cmd, reply, as_json);
	json_decref(reply);
	return rc;
}
