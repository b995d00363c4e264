/*
 * tasks-int.h: what tasks.c shares with tasks-waf.c, the WAF review: per
 * account and region it reads the week of blocked requests of every web
 * ACL and the week before, all at once, on the loop.
 */
#ifndef SECMON_TASKS_INT_H
#define SECMON_TASKS_INT_H

#include <time.h>

#include <jansson.h>

struct monitor;
struct tasks_waf;

/*
 * data (the callee owns it): {"window": {"start", "middle", "end"},
 * "web_acls": [...], "errors": [{"account", "region", "error"}], "calls"}
 * (see digest.h); every region that failed is in errors.
 */
typedef void (*tasks_waf_cb)(json_t *data, void *arg);

/* Start the review of the 14 days before end; cb runs later, on the loop,
 * unless the review is cancelled first. */
struct event_base;
struct tasks_waf *tasks_waf_start(struct event_base *, struct monitor *,
    const char *endpoint_url, time_t end, tasks_waf_cb cb, void *arg);
void tasks_waf_cancel(struct tasks_waf *);

#endif
