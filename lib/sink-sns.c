/*
 * sink-sns.c: one notification as an SNS Publish (query protocol): a
 * Subject within SNS's limits, a readable body, MessageAttributes that
 * subscribers can filter on, and for FIFO topics a MessageGroupId and a
 * MessageDeduplicationId derived from the alerts' fingerprints and event,
 * so that duplicates collapse. Delivered only on 200 with a MessageId.
 */
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "aws.h"
#include "query.h"
#include "sigv4.h"
#include "sink-sns.h"
#include "xml.h"

struct sink_sns_req {
	sink_sns_cb done;
	void *arg;
	struct aws_req *req;
};

/* hex SHA-256 of the event and every fingerprint: the same note, the same id.
 */
static void
sink_sns_dedup(const struct alert_note *n, char out[65])
{
	char *s = xstrdup(n->event), *t;
	size_t i;

	for (i = 0; i < n->n; i++) {
		xasprintf(&t, "%s|%s", s, n->items[i].fingerprint);
		free(s);
		s = t;
	}
	sigv4_sha256_hex(s, strlen(s), out);
	free(s);
}

static void
sink_sns_attr(struct query *q, int i, const char *name, const char *value)
{
	query_addf(q, name, "MessageAttributes.entry.%d.Name", i);
	query_addf(q, "String", "MessageAttributes.entry.%d.Value.DataType", i);
	query_addf(q, value[0] != '\0' ? value : "-",
	    "MessageAttributes.entry.%d.Value.StringValue", i);
}

static struct query *
sink_sns_query(const struct sink_sns *k, const struct alert_note *n)
{
	struct query *q = query_new("Publish", "2010-03-31");
	char subject[100], dedup[65], *body = alert_note_body(n);

	alert_note_subject(n, subject, sizeof subject);
	query_add(q, "TopicArn", k->topic_arn);
	query_add(q, "Message", body);
	query_add(q, "Subject", subject);
	sink_sns_attr(q, 1, "severity", alert_band_name(n->severity));
	sink_sns_attr(q, 2, "kind", n->kind);
	sink_sns_attr(q, 3, "account", n->items[0].account);
	sink_sns_attr(q, 4, "region", n->items[0].region);
	if (k->fifo) {
		sink_sns_dedup(n, dedup);
		query_add(q, "MessageGroupId", n->kind);
		query_add(q, "MessageDeduplicationId", dedup);
	}
	free(body);
	return q;
}

static void
sink_sns_done_cb(struct aws_result *res, void *arg)
{
	struct sink_sns_req *r = arg;
	struct sm_err err;
	const char *id;

	if (!res->ok) {
		r->done(&res->err, r->arg);
	} else {
		id = xml_text(xml_path(res->xml, "PublishResult/MessageId"));
		if (*id == '\0') {
			sm_err_set(&err, "MalformedResponse",
			    "SNS.Publish: MalformedResponse: no MessageId");
			r->done(&err, r->arg);
		} else
			r->done(NULL, r->arg);
	}
	free(r);
}

struct sink_sns_req *
sink_sns_publish(const struct sink_sns *k, const struct alert_note *n,
    sink_sns_cb done, void *arg, struct sm_err *err)
{
	struct sink_sns_req *r;
	struct aws_call c = { .service_label = "SNS",
		.op = "Publish",
		.proto = AWS_QUERY,
		.ep = &k->ep,
		.method = "POST",
		.path = "/" };
	struct query *q = sink_sns_query(k, n);
	size_t len;

	if ((c.form = query_body(q, &len, err)) == NULL) {
		query_free(q);
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->done = done;
	r->arg = arg;
	r->req = aws_call(k->aws, &c, sink_sns_done_cb, r, err);
	query_free(q);
	if (r->req == NULL) {
		free(r);
		return NULL;
	}
	return r;
}

void
sink_sns_cancel(struct sink_sns_req *r)
{
	if (r == NULL)
		return;
	aws_cancel(r->req);
	free(r);
}
