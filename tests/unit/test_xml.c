/*
 * test_xml.c: the expat tree on real-looking AWS answers (STS, SNS,
 * CloudWatch, query error envelopes in tests/data/xml/) and on hostile
 * input: every bad document must give NULL and a MalformedXML error.
 * Run from the repo top.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xml.h"

#define TXML_DIR "tests/data/xml/"
#define TXML_MAX_FILE (1024 * 1024) /* bytes of a fixture */
#define TXML_SEED 20110615UL        /* fixed seed of the mutation loop */
#define TXML_MUTATIONS 3000         /* mutated documents per fixture */

/* Read a fixture (NUL-terminated, caller frees). */
static char *
txml_read(const char *name, size_t *lenp)
{
	char path[256];
	char *buf;
	FILE *f;
	size_t n;

	assert_true((size_t)snprintf(path, sizeof path, "%s%s", TXML_DIR,
			name) < sizeof path);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s (run from the repo top)", path);
	buf = xmalloc(TXML_MAX_FILE + 1);
	n = fread(buf, 1, TXML_MAX_FILE, f);
	assert_true(feof(f));
	fclose(f);
	buf[n] = '\0';
	*lenp = n;
	return buf;
}

/* Parse a fixture, which must succeed. */
static struct xml_node *
txml_parse_file(const char *name)
{
	struct sm_err err;
	struct xml_node *root;
	char *buf;
	size_t len;

	buf = txml_read(name, &len);
	root = xml_parse(buf, len, &err);
	if (root == NULL)
		fail_msg("%s: %s: %s", name, err.code, err.msg);
	free(buf);
	return root;
}

/* Parse a string, which must succeed. */
static struct xml_node *
txml_parse_str(const char *s)
{
	struct sm_err err;
	struct xml_node *root;

	root = xml_parse(s, strlen(s), &err);
	if (root == NULL)
		fail_msg("%s: %s", s, err.msg);
	return root;
}

/* Parse len bytes that must fail, with want in the message. */
static void
txml_bad(const char *what, const char *buf, size_t len, const char *want)
{
	struct sm_err err;
	struct xml_node *root;

	memset(&err, 0, sizeof err);
	root = xml_parse(buf, len, &err);
	if (root != NULL) {
		xml_free(root);
		fail_msg("%s: parsed", what);
	}
	assert_string_equal(err.code, "MalformedXML");
	if (strstr(err.msg, want) == NULL)
		fail_msg(
		    "%s: message \"%s\" lacks \"%s\"", what, err.msg, want);
}

static void
txml_bad_str(const char *what, const char *s, const char *want)
{
	txml_bad(what, s, strlen(s), want);
}

static void
test_xml_assume_role(void **state)
{
	struct xml_node *root;
	const struct xml_node *res, *c;
	char code[48], msg[256], rid[64];
	time_t t;

	(void)state;
	root = txml_parse_file("sts-assume-role.xml");
	assert_string_equal(xml_name(root), "AssumeRoleResponse");
	assert_string_equal(xml_text(root), "");
	res = xml_child(root, "AssumeRoleResult");
	assert_non_null(res);
	assert_string_equal(xml_name(xml_first(res)), "SourceIdentity");
	c = xml_path(res, "Credentials");
	assert_string_equal(
	    xml_text(xml_child(c, "AccessKeyId")), "ASIAIOSFODNN7EXAMPLE");
	assert_string_equal(xml_text(xml_path(root,
				"AssumeRoleResult/Credentials/"
				"SecretAccessKey")),
	    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
	assert_int_equal(xml_text_len(xml_child(c, "SessionToken")), 336);
	assert_int_equal(strncmp(xml_text(xml_child(c, "SessionToken")),
			     "AQoDYXdzEPT//", 13),
	    0);
	assert_int_equal(
	    sm_iso8601_parse(xml_text(xml_child(c, "Expiration")), &t), 0);
	assert_int_equal(t, 1752622113);
	assert_string_equal(xml_text(xml_path(res,
				"AssumedRoleUser/"
				"AssumedRoleId")),
	    "AROA3XFRBF535PLBIFPI4:secmond@host-1.example");
	assert_string_equal(xml_text(xml_path(root,
				"ResponseMetadata/"
				"RequestId")),
	    "c6104cbe-af31-11e0-8154-cbc7ccf896c7");
	assert_null(xml_path(root, "AssumeRoleResult/Credentials/Nope"));
	assert_string_equal(xml_text(xml_path(root, "Nope/Nope")), "");
	assert_int_equal(xml_aws_error(root, code, sizeof code, msg, sizeof msg,
			     rid, sizeof rid),
	    -1);
	assert_string_equal(code, "");
	xml_free(root);
}

static void
test_xml_caller_identity(void **state)
{
	struct xml_node *root;
	const struct xml_node *r;

	(void)state;
	root = txml_parse_file("sts-get-caller-identity.xml");
	assert_string_equal(xml_name(root), "GetCallerIdentityResponse");
	r = xml_child(root, "GetCallerIdentityResult");
	assert_string_equal(xml_text(xml_child(r, "Account")), "123456789012");
	assert_string_equal(
	    xml_text(xml_child(r, "UserId")), "AROA3XFRBF535PLBIFPI4:secmond");
	assert_string_equal(xml_text(xml_child(r, "Arn")),
	    "arn:aws:sts::123456789012:assumed-role/secmond-readonly/secmond");
	assert_int_equal(xml_count(r, NULL), 3);
	xml_free(root);
}

static void
test_xml_publish(void **state)
{
	struct xml_node *root;

	(void)state;
	root = txml_parse_file("sns-publish.xml");
	assert_string_equal(xml_name(root), "PublishResponse");
	assert_string_equal(xml_text(xml_path(root, "PublishResult/MessageId")),
	    "567910cd-659e-55d4-8ccb-5aaf14679dc0");
	assert_string_equal(
	    xml_text(xml_path(root, "PublishResult/SequenceNumber")),
	    "10000000000000003000");
	assert_string_equal(xml_text(xml_path(root,
				"ResponseMetadata/"
				"RequestId")),
	    "d74b8436-ae13-5ab4-a9ff-ce54dfea72a0");
	xml_free(root);
}

static void
test_xml_errors(void **state)
{
	static const struct {
		const char *file, *code, *msg, *rid;
	} cases[] = {
		{ "error-throttling.xml", "Throttling", "Rate exceeded",
		    "9f2c6a1e-3b7d-5e0f-a1b2-c3d4e5f60718" },
		{ "error-access-denied.xml", "AccessDenied",
		    "User: arn:aws:iam::123456789012:user/secmond is not "
		    "authorized to perform: sts:AssumeRole on resource: "
		    "arn:aws:iam::123456789012:role/secmond-readonly",
		    "4e1a4b2c-8d3f-4a5b-9c6d-7e8f9a0b1c2d" },
		{ "error-expired-token.xml", "ExpiredToken",
		    "The security token included in the request is expired",
		    "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d" },
		{ "error-invalid-parameter.xml", "InvalidParameter",
		    "Invalid parameter: Subject & Message: must be less than "
		    "100 characters <long> \xe2\x80\x9c\xc3\xbc"
		    "ber\xe2\x80\x9d",
		    "0d5f3a7e-2c1b-5e4d-9f8a-7b6c5d4e3f2a" },
		{ "error-response-errors.xml", "RequestLimitExceeded",
		    "Request limit exceeded.",
		    "5f4f3e2d-1c0b-4a9b-8c7d-6e5f4a3b2c1d" },
	};
	struct xml_node *root;
	char code[48], msg[256], rid[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		root = txml_parse_file(cases[i].file);
		assert_int_equal(xml_aws_error(root, code, sizeof code, msg,
				     sizeof msg, rid, sizeof rid),
		    0);
		assert_string_equal(code, cases[i].code);
		assert_string_equal(msg, cases[i].msg);
		assert_string_equal(rid, cases[i].rid);
		xml_free(root);
	}
	root = txml_parse_file("error-throttling.xml");
	assert_string_equal(xml_text(xml_path(root, "Error/Type")), "Sender");
	xml_free(root);
}

static void
test_xml_error_forms(void **state)
{
	struct xml_node *root;
	char code[48], msg[256], rid[64];

	(void)state;
	/* Bare <Error> (rest-xml style), request id inside. */
	root = txml_parse_str("<Error><Code>NoSuchKey</Code><Message>gone"
			      "</Message><RequestId> r-1 </RequestId></Error>");
	assert_int_equal(xml_aws_error(root, code, sizeof code, msg, sizeof msg,
			     rid, sizeof rid),
	    0);
	assert_string_equal(code, "NoSuchKey");
	assert_string_equal(msg, "gone");
	assert_string_equal(rid, "r-1");
	xml_free(root);

	/* Envelope without Code or RequestId: 0, empty fields. */
	root = txml_parse_str("<ErrorResponse><Error><Message>m</Message>"
			      "</Error></ErrorResponse>");
	assert_int_equal(xml_aws_error(root, code, sizeof code, msg, sizeof msg,
			     rid, sizeof rid),
	    0);
	assert_string_equal(code, "");
	assert_string_equal(msg, "m");
	assert_string_equal(rid, "");
	xml_free(root);

	/* Whitespace around values is trimmed; NULL outputs skipped. */
	root = txml_parse_str("<ErrorResponse xmlns=\"urn:x\">\n<Error>\n"
			      "<Code>\n  Throttling\n</Code></Error>"
			      "</ErrorResponse>");
	assert_int_equal(
	    xml_aws_error(root, code, sizeof code, NULL, 0, NULL, 0), 0);
	assert_string_equal(code, "Throttling");
	xml_free(root);

	/* Not envelopes. */
	root = txml_parse_str("<ErrorResponse><Nope/></ErrorResponse>");
	assert_int_equal(xml_aws_error(root, code, sizeof code, msg, sizeof msg,
			     rid, sizeof rid),
	    -1);
	xml_free(root);
	root = txml_parse_str("<Response><Errors/></Response>");
	assert_int_equal(xml_aws_error(root, code, sizeof code, msg, sizeof msg,
			     rid, sizeof rid),
	    -1);
	xml_free(root);
	root = txml_parse_str("<Other><Error><Code>X</Code></Error></Other>");
	assert_int_equal(xml_aws_error(root, code, sizeof code, msg, sizeof msg,
			     rid, sizeof rid),
	    -1);
	assert_string_equal(code, "");
	xml_free(root);
	assert_int_equal(xml_aws_error(NULL, code, sizeof code, msg, sizeof msg,
			     rid, sizeof rid),
	    -1);
}

static void
test_xml_error_truncation(void **state)
{
	struct xml_node *root;
	char code[8], msg[6], rid[2];

	(void)state;
	/* "é" is 2 bytes, "€" 3: never cut inside one. */
	root = txml_parse_str("<ErrorResponse><Error><Code>AccessDenied</Code>"
			      "<Message>\xc3\xa9\xc3\xa9\xe2\x82\xac</Message>"
			      "</Error><RequestId>\xe2\x82\xac</RequestId>"
			      "</ErrorResponse>");
	assert_int_equal(xml_aws_error(root, code, sizeof code, msg, sizeof msg,
			     rid, sizeof rid),
	    0);
	assert_string_equal(code, "AccessD");
	assert_string_equal(msg, "\xc3\xa9\xc3\xa9");
	assert_string_equal(rid, "");
	xml_free(root);

	assert_int_equal(xml_copy(msg, 4, "\xc3\xa9\xc3\xa9"), -1);
	assert_string_equal(msg, "\xc3\xa9");
	assert_int_equal(xml_copy(msg, 3, "\xc3\xa9\xc3\xa9"), -1);
	assert_string_equal(msg, "\xc3\xa9");
	assert_int_equal(xml_copy(msg, 2, "\xc3\xa9"), -1);
	assert_string_equal(msg, "");
	assert_int_equal(xml_copy(msg, 3, "\xc3\xa9"), 0);
	assert_string_equal(msg, "\xc3\xa9");
	assert_int_equal(xml_copy(msg, 5, "\xf0\x9f\x94\x92"), 0);
	assert_int_equal(xml_copy(msg, 4, "\xf0\x9f\x94\x92"), -1);
	assert_string_equal(msg, "");
	assert_int_equal(xml_copy(msg, 6, " \t\r\nab \n"), 0);
	assert_string_equal(msg, "ab");
	assert_int_equal(xml_copy(msg, 0, "x"), 0);
	assert_int_equal(xml_copy(NULL, 5, "x"), 0);
}

static void
test_xml_describe_alarms(void **state)
{
	static const char *const dims[][2] = { { "WebACL", "main-acl" },
		{ "Rule", "ALL" }, { "Region", "eu-west-1" } };
	struct xml_node *root;
	const struct xml_node *list, *m, *d;
	size_t n;

	(void)state;
	root = txml_parse_file("cloudwatch-describe-alarms.xml");
	list = xml_path(root, "DescribeAlarmsResult/MetricAlarms");
	assert_int_equal(xml_count(list, "member"), 2);
	m = xml_child(list, "member");
	assert_string_equal(
	    xml_text(xml_child(m, "AlarmName")), "waf-blocked-spike");
	assert_string_equal(xml_text(xml_child(m, "StateValue")), "ALARM");
	assert_string_equal(xml_text(xml_child(m, "StateReasonData")),
	    "{\"version\":\"1.0\",\"queryDate\":\"2023-11-14T22:13:20.123+0000"
	    "\",\"threshold\":1000.0}");
	assert_string_equal(xml_text(xml_path(m, "AlarmActions/member")),
	    "arn:aws:sns:eu-west-1:123456789012:secmond-alerts");
	n = 0;
	for (d = xml_path(m, "Dimensions/member"); d != NULL;
	     d = xml_next(d, "member")) {
		assert_true(n < 3);
		assert_string_equal(xml_text(xml_child(d, "Name")), dims[n][0]);
		assert_string_equal(
		    xml_text(xml_child(d, "Value")), dims[n][1]);
		n++;
	}
	assert_int_equal(n, 3);

	m = xml_next(m, "member");
	assert_non_null(m);
	assert_null(xml_next(m, "member"));
	assert_null(xml_next(m, NULL));
	assert_string_equal(xml_text(xml_child(m, "AlarmName")), "root-login");
	assert_string_equal(xml_text(xml_child(m, "StateReason")),
	    "Threshold Crossed: no datapoints <ok> & fine");
	assert_string_equal(xml_text(xml_child(m, "ActionsEnabled")), "false");
	assert_non_null(xml_child(m, "AlarmActions"));
	assert_null(xml_first(xml_child(m, "AlarmActions")));
	assert_int_equal(xml_count(xml_child(m, "Dimensions"), NULL), 0);
	assert_string_equal(xml_text(xml_path(root,
				"DescribeAlarmsResult/"
				"NextToken")),
	    "eyJuZXh0IjoiMiJ9");
	assert_non_null(xml_path(root, "DescribeAlarmsResult/CompositeAlarms"));
	xml_free(root);
}

static void
test_xml_names_and_text(void **state)
{
	struct xml_node *root;
	const struct xml_node *n;

	(void)state;
	/* Prefixes and namespace URIs are stripped; attributes dropped. */
	root = txml_parse_str("<?xml version=\"1.0\"?>\n<!-- c -->\n"
			      "<a:Top xmlns:a=\"urn:a\" xmlns=\"urn:d\" "
			      "a:attr=\"1\"><a:One>1</a:One><Two x=\"y\">2"
			      "</Two><?pi data?><Three xmlns=\"\">3</Three>"
			      "</a:Top>\n");
	assert_string_equal(xml_name(root), "Top");
	n = xml_first(root);
	assert_string_equal(xml_name(n), "One");
	assert_string_equal(xml_text(n), "1");
	n = xml_next(n, NULL);
	assert_string_equal(xml_name(n), "Two");
	n = xml_next(n, "Three");
	assert_string_equal(xml_text(n), "3");
	xml_free(root);

	/* Entities, char refs, CDATA; leaf whitespace kept. */
	root = txml_parse_str("<A><B>&lt;&amp;&gt;&quot;&apos;&#x263A;&#65;"
			      "</B><C>  </C><D><![CDATA[x]]>y</D>"
			      "<E>\r\nz\r\n</E></A>");
	assert_string_equal(xml_text(xml_child(root, "B")),
	    "<&>\"'\xe2\x98\xba"
	    "A");
	assert_string_equal(xml_text(xml_child(root, "C")), "  ");
	assert_string_equal(xml_text(xml_child(root, "D")), "xy");
	assert_string_equal(xml_text(xml_child(root, "E")), "\nz\n");
	assert_string_equal(xml_text(root), "");
	xml_free(root);

	/* Mixed content keeps its text, concatenated. */
	root = txml_parse_str("<A> one <B/> two </A>");
	assert_string_equal(xml_text(root), " one  two ");
	xml_free(root);

	/* Paths. */
	root = txml_parse_str("<A><B><C>c</C></B><B><D/></B></A>");
	assert_ptr_equal(xml_path(root, ""), root);
	assert_string_equal(xml_text(xml_path(root, "B/C")), "c");
	assert_null(xml_path(root, "B/D")); /* first B only */
	assert_null(xml_path(root, "B//C"));
	assert_null(xml_path(root, "/B"));
	assert_null(xml_path(root, "B/"));
	assert_null(xml_path(root, NULL));
	assert_null(xml_path(NULL, "B"));
	assert_null(xml_child(NULL, "B"));
	assert_null(xml_child(root, NULL));
	assert_null(xml_first(NULL));
	assert_null(xml_next(NULL, NULL));
	assert_null(xml_name(NULL));
	assert_string_equal(xml_text(NULL), "");
	assert_int_equal(xml_count(NULL, NULL), 0);
	assert_int_equal(xml_count(root, "B"), 2);
	xml_free(root);
	xml_free(NULL);
}

/* A document of depth nested <a> elements (caller frees). */
static char *
txml_nested(size_t depth, size_t *lenp)
{
	char *buf;
	size_t i, len = 0;

	buf = xmalloc(depth * 7 + 1);
	for (i = 0; i < depth; i++) {
		memcpy(buf + len, "<a>", 3);
		len += 3;
	}
	for (i = 0; i < depth; i++) {
		memcpy(buf + len, "</a>", 4);
		len += 4;
	}
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

/* <a>text of n bytes</a> (caller frees). */
static char *
txml_big_text(size_t n, size_t *lenp)
{
	char *buf;

	buf = xmalloc(n + 8);
	memcpy(buf, "<a>", 3);
	memset(buf + 3, 'x', n);
	memcpy(buf + 3 + n, "</a>", 5);
	*lenp = n + 7;
	return buf;
}

static void
test_xml_limits(void **state)
{
	struct sm_err err;
	struct xml_node *root;
	const struct xml_node *n;
	char *buf;
	size_t len, depth;

	(void)state;
	buf = txml_nested(XML_MAX_DEPTH, &len);
	root = xml_parse(buf, len, &err);
	assert_non_null(root);
	for (n = root, depth = 1; xml_first(n) != NULL; n = xml_first(n))
		depth++;
	assert_int_equal(depth, XML_MAX_DEPTH);
	xml_free(root);
	free(buf);
	buf = txml_nested(XML_MAX_DEPTH + 1, &len);
	txml_bad("65 levels", buf, len, "nested deeper than 64");
	free(buf);
	buf = txml_nested(100, &len);
	txml_bad("100 levels", buf, len, "line 1: elements nested deeper");
	free(buf);
	buf = txml_nested(100000, &len);
	txml_bad("100000 levels", buf, len, "nested deeper than 64");
	free(buf);

	buf = txml_big_text(XML_MAX_TEXT, &len);
	root = xml_parse(buf, len, &err);
	assert_non_null(root);
	assert_int_equal(xml_text_len(root), XML_MAX_TEXT);
	xml_free(root);
	free(buf);
	buf = txml_big_text(XML_MAX_TEXT + 1, &len);
	txml_bad("huge text", buf, len, "text of <a> over 1048576 bytes");
	free(buf);
	buf = txml_big_text(8 * XML_MAX_TEXT, &len);
	txml_bad("8 MiB text", buf, len, "over 1048576 bytes");
	free(buf);

	txml_bad(
	    "over XML_MAX_INPUT", "<a/>", (size_t)XML_MAX_INPUT + 1, "over");
}

static void
test_xml_too_many_nodes(void **state)
{
	char *buf;
	size_t i, len = 0, n = XML_MAX_NODES; /* + the root = one too many */

	(void)state;
	buf = xmalloc(n * 4 + 16);
	memcpy(buf, "<a>", 3);
	len = 3;
	for (i = 0; i < n; i++) {
		memcpy(buf + len, "<b/>", 4);
		len += 4;
	}
	memcpy(buf + len, "</a>", 4);
	len += 4;
	txml_bad("1000001 elements", buf, len, "more than 1000000 elements");
	free(buf);
}

static void
test_xml_hostile(void **state)
{
	static const char nul[] = "<a>x\0y</a>";
	char *buf;
	size_t len;

	(void)state;
	txml_bad_str("empty", "", "empty document");
	txml_bad("NULL", NULL, 0, "empty document");
	txml_bad_str("whitespace", " \n", "no element found");
	txml_bad_str(
	    "truncated", "<PublishResponse><PublishResult><Mess", "line 1: ");
	txml_bad_str("truncated text", "<PublishResponse><PublishResult>abc",
	    "no element found");
	txml_bad_str("unclosed", "<a><b></b>", "no element found");
	txml_bad_str("mismatched", "<a><b></a></b>", "mismatched tag");
	txml_bad_str("two roots", "<a/><b/>", "junk after document element");
	txml_bad_str("trailing garbage", "<a></a>xyz", "junk after");
	txml_bad_str("trailing garbage, line 2", "<a>\n</a>\n<", "line 3: ");
	txml_bad("NUL byte", nul, sizeof nul - 1, "NUL byte at offset 4");
	txml_bad_str("invalid UTF-8", "<a>\xff</a>", "not well-formed");
	txml_bad_str("overlong UTF-8", "<a>\xc0\xaf</a>", "not well-formed");
	txml_bad_str(
	    "UTF-16 surrogate", "<a>\xed\xa0\x80</a>", "not well-formed");
	txml_bad_str("truncated UTF-8", "<a>\xe2\x82</a>", "not well-formed");
	txml_bad_str("latin-1 declared",
	    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xe9</a>",
	    "not well-formed");
	txml_bad_str("control char", "<a>\x01</a>", "not well-formed");
	txml_bad_str("NUL char ref", "<a>&#0;</a>", "reference to invalid");
	txml_bad_str("undefined entity", "<a>&lol;</a>", "undefined entity");
	txml_bad_str("unbound prefix", "<x:a/>", "unbound prefix");
	txml_bad_str(
	    "not XML", "{\"__type\":\"Throttling\"}", "not well-formed");
	txml_bad_str("DOCTYPE", "<!DOCTYPE a><a/>", "DOCTYPE refused");
	txml_bad_str("external DTD",
	    "<!DOCTYPE a SYSTEM \"http://169.254.169.254/\"><a/>",
	    "DOCTYPE refused");
	txml_bad_str("parameter entity",
	    "<!DOCTYPE a [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>"
	    "<a/>",
	    "DOCTYPE refused");

	buf = txml_read("hostile-billion-laughs.xml", &len);
	txml_bad("billion laughs", buf, len, "line 2: DOCTYPE refused");
	free(buf);
	buf = txml_read("hostile-xxe.xml", &len);
	txml_bad("XXE", buf, len, "DOCTYPE refused");
	free(buf);
}

/* Random bytes flipped, cut, or dropped into fixtures: never a crash. */
static void
test_xml_mutations(void **state)
{
	static const char *const files[] = { "sts-assume-role.xml",
		"error-invalid-parameter.xml",
		"cloudwatch-describe-alarms.xml" };
	static const char junk[] = "<>&;/\"'!?[]\x00\x80\xc3\xff xmlns=:";
	struct sm_err err;
	struct xml_node *root;
	char *orig, *buf, code[48], msg[256], rid[64];
	size_t f, i, k, len, cut, parsed = 0, failed = 0;

	(void)state;
	srandom(TXML_SEED);
	for (f = 0; f < sizeof files / sizeof files[0]; f++) {
		orig = txml_read(files[f], &len);
		buf = xmalloc(len + 1);
		for (i = 0; i < TXML_MUTATIONS; i++) {
			memcpy(buf, orig, len);
			for (k = 0; k < 1 + (size_t)random() % 4; k++)
				buf[(size_t)random() % len] =
				    junk[(size_t)random() % (sizeof junk - 1)];
			cut = (i % 3 == 0) ? (size_t)random() % len + 1 : len;
			root = xml_parse(buf, cut, &err);
			if (root == NULL) {
				assert_string_equal(err.code, "MalformedXML");
				failed++;
				continue;
			}
			xml_aws_error(root, code, sizeof code, msg, sizeof msg,
			    rid, sizeof rid);
			xml_free(root);
			parsed++;
		}
		free(buf);
		free(orig);
	}
	assert_true(parsed > 0);
	assert_true(failed > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xml_assume_role),
		cmocka_unit_test(test_xml_caller_identity),
		cmocka_unit_test(test_xml_publish),
		cmocka_unit_test(test_xml_errors),
		cmocka_unit_test(test_xml_error_forms),
		cmocka_unit_test(test_xml_error_truncation),
		cmocka_unit_test(test_xml_describe_alarms),
		cmocka_unit_test(test_xml_names_and_text),
		cmocka_unit_test(test_xml_limits),
		cmocka_unit_test(test_xml_too_many_nodes),
		cmocka_unit_test(test_xml_hostile),
		cmocka_unit_test(test_xml_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
