/*
 * secmond.c: main: arguments, configuration, wiring of the modules in
 * dependency order (state, http, aws, monitor, control) and their teardown
 * in reverse, signals as libevent events (HUP reloads, TERM/INT stop),
 * sd_notify and the watchdog.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <systemd/sd-daemon.h>

#include "aws.h"
#include "calendar.h"
#include "conf.h"
#include "control.h"
#include "creds.h"
#include "ctl.h"
#include "http.h"
#include "log.h"
#include "monitor.h"
#include "outbox.h"
#include "ratelimit.h"
#include "state.h"
#include "tasks.h"

struct secmond {
	const char *config_path;
	struct conf *conf;
	char *admin_group; /* fixed at start: the control borrows it */
	struct event_base *base;
	struct state *state;
	struct http *http;
	struct creds_ctx cctx;
	struct creds_src *chain;
	struct ratelimit_gate *gate;
	struct outbox *outbox;
	struct monitor *monitor;
	struct tasks *tasks;
	struct control *control;
	struct ctl_ctx ctx;
	struct event *sig_term, *sig_int, *sig_hup, *watchdog;
	int once;
	int exit_code;
};

static void __attribute__((noreturn)) usage(int code)
{
	fprintf(code == 0 ? stdout : stderr,
	    "usage: secmond [-c FILE] [-t] [--once] [-d] [-h] [-V]\n"
	    "       secmond --calendar EXPR [--iterations N] [--timezone "
	    "ZONE]\n"
	    "               [--base-time TIME] [--json]\n"
	    "  -c, --config FILE  configuration file (default %s)\n"
	    "  -t, --test         check the configuration and exit\n"
	    "      --once         poll every source once, print a summary, "
	    "exit\n"
	    "  -d, --debug        log debug messages\n"
	    "  -h, --help         show this help\n"
	    "  -V, --version      show the version\n"
	    "      --calendar EXPR   print when EXPR, a calendar expression,\n"
	    "                        elapses (as systemd-analyze calendar)\n"
	    "      --iterations N    the next N elapses (default 1)\n"
	    "      --timezone ZONE   in ZONE (default the host's)\n"
	    "      --base-time TIME  after TIME, @EPOCH or ISO 8601 (default "
	    "now)\n"
	    "      --json            print JSON\n",
	    CONF_DEFAULT_PATH);
	exit(code);
}

/* Load the configuration, printing every error; NULL if it is bad. */
static struct conf *
secmond_load_conf(const char *path, int to_stderr)
{
	struct conf_errors errs = { NULL, 0 };
	struct conf *c;
	size_t i;

	if (conf_load(path, &c, &errs) == 0)
		return c;
	for (i = 0; i < errs.n; i++) {
		if (to_stderr)
			fprintf(stderr, "%s\n", errs.msg[i]);
		else
			log_warnx("%s", errs.msg[i]);
	}
	conf_errors_clear(&errs);
	return NULL;
}

static int
secmond_differ(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a != b;
	return strcmp(a, b) != 0;
}

/* What a reload cannot change: said once, the running values stay. */
static void
secmond_reload_warn(const struct conf *old, const struct conf *c)
{
	if (secmond_differ(c->state_dir, old->state_dir) ||
	    secmond_differ(c->socket, old->socket) ||
	    secmond_differ(c->admin_group, old->admin_group))
		log_warnx("reload: state_dir, socket and admin_group change "
			  "only on restart");
	if (secmond_differ(c->profile, old->profile) ||
	    secmond_differ(c->endpoint_url, old->endpoint_url) ||
	    c->max_concurrency != old->max_concurrency ||
	    c->rate_limit_factor != old->rate_limit_factor)
		log_warnx(
		    "reload: profile, endpoint_url (for STS), "
		    "max_concurrency and rate_limit_factor change only on "
		    "restart");
}

static void
secmond_reload(struct secmond *d)
{
	struct conf *c;
	struct sm_err err;

	sd_notify(0, "RELOADING=1\nSTATUS=reloading the configuration");
	log_info("reloading %s", d->config_path);
	if ((c = secmond_load_conf(d->config_path, 0)) == NULL) {
		log_warnx("reload failed: keeping the running configuration");
		sd_notify(0, "READY=1");
		return;
	}
	secmond_reload_warn(d->conf, c);
	if (monitor_configure(d->monitor, c, &err) == -1) {
		log_warnx("reload failed: %s", err.msg);
		conf_free(c);
		sd_notify(0, "READY=1");
		return;
	}
	outbox_configure(d->outbox, c);
	if (d->tasks != NULL && tasks_configure(d->tasks, c, &err) == -1)
		log_warnx("reload: maintenance calendar: %s", err.msg);
	conf_free(d->conf);
	d->conf = c;
	d->ctx.conf = c;
	log_set_debug(c->debug);
	log_info("configuration reloaded");
	sd_notify(0, "READY=1");
}

static void
secmond_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct secmond *d = arg;

	(void)what;
	if (sig == SIGHUP) {
		secmond_reload(d);
		return;
	}
	log_info("signal %d: shutting down", (int)sig);
	sd_notify(0, "STOPPING=1\nSTATUS=shutting down");
	event_base_loopbreak(d->base);
}

static void
secmond_watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	sd_notify(0, "WATCHDOG=1");
}

/* WATCHDOG=1 at half the interval systemd asks for, from the loop. */
static void
secmond_watchdog(struct secmond *d)
{
	uint64_t usec;
	struct timeval tv;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return;
	usec /= 2;
	tv.tv_sec = (time_t)(usec / 1000000);
	tv.tv_usec = (suseconds_t)(usec % 1000000);
	d->watchdog =
	    event_new(d->base, -1, EV_PERSIST, secmond_watchdog_cb, d);
	event_add(d->watchdog, &tv);
}

static void
secmond_signals(struct secmond *d)
{
	signal(SIGPIPE, SIG_IGN);
	d->sig_term = evsignal_new(d->base, SIGTERM, secmond_signal_cb, d);
	d->sig_int = evsignal_new(d->base, SIGINT, secmond_signal_cb, d);
	d->sig_hup = evsignal_new(d->base, SIGHUP, secmond_signal_cb, d);
	evsignal_add(d->sig_term, NULL);
	evsignal_add(d->sig_int, NULL);
	evsignal_add(d->sig_hup, NULL);
}

/* --once: every alert raised has gone out (or failed): print, stop. */
static void
secmond_drained_cb(void *arg)
{
	struct secmond *d = arg;

	monitor_print_summary(d->monitor);
	event_base_loopbreak(d->base);
}

static void
secmond_once_cb(unsigned nfailed, void *arg)
{
	struct secmond *d = arg;

	d->exit_code = nfailed > 0 ? 2 : 0;
	outbox_drain(d->outbox, secmond_drained_cb, d);
}

/* Everything that must work before the loop runs; fatal otherwise. */
static void
secmond_setup(struct secmond *d)
{
	struct ratelimit_opts ro;
	struct sm_err err;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatalx("curl_global_init failed");
	if ((d->base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	if ((d->state = state_open(d->conf->state_dir, &err)) == NULL)
		fatalx("state: %s", err.msg);
	if ((d->http = http_new(d->base, &err)) == NULL)
		fatalx("http: %s", err.msg);
	d->cctx.base = d->base;
	d->cctx.http = d->http;
	d->cctx.connect_timeout_ms = (long)d->conf->connect_timeout_ms;
	d->cctx.timeout_ms = (long)d->conf->timeout_ms;
	d->cctx.endpoint_url = d->conf->endpoint_url != NULL
	    ? xstrdup(d->conf->endpoint_url)
	    : NULL;
	d->chain =
	    creds_chain_new(&d->cctx, d->conf->profile, d->conf->regions[0]);
	ro.scale = d->conf->rate_limit_factor;
	ro.max_concurrency = d->conf->max_concurrency;
	if ((d->gate = ratelimit_gate_new(d->base, &ro, &err)) == NULL)
		fatalx("rate limits: %s", err.msg);
	d->outbox = outbox_new(d->base, d->state, d->http, d->chain, &d->cctx);
	outbox_configure(d->outbox, d->conf);
	d->monitor = monitor_new(
	    d->base, d->http, d->state, &d->cctx, d->chain, d->gate);
	monitor_set_outbox(d->monitor, d->outbox);
	outbox_set_notify(d->outbox, monitor_notify_status_cb, d->monitor);
	if (monitor_configure(d->monitor, d->conf, &err) == -1)
		fatalx("%s", err.msg);
	d->ctx.conf = d->conf;
	d->ctx.config_path = d->config_path;
	d->ctx.state = d->state;
	d->ctx.monitor = d->monitor;
	d->ctx.outbox = d->outbox;
	d->ctx.started = time(NULL);
	secmond_signals(d);
	/* Alerts a crash left in the outbox go out first. */
	outbox_kick(d->outbox);
}

/* The maintenance calendar runs in the daemon, not with --once. */
static void
secmond_tasks(struct secmond *d)
{
	struct sm_err err;

	d->tasks = tasks_new(d->base, d->state, d->monitor, d->outbox);
	monitor_set_tasks(d->monitor, d->tasks);
	d->ctx.tasks = d->tasks;
	if (tasks_configure(d->tasks, d->conf, &err) == -1)
		fatalx("maintenance calendar: %s", err.msg);
}

/*
 * The control socket systemd passed (socket activation, secmond.socket), or
 * -1 if none was: then secmond makes its own. One socket at most.
 */
static int
secmond_listen_fd(const char *path)
{
	struct sockaddr_un sun;
	socklen_t len = sizeof sun;
	int n, fd = SD_LISTEN_FDS_START;

	if ((n = sd_listen_fds(1)) < 0)
		fatalx("socket activation: %s", strerror(-n));
	if (n == 0)
		return -1;
	if (n > 1)
		fatalx("socket activation: %d sockets passed, expected 1", n);
	memset(&sun, 0, sizeof sun);
	if (getsockname(fd, (struct sockaddr *)&sun, &len) == -1 ||
	    sun.sun_family != AF_UNIX)
		fatalx("socket activation: fd %d is not an AF_UNIX socket", fd);
	sun.sun_path[sizeof sun.sun_path - 1] = '\0';
	log_info("control: took over socket %s from systemd (fd %d)",
	    sun.sun_path, fd);
	if (strcmp(sun.sun_path, path) != 0)
		log_warnx("control: the passed socket is not the configured "
			  "%s: secmonctl needs -s %s",
		    path, sun.sun_path);
	return fd;
}

/*
 * In a user namespace that maps only some users (systemd's PrivateUsers=,
 * which the shipped unit sets), peers of other uids are seen as nobody:
 * admin_group cannot let them in. Say so rather than refuse them silently.
 */
static void
secmond_check_userns(const char *admin_group)
{
	unsigned long inside, outside, count;
	FILE *f;
	int all = 0;

	if (admin_group == NULL ||
	    (f = fopen("/proc/self/uid_map", "re")) == NULL)
		return;
	if (fscanf(f, "%lu %lu %lu", &inside, &outside, &count) == 3)
		all = inside == 0 && outside == 0 && count == 4294967295UL;
	fclose(f);
	if (!all)
		log_warnx(
		    "admin_group %s: this service runs in a user namespace "
		    "that maps only some users (PrivateUsers=): members "
		    "of the group who are not root are seen as nobody "
		    "and cannot run admin commands; use sudo, or "
		    "PrivateUsers=no in a drop-in",
		    admin_group);
}

/* The control socket: the one systemd passed, else our own at socket. */
static void
secmond_listen(struct secmond *d)
{
	struct sm_err err;
	int fd;

	if (d->conf->admin_group != NULL)
		d->admin_group = xstrdup(d->conf->admin_group);
	secmond_check_userns(d->admin_group);
	if ((fd = secmond_listen_fd(d->conf->socket)) != -1) {
		d->control = control_new_fd(
		    d->base, fd, d->admin_group, ctl_table, &d->ctx, &err);
		if (d->control == NULL)
			fatalx("control socket fd %d: %s", fd, err.msg);
		return;
	}
	d->control = control_new(d->base, d->conf->socket, d->conf->socket_mode,
	    d->admin_group, ctl_table, &d->ctx, &err);
	if (d->control == NULL)
		fatalx("control socket %s: %s", d->conf->socket, err.msg);
}

static void
secmond_teardown(struct secmond *d)
{
	control_free(d->control);
	monitor_set_tasks(d->monitor, NULL);
	tasks_free(d->tasks);
	monitor_stop(d->monitor);
	monitor_free(d->monitor);
	outbox_free(d->outbox);
	ratelimit_gate_free(d->gate);
	creds_src_free(d->chain);
	free((char *)(uintptr_t)d->cctx.endpoint_url);
	http_free(d->http);
	state_close(d->state);
	if (d->watchdog != NULL)
		event_free(d->watchdog);
	event_free(d->sig_term);
	event_free(d->sig_int);
	event_free(d->sig_hup);
	event_base_free(d->base);
	conf_free(d->conf);
	free(d->admin_group);
	curl_global_cleanup();
}

/* secmond --calendar: checked and printed by lib/calendar-print.c. */
enum {
	SECMOND_OPT_CALENDAR = 256,
	SECMOND_OPT_ITERATIONS,
	SECMOND_OPT_TIMEZONE,
	SECMOND_OPT_BASE_TIME,
	SECMOND_OPT_JSON,
};
static struct calendar_show secmond_cal;

/* One of the --calendar options: 1 if ch is one, 0 if not. */
static int
secmond_calendar_opt(int ch)
{
	switch (ch) {
	case SECMOND_OPT_CALENDAR:
		secmond_cal.expr = optarg;
		return 1;
	case SECMOND_OPT_ITERATIONS:
		secmond_cal.iterations = optarg;
		return 1;
	case SECMOND_OPT_TIMEZONE:
		secmond_cal.tz = optarg;
		return 1;
	case SECMOND_OPT_BASE_TIME:
		secmond_cal.base = optarg;
		return 1;
	case SECMOND_OPT_JSON:
		secmond_cal.json = 1;
		return 1;
	default:
		return 0;
	}
}

static int
secmond_args(struct secmond *d, int argc, char **argv, int *test)
{
	static const struct option opts[] = {
		{ "calendar", required_argument, NULL, SECMOND_OPT_CALENDAR },
		{ "iterations", required_argument, NULL,
		    SECMOND_OPT_ITERATIONS },
		{ "timezone", required_argument, NULL, SECMOND_OPT_TIMEZONE },
		{ "base-time", required_argument, NULL, SECMOND_OPT_BASE_TIME },
		{ "json", no_argument, NULL, SECMOND_OPT_JSON },
		{ "config", required_argument, NULL, 'c' },
		{ "test", no_argument, NULL, 't' },
		{ "once", no_argument, NULL, 'o' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, debug = 0;

	d->config_path = CONF_DEFAULT_PATH;
	while ((ch = getopt_long(argc, argv, "c:tdhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			d->config_path = optarg;
			break;
		case 't':
			*test = 1;
			break;
		case 'o':
			d->once = 1;
			break;
		case 'd':
			debug = 1;
			break;
		case 'h':
			usage(0);
		case 'V':
			printf("secmond %s\n", SECMON_VERSION);
			exit(0);
		default:
			if (!secmond_calendar_opt(ch))
				usage(1);
		}
	}
	if (optind != argc ||
	    (secmond_cal.expr == NULL &&
		(secmond_cal.iterations != NULL || secmond_cal.tz != NULL ||
		    secmond_cal.base != NULL || secmond_cal.json)))
		usage(1);
	return debug;
}

int
main(int argc, char **argv)
{
	struct secmond d;
	int test = 0, debug;

	memset(&d, 0, sizeof d);
	debug = secmond_args(&d, argc, argv, &test);
	if (secmond_cal.expr != NULL)
		return calendar_show_main("secmond", &secmond_cal);
	log_init("secmond", LOG_TO_AUTO, debug);
	if ((d.conf = secmond_load_conf(d.config_path, 1)) == NULL)
		return 1;
	if (test) {
		printf("%s: configuration OK\n", d.config_path);
		conf_free(d.conf);
		return 0;
	}
	log_set_debug(debug || d.conf->debug);
	secmond_setup(&d);
	if (d.once)
		monitor_once(d.monitor, secmond_once_cb, &d);
	else {
		secmond_listen(&d);
		monitor_start(d.monitor);
		secmond_tasks(&d);
		secmond_watchdog(&d);
		log_info("secmond %s ready: %s, socket %s", SECMON_VERSION,
		    d.config_path, d.conf->socket);
		sd_notify(0, "READY=1\nSTATUS=started");
	}
	event_base_dispatch(d.base);
	secmond_teardown(&d);
	return d.exit_code;
}
