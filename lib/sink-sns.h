/*
 * sink-sns.h: delivering a notification to an SNS topic with Publish.
 */
#ifndef SECMON_SINK_SNS_H
#define SECMON_SINK_SNS_H

#include "endpoint.h"
#include "util.h"

struct aws;
struct alert_note;
struct sink_sns_req;

struct sink_sns {
	const char *topic_arn;
	int fifo;
	struct endpoint ep; /* SNS in the topic's region */
	struct aws *aws;    /* signs with the base credentials */
};

/* err NULL: delivered (SNS answered with a MessageId). */
typedef void (*sink_sns_cb)(const struct sm_err *err, void *arg);

/* Publish n; done runs later from the loop. NULL with err if it can't start. */
struct sink_sns_req *sink_sns_publish(const struct sink_sns *,
    const struct alert_note *n, sink_sns_cb done, void *arg,
    struct sm_err *err);
void sink_sns_cancel(struct sink_sns_req *);

#endif
