/*
 * secmonctl-render.c: how secmonctl shows the daemon's data to people:
 * strings escaped for a terminal, tables padded (and cut to the terminal),
 * cells from members of any type, times relative to now; and the views of
 * status, poll and the commands secmonctl does not know.
 */
#include <sys/ioctl.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "secmonctl.h"
#include "util.h"

#define CLI_CUT_MIN 16    /* columns a cut last column keeps at least */
#define CLI_TERM_COLS 80  /* a terminal's width when it does not say */
#define CLI_NUM_PLAIN 1e9 /* numbers this big or more are shown as %g */

/* Is p (UTF-8) a bidirectional control, U+200E-F, 202A-E or 2066-9? */
static int
cli_bidi(const unsigned char *p)
{
	if (p[0] != 0xe2)
		return 0;
	if (p[1] == 0x80)
		return p[2] == 0x8e || p[2] == 0x8f ||
		    (p[2] >= 0xaa && p[2] <= 0xae);
	return p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9;
}

/*
 * s made safe for a terminal (caller frees): sm_escape for C0 controls and
 * invalid UTF-8, then the C1 controls (U+0080-U+009F) and the controls of
 * text direction (which reorder what follows) as \uXXXX too.
 */
char *
cli_escape(const char *s)
{
	char *e = sm_escape(s), *out, *o;
	const unsigned char *p;

	out = o = xmalloc(strlen(e) * 3 + 1);
	for (p = (const unsigned char *)e; *p != '\0'; p++) {
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			o += sprintf(o, "\\u%04x", p[1]);
			p++;
		} else if (cli_bidi(p)) {
			o += sprintf(o, "\\u%02x%02x",
			    (p[0] & 0x0f) << 4 | (p[1] & 0x3c) >> 2,
			    (p[1] & 0x03) << 6 | (p[2] & 0x3f));
			p += 2;
		} else
			*o++ = (char)*p;
	}
	*o = '\0';
	free(e);
	return out;
}

/* Columns s takes on a terminal (code points, after escaping). */
size_t
cli_width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	return n;
}

/* The width of the terminal on stdout, or 0 if stdout is no terminal. */
size_t
cli_term_width(void)
{
	struct winsize ws;

	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return CLI_TERM_COLS;
}

struct cli_table *
cli_table_new(size_t ncols)
{
	struct cli_table *t = xcalloc(1, sizeof *t);

	t->ncols = ncols;
	return t;
}

/* Append a row of ncols cells (owned; NULL is "-"). */
void
cli_table_row(struct cli_table *t, char **cells)
{
	size_t i;

	t->cells = xreallocarray(
	    t->cells, (t->nrows + 1) * t->ncols, sizeof *t->cells);
	for (i = 0; i < t->ncols; i++) {
		t->cells[t->nrows * t->ncols + i] =
		    cells[i] != NULL ? cells[i] : xstrdup("-");
	}
	t->nrows++;
}

/* Append the header row head (ncols strings). */
void
cli_table_head(struct cli_table *t, const char *const *head)
{
	char **cells = xcalloc(t->ncols, sizeof *cells);
	size_t i;

	for (i = 0; i < t->ncols; i++)
		cells[i] = xstrdup(head[i]);
	cli_table_row(t, cells);
	free(cells);
}

/* Cut s in place to n columns (n > 3), its end shown as "...". */
static void
cli_cut(char *s, size_t n)
{
	size_t cols = 0;
	char *p;

	if (cli_width(s) <= n)
		return;
	for (p = s; *p != '\0'; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80 && cols++ == n - 3)
			break;
	}
	strcpy(p, "..."); /* fits: at least 4 code points went */
}

/* The columns' widths (caller frees); the last is cut to fit in width. */
static size_t *
cli_table_fit(struct cli_table *t, size_t width)
{
	size_t *w = xcalloc(t->ncols, sizeof *w), r, c, n, left = 0;

	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			n = cli_width(t->cells[r * t->ncols + c]);
			if (n > w[c])
				w[c] = n;
		}
	}
	for (c = 0; c + 1 < t->ncols; c++)
		left += w[c] + 2;
	if (width == 0 || left + w[t->ncols - 1] <= width)
		return w;
	n = width > left + CLI_CUT_MIN ? width - left : CLI_CUT_MIN;
	for (r = 0; r < t->nrows; r++)
		cli_cut(t->cells[r * t->ncols + t->ncols - 1], n);
	return w;
}

void
cli_table_print(struct cli_table *t, size_t width)
{
	size_t *w, r, c, n;
	const char *cell;

	if (t->ncols == 0)
		return;
	w = cli_table_fit(t, width);
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			cell = t->cells[r * t->ncols + c];
			fputs(cell, stdout);
			if (c + 1 == t->ncols)
				break;
			for (n = cli_width(cell); n < w[c] + 2; n++)
				putchar(' ');
		}
		putchar('\n');
	}
	free(w);
}

void
cli_table_free(struct cli_table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

/*
 * The number v with prec decimals, "+" before a positive one if sign (and
 * "0.0" for what rounds to zero), or NULL if v is not a number.
 */
char *
cli_number(json_t *v, int prec, int sign)
{
	double d;
	char *s;

	if (!json_is_number(v))
		return NULL;
	d = json_number_value(v);
	if (fabs(d) >= CLI_NUM_PLAIN)
		xasprintf(&s, sign ? "%+.3g" : "%.3g", d);
	else if (sign && fabs(d) * pow(10, prec) < 0.5)
		xasprintf(&s, "%.*f", prec, 0.0);
	else
		xasprintf(&s, sign ? "%+.*f" : "%.*f", prec, d);
	return s;
}

/* The string member key of o, escaped (caller frees), or NULL. */
char *
cli_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? cli_escape(s) : NULL;
}

/* The integer member key of o as text (caller frees), or NULL. */
char *
cli_int(json_t *o, const char *key, const char *suffix)
{
	json_t *v = json_object_get(o, key);
	char *s;

	if (!json_is_integer(v))
		return NULL;
	xasprintf(&s, "%lld%s", (long long)json_integer_value(v), suffix);
	return s;
}

/* secs as "42s", "5m", "1h05m", "3d04h". */
void
cli_duration(long long secs, char *buf, size_t len)
{
	if (secs < 60)
		snprintf(buf, len, "%llds", secs);
	else if (secs < 3600)
		snprintf(buf, len, "%lldm", secs / 60);
	else if (secs < 86400)
		snprintf(
		    buf, len, "%lldh%02lldm", secs / 3600, secs % 3600 / 60);
	else
		snprintf(buf, len, "%lldd%02lldh", secs / 86400,
		    secs % 86400 / 3600);
}

/*
 * The time member key of o relative to now ("5m ago"; for a future time
 * "in 4m", or "due" if it is past), or NULL.
 */
char *
cli_when(json_t *o, const char *key, time_t now, int future)
{
	const char *s = json_string_value(json_object_get(o, key));
	char d[32], *out;
	time_t t;

	if (s == NULL)
		return NULL;
	if (sm_iso8601_parse(s, &t) != 0)
		return cli_escape(s);
	if (future && t <= now)
		return xstrdup("due");
	cli_duration((long long)(t > now ? t - now : now - t), d, sizeof d);
	xasprintf(&out, t > now ? "in %s" : "%s ago", d);
	return out;
}

/* Print "label: value" with value escaped, or "-". */
static void
cli_field(const char *label, char *value)
{
	printf("%-8s %s\n", label, value != NULL ? value : "-");
	free(value);
}

static void
cli_status_head(json_t *data)
{
	char *version, *pid, *started, *config, *uptime = NULL, d[32];
	json_t *up = json_object_get(data, "uptime_sec");

	version = cli_str(data, "version");
	pid = cli_int(data, "pid", "");
	started = cli_str(data, "started_at");
	if (json_is_integer(up) && json_integer_value(up) >= 0) {
		cli_duration((long long)json_integer_value(up), d, sizeof d);
		uptime = xstrdup(d);
	}
	printf("secmond %s, pid %s, up %s (since %s)\n",
	    version != NULL ? version : "-", pid != NULL ? pid : "-",
	    uptime != NULL ? uptime : "-", started != NULL ? started : "-");
	free(version);
	free(pid);
	free(started);
	free(uptime);
	config = cli_str(data, "config");
	cli_field("config:", config);
	cli_field("alerts:",
	    cli_int(json_object_get(data, "alerts"), "emitted", " emitted"));
}

/* One row of the sources table. */
static void
cli_status_row(struct cli_table *t, json_t *src, time_t now)
{
	json_t *lp = json_object_get(src, "last_poll");
	json_t *f = json_object_get(src, "findings");
	char *cells[13];

	cells[0] = cli_str(src, "source");
	cells[1] = cli_str(src, "account");
	cells[2] = cli_str(src, "region");
	/* A target failing past blind_after says so in its state. */
	cells[3] = json_is_true(json_object_get(src, "blind"))
	    ? xstrdup("blind")
	    : cli_str(src, "state");
	cells[4] = cli_when(lp, "at", now, 0);
	cells[5] = cli_int(lp, "duration_ms", "ms");
	cells[6] = cli_when(src, "last_ok", now, 0);
	cells[7] = cli_when(src, "next_poll", now, 1);
	cells[8] = cli_int(f, "total", "");
	cells[9] = cli_int(f, "critical", "");
	cells[10] = cli_int(f, "high", "");
	cells[11] = cli_int(f, "medium", "");
	cells[12] = cli_int(f, "low", "");
	cli_table_row(t, cells);
}

/* The last poll errors, one line each, after the table. */
static void
cli_status_errors(json_t *sources)
{
	char *who[3], *error;
	json_t *src;
	size_t i, k;
	int first = 1;

	json_array_foreach(sources, i, src)
	{
		error = cli_str(json_object_get(src, "last_poll"), "error");
		if (error == NULL)
			continue;
		who[0] = cli_str(src, "source");
		who[1] = cli_str(src, "account");
		who[2] = cli_str(src, "region");
		if (first)
			printf("\nlast poll errors:\n");
		first = 0;
		printf("  %s %s/%s: %s\n", who[0] ? who[0] : "-",
		    who[1] ? who[1] : "-", who[2] ? who[2] : "-", error);
		for (k = 0; k < 3; k++)
			free(who[k]);
		free(error);
	}
}

/* The accounts: where their credentials come from and when they expire. */
static void
cli_status_accounts(json_t *accounts, time_t now)
{
	static const char *const head[] = { "ACCOUNT", "ROLE", "CREDENTIALS",
		"EXPIRES", "REFRESHED", "ERROR" };
	char *cells[sizeof head / sizeof head[0]];
	struct cli_table *t;
	json_t *a, *c;
	size_t i;

	if (!json_is_array(accounts) || json_array_size(accounts) == 0)
		return;
	t = cli_table_new(sizeof head / sizeof head[0]);
	cli_table_head(t, head);
	json_array_foreach(accounts, i, a)
	{
		c = json_object_get(a, "credentials");
		cells[0] = cli_str(a, "name");
		cells[1] = cli_str(a, "role_arn");
		cells[2] = cli_str(c, "source");
		cells[3] = cli_when(c, "expires", now, 1);
		cells[4] = cli_when(c, "refreshed", now, 0);
		cells[5] = cli_str(c, "error");
		cli_table_row(t, cells);
	}
	putchar('\n');
	cli_table_print(t, 0);
	cli_table_free(t);
}

void
cli_render_status(const char *socket, json_t *data)
{
	static const char *const head[] = { "SOURCE", "ACCOUNT", "REGION",
		"STATE", "LAST POLL", "TOOK", "LAST OK", "NEXT POLL",
		"FINDINGS", "CRIT", "HIGH", "MED", "LOW" };
	json_t *sources = json_object_get(data, "sources"), *src;
	time_t now = time(NULL);
	struct cli_table *t;
	size_t i;

	(void)socket;
	cli_status_head(data);
	cli_status_accounts(json_object_get(data, "accounts"), now);
	if (!json_is_array(sources) || json_array_size(sources) == 0) {
		printf("\nno sources\n");
		return;
	}
	t = cli_table_new(sizeof head / sizeof head[0]);
	cli_table_head(t, head);
	json_array_foreach(sources, i, src) cli_status_row(t, src, now);
	putchar('\n');
	cli_table_print(t, 0);
	cli_table_free(t);
	cli_status_errors(sources);
}

void
cli_render_generic(const char *socket, json_t *data)
{
	(void)socket;
	json_dumpf(data, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	putchar('\n');
}

void
cli_render_poll(const char *socket, json_t *data)
{
	char *n = cli_int(data, "started", "");

	(void)socket;
	printf("polling %s target(s)\n", n != NULL ? n : "-");
	free(n);
}
