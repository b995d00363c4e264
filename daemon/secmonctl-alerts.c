/*
 * secmonctl-alerts.c: the alert views: "alerts" (each sink's delivery
 * state, then the latest alerts and where they are still pending) and
 * "test-alert".
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "secmonctl.h"
#include "util.h"

static void
cli_alerts_sinks(json_t *sinks, time_t now)
{
	static const char *const head[] = { "SINK", "TYPE", "PENDING",
		"NEXT ATTEMPT", "DELIVERED", "LAST OK", "LAST ERROR", NULL };
	char *cells[7];
	struct cli_table *t = cli_table_new(7);
	json_t *k;
	size_t i;

	cli_table_head(t, head);
	json_array_foreach(sinks, i, k)
	{
		if (!json_is_object(k))
			continue;
		cells[0] = cli_str(k, "name");
		cells[1] = cli_str(k, "type");
		cells[2] = cli_int(k, "pending", "");
		cells[3] = cli_when(k, "next_attempt", now, 1);
		cells[4] = cli_int(k, "delivered", "");
		cells[5] = cli_when(k, "last_ok", now, 0);
		cells[6] = cli_str(k, "last_error");
		cli_table_row(t, cells);
	}
	cli_table_print(t, 0);
	cli_table_free(t);
}

static void
cli_alerts_list(json_t *alerts, time_t now)
{
	static const char *const head[] = { "WHEN", "KIND", "EVENT", "SEV",
		"ACCOUNT", "REGION", "SUBJECT", "PENDING FOR", "TITLE", NULL };
	char *cells[9];
	struct cli_table *t = cli_table_new(9);
	json_t *a;
	size_t i;

	cli_table_head(t, head);
	json_array_foreach(alerts, i, a)
	{
		if (!json_is_object(a))
			continue;
		cells[0] = cli_when(a, "at", now, 0);
		cells[1] = cli_str(a, "kind");
		cells[2] = cli_str(a, "event");
		cells[3] = cli_number(json_object_get(a, "severity"), 1, 0);
		cells[4] = cli_str(a, "account");
		cells[5] = cli_str(a, "region");
		cells[6] = cli_str(a, "subject");
		cells[7] = cli_str(a, "pending_sinks");
		cells[8] = cli_str(a, "title");
		cli_table_row(t, cells);
	}
	cli_table_print(t, isatty(1) ? cli_term_width() : 0);
	cli_table_free(t);
	printf("%zu alert(s) shown\n", json_array_size(alerts));
}

void
cli_render_alerts(const char *socket, json_t *data)
{
	json_t *sinks = json_object_get(data, "sinks");
	json_t *alerts = json_object_get(data, "alerts");
	time_t now = time(NULL);

	(void)socket;
	if (json_is_array(sinks))
		cli_alerts_sinks(sinks, now);
	putchar('\n');
	if (json_is_array(alerts))
		cli_alerts_list(alerts, now);
}

void
cli_render_test_alert(const char *socket, json_t *data)
{
	char *n = cli_int(data, "queued", "");

	(void)socket;
	printf("queued %s test notification(s); see secmonctl alerts\n",
	    n != NULL ? n : "-");
	free(n);
}

void
cli_render_silence_add(const char *socket, json_t *data)
{
	char *id = cli_int(data, "id", "");

	(void)socket;
	printf("silence %s added\n", id != NULL ? id : "-");
	free(id);
}

void
cli_render_silence_expire(const char *socket, json_t *data)
{
	char *id = cli_int(data, "expired", "");

	(void)socket;
	printf("silence %s expired\n", id != NULL ? id : "-");
	free(id);
}

/* The matchers as "kind=new_finding region=us-*" (escaped). */
static char *
cli_matchers(json_t *m)
{
	const char *key;
	char *s = xstrdup(""), *t, *v;
	json_t *val;

	json_object_foreach(m, key, val)
	{
		v = cli_escape(
		    json_is_string(val) ? json_string_value(val) : "?");
		xasprintf(&t, "%s%s%s=%s", s, *s != '\0' ? " " : "", key, v);
		free(v);
		free(s);
		s = t;
	}
	return s;
}

void
cli_render_silence_list(const char *socket, json_t *data)
{
	static const char *const head[] = { "ID", "ACTIVE", "ENDS", "BY UID",
		"SILENCED", "MATCHERS", "COMMENT", NULL };
	json_t *list = json_object_get(data, "silences"), *x;
	time_t now = time(NULL);
	struct cli_table *t;
	char *cells[7];
	size_t i;

	(void)socket;
	t = cli_table_new(7);
	cli_table_head(t, head);
	json_array_foreach(list, i, x)
	{
		if (!json_is_object(x))
			continue;
		cells[0] = cli_int(x, "id", "");
		cells[1] = xstrdup(
		    json_is_true(json_object_get(x, "active")) ? "yes" : "no");
		cells[2] = cli_when(x, "ends", now, 1);
		cells[3] = cli_int(x, "created_by", "");
		cells[4] = cli_int(x, "silenced", "");
		cells[5] = cli_matchers(json_object_get(x, "matchers"));
		cells[6] = cli_str(x, "comment");
		cli_table_row(t, cells);
	}
	cli_table_print(t, isatty(1) ? cli_term_width() : 0);
	cli_table_free(t);
}
