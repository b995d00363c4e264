/*
 * xml.c: parse one bounded AWS XML answer with expat into a tree of
 * elements (local name, direct text, children) and read the query
 * protocol's error envelope. Refuses DTDs outright; every limit is an
 * error, never a truncation. Pure: no I/O, no logging.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "xml.h"

#define XML_NS_SEP '\001'  /* between namespace URI and local name */
#define XML_TEXT_FIRST 64  /* first text allocation, bytes */
#define XML_MAX_STEP 256   /* bytes of one xml_path step */
#define XML_MAX_REASON 160 /* bytes of a limit's reason */

struct xml_node {
	struct xml_node *parent;
	struct xml_node *first;
	struct xml_node *last;
	struct xml_node *next;
	char *text; /* NULL: "" */
	size_t textlen;
	size_t textsize;
	char name[]; /* local name */
};

/* The parse in progress: the tree so far and the first limit hit. */
struct xml_state {
	XML_Parser parser;
	struct xml_node *root;
	struct xml_node *cur;
	size_t depth;
	size_t nodes;
	int failed;
	unsigned long line;
	char reason[XML_MAX_REASON];
};

/* Stop the parse on a limit or refusal, remembering why and where. */
static void __attribute__((format(printf, 2, 3)))
xml_fail(struct xml_state *st, const char *fmt, ...)
{
	va_list ap;

	if (st->failed)
		return;
	st->failed = 1;
	st->line = XML_GetCurrentLineNumber(st->parser);
	va_start(ap, fmt);
	vsnprintf(st->reason, sizeof st->reason, fmt, ap);
	va_end(ap);
	XML_StopParser(st->parser, XML_FALSE);
}

static void
xml_start_cb(void *arg, const XML_Char *name, const XML_Char **attrs)
{
	struct xml_state *st = arg;
	struct xml_node *n;
	const char *local;
	size_t len;

	(void)attrs;
	if (st->failed)
		return;
	if (st->depth >= XML_MAX_DEPTH) {
		xml_fail(st, "elements nested deeper than %d", XML_MAX_DEPTH);
		return;
	}
	if (st->nodes >= XML_MAX_NODES) {
		xml_fail(st, "more than %d elements", XML_MAX_NODES);
		return;
	}
	if ((local = strrchr(name, XML_NS_SEP)) != NULL)
		local++;
	else
		local = name;
	len = strlen(local);
	n = xcalloc(1, sizeof *n + len + 1);
	memcpy(n->name, local, len + 1);
	n->parent = st->cur;
	if (st->cur == NULL)
		st->root = n;
	else if (st->cur->last == NULL)
		st->cur->first = st->cur->last = n;
	else {
		st->cur->last->next = n;
		st->cur->last = n;
	}
	st->cur = n;
	st->depth++;
	st->nodes++;
}

/* 1 if len bytes of s are all XML whitespace. */
static int
xml_is_space(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	}
	return 1;
}

static void
xml_end_cb(void *arg, const XML_Char *name)
{
	struct xml_state *st = arg;
	struct xml_node *n = st->cur;

	(void)name;
	if (st->failed || n == NULL)
		return;
	if (n->first != NULL && xml_is_space(n->text, n->textlen)) {
		free(n->text);
		n->text = NULL;
		n->textlen = n->textsize = 0;
	}
	st->cur = n->parent;
	st->depth--;
}

static void
xml_text_cb(void *arg, const XML_Char *s, int len)
{
	struct xml_state *st = arg;
	struct xml_node *n = st->cur;
	size_t need;

	if (st->failed || n == NULL || len <= 0)
		return;
	if ((size_t)len > XML_MAX_TEXT - n->textlen) {
		xml_fail(
		    st, "text of <%s> over %d bytes", n->name, XML_MAX_TEXT);
		return;
	}
	need = n->textlen + (size_t)len + 1;
	if (need > n->textsize) {
		if (n->textsize == 0)
			n->textsize = XML_TEXT_FIRST;
		while (n->textsize < need)
			n->textsize *= 2;
		n->text = xreallocarray(n->text, 1, n->textsize);
	}
	memcpy(n->text + n->textlen, s, (size_t)len);
	n->textlen += (size_t)len;
	n->text[n->textlen] = '\0';
}

static void
xml_doctype_cb(void *arg, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal_subset)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	xml_fail(arg, "DOCTYPE refused (no DTDs or entity declarations)");
}

static void
xml_entity_cb(void *arg, const XML_Char *name, int is_param,
    const XML_Char *value, int value_len, const XML_Char *base,
    const XML_Char *sysid, const XML_Char *pubid, const XML_Char *notation)
{
	(void)name;
	(void)is_param;
	(void)value;
	(void)value_len;
	(void)base;
	(void)sysid;
	(void)pubid;
	(void)notation;
	xml_fail(arg, "entity declaration refused");
}

/* Set up an expat parser that always reads UTF-8 and splits namespaces. */
static XML_Parser
xml_parser_new(struct xml_state *st)
{
	XML_Parser p;

	if ((p = XML_ParserCreateNS("UTF-8", XML_NS_SEP)) == NULL)
		return NULL;
	XML_SetUserData(p, st);
	XML_SetElementHandler(p, xml_start_cb, xml_end_cb);
	XML_SetCharacterDataHandler(p, xml_text_cb);
	XML_SetStartDoctypeDeclHandler(p, xml_doctype_cb);
	XML_SetEntityDeclHandler(p, xml_entity_cb);
	XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
	return p;
}

struct xml_node *
xml_parse(const char *buf, size_t len, struct sm_err *err)
{
	struct xml_state st;
	const char *nul;
	enum XML_Status status;

	if (buf == NULL || len == 0) {
		sm_err_set(err, "MalformedXML", "empty document");
		return NULL;
	}
	if (len > XML_MAX_INPUT) {
		sm_err_set(err, "MalformedXML", "document of %zu bytes over %d",
		    len, XML_MAX_INPUT);
		return NULL;
	}
	if ((nul = memchr(buf, '\0', len)) != NULL) {
		sm_err_set(err, "MalformedXML", "NUL byte at offset %zu",
		    (size_t)(nul - buf));
		return NULL;
	}
	memset(&st, 0, sizeof st);
	if ((st.parser = xml_parser_new(&st)) == NULL) {
		fprintf(stderr, "secmon: out of memory creating XML parser\n");
		abort();
	}
	status = XML_Parse(st.parser, buf, (int)len, XML_TRUE);
	if (st.failed) {
		sm_err_set(
		    err, "MalformedXML", "line %lu: %s", st.line, st.reason);
	} else if (status != XML_STATUS_OK) {
		sm_err_set(err, "MalformedXML", "line %lu: %s",
		    (unsigned long)XML_GetCurrentLineNumber(st.parser),
		    XML_ErrorString(XML_GetErrorCode(st.parser)));
	} else if (st.root == NULL || st.cur != NULL) {
		sm_err_set(err, "MalformedXML", "incomplete document");
		st.failed = 1;
	}
	XML_ParserFree(st.parser);
	if (st.failed || status != XML_STATUS_OK) {
		xml_free(st.root);
		return NULL;
	}
	return st.root;
}

void
xml_free(struct xml_node *n)
{
	struct xml_node *child, *next;

	if (n == NULL)
		return;
	for (child = n->first; child != NULL; child = next) {
		next = child->next;
		xml_free(child);
	}
	free(n->text);
	free(n);
}

const char *
xml_name(const struct xml_node *n)
{
	return n == NULL ? NULL : n->name;
}

const char *
xml_text(const struct xml_node *n)
{
	if (n == NULL || n->text == NULL)
		return "";
	return n->text;
}

size_t
xml_text_len(const struct xml_node *n)
{
	return n == NULL ? 0 : n->textlen;
}

const struct xml_node *
xml_first(const struct xml_node *n)
{
	return n == NULL ? NULL : n->first;
}

const struct xml_node *
xml_child(const struct xml_node *n, const char *name)
{
	const struct xml_node *c;

	if (n == NULL || name == NULL)
		return NULL;
	for (c = n->first; c != NULL; c = c->next) {
		if (strcmp(c->name, name) == 0)
			return c;
	}
	return NULL;
}

const struct xml_node *
xml_next(const struct xml_node *n, const char *name)
{
	const struct xml_node *c;

	if (n == NULL)
		return NULL;
	for (c = n->next; c != NULL; c = c->next) {
		if (name == NULL || strcmp(c->name, name) == 0)
			return c;
	}
	return NULL;
}

size_t
xml_count(const struct xml_node *n, const char *name)
{
	const struct xml_node *c;
	size_t count = 0;

	if (n == NULL)
		return 0;
	for (c = n->first; c != NULL; c = c->next) {
		if (name == NULL || strcmp(c->name, name) == 0)
			count++;
	}
	return count;
}

const struct xml_node *
xml_path(const struct xml_node *n, const char *path)
{
	char step[XML_MAX_STEP];
	const char *slash;
	size_t len;

	if (n == NULL || path == NULL)
		return NULL;
	while (*path != '\0' && n != NULL) {
		if ((slash = strchr(path, '/')) == NULL)
			len = strlen(path);
		else
			len = (size_t)(slash - path);
		if (len == 0 || len >= sizeof step)
			return NULL;
		memcpy(step, path, len);
		step[len] = '\0';
		n = xml_child(n, step);
		path += len;
		if (*path == '/' && *++path == '\0')
			return NULL;
	}
	return n;
}

int
xml_copy(char *buf, size_t len, const char *s)
{
	size_t n;

	if (buf == NULL || len == 0)
		return 0;
	if (s == NULL)
		s = "";
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	n = strlen(s);
	while (n > 0 && xml_is_space(s + n - 1, 1))
		n--;
	if (n < len) {
		memcpy(buf, s, n);
		buf[n] = '\0';
		return 0;
	}
	/* s[n] is the first byte left out: never split its character. */
	n = len - 1;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return -1;
}

/* The <Error> element of an envelope rooted at root, or NULL. */
static const struct xml_node *
xml_aws_error_node(const struct xml_node *root)
{
	const struct xml_node *e;
	const char *name = xml_name(root);

	if (name == NULL)
		return NULL;
	if (strcmp(name, "Error") == 0)
		return root;
	if (strcmp(name, "ErrorResponse") != 0 && strcmp(name, "Response") != 0)
		return NULL;
	if ((e = xml_child(root, "Error")) != NULL)
		return e;
	return xml_path(root, "Errors/Error");
}

int
xml_aws_error(const struct xml_node *root, char *code, size_t codelen,
    char *msg, size_t msglen, char *rid, size_t ridlen)
{
	const struct xml_node *e, *r;

	xml_copy(code, codelen, "");
	xml_copy(msg, msglen, "");
	xml_copy(rid, ridlen, "");
	if ((e = xml_aws_error_node(root)) == NULL)
		return -1;
	if ((r = xml_child(root, "RequestId")) == NULL &&
	    (r = xml_child(root, "RequestID")) == NULL &&
	    (r = xml_child(e, "RequestId")) == NULL)
		r = xml_child(e, "RequestID");
	xml_copy(code, codelen, xml_text(xml_child(e, "Code")));
	xml_copy(msg, msglen, xml_text(xml_child(e, "Message")));
	xml_copy(rid, ridlen, xml_text(r));
	return 0;
}
