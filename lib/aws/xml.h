/*
 * xml.h: AWS XML answers (query protocol, CloudWatch fallback) parsed with
 * expat into a small read-only tree: local names (namespaces ignored),
 * concatenated text, children in order. Pure: no I/O, no logging.
 */
#ifndef SECMON_XML_H
#define SECMON_XML_H

#include <stddef.h>

#include "util.h"

#define XML_MAX_INPUT (64 * 1024 * 1024) /* bytes of one document */
#define XML_MAX_DEPTH 64                 /* nesting of elements */
#define XML_MAX_NODES 1000000            /* elements in one document */
#define XML_MAX_TEXT (1024 * 1024)       /* bytes of one element's text */

struct xml_node;

/*
 * Parse len bytes of UTF-8 XML (any encoding declaration is ignored) into
 * a tree; caller frees with xml_free. NULL with err (code "MalformedXML",
 * message with the reason and line) on malformed XML, invalid UTF-8, a NUL
 * byte, empty input, a DOCTYPE (refused: no entity declarations, so no
 * billion laughs or XXE), nesting deeper than XML_MAX_DEPTH, more than
 * XML_MAX_NODES elements, one element's text over XML_MAX_TEXT or len over
 * XML_MAX_INPUT. Attributes, comments and processing instructions are
 * dropped. Text made only of whitespace is dropped from an element that
 * has children.
 */
struct xml_node *xml_parse(const char *buf, size_t len, struct sm_err *err);

/* Free a whole tree; NULL is a no-op. */
void xml_free(struct xml_node *);

/* Local name (prefix and namespace URI stripped); NULL for a NULL node. */
const char *xml_name(const struct xml_node *);

/* Concatenated text content; never NULL ("" for none or a NULL node). */
const char *xml_text(const struct xml_node *);

/* Length of xml_text in bytes. */
size_t xml_text_len(const struct xml_node *);

/* First child (NULL if none or node is NULL). */
const struct xml_node *xml_first(const struct xml_node *);

/* First child with local name name; NULL if none or node is NULL. */
const struct xml_node *xml_child(const struct xml_node *, const char *name);

/* Next sibling with local name name (NULL name: any); NULL if none. */
const struct xml_node *xml_next(const struct xml_node *, const char *name);

/* Number of children with local name name (NULL name: all). */
size_t xml_count(const struct xml_node *, const char *name);

/*
 * Follow a path of local names relative to node, taking the first child
 * of each name: "AssumeRoleResult/Credentials/AccessKeyId". "" is node
 * itself; an empty step ("A//B", "/A", "A/"), a step over 255 bytes or a
 * NULL node gives NULL.
 */
const struct xml_node *xml_path(const struct xml_node *, const char *path);

/*
 * If root is an AWS error envelope, fill code, msg and rid and return 0;
 * else -1 (outputs set to ""). Recognised, as botocore does:
 * <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>,
 * the older <Response><Errors><Error>..</Error></Errors><RequestID/> and
 * a bare <Error><Code/><Message/><RequestId/></Error>. The first <Error>
 * counts. Values are trimmed of surrounding whitespace and truncated to
 * fit at a UTF-8 character boundary; a missing element gives "" (an
 * envelope without <Code> still returns 0: use the HTTP status then).
 * A NULL buffer or a zero length skips that output.
 */
int xml_aws_error(const struct xml_node *root, char *code, size_t codelen,
    char *msg, size_t msglen, char *rid, size_t ridlen);

/*
 * Copy s into buf (size len) trimmed of surrounding ASCII whitespace,
 * cut at a UTF-8 character boundary if it does not fit. Returns 0, or -1
 * if it was cut. len 0 writes nothing.
 */
int xml_copy(char *buf, size_t len, const char *s);

#endif
