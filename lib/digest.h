/*
 * digest.h: the text of the maintenance calendar's digests, from the JSON
 * the reviews gather (state_digest_gd/cw/sh, the WAF review): a summary
 * line and a body for people. Pure.
 */
#ifndef SECMON_DIGEST_H
#define SECMON_DIGEST_H

#include <time.h>

#include <jansson.h>

#define DIGEST_MAX_ITEMS 20 /* findings, alarms, controls listed per part */

/* The reviews, as [task NAME] action names them. */
enum digest_kind {
	DIGEST_GUARDDUTY,
	DIGEST_ALARMS,
	DIGEST_SECURITYHUB,
	DIGEST_WAF,
};

/*
 * The text of a digest of kind over data, covering (since, now]:
 * *summary gets one line, *body the rest (caller frees both).
 * WAF data: {"window": {"start", "middle", "end"}, "web_acls":
 * [{"account", "region", "web_acl", "this_week", "last_week"}],
 * "errors": [{"account", "region", "error"}]}.
 */
void digest_render(enum digest_kind kind, const json_t *data, time_t since,
    time_t now, char **summary, char **body);

#endif
