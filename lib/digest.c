/*
 * digest.c: the text of the digests: one summary line (the notification's
 * title, and what `secmonctl tasks` shows) and a body of short sections,
 * worst first, with every count in full and every list capped.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "log.h"
#include "util.h"

static const char *const digest_bands[] = { "critical", "high", "medium",
	"low" };

static json_int_t
digest_int(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static const char *
digest_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* "2 critical, 5 high, 0 medium, 3 low" */
static void
digest_bands_text(FILE *f, const json_t *counts)
{
	size_t i;

	for (i = 0; i < 4; i++)
		fprintf(f, "%s%lld %s", i > 0 ? ", " : "",
		    (long long)digest_int(counts, digest_bands[i]),
		    digest_bands[i]);
}

static const char *
digest_band(double sev)
{
	return sev >= 9 ? "critical"
	    : sev >= 7  ? "high"
	    : sev >= 4  ? "medium"
			: "low";
}

static void
digest_findings(FILE *f, const char *head, json_int_t total, const json_t *a)
{
	const json_t *it;
	size_t i;

	fprintf(f, "\n%s: %lld\n", head, (long long)total);
	json_array_foreach(a, i, it)
	{
		double sev = json_number_value(json_object_get(it, "severity"));

		fprintf(f, "  - %.1f %-8s %s/%s %s\n    %s\n", sev,
		    digest_band(sev), digest_str(it, "account"),
		    digest_str(it, "region"), digest_str(it, "type"),
		    digest_str(it, "title"));
	}
	if (total > (json_int_t)json_array_size(a))
		fprintf(f, "  ... and %lld more\n",
		    (long long)(total - (json_int_t)json_array_size(a)));
}

static void
digest_gd(FILE *f, const json_t *d, char **summary)
{
	const json_t *counts = json_object_get(d, "counts"), *t;
	size_t i;

	fputs("Active findings: ", f);
	digest_bands_text(f, counts);
	fputc('\n', f);
	json_array_foreach(json_object_get(d, "targets"), i, t)
	{
		fprintf(f, "  %s/%s: ", digest_str(t, "account"),
		    digest_str(t, "region"));
		digest_bands_text(f, json_object_get(t, "counts"));
		fputc('\n', f);
	}
	digest_findings(f, "New since the last digest",
	    digest_int(d, "new_count"), json_object_get(d, "new"));
	digest_findings(f, "Resolved since the last digest",
	    digest_int(d, "resolved_count"), json_object_get(d, "resolved"));
	fputs("\nWorst active:\n", f);
	if (json_array_size(json_object_get(d, "worst")) == 0)
		fputs("  none\n", f);
	json_array_foreach(json_object_get(d, "worst"), i, t)
	{
		double sev = json_number_value(json_object_get(t, "severity"));

		fprintf(f, "  - %.1f %-8s %s/%s %s\n    %s\n", sev,
		    digest_band(sev), digest_str(t, "account"),
		    digest_str(t, "region"), digest_str(t, "type"),
		    digest_str(t, "title"));
	}
	xasprintf(summary,
	    "GuardDuty: %lld critical, %lld high, %lld medium, %lld low "
	    "active; %lld new, %lld resolved",
	    (long long)digest_int(counts, "critical"),
	    (long long)digest_int(counts, "high"),
	    (long long)digest_int(counts, "medium"),
	    (long long)digest_int(counts, "low"),
	    (long long)digest_int(d, "new_count"),
	    (long long)digest_int(d, "resolved_count"));
}

static void
digest_cw(FILE *f, const json_t *d, char **summary)
{
	const json_t *counts = json_object_get(d, "counts"), *t;
	size_t i;

	fprintf(f, "Alarms: %lld in ALARM, %lld OK, %lld INSUFFICIENT_DATA\n",
	    (long long)digest_int(counts, "alarm"),
	    (long long)digest_int(counts, "ok"),
	    (long long)digest_int(counts, "insufficient_data"));
	fputs("\nIn ALARM now:\n", f);
	if (json_array_size(json_object_get(d, "in_alarm")) == 0)
		fputs("  none\n", f);
	json_array_foreach(json_object_get(d, "in_alarm"), i, t) fprintf(f,
	    "  - %s/%s %s (since %s)\n    %s\n", digest_str(t, "account"),
	    digest_str(t, "region"), digest_str(t, "name"),
	    digest_str(t, "since"), digest_str(t, "reason"));
	fprintf(f, "\nTransitions since the last digest: %lld\n",
	    (long long)digest_int(d, "transitions_count"));
	json_array_foreach(json_object_get(d, "transitions"), i, t)
	    fprintf(f, "  - %s %s/%s %s: %s -> %s\n", digest_str(t, "at"),
		digest_str(t, "account"), digest_str(t, "region"),
		digest_str(t, "name"),
		json_is_string(json_object_get(t, "old")) ? digest_str(t, "old")
							  : "(new)",
		digest_str(t, "new"));
	if (digest_int(d, "transitions_count") >
	    (json_int_t)json_array_size(json_object_get(d, "transitions")))
		fputs("  ... (secmonctl alarms --transitions)\n", f);
	xasprintf(summary, "Alarms: %lld in ALARM; %lld transitions",
	    (long long)digest_int(counts, "alarm"),
	    (long long)digest_int(d, "transitions_count"));
}

/* " (-1.2)" or " (new)" for a score's change. */
static void
digest_change(FILE *f, const json_t *s)
{
	const json_t *c = json_object_get(s, "change");

	if (json_is_number(c))
		fprintf(f, " (%+.1f)", json_number_value(c));
	else
		fputs(" (no earlier score)", f);
}

static void
digest_sh(FILE *f, const json_t *d, char **summary)
{
	const json_t *s, *c, *overall = NULL;
	size_t i, nfail = json_array_size(json_object_get(d, "newly_failing"));

	fputs("Security scores:\n", f);
	if (json_array_size(json_object_get(d, "scores")) == 0)
		fputs("  none yet\n", f);
	json_array_foreach(json_object_get(d, "scores"), i, s)
	{
		const json_t *v = json_object_get(s, "score");
		int all = strcmp(digest_str(s, "standard"), "overall") == 0;

		if (all && overall == NULL)
			overall = s;
		fprintf(f, "  %s/%s %s: ", digest_str(s, "account"),
		    digest_str(s, "region"),
		    all ? "overall" : digest_str(s, "name"));
		if (json_is_number(v)) {
			fprintf(f, "%.1f%%", json_number_value(v));
			digest_change(f, s);
		} else
			fputs("no score", f);
		fputc('\n', f);
	}
	fprintf(f, "\nControls failing since the last digest: %zu\n", nfail);
	json_array_foreach(json_object_get(d, "newly_failing"), i, c)
	    fprintf(f, "  - %s %s/%s %s: %s (%d resources)\n",
		digest_str(c, "severity"), digest_str(c, "account"),
		digest_str(c, "region"), digest_str(c, "id"),
		digest_str(c, "title"), (int)digest_int(c, "failed_resources"));
	if (overall != NULL &&
	    json_is_number(json_object_get(overall, "score"))) {
		const json_t *ch = json_object_get(overall, "change");

		if (json_is_number(ch))
			xasprintf(summary,
			    "Security Hub: overall %.1f%% (%+.1f); %zu "
			    "controls newly failing",
			    json_number_value(
				json_object_get(overall, "score")),
			    json_number_value(ch), nfail);
		else
			xasprintf(summary,
			    "Security Hub: overall %.1f%%; %zu controls newly "
			    "failing",
			    json_number_value(
				json_object_get(overall, "score")),
			    nfail);
	} else
		xasprintf(summary,
		    "Security Hub: no score yet; %zu controls newly failing",
		    nfail);
}

/* "+12%" or "new" for this week against the last. */
static void
digest_pct(char *buf, size_t len, double now, double before)
{
	if (before > 0)
		snprintf(buf, len, "%+.0f%%", (now - before) / before * 100);
	else
		snprintf(buf, len, now > 0 ? "new" : "=");
}

static void
digest_waf(FILE *f, const json_t *d, char **summary)
{
	const json_t *w = json_object_get(d, "window"), *a, *e;
	double now = 0, before = 0;
	char pct[32];
	size_t i;

	fprintf(f, "WAF blocked requests, %s to %s, against %s to %s:\n",
	    digest_str(w, "middle"), digest_str(w, "end"),
	    digest_str(w, "start"), digest_str(w, "middle"));
	if (json_array_size(json_object_get(d, "web_acls")) == 0)
		fputs("  no web ACL reports BlockedRequests\n", f);
	json_array_foreach(json_object_get(d, "web_acls"), i, a)
	{
		double tw = json_number_value(json_object_get(a, "this_week"));
		double lw = json_number_value(json_object_get(a, "last_week"));

		now += tw;
		before += lw;
		digest_pct(pct, sizeof pct, tw, lw);
		fprintf(f, "  %s/%s %s: %.0f (%s; week before %.0f)\n",
		    digest_str(a, "account"),
		    *digest_str(a, "region") != '\0' ? digest_str(a, "region")
						     : "global",
		    digest_str(a, "web_acl"), tw, pct, lw);
	}
	json_array_foreach(json_object_get(d, "errors"), i, e) fprintf(f,
	    "  %s/%s: could not be read: %s\n", digest_str(e, "account"),
	    digest_str(e, "region"), digest_str(e, "error"));
	digest_pct(pct, sizeof pct, now, before);
	xasprintf(summary,
	    "WAF: %.0f blocked requests this week (%s; week before %.0f) "
	    "across %zu web ACLs%s",
	    now, pct, before, json_array_size(json_object_get(d, "web_acls")),
	    json_array_size(json_object_get(d, "errors")) > 0
		? "; some regions could not be read"
		: "");
}

void
digest_render(enum digest_kind kind, const json_t *data, time_t since,
    time_t now, char **summary, char **body)
{
	char a[32], b[32];
	size_t len;
	FILE *f;

	*summary = NULL;
	if ((f = open_memstream(body, &len)) == NULL)
		fatal("open_memstream");
	sm_iso8601(since, a, sizeof a);
	sm_iso8601(now, b, sizeof b);
	fprintf(f, "Covers %s to %s.\n\n", a, b);
	switch (kind) {
	case DIGEST_GUARDDUTY:
		digest_gd(f, data, summary);
		break;
	case DIGEST_ALARMS:
		digest_cw(f, data, summary);
		break;
	case DIGEST_SECURITYHUB:
		digest_sh(f, data, summary);
		break;
	case DIGEST_WAF:
		digest_waf(f, data, summary);
		break;
	}
	if (fclose(f) != 0)
		fatal("open_memstream");
	if (*summary == NULL)
		*summary = xstrdup("");
}
