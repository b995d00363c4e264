/*
 * test_ctl.c: the control protocol's dispatcher (lib/ctl/ctl.c) against a
 * table of fake commands, and the socket server (daemon/control.c) on a
 * temporary socket, driven with event_base_loop(EVLOOP_NONBLOCK) between
 * steps: no sleeps, every wait bounded.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>
#include <jansson.h>

#include "../../daemon/control.h"
#include "ctl.h"
#include "log.h"
#include "util.h"

#define PUMP_ROUNDS 2000 /* loop iterations a socket step may take */

/* The fake table: a read-only command with args, an admin one, two bad. */

static const struct ctl_arg t_get_args[] = {
	{ "name", CTL_ARG_STRING, 1 },
	{ "count", CTL_ARG_INT, 0 },
	{ "ratio", CTL_ARG_NUMBER, 0 },
	{ "all", CTL_ARG_BOOL, 0 },
	{ NULL, CTL_ARG_STRING, 0 },
};

static int t_exec_calls;

static enum ctl_ret
t_get_exec(struct ctl_ctx *ctx, const struct ctl_peer *peer, json_t *args,
    json_t **data, struct sm_err *err)
{
	const char *name = json_string_value(json_object_get(args, "name"));
	json_t *count = json_object_get(args, "count");

	(void)ctx;
	(void)peer;
	t_exec_calls++;
	if (strcmp(name, "missing") == 0) {
		sm_err_set(err, "not_found", "no thing called %s", name);
		return CTL_ERROR;
	}
	*data = json_pack("{s:s, s:I}", "name", name, "count",
	    count != NULL ? json_integer_value(count) : (json_int_t)-1);
	return CTL_DONE;
}

static const struct ctl_cmd t_get = {
	.name = "get",
	.usage = "get name [count]",
	.help = "fetch a thing",
	.args = t_get_args,
	.flags = 0,
	.exec = t_get_exec,
};

static enum ctl_ret
t_set_exec(struct ctl_ctx *ctx, const struct ctl_peer *peer, json_t *args,
    json_t **data, struct sm_err *err)
{
	(void)ctx;
	(void)args;
	(void)err;
	t_exec_calls++;
	*data = json_pack("{s:b, s:i}", "done", 1, "uid", (int)peer->uid);
	return CTL_DONE;
}

static const struct ctl_cmd t_set = {
	.name = "set",
	.usage = "set",
	.help = "change a thing",
	.args = NULL,
	.flags = CTL_ADMIN,
	.exec = t_set_exec,
};

static enum ctl_ret
t_array_exec(struct ctl_ctx *ctx, const struct ctl_peer *peer, json_t *args,
    json_t **data, struct sm_err *err)
{
	(void)ctx;
	(void)peer;
	(void)args;
	(void)err;
	*data = json_array();
	return CTL_DONE;
}

static const struct ctl_cmd t_array = {
	.name = "array",
	.exec = t_array_exec,
};

static enum ctl_ret
t_silent_exec(struct ctl_ctx *ctx, const struct ctl_peer *peer, json_t *args,
    json_t **data, struct sm_err *err)
{
	(void)ctx;
	(void)peer;
	(void)args;
	(void)data;
	(void)err;
	return CTL_ERROR;
}

static const struct ctl_cmd t_silent = {
	.name = "silent",
	.exec = t_silent_exec,
};

/* help as ctl-help.c does it, but of the table being run. */
static enum ctl_ret
t_help_exec(struct ctl_ctx *ctx, const struct ctl_peer *peer, json_t *args,
    json_t **data, struct sm_err *err)
{
	(void)peer;
	(void)args;
	(void)err;
	*data = json_pack("{s:o}", "commands", ctl_help_json(ctx->table));
	return CTL_DONE;
}

static const struct ctl_cmd t_help = {
	.name = "help",
	.usage = "help",
	.help = "list the commands",
	.exec = t_help_exec,
};

static const struct ctl_cmd *const t_table[] = {
	&t_get,
	&t_set,
	&t_array,
	&t_silent,
	&t_help,
	NULL,
};

static struct ctl_ctx t_ctx;

/* Dispatchers and checks. */

static json_t *
run_n(const char *line, size_t len, int admin)
{
	struct ctl_peer peer = { 1000, 1000, 42, admin };
	json_t *reply;

	reply = ctl_dispatch(t_table, &t_ctx, &peer, line, len);
	assert_non_null(reply);
	return reply;
}

static json_t *
run(const char *line)
{
	return run_n(line, strlen(line), 0);
}

/* reply is exactly {"ok":false,"error":{"code":code,"message":"..."}}. */
static void
check_error(json_t *reply, const char *code)
{
	json_t *error = json_object_get(reply, "error");

	assert_int_equal(json_object_size(reply), 2);
	assert_true(json_is_false(json_object_get(reply, "ok")));
	assert_true(json_is_object(error));
	assert_int_equal(json_object_size(error), 2);
	assert_string_equal(
	    json_string_value(json_object_get(error, "code")), code);
	assert_true(json_is_string(json_object_get(error, "message")));
	assert_true(
	    strlen(json_string_value(json_object_get(error, "message"))) > 0);
}

static void
expect_error(const char *line, const char *code)
{
	json_t *reply = run(line);

	check_error(reply, code);
	json_decref(reply);
}

/* reply is exactly {"ok":true,"data":{...}}; returns data (borrowed). */
static json_t *
check_ok(json_t *reply)
{
	assert_int_equal(json_object_size(reply), 2);
	assert_true(json_is_true(json_object_get(reply, "ok")));
	assert_true(json_is_object(json_object_get(reply, "data")));
	return json_object_get(reply, "data");
}

static const char *
error_message(json_t *reply)
{
	return json_string_value(
	    json_object_get(json_object_get(reply, "error"), "message"));
}

static void
test_good(void **state)
{
	json_t *reply, *data;

	(void)state;
	reply = run("{\"v\":1,\"cmd\":\"get\",\"args\":{\"name\":\"x\"}}");
	data = check_ok(reply);
	assert_string_equal(
	    json_string_value(json_object_get(data, "name")), "x");
	assert_int_equal(
	    json_integer_value(json_object_get(data, "count")), -1);
	json_decref(reply);

	reply = run(" {\"cmd\":\"get\",\"v\":1,\"args\":{\"count\":7,"
		    "\"name\":\"y\",\"ratio\":0.5,\"all\":true}} \r\n");
	data = check_ok(reply);
	assert_int_equal(json_integer_value(json_object_get(data, "count")), 7);
	json_decref(reply);

	/* An int is a number; no args at all is fine with none required. */
	reply = run("{\"v\":1,\"cmd\":\"get\",\"args\":{\"name\":\"z\","
		    "\"ratio\":2}}");
	check_ok(reply);
	json_decref(reply);
	reply = run("{\"v\":1,\"cmd\":\"help\"}");
	check_ok(reply);
	json_decref(reply);
}

static void
test_malformed(void **state)
{
	static const char nul[] = "{\"v\":1,\"cmd\":\"get\0\"}";
	static const char bad_utf8[] = "{\"v\":1,\"cmd\":\"g\xc3\x28\"}";
	static const char overlong[] = "{\"v\":1,\"cmd\":\"\xc0\xaf\"}";
	json_t *reply;

	(void)state;
	t_exec_calls = 0;
	expect_error("", "bad_json");
	expect_error("not json", "bad_json");
	expect_error("{\"v\":1,\"cmd\":", "bad_json");
	expect_error("[1,2]", "bad_request");
	expect_error("\"status\"", "bad_request");
	expect_error("17", "bad_request");
	expect_error("null", "bad_request");

	reply = run_n(nul, sizeof nul - 1, 1);
	check_error(reply, "bad_json");
	json_decref(reply);
	reply = run_n(bad_utf8, sizeof bad_utf8 - 1, 1);
	check_error(reply, "bad_json");
	json_decref(reply);
	reply = run_n(overlong, sizeof overlong - 1, 1);
	check_error(reply, "bad_json");
	json_decref(reply);
	expect_error("{\"v\":1,\"cmd\":\"get\\u0000\"}", "bad_json");

	expect_error("{\"cmd\":\"get\"}", "bad_version");
	expect_error("{\"v\":2,\"cmd\":\"get\"}", "bad_version");
	expect_error("{\"v\":\"1\",\"cmd\":\"get\"}", "bad_version");
	expect_error("{\"v\":1.0,\"cmd\":\"get\"}", "bad_version");
	expect_error("{\"v\":null,\"cmd\":\"get\"}", "bad_version");
	reply = run("{\"v\":2,\"cmd\":\"get\"}");
	assert_non_null(strstr(error_message(reply), "version 1"));
	json_decref(reply);

	expect_error("{\"v\":1}", "bad_request");
	expect_error("{\"v\":1,\"cmd\":7}", "bad_request");
	expect_error("{\"v\":1,\"cmd\":null}", "bad_request");
	expect_error("{\"v\":1,\"cmd\":\"get\",\"args\":[]}", "bad_request");
	expect_error(
	    "{\"v\":1,\"cmd\":\"get\",\"args\":\"name=x\"}", "bad_request");
	expect_error(
	    "{\"v\":1,\"cmd\":\"get\",\"id\":3,\"args\":{}}", "bad_request");
	expect_error("{\"v\":1,\"v\":1,\"cmd\":\"get\"}", "bad_json");
	expect_error("{\"v\":1,\"cmd\":\"get\",\"args\":{\"name\":\"a\","
		     "\"name\":\"b\"}}",
	    "bad_json");
	expect_error("{\"v\":1,\"cmd\":\"get\"} x", "bad_json");
	expect_error("{\"v\":1,\"cmd\":\"get\"}{}", "bad_json");
	assert_int_equal(t_exec_calls, 0);
}

static void
test_unknown_and_args(void **state)
{
	json_t *reply;

	(void)state;
	t_exec_calls = 0;
	reply = run("{\"v\":1,\"cmd\":\"frobnicate\"}");
	check_error(reply, "unknown_command");
	assert_non_null(strstr(error_message(reply), "frobnicate"));
	assert_non_null(strstr(error_message(reply), "help"));
	json_decref(reply);
	/* Exact names only: no prefixes, no case folding. */
	expect_error("{\"v\":1,\"cmd\":\"ge\"}", "unknown_command");
	expect_error("{\"v\":1,\"cmd\":\"GET\"}", "unknown_command");
	expect_error("{\"v\":1,\"cmd\":\"\"}", "unknown_command");

	expect_error("{\"v\":1,\"cmd\":\"get\"}", "bad_args");
	expect_error("{\"v\":1,\"cmd\":\"get\",\"args\":{}}", "bad_args");
	reply = run("{\"v\":1,\"cmd\":\"get\",\"args\":{\"name\":\"x\","
		    "\"colour\":1}}");
	check_error(reply, "bad_args");
	assert_non_null(strstr(error_message(reply), "colour"));
	json_decref(reply);
	expect_error(
	    "{\"v\":1,\"cmd\":\"get\",\"args\":{\"name\":1}}", "bad_args");
	expect_error(
	    "{\"v\":1,\"cmd\":\"get\",\"args\":{\"name\":null}}", "bad_args");
	expect_error("{\"v\":1,\"cmd\":\"get\",\"args\":{\"name\":\"x\","
		     "\"count\":\"7\"}}",
	    "bad_args");
	expect_error("{\"v\":1,\"cmd\":\"get\",\"args\":{\"name\":\"x\","
		     "\"count\":1.5}}",
	    "bad_args");
	expect_error("{\"v\":1,\"cmd\":\"get\",\"args\":{\"name\":\"x\","
		     "\"all\":1}}",
	    "bad_args");
	expect_error(
	    "{\"v\":1,\"cmd\":\"help\",\"args\":{\"x\":1}}", "bad_args");
	assert_int_equal(t_exec_calls, 0);
}

static void
test_huge(void **state)
{
	const char *head = "{\"v\":1,\"cmd\":\"get\",\"args\":{\"name\":\"";
	const char *tail = "\"}}";
	size_t len = CTL_MAX_LINE - 1, fill;
	json_t *reply, *data;
	char *line;

	(void)state;
	/* The longest line allowed (its newline makes CTL_MAX_LINE). */
	line = xmalloc(CTL_MAX_LINE + 2);
	fill = len - strlen(head) - strlen(tail);
	memcpy(line, head, strlen(head));
	memset(line + strlen(head), 'a', fill);
	memcpy(line + strlen(head) + fill, tail, strlen(tail));
	reply = run_n(line, len, 0);
	data = check_ok(reply);
	assert_int_equal(
	    strlen(json_string_value(json_object_get(data, "name"))), fill);
	json_decref(reply);

	/* One more byte is too large, even though it is valid JSON. */
	memmove(line + 1, line, len);
	line[0] = ' ';
	reply = run_n(line, len + 1, 0);
	check_error(reply, "request_too_large");
	assert_true(ctl_reply_closes(reply));
	json_decref(reply);

	/* A long unknown name is quoted back cut, as valid UTF-8. */
	snprintf(line, CTL_MAX_LINE, "{\"v\":1,\"cmd\":\"");
	fill = strlen(line);
	for (len = 0; len < 1000; len++)
		memcpy(line + fill + 2 * len, "\xc3\xa9", 2);
	strcpy(line + fill + 2000, "\"}");
	reply = run(line);
	check_error(reply, "unknown_command");
	assert_true(strlen(error_message(reply)) < 200);
	assert_non_null(strstr(error_message(reply), "..."));
	json_decref(reply);
	free(line);
}

static void
test_admin(void **state)
{
	const char *line = "{\"v\":1,\"cmd\":\"set\"}";
	json_t *reply;

	(void)state;
	t_exec_calls = 0;
	reply = run_n(line, strlen(line), 0);
	check_error(reply, "permission_denied");
	assert_false(ctl_reply_closes(reply));
	json_decref(reply);
	assert_int_equal(t_exec_calls, 0);

	/* Bad args are reported before authority. */
	reply = run_n("{\"v\":1,\"cmd\":\"set\",\"args\":{\"x\":1}}",
	    strlen("{\"v\":1,\"cmd\":\"set\",\"args\":{\"x\":1}}"), 0);
	check_error(reply, "bad_args");
	json_decref(reply);

	reply = run_n(line, strlen(line), 1);
	assert_true(json_is_true(json_object_get(check_ok(reply), "done")));
	json_decref(reply);
	assert_int_equal(t_exec_calls, 1);

	/* The read-only command works for anyone. */
	reply = run_n("{\"v\":1,\"cmd\":\"get\",\"args\":{\"name\":\"a\"}}",
	    strlen("{\"v\":1,\"cmd\":\"get\",\"args\":{\"name\":\"a\"}}"), 0);
	check_ok(reply);
	json_decref(reply);
}

static void
test_handler_errors(void **state)
{
	json_t *reply;

	(void)state;
	reply =
	    run("{\"v\":1,\"cmd\":\"get\",\"args\":{\"name\":\"missing\"}}");
	check_error(reply, "not_found");
	assert_string_equal(error_message(reply), "no thing called missing");
	assert_false(ctl_reply_closes(reply));
	json_decref(reply);

	expect_error("{\"v\":1,\"cmd\":\"array\"}", "internal");
	expect_error("{\"v\":1,\"cmd\":\"silent\"}", "internal");

	/* A message that is not valid UTF-8 still makes a reply. */
	reply = ctl_error_reply("x", "bad \xff byte");
	assert_string_equal(error_message(reply), "bad ? byte");
	json_decref(reply);
	reply = ctl_error_reply(NULL, NULL);
	check_error(reply, "internal");
	json_decref(reply);
	reply = ctl_error_reply("", "");
	check_error(reply, "internal");
	json_decref(reply);
}

static void
test_closes(void **state)
{
	static const char *const closing[] = { "bad_json", "bad_request",
		"bad_version", "request_too_large" };
	static const char *const open[] = { "unknown_command", "bad_args",
		"permission_denied", "busy", "not_found" };
	json_t *reply;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof closing / sizeof closing[0]; i++) {
		reply = ctl_error_reply(closing[i], "m");
		assert_true(ctl_reply_closes(reply));
		json_decref(reply);
	}
	for (i = 0; i < sizeof open / sizeof open[0]; i++) {
		reply = ctl_error_reply(open[i], "m");
		assert_false(ctl_reply_closes(reply));
		json_decref(reply);
	}
	reply = ctl_ok_reply(NULL);
	assert_false(ctl_reply_closes(reply));
	check_ok(reply);
	json_decref(reply);
}

static void
test_help(void **state)
{
	json_t *help, *e, *reply, *data, *args;

	(void)state;
	help = ctl_help_json(t_table);
	assert_true(json_is_array(help));
	assert_int_equal(json_array_size(help), 5);
	e = json_array_get(help, 0);
	assert_string_equal(
	    json_string_value(json_object_get(e, "name")), "get");
	assert_string_equal(
	    json_string_value(json_object_get(e, "usage")), "get name [count]");
	assert_string_equal(
	    json_string_value(json_object_get(e, "help")), "fetch a thing");
	assert_true(json_is_false(json_object_get(e, "admin")));
	args = json_object_get(e, "args");
	assert_int_equal(json_array_size(args), 4);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(args, 1), "type")),
	    "int");
	assert_true(
	    json_is_true(json_object_get(json_array_get(args, 0), "required")));
	e = json_array_get(help, 1);
	assert_true(json_is_true(json_object_get(e, "admin")));
	/* No usage: the name. */
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(help, 2), "usage")),
	    "array");
	json_decref(help);

	reply = run("{\"v\":1,\"cmd\":\"help\",\"args\":{}}");
	data = check_ok(reply);
	assert_int_equal(json_array_size(json_object_get(data, "commands")), 5);
	json_decref(reply);

	assert_ptr_equal(ctl_find(t_table, "set"), &t_set);
	assert_null(ctl_find(t_table, "se"));
	assert_null(ctl_find(t_table, "sets"));
	assert_null(ctl_find(NULL, "set"));
}

/* The server, over a real socket. */

struct srv {
	char dir[64];
	char path[128];
	struct event_base *base;
	struct control *ctl;
};

static void
pump(struct srv *s)
{
	int i;

	for (i = 0; i < 8; i++)
		event_base_loop(s->base, EVLOOP_NONBLOCK);
}

/* Connect without running the loop. */
static int
cli_connect_raw(struct srv *s)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	strlcpy(sun.sun_path, s->path, sizeof sun.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof sun), 0);
	return fd;
}

static int
cli_connect(struct srv *s)
{
	int fd = cli_connect_raw(s);

	pump(s);
	return fd;
}

/* Send all of buf, running the loop while the socket is full. */
static void
cli_send(struct srv *s, int fd, const char *buf, size_t len)
{
	ssize_t n;
	int i;

	for (i = 0; len > 0 && i < PUMP_ROUNDS; i++) {
		n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			buf += n;
			len -= n;
		} else
			assert_true(n == -1 && errno == EAGAIN);
		pump(s);
	}
	assert_int_equal(len, 0);
}

/* What each client fd has read past its last reply line. */
static struct {
	char *data;
	size_t len;
} cli_bufs[1024];

/* Read one reply line; NULL if the server closed first. */
static json_t *
cli_reply(struct srv *s, int fd)
{
	static char chunk[65536];
	json_error_t jerr;
	json_t *reply;
	size_t *len;
	char **data, *nl;
	ssize_t n;
	int i;

	assert_true(
	    fd >= 0 && (size_t)fd < sizeof cli_bufs / sizeof cli_bufs[0]);
	data = &cli_bufs[fd].data;
	len = &cli_bufs[fd].len;
	for (i = 0; i < PUMP_ROUNDS; i++) {
		if (*len > 0 && (nl = memchr(*data, '\n', *len)) != NULL) {
			reply = json_loadb(*data, nl - *data, 0, &jerr);
			assert_non_null(reply);
			*len -= nl + 1 - *data;
			memmove(*data, nl + 1, *len);
			return reply;
		}
		pump(s);
		n = recv(fd, chunk, sizeof chunk, MSG_DONTWAIT);
		if (n == 0 || (n == -1 && errno == ECONNRESET))
			return NULL;
		if (n == -1) {
			assert_int_equal(errno, EAGAIN);
			continue;
		}
		assert_true(*len + n <= CTL_MAX_REPLY);
		*data = xreallocarray(*data, 1, *len + n);
		memcpy(*data + *len, chunk, n);
		*len += n;
		i = 0;
	}
	fail_msg("no reply");
	return NULL;
}

/* Close fd and forget what it had read. */
static void
cli_close(int fd)
{
	free(cli_bufs[fd].data);
	cli_bufs[fd].data = NULL;
	cli_bufs[fd].len = 0;
	close(fd);
}

/* Has the server closed fd (EOF or reset, nothing unread)? */
static int
cli_closed(struct srv *s, int fd)
{
	char c;
	ssize_t n;
	int i;

	if (cli_bufs[fd].len > 0)
		return 0;
	for (i = 0; i < PUMP_ROUNDS; i++) {
		pump(s);
		n = recv(fd, &c, 1, MSG_DONTWAIT);
		if (n == 0 || (n == -1 && errno == ECONNRESET))
			return 1;
		if (n == 1)
			return 0;
	}
	return 0;
}

static void
cli_expect_ok(struct srv *s, int fd)
{
	static const char req[] =
	    "{\"v\":1,\"cmd\":\"get\",\"args\":{\"name\":\"n\"}}\n";
	json_t *reply;

	cli_send(s, fd, req, sizeof req - 1);
	reply = cli_reply(s, fd);
	assert_non_null(reply);
	assert_string_equal(
	    json_string_value(json_object_get(check_ok(reply), "name")), "n");
	json_decref(reply);
}

static void
cli_expect_error(struct srv *s, int fd, const char *code)
{
	json_t *reply = cli_reply(s, fd);

	assert_non_null(reply);
	check_error(reply, code);
	json_decref(reply);
}

static int
srv_setup(void **state)
{
	struct srv *s = xcalloc(1, sizeof *s);
	struct sm_err err;

	strlcpy(s->dir, "/tmp/secmond-test-ctl-XXXXXX", sizeof s->dir);
	assert_non_null(mkdtemp(s->dir));
	snprintf(s->path, sizeof s->path, "%s/control.sock", s->dir);
	s->base = event_base_new();
	assert_non_null(s->base);
	s->ctl = control_new(s->base, s->path, 0600, "nonexistent-group-x",
	    t_table, &t_ctx, &err);
	if (s->ctl == NULL)
		fail_msg("control_new: %s: %s", err.code, err.msg);
	*state = s;
	return 0;
}

static int
srv_teardown(void **state)
{
	struct srv *s = *state;

	control_free(s->ctl);
	event_base_free(s->base);
	unlink(s->path);
	rmdir(s->dir);
	free(s);
	return 0;
}

static void
test_srv_basic(void **state)
{
	static const char two[] =
	    "{\"v\":1,\"cmd\":\"get\",\"args\":{\"name\":\"missing\"}}\n\n"
	    "{\"v\":1,\"cmd\":\"set\"}\r\n";
	struct srv *s = *state;
	struct stat st;
	json_t *reply;
	int fd;

	assert_int_equal(lstat(s->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);

	fd = cli_connect(s);
	assert_int_equal(control_nclients(s->ctl), 1);
	cli_expect_ok(s, fd);

	/* Two requests in one write (and a blank line): two replies. The
	 * test runs as the daemon's uid, so it is an admin. */
	cli_send(s, fd, two, sizeof two - 1);
	cli_expect_error(s, fd, "not_found");
	reply = cli_reply(s, fd);
	assert_non_null(reply);
	assert_true(json_is_true(json_object_get(check_ok(reply), "done")));
	json_decref(reply);

	/* A well-formed error keeps the session. */
	cli_send(s, fd, "{\"v\":1,\"cmd\":\"nope\"}\n", 21);
	cli_expect_error(s, fd, "unknown_command");
	cli_expect_ok(s, fd);

	/* Garbage: an error, then the server closes. */
	cli_send(s, fd, "hello\n", 6);
	cli_expect_error(s, fd, "bad_json");
	assert_true(cli_closed(s, fd));
	cli_close(fd);
	pump(s);
	assert_int_equal(control_nclients(s->ctl), 0);

	/* A wrong version closes too. */
	fd = cli_connect(s);
	cli_send(s, fd, "{\"v\":9,\"cmd\":\"get\"}\n", 20);
	cli_expect_error(s, fd, "bad_version");
	assert_true(cli_closed(s, fd));
	cli_close(fd);
}

static void
test_srv_sizes(void **state)
{
	const char *head = "{\"v\":1,\"cmd\":\"get\",\"args\":{\"name\":\"";
	struct srv *s = *state;
	size_t fill;
	char *line;
	int fd;

	/* Exactly CTL_MAX_LINE bytes with the newline: answered. */
	line = xmalloc(CTL_MAX_LINE + 64);
	fill = CTL_MAX_LINE - strlen(head) - strlen("\"}}\n");
	memcpy(line, head, strlen(head));
	memset(line + strlen(head), 'b', fill);
	memcpy(line + strlen(head) + fill, "\"}}\n", 4);
	fd = cli_connect(s);
	cli_send(s, fd, line, CTL_MAX_LINE);
	json_decref(cli_reply(s, fd));
	cli_expect_ok(s, fd);

	/* One byte more: request_too_large, then closed. */
	memset(line, ' ', CTL_MAX_LINE + 64);
	cli_send(s, fd, line, CTL_MAX_LINE + 1);
	cli_expect_error(s, fd, "request_too_large");
	assert_true(cli_closed(s, fd));
	cli_close(fd);

	/* A request ended by shutdown() rather than a newline. */
	fd = cli_connect(s);
	cli_send(s, fd, "{\"v\":1,\"cmd\":\"help\"}", 20);
	assert_int_equal(shutdown(fd, SHUT_WR), 0);
	json_decref(cli_reply(s, fd));
	assert_true(cli_closed(s, fd));
	cli_close(fd);
	free(line);
	pump(s);
	assert_int_equal(control_nclients(s->ctl), 0);
}

static void
test_srv_busy(void **state)
{
	struct srv *s = *state;
	int fds[CTL_MAX_CLIENTS + 1], i, extra;

	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		fds[i] = cli_connect(s);
	assert_int_equal(control_nclients(s->ctl), CTL_MAX_CLIENTS);

	/* One too many: told busy and closed, having sent a request... */
	extra = cli_connect_raw(s);
	assert_int_equal(
	    send(extra, "{\"v\":1,\"cmd\":\"help\"}\n", 21, MSG_NOSIGNAL), 21);
	cli_expect_error(s, extra, "busy");
	assert_true(cli_closed(s, extra));
	cli_close(extra);
	/* ...or sending it after the server accepted: no reset either. */
	extra = cli_connect(s);
	cli_send(s, extra, "{\"v\":1,\"cmd\":\"help\"}\n", 21);
	cli_expect_error(s, extra, "busy");
	assert_true(cli_closed(s, extra));
	cli_close(extra);
	assert_int_equal(control_nclients(s->ctl), CTL_MAX_CLIENTS);

	/* The others still work; one leaving makes room for another. */
	cli_expect_ok(s, fds[0]);
	cli_expect_ok(s, fds[CTL_MAX_CLIENTS - 1]);
	cli_close(fds[3]);
	pump(s);
	assert_int_equal(control_nclients(s->ctl), CTL_MAX_CLIENTS - 1);
	fds[3] = cli_connect(s);
	cli_expect_ok(s, fds[3]);

	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		cli_close(fds[i]);
	pump(s);
	assert_int_equal(control_nclients(s->ctl), 0);
	fds[0] = cli_connect(s);
	cli_expect_ok(s, fds[0]);
	cli_close(fds[0]);
}

static void
test_srv_free_with_clients(void **state)
{
	struct srv *s = *state;
	struct sm_err err;
	int fd, fd2;

	/* A second daemon on the same path is refused. */
	assert_null(
	    control_new(s->base, s->path, 0600, NULL, t_table, &t_ctx, &err));
	assert_non_null(strstr(err.msg, "another secmond is running"));

	fd = cli_connect(s);
	fd2 = cli_connect(s);
	cli_send(s, fd2, "{\"v\":1,", 7); /* half a request */
	pump(s);
	control_free(s->ctl);
	s->ctl = NULL;
	assert_true(cli_closed(s, fd));
	assert_true(cli_closed(s, fd2));
	assert_int_equal(access(s->path, F_OK), -1);
	cli_close(fd);
	cli_close(fd2);

	/* Back again for the teardown. */
	s->ctl =
	    control_new(s->base, s->path, 0660, NULL, t_table, &t_ctx, &err);
	assert_non_null(s->ctl);
}

static void
test_srv_paths(void **state)
{
	struct event_base *base = event_base_new();
	struct sockaddr_un sun;
	char dir[64], path[256];
	struct control *ctl;
	struct sm_err err;
	struct stat st;
	int fd;

	(void)state;
	strlcpy(dir, "/tmp/secmond-test-ctl-XXXXXX", sizeof dir);
	assert_non_null(mkdtemp(dir));

	/* Too long for sun_path. */
	memset(path, 'p', sizeof path - 1);
	path[sizeof path - 1] = '\0';
	memcpy(path, dir, strlen(dir));
	path[strlen(dir)] = '/';
	assert_null(control_new(base, path, 0600, NULL, t_table, &t_ctx, &err));
	assert_non_null(strstr(err.msg, "longer than"));

	/* A regular file is left alone. */
	snprintf(path, sizeof path, "%s/file", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_null(control_new(base, path, 0600, NULL, t_table, &t_ctx, &err));
	assert_non_null(strstr(err.msg, "not a socket"));
	unlink(path);

	/* A bad mode. */
	snprintf(path, sizeof path, "%s/s", dir);
	assert_null(
	    control_new(base, path, 04600, NULL, t_table, &t_ctx, &err));

	/* A stale socket (bound, nobody listening) is replaced. */
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	strlcpy(sun.sun_path, path, sizeof sun.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof sun), 0);
	close(fd);
	ctl = control_new(base, path, 0660, NULL, t_table, &t_ctx, &err);
	assert_non_null(ctl);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0660);
	control_free(ctl);
	assert_int_equal(access(path, F_OK), -1);

	/* An fd from elsewhere (socket activation): used, closed, kept. */
	assert_null(control_new_fd(base, 0, NULL, t_table, &t_ctx, &err));
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof sun), 0);
	assert_null(control_new_fd(base, fd, NULL, t_table, &t_ctx, &err));
	assert_int_equal(listen(fd, 8), 0);
	ctl = control_new_fd(base, fd, NULL, t_table, &t_ctx, &err);
	assert_non_null(ctl);
	{
		struct srv s = { .base = base, .ctl = ctl };

		strlcpy(s.path, path, sizeof s.path);
		fd = cli_connect(&s);
		cli_expect_ok(&s, fd);
		cli_close(fd);
	}
	control_free(ctl);
	assert_int_equal(access(path, F_OK), 0);
	unlink(path);
	rmdir(dir);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_unknown_and_args),
		cmocka_unit_test(test_huge),
		cmocka_unit_test(test_admin),
		cmocka_unit_test(test_handler_errors),
		cmocka_unit_test(test_closes),
		cmocka_unit_test(test_help),
		cmocka_unit_test_setup_teardown(
		    test_srv_basic, srv_setup, srv_teardown),
		cmocka_unit_test_setup_teardown(
		    test_srv_sizes, srv_setup, srv_teardown),
		cmocka_unit_test_setup_teardown(
		    test_srv_busy, srv_setup, srv_teardown),
		cmocka_unit_test_setup_teardown(
		    test_srv_free_with_clients, srv_setup, srv_teardown),
		cmocka_unit_test(test_srv_paths),
	};

	signal(SIGPIPE, SIG_IGN);
	log_init("test_ctl", LOG_TO_STDERR, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
