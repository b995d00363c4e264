/*
 * secmonctl-calendar.c: "secmonctl calendar EXPR": when a calendar
 * expression elapses, computed here without the daemon (the socket is
 * never opened), printed as secmond --calendar prints it
 * (lib/calendar-print.c): systemd-analyze calendar's lines, or --json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "secmonctl.h"

const char cli_calendar_usage[] = "calendar EXPR [--iterations N] "
				  "[--timezone ZONE] [--base-time TIME]";
const char cli_calendar_help[] =
    "show when a calendar expression elapses (here, no daemon)";

/* Say what is wrong with the command line: CLI_EXIT_USAGE. */
static int
cli_calendar_usage_error(const char *what, const char *arg)
{
	char *e = cli_escape(arg);

	fprintf(stderr, "secmonctl: calendar: %s '%s'\nsecmonctl: usage: %s\n",
	    what, e, cli_calendar_usage);
	free(e);
	return CLI_EXIT_USAGE;
}

/*
 * argv[*i] is "--name VALUE" or "--name=VALUE" for name: 1 (the value in
 * *out), 0 if it is another option, -1 (said) if the value is missing.
 */
static int
cli_calendar_opt(
    int argc, char **argv, int *i, const char *name, const char **out)
{
	const char *a = argv[*i] + 2;
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0 || (a[n] != '\0' && a[n] != '='))
		return 0;
	if (a[n] == '=') {
		*out = a + n + 1;
		return 1;
	}
	if (*i + 1 == argc) {
		cli_calendar_usage_error("option needs a value:", argv[*i]);
		return -1;
	}
	*out = argv[++*i];
	return 1;
}

/* One option at argv[*i]: 0, or an exit status (said why). */
static int
cli_calendar_option(int argc, char **argv, int *i, struct calendar_show *s)
{
	int r;

	if (strcmp(argv[*i], "--json") == 0) {
		s->json = 1;
		return 0;
	}
	if (strncmp(argv[*i], "--", 2) == 0 &&
	    ((r = cli_calendar_opt(
		  argc, argv, i, "iterations", &s->iterations)) != 0 ||
		(r = cli_calendar_opt(argc, argv, i, "timezone", &s->tz)) !=
		    0 ||
		(r = cli_calendar_opt(argc, argv, i, "base-time", &s->base)) !=
		    0))
		return r == 1 ? 0 : CLI_EXIT_USAGE;
	return cli_calendar_usage_error("unknown option", argv[*i]);
}

int
cli_calendar(int argc, char **argv, int as_json)
{
	struct calendar_show s;
	int i, rc, words = 0;

	memset(&s, 0, sizeof s);
	s.json = as_json;
	for (i = 1; i < argc; i++) {
		if (!words && strcmp(argv[i], "--") == 0)
			words = 1;
		else if (!words && argv[i][0] == '-' && argv[i][1] != '\0') {
			if ((rc = cli_calendar_option(argc, argv, &i, &s)) != 0)
				return rc;
		} else if (s.expr != NULL)
			return cli_calendar_usage_error(
			    "one expression (quote it), not also", argv[i]);
		else
			s.expr = argv[i];
	}
	if (s.expr == NULL) {
		fprintf(stderr, "secmonctl: usage: %s\n", cli_calendar_usage);
		return CLI_EXIT_USAGE;
	}
	return calendar_show_main("secmonctl", &s) == 0 ? CLI_EXIT_OK
							: CLI_EXIT_ERROR;
}
