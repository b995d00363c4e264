/*
 * ctl.c: the control protocol's single dispatcher: parse one request line,
 * check its version and shape, find the command by exact name, validate
 * the args against the entry, check authority, and only then run the
 * handler; build the reply object. Owns no socket and never logs
 * (daemon/control.c does both).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ctl.h"
#include "util.h"

#define CTL_NAME_MAX 64 /* bytes of a client-supplied name quoted back */

/* Codes of errors that end the session (see ctl_reply_closes). */
static const char *const ctl_closing_codes[] = {
	"bad_json",
	"bad_request",
	"bad_version",
	"request_too_large",
	NULL,
};

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t
ctl_utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/*
 * Copy s into buf for quoting in a message: at most CTL_NAME_MAX bytes,
 * cut on a character boundary ("..." marks a cut), bad bytes as '?'.
 */
static const char *
ctl_quote(char *buf, size_t size, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), off = 0, len;

	while (*p != '\0') {
		len = ctl_utf8_len(p, n);
		if (off + (len ? len : 1) > CTL_NAME_MAX ||
		    off + (len ? len : 1) + 4 > size) {
			memcpy(buf + off, "...", 3);
			off += 3;
			break;
		}
		if (len == 0) {
			buf[off++] = '?';
			len = 1;
		} else {
			memcpy(buf + off, p, len);
			off += len;
		}
		p += len;
		n -= len;
	}
	buf[off] = '\0';
	return buf;
}

const struct ctl_cmd *
ctl_find(const struct ctl_cmd *const *table, const char *name)
{
	size_t i;

	if (table == NULL || name == NULL)
		return NULL;
	for (i = 0; table[i] != NULL; i++) {
		if (strcmp(table[i]->name, name) == 0)
			return table[i];
	}
	return NULL;
}

json_t *
ctl_ok_reply(json_t *data)
{
	json_t *reply;

	if (data == NULL)
		data = json_object();
	reply = json_object();
	if (reply == NULL || data == NULL)
		abort();
	json_object_set_new(reply, "ok", json_true());
	json_object_set_new(reply, "data", data);
	return reply;
}

/* A json string of s, with invalid UTF-8 bytes replaced by '?'. */
static json_t *
ctl_string_lossy(const char *s)
{
	size_t i, n, len;
	char *copy;
	json_t *j;

	if ((j = json_string(s)) != NULL)
		return j;
	copy = xstrdup(s);
	n = strlen(copy);
	for (i = 0; i < n; i += len) {
		len = ctl_utf8_len((const unsigned char *)copy + i, n - i);
		if (len == 0) {
			copy[i] = '?';
			len = 1;
		}
	}
	j = json_string(copy);
	free(copy);
	if (j == NULL)
		abort(); /* valid UTF-8 without NUL: only OOM */
	return j;
}

json_t *
ctl_error_reply(const char *code, const char *msg)
{
	json_t *reply, *error;

	reply = json_object();
	error = json_object();
	if (reply == NULL || error == NULL)
		abort();
	json_object_set_new(error, "code",
	    ctl_string_lossy(
		code != NULL && *code != '\0' ? code : "internal"));
	json_object_set_new(error, "message",
	    ctl_string_lossy(msg != NULL && *msg != '\0' ? msg : "failed"));
	json_object_set_new(reply, "ok", json_false());
	json_object_set_new(reply, "error", error);
	return reply;
}

int
ctl_reply_closes(const json_t *reply)
{
	const char *code;
	size_t i;

	if (json_is_true(json_object_get(reply, "ok")))
		return 0;
	code = json_string_value(
	    json_object_get(json_object_get(reply, "error"), "code"));
	if (code == NULL)
		return 1;
	for (i = 0; ctl_closing_codes[i] != NULL; i++) {
		if (strcmp(code, ctl_closing_codes[i]) == 0)
			return 1;
	}
	return 0;
}

static const char *
ctl_type_name(enum ctl_arg_type type)
{
	switch (type) {
	case CTL_ARG_STRING:
		return "string";
	case CTL_ARG_INT:
		return "int";
	case CTL_ARG_NUMBER:
		return "number";
	case CTL_ARG_BOOL:
		return "bool";
	}
	return "unknown";
}

static int
ctl_type_ok(enum ctl_arg_type type, const json_t *v)
{
	switch (type) {
	case CTL_ARG_STRING:
		return json_is_string(v);
	case CTL_ARG_INT:
		return json_is_integer(v);
	case CTL_ARG_NUMBER:
		return json_is_number(v);
	case CTL_ARG_BOOL:
		return json_is_boolean(v);
	}
	return 0;
}

/* The help entry of one command. */
static json_t *
ctl_help_one(const struct ctl_cmd *cmd)
{
	const struct ctl_arg *a;
	json_t *o, *args;

	args = json_array();
	for (a = cmd->args; a != NULL && a->name != NULL; a++) {
		json_array_append_new(args,
		    json_pack("{s:s, s:s, s:b}", "name", a->name, "type",
			ctl_type_name(a->type), "required", a->required != 0));
	}
	o = json_object();
	json_object_set_new(o, "name", json_string(cmd->name));
	json_object_set_new(o, "usage",
	    json_string(cmd->usage != NULL ? cmd->usage : cmd->name));
	json_object_set_new(
	    o, "help", json_string(cmd->help != NULL ? cmd->help : ""));
	json_object_set_new(o, "admin", json_boolean(cmd->flags & CTL_ADMIN));
	json_object_set_new(o, "args", args);
	return o;
}

json_t *
ctl_help_json(const struct ctl_cmd *const *table)
{
	json_t *a;
	size_t i;

	if ((a = json_array()) == NULL)
		abort();
	for (i = 0; table != NULL && table[i] != NULL; i++)
		json_array_append_new(a, ctl_help_one(table[i]));
	return a;
}

/* Parse line into a JSON object, or fill err. Caller decrefs. */
static json_t *
ctl_parse(const char *line, size_t len, struct sm_err *err)
{
	json_error_t jerr;
	json_t *req;

	if (len >= CTL_MAX_LINE) {
		sm_err_set(err, "request_too_large",
		    "request longer than %u bytes", CTL_MAX_LINE - 1);
		return NULL;
	}
	if (memchr(line, '\0', len) != NULL) {
		sm_err_set(err, "bad_json", "NUL byte in request");
		return NULL;
	}
	req = json_loadb(
	    line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (req == NULL) {
		sm_err_set(
		    err, "bad_json", "column %d: %s", jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(req)) {
		sm_err_set(err, "bad_request", "request is not a JSON object");
		json_decref(req);
		return NULL;
	}
	return req;
}

/* Check "v" and that no member but v, cmd and args is present. */
static int
ctl_check_envelope(json_t *req, struct sm_err *err)
{
	char q[CTL_NAME_MAX + 4];
	const char *key;
	json_t *v, *value;

	v = json_object_get(req, "v");
	if (v == NULL) {
		return sm_err_set(err, "bad_version",
		    "missing \"v\" (this secmond speaks version %d)",
		    CTL_VERSION);
	}
	if (!json_is_integer(v) || json_integer_value(v) != CTL_VERSION) {
		return sm_err_set(err, "bad_version",
		    "unsupported protocol version (this secmond speaks "
		    "version %d)",
		    CTL_VERSION);
	}
	json_object_foreach(req, key, value)
	{
		if (strcmp(key, "v") != 0 && strcmp(key, "cmd") != 0 &&
		    strcmp(key, "args") != 0) {
			return sm_err_set(err, "bad_request",
			    "unknown request member \"%s\"",
			    ctl_quote(q, sizeof q, key));
		}
	}
	if (!json_is_string(json_object_get(req, "cmd")))
		return sm_err_set(
		    err, "bad_request", "\"cmd\" must be a string");
	value = json_object_get(req, "args");
	if (value != NULL && !json_is_object(value))
		return sm_err_set(
		    err, "bad_request", "\"args\" must be an object");
	return 0;
}

/* Check args against cmd's list: known names, types, required ones. */
static int
ctl_check_args(const struct ctl_cmd *cmd, json_t *args, struct sm_err *err)
{
	char q[CTL_NAME_MAX + 4];
	const struct ctl_arg *a;
	const char *key;
	json_t *value;

	json_object_foreach(args, key, value)
	{
		for (a = cmd->args; a != NULL && a->name != NULL; a++) {
			if (strcmp(a->name, key) == 0)
				break;
		}
		if (a == NULL || a->name == NULL) {
			return sm_err_set(err, "bad_args",
			    "%s: unknown argument \"%s\"", cmd->name,
			    ctl_quote(q, sizeof q, key));
		}
		if (!ctl_type_ok(a->type, value)) {
			return sm_err_set(err, "bad_args",
			    "%s: argument \"%s\" must be a %s", cmd->name,
			    a->name, ctl_type_name(a->type));
		}
	}
	for (a = cmd->args; a != NULL && a->name != NULL; a++) {
		if (a->required && json_object_get(args, a->name) == NULL) {
			return sm_err_set(err, "bad_args",
			    "%s: missing required argument \"%s\"", cmd->name,
			    a->name);
		}
	}
	return 0;
}

/* Run cmd's handler and turn what it returns into a reply. */
static json_t *
ctl_run(const struct ctl_cmd *const *table, const struct ctl_cmd *cmd,
    struct ctl_ctx *ctx, const struct ctl_peer *peer, json_t *args)
{
	struct sm_err err = { "", "" };
	json_t *data = NULL;
	enum ctl_ret ret;

	if (ctx != NULL)
		ctx->table = table;
	ret = cmd->exec(ctx, peer, args, &data, &err);
	if (ret == CTL_DONE && (data == NULL || json_is_object(data)))
		return ctl_ok_reply(data);
	json_decref(data);
	if (ret == CTL_DONE) {
		return ctl_error_reply(
		    "internal", "command returned data that is not an object");
	}
	if (ret != CTL_ERROR)
		return ctl_error_reply("internal", "command failed");
	if (err.code[0] == '\0')
		strlcpy(err.code, "internal", sizeof err.code);
	if (err.msg[0] == '\0')
		strlcpy(err.msg, "command failed", sizeof err.msg);
	return ctl_error_reply(err.code, err.msg);
}

json_t *
ctl_dispatch(const struct ctl_cmd *const *table, struct ctl_ctx *ctx,
    const struct ctl_peer *peer, const char *line, size_t len)
{
	struct sm_err err = { "", "" };
	const struct ctl_cmd *cmd;
	char q[CTL_NAME_MAX + 4];
	json_t *req, *args, *reply;
	const char *name;

	if ((req = ctl_parse(line, len, &err)) == NULL)
		return ctl_error_reply(err.code, err.msg);
	if (ctl_check_envelope(req, &err) != 0) {
		json_decref(req);
		return ctl_error_reply(err.code, err.msg);
	}
	name = json_string_value(json_object_get(req, "cmd"));
	if ((cmd = ctl_find(table, name)) == NULL) {
		sm_err_set(&err, "unknown_command",
		    "unknown command \"%s\" (try \"help\")",
		    ctl_quote(q, sizeof q, name));
		json_decref(req);
		return ctl_error_reply(err.code, err.msg);
	}
	if ((args = json_object_get(req, "args")) == NULL) {
		args = json_object();
		json_object_set_new(req, "args", args);
	}
	if (ctl_check_args(cmd, args, &err) != 0) {
		reply = ctl_error_reply(err.code, err.msg);
	} else if ((cmd->flags & CTL_ADMIN) && (peer == NULL || !peer->admin)) {
		sm_err_set(&err, "permission_denied",
		    "%s: needs uid 0 or a member of the admin group",
		    cmd->name);
		reply = ctl_error_reply(err.code, err.msg);
	} else
		reply = ctl_run(table, cmd, ctx, peer, args);
	json_decref(req);
	return reply;
}
