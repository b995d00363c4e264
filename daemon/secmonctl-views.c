/*
 * secmonctl-views.c: secmonctl's views of the posture, each rendering one
 * reply's data for people: Security Hub scores (maturity level, target,
 * sparkline) and controls, CloudWatch alarms and their transitions,
 * GuardDuty findings; and the checks of those commands' option values.
 * Any member may be missing or of the wrong type: it shows as "-".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "secmonctl.h"
#include "util.h"

#define CLI_SPARK_MAX 60  /* sparkline points shown, the latest */
#define CLI_LEVELS_MAX 8  /* maturity levels taken from a reply */
#define CLI_SCORE_MAX 100 /* a score's scale: 0 to 100 */

/* GuardDuty's severity bands by name, at their lower bounds. */
static const struct {
	const char *name;
	double severity;
} cli_bands[] = {
	{ "low", 1 },
	{ "medium", 4 },
	{ "high", 7 },
	{ "critical", 9 },
};

/* The maturity levels of a score reply, and the target. */
struct cli_levels {
	size_t n;
	long long level[CLI_LEVELS_MAX];
	double score[CLI_LEVELS_MAX];
	int has_target;
	double target;
};

/* The objects in array a: the rows it gives (other values are left out). */
static size_t
cli_objects(json_t *a)
{
	size_t i, n = 0;
	json_t *v;

	json_array_foreach(a, i, v) n += json_is_object(v) ? 1 : 0;
	return n;
}

/* Option values. */

/* --account, --region: a UTF-8 string, not empty. */
json_t *
cli_value_string(const struct cli_opt *o, const char *s)
{
	json_t *v = *s != '\0' ? json_string(s) : NULL;

	if (v == NULL)
		fprintf(
		    stderr, "secmonctl: --%s: empty or not UTF-8\n", o->name);
	return v;
}

/* --state: OK, ALARM or INSUFFICIENT_DATA, in any case. */
json_t *
cli_value_state(const struct cli_opt *o, const char *s)
{
	static const char *const states[] = { "OK", "ALARM",
		"INSUFFICIENT_DATA" };
	size_t i;
	char *e;

	for (i = 0; i < sizeof states / sizeof states[0]; i++) {
		if (strcasecmp(s, states[i]) == 0)
			return json_string(states[i]);
	}
	e = cli_escape(s);
	fprintf(stderr,
	    "secmonctl: --%s '%s': not OK, ALARM or INSUFFICIENT_DATA\n",
	    o->name, e);
	free(e);
	return NULL;
}

/* --min-severity: 0 to 10, or a band's name (its lower bound). */
json_t *
cli_value_severity(const struct cli_opt *o, const char *s)
{
	char *end, *e;
	size_t i;
	double d;

	for (i = 0; i < sizeof cli_bands / sizeof cli_bands[0]; i++) {
		if (strcasecmp(s, cli_bands[i].name) == 0)
			return json_real(cli_bands[i].severity);
	}
	d = strtod(s, &end);
	if (*s != '\0' && *end == '\0' && isfinite(d) && d >= 0 && d <= 10)
		return json_real(d);
	e = cli_escape(s);
	fprintf(stderr,
	    "secmonctl: --%s '%s': not a number from 0 to 10 nor low, "
	    "medium, high or critical\n",
	    o->name, e);
	free(e);
	return NULL;
}

/* Scores. */

/* The levels and target of data; the levels that make no sense are left. */
static void
cli_levels_get(json_t *data, struct cli_levels *lv)
{
	json_t *a = json_object_get(data, "levels"), *l, *lvl, *sc;
	json_t *target = json_object_get(data, "score_target");
	size_t i;

	memset(lv, 0, sizeof *lv);
	json_array_foreach(a, i, l)
	{
		lvl = json_object_get(l, "level");
		sc = json_object_get(l, "score");
		if (lv->n == CLI_LEVELS_MAX || !json_is_integer(lvl) ||
		    !json_is_number(sc))
			continue;
		lv->level[lv->n] = (long long)json_integer_value(lvl);
		lv->score[lv->n++] = json_number_value(sc);
	}
	if (json_is_number(target)) {
		lv->has_target = 1;
		lv->target = json_number_value(target);
	}
}

/* "Level 1 at 37, Level 2 (the target) at 75, ...; target 80". */
static void
cli_levels_print(const struct cli_levels *lv)
{
	int target_level = 0;
	size_t i;

	if (lv->n == 0 && !lv->has_target)
		return;
	printf("maturity levels:");
	for (i = 0; i < lv->n; i++) {
		printf("%s Level %lld", i > 0 ? "," : "", lv->level[i]);
		if (lv->has_target && lv->score[i] == lv->target) {
			printf(" (the target)");
			target_level = 1;
		}
		printf(" at %g", lv->score[i]);
	}
	if (lv->n == 0)
		printf(" -");
	if (lv->has_target && !target_level)
		printf("; target %g", lv->target);
	putchar('\n');
}

/* The level score reaches: "Level 2", "below Level 1"; NULL if none. */
static char *
cli_level(const struct cli_levels *lv, double score)
{
	size_t i, best = lv->n, low = 0;
	char *s;

	if (lv->n == 0)
		return NULL;
	for (i = 0; i < lv->n; i++) {
		if (score >= lv->score[i] &&
		    (best == lv->n || lv->score[i] > lv->score[best]))
			best = i;
		if (lv->score[i] < lv->score[low])
			low = i;
	}
	if (best < lv->n)
		xasprintf(&s, "Level %lld", lv->level[best]);
	else
		xasprintf(&s, "below Level %lld", lv->level[low]);
	return s;
}

/* One point of a series: [at, score] (or a bare score); NAN if none. */
static double
cli_point(json_t *p)
{
	if (json_is_array(p))
		p = json_array_get(p, 1);
	return json_is_number(p) ? json_number_value(p) : NAN;
}

/* The series' last points as a sparkline (caller frees), scaled 0-100. */
static char *
cli_spark(json_t *series)
{
	static const char *const blocks[] = { "\u2581", "\u2582", "\u2583",
		"\u2584", "\u2585", "\u2586", "\u2587", "\u2588" };
	static const char ascii[] = "_.-'";
	size_t n = json_array_size(series), i, k, steps;
	char *out, *o;
	double d;

	if (!json_is_array(series) || n == 0)
		return NULL;
	i = n > CLI_SPARK_MAX ? n - CLI_SPARK_MAX : 0;
	steps = cli_utf8 ? sizeof blocks / sizeof blocks[0] : sizeof ascii - 1;
	out = o = xmalloc((n - i) * 3 + 1);
	for (; i < n; i++) {
		d = cli_point(json_array_get(series, i));
		if (isnan(d)) {
			*o++ = ' ';
			continue;
		}
		d = fmin(fmax(d, 0), CLI_SCORE_MAX);
		k = (size_t)lround(d / CLI_SCORE_MAX * (double)(steps - 1));
		if (cli_utf8)
			o = stpcpy(o, blocks[k]);
		else
			*o++ = ascii[k];
	}
	*o = '\0';
	return out;
}

/* One standard's row; its trend from history when history is not NULL. */
static void
cli_score_row(struct cli_table *t, const struct cli_levels *lv, json_t *std,
    json_t *history)
{
	const char *id = json_string_value(json_object_get(std, "standard"));
	const char *name = json_string_value(json_object_get(std, "name"));
	json_t *score = json_object_get(std, "score");
	char *cells[11];

	if (id != NULL && strcmp(id, "overall") == 0)
		cells[0] = xstrdup("overall");
	else if (name != NULL && *name != '\0')
		cells[0] = cli_escape(name);
	else
		cells[0] = id != NULL ? cli_escape(id) : NULL;
	cells[1] = cli_number(score, 1, 0);
	cells[2] = cli_number(json_object_get(std, "change"), 1, 1);
	cells[3] = cells[4] = NULL;
	if (json_is_number(score)) {
		cells[3] = cli_level(lv, json_number_value(score));
		if (lv->has_target)
			cells[4] = xstrdup(
			    json_number_value(score) >= lv->target ? "met"
								   : "below");
	}
	cells[5] = cli_int(std, "passed", "");
	cells[6] = cli_int(std, "failed", "");
	cells[7] = cli_int(std, "unknown", "");
	cells[8] = cli_int(std, "no_data", "");
	cells[9] = cli_int(std, "disabled", "");
	if (history != NULL)
		cells[10] =
		    cli_spark(id != NULL ? json_object_get(history, id) : NULL);
	cli_table_row(t, cells);
}

/* One target: "account/region, polled 5m ago", then its standards. */
static void
cli_score_target(const struct cli_levels *lv, json_t *tg, time_t now)
{
	static const char *const head[] = { "STANDARD", "SCORE", "CHANGE",
		"LEVEL", "TARGET", "PASSED", "FAILED", "UNKNOWN", "NO DATA",
		"DISABLED", "TREND" };
	json_t *stds = json_object_get(tg, "standards"), *std;
	json_t *history = json_object_get(tg, "history");
	char *account = cli_str(tg, "account"), *region = cli_str(tg, "region");
	char *at = cli_when(tg, "at", now, 0);
	const char *id;
	struct cli_table *t;
	size_t i, pass;

	if (!json_is_object(history))
		history = NULL;
	printf("\n%s/%s, polled %s\n", account != NULL ? account : "-",
	    region != NULL ? region : "-", at != NULL ? at : "-");
	free(account);
	free(region);
	free(at);
	if (cli_objects(stds) == 0) {
		printf("no standards\n");
		return;
	}
	t = cli_table_new(history != NULL ? 11 : 10);
	cli_table_head(t, head);
	for (pass = 0; pass < 2; pass++) { /* the overall row first */
		json_array_foreach(stds, i, std)
		{
			if (!json_is_object(std))
				continue;
			id =
			    json_string_value(json_object_get(std, "standard"));
			if ((id != NULL && strcmp(id, "overall") == 0) ==
			    (pass == 0))
				cli_score_row(t, lv, std, history);
		}
	}
	cli_table_print(t, 0);
	cli_table_free(t);
}

void
cli_render_score(const char *socket, json_t *data)
{
	json_t *targets = json_object_get(data, "targets"), *tg;
	time_t now = time(NULL);
	struct cli_levels lv;
	size_t i;

	(void)socket;
	cli_levels_get(data, &lv);
	cli_levels_print(&lv);
	if (cli_objects(targets) == 0) {
		printf("no scores yet\n");
		return;
	}
	json_array_foreach(targets, i, tg)
	{
		if (json_is_object(tg))
			cli_score_target(&lv, tg, now);
	}
}

/* Controls, alarms, findings. */

void
cli_render_controls(const char *socket, json_t *data)
{
	static const char *const head[] = { "ACCOUNT", "REGION", "CONTROL",
		"SEVERITY", "STATUS", "FAILED RESOURCES", "SINCE", "TITLE" };
	json_t *controls = json_object_get(data, "controls"), *c;
	char *cells[sizeof head / sizeof head[0]];
	time_t now = time(NULL);
	struct cli_table *t;
	size_t i, failed = 0;

	(void)socket;
	if (cli_objects(controls) == 0) {
		printf("no controls\n");
		return;
	}
	t = cli_table_new(sizeof head / sizeof head[0]);
	cli_table_head(t, head);
	json_array_foreach(controls, i, c)
	{
		if (!json_is_object(c))
			continue;
		cells[0] = cli_str(c, "account");
		cells[1] = cli_str(c, "region");
		cells[2] = cli_str(c, "id");
		cells[3] = cli_str(c, "severity");
		cells[4] = cli_str(c, "status");
		cells[5] = cli_int(c, "failed_resources", "");
		cells[6] = cli_when(c, "since", now, 0);
		cells[7] = cli_str(c, "title");
		if (cells[4] != NULL && strcmp(cells[4], "FAILED") == 0)
			failed++;
		cli_table_row(t, cells);
	}
	cli_table_print(t, 0);
	cli_table_free(t);
	printf("\n%zu control(s), %zu failed\n", cli_objects(controls), failed);
}

/* The latest transitions: when, which alarm, from -> to. */
static void
cli_alarms_transitions(json_t *trs, time_t now)
{
	static const char *const head[] = { "AT", "ACCOUNT", "REGION", "ALARM",
		"TRANSITION" };
	char *cells[sizeof head / sizeof head[0]], *from, *to;
	struct cli_table *t;
	json_t *tr;
	size_t i;

	if (cli_objects(trs) == 0)
		return;
	t = cli_table_new(sizeof head / sizeof head[0]);
	cli_table_head(t, head);
	json_array_foreach(trs, i, tr)
	{
		if (!json_is_object(tr))
			continue;
		cells[0] = cli_when(tr, "at", now, 0);
		cells[1] = cli_str(tr, "account");
		cells[2] = cli_str(tr, "region");
		cells[3] = cli_str(tr, "name");
		from = cli_str(tr, "from");
		to = cli_str(tr, "to");
		xasprintf(&cells[4], "%s -> %s", from != NULL ? from : "-",
		    to != NULL ? to : "-");
		free(from);
		free(to);
		cli_table_row(t, cells);
	}
	printf("\nlatest transitions:\n");
	cli_table_print(t, 0);
	cli_table_free(t);
}

void
cli_render_alarms(const char *socket, json_t *data)
{
	static const char *const head[] = { "ACCOUNT", "REGION", "ALARM",
		"TYPE", "STATE", "SINCE", "REASON" };
	json_t *alarms = json_object_get(data, "alarms"), *a;
	char *cells[sizeof head / sizeof head[0]];
	time_t now = time(NULL);
	struct cli_table *t;
	size_t i, alarm = 0;

	(void)socket;
	if (cli_objects(alarms) == 0)
		printf("no alarms\n");
	else {
		t = cli_table_new(sizeof head / sizeof head[0]);
		cli_table_head(t, head);
		json_array_foreach(alarms, i, a)
		{
			if (!json_is_object(a))
				continue;
			cells[0] = cli_str(a, "account");
			cells[1] = cli_str(a, "region");
			cells[2] = cli_str(a, "name");
			cells[3] = cli_str(a, "type");
			cells[4] = cli_str(a, "state");
			cells[5] = cli_when(a, "since", now, 0);
			cells[6] = cli_str(a, "reason");
			if (cells[4] != NULL && strcmp(cells[4], "ALARM") == 0)
				alarm++;
			cli_table_row(t, cells);
		}
		cli_table_print(t, cli_term_width());
		cli_table_free(t);
		printf("\n%zu alarm(s), %zu in ALARM\n", cli_objects(alarms),
		    alarm);
	}
	cli_alarms_transitions(json_object_get(data, "transitions"), now);
}

/* "8.2 high": the severity and its band. */
static char *
cli_severity(json_t *f)
{
	char *sev = cli_number(json_object_get(f, "severity"), 1, 0);
	char *band = cli_str(f, "band"), *s;

	if (sev == NULL && band == NULL)
		return NULL;
	xasprintf(
	    &s, "%s %s", sev != NULL ? sev : "-", band != NULL ? band : "-");
	free(sev);
	free(band);
	return s;
}

void
cli_render_findings(const char *socket, json_t *data)
{
	static const char *const head[] = { "SEVERITY", "ACCOUNT", "REGION",
		"TYPE", "COUNT", "UPDATED", "TITLE" };
	json_t *findings = json_object_get(data, "findings"), *f;
	char *cells[sizeof head / sizeof head[0]], *min;
	time_t now = time(NULL);
	struct cli_table *t;
	size_t i;

	(void)socket;
	if (cli_objects(findings) > 0) {
		t = cli_table_new(sizeof head / sizeof head[0]);
		cli_table_head(t, head);
		json_array_foreach(findings, i, f)
		{
			if (!json_is_object(f))
				continue;
			cells[0] = cli_severity(f);
			cells[1] = cli_str(f, "account");
			cells[2] = cli_str(f, "region");
			cells[3] = cli_str(f, "type");
			cells[4] = cli_int(f, "count", "");
			cells[5] = cli_when(f, "updated_at", now, 0);
			cells[6] = cli_str(f, "title");
			cli_table_row(t, cells);
		}
		cli_table_print(t, 0);
		cli_table_free(t);
		putchar('\n');
	}
	min = cli_number(json_object_get(data, "min_severity"), 1, 0);
	printf("%zu active finding(s) at or above severity %s\n",
	    cli_objects(findings), min != NULL ? min : "-");
	free(min);
}
