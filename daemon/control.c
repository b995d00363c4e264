/*
 * control.c: the control socket server. Listens on a local stream socket,
 * records each client's credentials at accept (SO_PEERCRED), reads one
 * request per line through a bufferevent capped at CTL_MAX_LINE, answers
 * with ctl_dispatch's reply and enforces CTL_MAX_CLIENTS and CTL_IDLE_SEC.
 * Clients are freed from a deferred event, never inside their callbacks.
 * Owns the listening socket and the clients; does not interpret requests.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <jansson.h>

#include "control.h"
#include "ctl.h"
#include "log.h"
#include "util.h"

#define CONTROL_BACKLOG 128              /* pending connections */
#define CONTROL_MAX_OUTPUT CTL_MAX_REPLY /* queued bytes before pausing */
#define CONTROL_NSS_MAX (1u << 20)       /* bytes of a getpw/getgr buffer */
#define CONTROL_MAX_GROUPS 65536         /* groups of one user */
#define CONTROL_DRAIN_MAX (1u << 20)     /* unread bytes discarded at close */
#define CONTROL_BUSY_SEC 2               /* a refused client's time to ask */

struct control_client {
	struct control *control;
	struct bufferevent *bev;
	struct ctl_peer peer;
	int paused;  /* reading stopped until the output drains */
	int eof;     /* the client shut its side down */
	int closing; /* close once the output is flushed */
	int dead;    /* waiting for control_reap_cb */
	int busy;    /* over the limit: told "busy", closed after its request */
	TAILQ_ENTRY(control_client) entry;
};

struct control {
	struct event_base *base;
	int fd;
	char *path; /* NULL: not ours to unlink */
	dev_t dev;  /* of the socket we made, checked before unlinking */
	ino_t ino;
	const char *admin_group;
	const struct ctl_cmd *const *table;
	struct ctl_ctx *ctx;
	struct event *accept_ev;
	struct event *backoff_ev;
	struct event *reap_ev;
	TAILQ_HEAD(, control_client) clients;
	unsigned nclients; /* live ones, the dead and the busy excluded */
	unsigned nbusy;    /* live ones being refused */
};

static void control_process(struct control_client *);
static void control_send(struct control_client *, json_t *);

/* Look up gid of group name; 0 if found. */
static int
control_group_gid(const char *name, gid_t *gid)
{
	struct group gr, *res = NULL;
	size_t size = 16384;
	char *buf;
	int rc;

	for (;;) {
		buf = xmalloc(size);
		rc = getgrnam_r(name, &gr, buf, size, &res);
		if (rc != ERANGE || size >= CONTROL_NSS_MAX)
			break;
		free(buf);
		size *= 2;
	}
	if (rc == 0 && res != NULL)
		*gid = gr.gr_gid;
	free(buf);
	return rc == 0 && res != NULL ? 0 : -1;
}

/* Is the user uid (primary group pw_gid) a member of gid? */
static int
control_user_in_group(uid_t uid, gid_t gid)
{
	struct passwd pw, *res = NULL;
	size_t size = 16384;
	gid_t *groups;
	int rc, n, i, found = 0;
	char *buf;

	for (;;) {
		buf = xmalloc(size);
		rc = getpwuid_r(uid, &pw, buf, size, &res);
		if (rc != ERANGE || size >= CONTROL_NSS_MAX)
			break;
		free(buf);
		size *= 2;
	}
	if (rc != 0 || res == NULL) {
		free(buf);
		return 0;
	}
	n = 64;
	groups = xreallocarray(NULL, n, sizeof *groups);
	while (getgrouplist(pw.pw_name, pw.pw_gid, groups, &n) == -1) {
		if (n <= 0 || n > CONTROL_MAX_GROUPS) {
			n = 0;
			break;
		}
		groups = xreallocarray(groups, n, sizeof *groups);
	}
	for (i = 0; i < n && !found; i++)
		found = groups[i] == gid;
	free(groups);
	free(buf);
	return found;
}

/* uid 0, the daemon's own uid, or a member of admin_group. */
static int
control_is_admin(const struct control *ctl, uid_t uid, gid_t gid)
{
	gid_t admin_gid = 0;

	if (uid == 0 || uid == geteuid())
		return 1;
	if (ctl->admin_group == NULL || *ctl->admin_group == '\0')
		return 0;
	if (control_group_gid(ctl->admin_group, &admin_gid) != 0)
		return 0;
	return gid == admin_gid || control_user_in_group(uid, admin_gid);
}

/* Mark c dead and have control_reap_cb free it after this callback. */
static void
control_client_kill(struct control_client *c)
{
	if (c->dead)
		return;
	c->dead = 1;
	if (c->busy)
		c->control->nbusy--;
	else
		c->control->nclients--;
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	bufferevent_setcb(c->bev, NULL, NULL, NULL, NULL);
	event_active(c->control->reap_ev, EV_TIMEOUT, 1);
}

/*
 * Discard what the client sent and we did not read (the rest of an
 * oversized line, say): closing with unread data would reset the
 * connection, and the client could lose our last reply.
 */
static void
control_drain(int fd)
{
	char buf[16384];
	size_t total = 0;
	ssize_t n;

	while (fd != -1 && total < CONTROL_DRAIN_MAX) {
		n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n <= 0)
			break;
		total += (size_t)n;
	}
}

static void
control_client_free(struct control_client *c)
{
	control_drain(bufferevent_getfd(c->bev));
	TAILQ_REMOVE(&c->control->clients, c, entry);
	bufferevent_free(c->bev);
	free(c);
}

/* Free the dead clients (deferred from their own callbacks). */
static void
control_reap_cb(evutil_socket_t fd, short events, void *arg)
{
	struct control *ctl = arg;
	struct control_client *c, *next;

	(void)fd;
	(void)events;
	for (c = TAILQ_FIRST(&ctl->clients); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c->dead)
			control_client_free(c);
	}
}

/* Stop reading; close c as soon as its output is flushed. */
static void
control_client_close(struct control_client *c)
{
	c->closing = 1;
	bufferevent_disable(c->bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		control_client_kill(c);
}

/* Serialise reply as one line; NULL if it exceeds CTL_MAX_REPLY. */
static char *
control_dump(const json_t *reply, size_t *len)
{
	char *s;

	if ((s = json_dumps(reply, JSON_COMPACT)) == NULL)
		return NULL;
	*len = strlen(s);
	if (*len >= CTL_MAX_REPLY) {
		free(s);
		return NULL;
	}
	return s;
}

/* Queue reply (consumed) and a newline on c. */
static void
control_send(struct control_client *c, json_t *reply)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	size_t len;
	char *s;

	if ((s = control_dump(reply, &len)) == NULL) {
		log_warnx("control: pid %ld: reply too large or unprintable",
		    (long)c->peer.pid);
		json_decref(reply);
		reply = ctl_error_reply("reply_too_large",
		    "the reply would exceed the protocol's limit");
		if ((s = control_dump(reply, &len)) == NULL)
			abort();
	}
	json_decref(reply);
	if (evbuffer_add(out, s, len) != 0 || evbuffer_add(out, "\n", 1) != 0)
		control_client_kill(c);
	free(s);
}

/* Answer one request line; a malformed one ends the session. */
static void
control_line(struct control_client *c, const char *line, size_t len)
{
	struct control *ctl = c->control;
	json_t *reply;
	int closes;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0)
		return;
	reply = ctl_dispatch(ctl->table, ctl->ctx, &c->peer, line, len);
	closes = ctl_reply_closes(reply);
	if (closes) {
		log_debug(
		    "control: pid %ld uid %lu: malformed request, closing",
		    (long)c->peer.pid, (unsigned long)c->peer.uid);
	}
	control_send(c, reply);
	if (closes && !c->dead)
		control_client_close(c);
}

/* After EOF: what is left without a newline is the last request. */
static void
control_last(struct control_client *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	size_t len = evbuffer_get_length(in);
	const char *line;

	if (len > 0 && len < CTL_MAX_LINE) {
		if ((line = (const char *)evbuffer_pullup(in, len)) != NULL)
			control_line(c, line, len);
		evbuffer_drain(in, len);
	}
	if (!c->dead)
		control_client_close(c);
}

/* A refused client: discard its request; close once it is complete. */
static void
control_process_busy(struct control_client *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	struct evbuffer_ptr eol;

	if (c->closing || c->dead)
		return;
	eol = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF);
	evbuffer_drain(in, evbuffer_get_length(in));
	if (eol.pos != -1 || c->eof)
		control_client_close(c);
}

/* Answer the complete lines in c's input, as far as the output allows. */
static void
control_process(struct control_client *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	struct evbuffer *out = bufferevent_get_output(c->bev);
	size_t len;
	char *line;

	if (c->busy) {
		control_process_busy(c);
		return;
	}
	while (!c->closing && !c->dead) {
		if (evbuffer_get_length(out) >= CONTROL_MAX_OUTPUT) {
			c->paused = 1;
			bufferevent_disable(c->bev, EV_READ);
			return;
		}
		line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF);
		if (line == NULL)
			break;
		control_line(c, line, len);
		free(line);
	}
	if (c->closing || c->dead)
		return;
	if (evbuffer_get_length(in) >= CTL_MAX_LINE) {
		log_debug("control: pid %ld: request too large, closing",
		    (long)c->peer.pid);
		control_send(c,
		    ctl_error_reply("request_too_large",
			"request line longer than the protocol's limit"));
		if (!c->dead)
			control_client_close(c);
	} else if (c->eof)
		control_last(c);
}

static void
control_read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	control_process(arg);
}

/* The output is flushed: close, or resume reading. */
static void
control_write_cb(struct bufferevent *bev, void *arg)
{
	struct control_client *c = arg;

	if (c->closing) {
		control_client_kill(c);
		return;
	}
	if (c->paused) {
		c->paused = 0;
		if (!c->eof)
			bufferevent_enable(bev, EV_READ);
		control_process(c);
	}
}

static void
control_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct control_client *c = arg;

	(void)bev;
	if ((what & BEV_EVENT_EOF) && !c->closing) {
		c->eof = 1;
		control_process(c);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT) {
		log_debug("control: pid %ld: idle or not reading, closing",
		    (long)c->peer.pid);
	} else if (what & BEV_EVENT_ERROR)
		log_debug("control: pid %ld: %s", (long)c->peer.pid,
		    strerror(EVUTIL_SOCKET_ERROR()));
	control_client_kill(c);
}

/* Tell a client over every limit that we are busy, and close it now. */
static void
control_busy(int fd)
{
	json_t *reply;
	size_t len;
	char *s;

	reply = ctl_error_reply("busy", "too many control clients, try again");
	if ((s = control_dump(reply, &len)) != NULL) {
		s[len] = '\n';
		(void)send(fd, s, len + 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		free(s);
	}
	json_decref(reply);
	control_drain(fd);
	close(fd);
}

/*
 * Record fd's peer and wrap it in a client. A busy one is told so at once
 * and closed once its request is in (closing before would reset it).
 */
static void
control_client_new(struct control *ctl, int fd, int busy)
{
	const struct timeval idle = { CTL_IDLE_SEC, 0 };
	const struct timeval wait = { CONTROL_BUSY_SEC, 0 };
	struct control_client *c;
	socklen_t len = sizeof(struct ucred);
	struct ucred uc;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1) {
		log_warn("control: SO_PEERCRED");
		close(fd);
		return;
	}
	c = xcalloc(1, sizeof *c);
	c->control = ctl;
	c->busy = busy;
	c->peer.uid = uc.uid;
	c->peer.gid = uc.gid;
	c->peer.pid = uc.pid;
	c->peer.admin = !busy && control_is_admin(ctl, uc.uid, uc.gid);
	c->bev = bufferevent_socket_new(ctl->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		log_warnx("control: cannot make a bufferevent");
		close(fd);
		free(c);
		return;
	}
	bufferevent_setwatermark(c->bev, EV_READ, 0, CTL_MAX_LINE);
	bufferevent_set_timeouts(c->bev, busy ? &wait : &idle, &idle);
	bufferevent_setcb(
	    c->bev, control_read_cb, control_write_cb, control_event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&ctl->clients, c, entry);
	if (busy) {
		ctl->nbusy++;
		control_send(c,
		    ctl_error_reply(
			"busy", "too many control clients, try again"));
		return;
	}
	ctl->nclients++;
	log_debug("control: client pid %ld uid %lu%s", (long)uc.pid,
	    (unsigned long)uc.uid, c->peer.admin ? " (admin)" : "");
}

/* Accept again after the EMFILE back-off. */
static void
control_backoff_cb(evutil_socket_t fd, short events, void *arg)
{
	struct control *ctl = arg;

	(void)fd;
	(void)events;
	event_add(ctl->accept_ev, NULL);
}

static void
control_accept_cb(evutil_socket_t fd, short events, void *arg)
{
	const struct timeval backoff = { 1, 0 };
	struct control *ctl = arg;
	int cfd;

	(void)events;
	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
		    errno == ECONNABORTED)
			return;
		log_warn("control: accept");
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			event_del(ctl->accept_ev);
			evtimer_add(ctl->backoff_ev, &backoff);
		}
		return;
	}
	if (ctl->nclients < CTL_MAX_CLIENTS) {
		control_client_new(ctl, cfd, 0);
		return;
	}
	log_warnx("control: %u clients already, refusing one", ctl->nclients);
	if (ctl->nbusy < CTL_MAX_CLIENTS)
		control_client_new(ctl, cfd, 1);
	else
		control_busy(cfd);
}

/* Fill sun with path, or fail if it does not fit. */
static int
control_sun(struct sockaddr_un *sun, const char *path, struct sm_err *err)
{
	memset(sun, 0, sizeof *sun);
	sun->sun_family = AF_UNIX;
	if (*path == '\0' || strlen(path) >= sizeof sun->sun_path) {
		return sm_err_set(err, "control",
		    "socket path empty or longer than %zu bytes: %s",
		    sizeof sun->sun_path - 1, path);
	}
	strlcpy(sun->sun_path, path, sizeof sun->sun_path);
	return 0;
}

/*
 * Make sure nothing answers on path: fail if something does or if path is
 * not a socket; remove a stale socket.
 */
static int
control_check_stale(const struct sockaddr_un *sun, struct sm_err *err)
{
	const char *path = sun->sun_path;
	struct stat st;
	int fd, rc, saved;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		return sm_err_set(
		    err, "control", "%s: %s", path, strerror(errno));
	}
	if (!S_ISSOCK(st.st_mode))
		return sm_err_set(
		    err, "control", "%s: exists, not a socket", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return sm_err_set(
		    err, "control", "socket: %s", strerror(errno));
	rc = connect(fd, (const struct sockaddr *)sun, sizeof *sun);
	saved = errno;
	close(fd);
	if (rc == 0 || saved == EAGAIN || saved == EINPROGRESS) {
		return sm_err_set(
		    err, "control", "%s: another secmond is running", path);
	}
	if (saved != ECONNREFUSED) {
		return sm_err_set(
		    err, "control", "%s: connect: %s", path, strerror(saved));
	}
	if (unlink(path) == -1 && errno != ENOENT) {
		return sm_err_set(err, "control", "%s: unlink stale: %s", path,
		    strerror(errno));
	}
	log_info("control: removed stale socket %s", path);
	return 0;
}

/* Bind path under a umask, chmod it to mode, listen. */
static int
control_listen(const struct sockaddr_un *sun, unsigned mode, struct stat *st,
    struct sm_err *err)
{
	const char *path = sun->sun_path;
	mode_t old;
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		sm_err_set(err, "control", "socket: %s", strerror(errno));
		return -1;
	}
	old = umask(~mode & 0777);
	if (bind(fd, (const struct sockaddr *)sun, sizeof *sun) == -1) {
		sm_err_set(
		    err, "control", "%s: bind: %s", path, strerror(errno));
		umask(old);
		close(fd);
		return -1;
	}
	umask(old);
	if (chmod(path, mode) == -1 || listen(fd, CONTROL_BACKLOG) == -1 ||
	    lstat(path, st) == -1) {
		sm_err_set(err, "control", "%s: %s", path, strerror(errno));
		unlink(path);
		close(fd);
		return -1;
	}
	return fd;
}

/* The common part: wrap listening fd (made non-blocking) in a control. */
static struct control *
control_setup(struct event_base *base, int fd, const char *admin_group,
    const struct ctl_cmd *const *table, struct ctl_ctx *ctx, struct sm_err *err)
{
	struct control *ctl;
	int flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
		sm_err_set(err, "control", "fcntl: %s", strerror(errno));
		return NULL;
	}
	ctl = xcalloc(1, sizeof *ctl);
	ctl->base = base;
	ctl->fd = fd;
	ctl->admin_group = admin_group;
	ctl->table = table;
	ctl->ctx = ctx;
	TAILQ_INIT(&ctl->clients);
	ctl->accept_ev =
	    event_new(base, fd, EV_READ | EV_PERSIST, control_accept_cb, ctl);
	ctl->backoff_ev = evtimer_new(base, control_backoff_cb, ctl);
	ctl->reap_ev = event_new(base, -1, 0, control_reap_cb, ctl);
	if (ctl->accept_ev == NULL || ctl->backoff_ev == NULL ||
	    ctl->reap_ev == NULL || event_add(ctl->accept_ev, NULL) == -1) {
		sm_err_set(err, "control", "cannot set up the socket's events");
		ctl->fd = -1;
		control_free(ctl);
		return NULL;
	}
	return ctl;
}

struct control *
control_new_fd(struct event_base *base, int fd, const char *admin_group,
    const struct ctl_cmd *const *table, struct ctl_ctx *ctx, struct sm_err *err)
{
	int domain = 0, type = 0, listening = 0;
	socklen_t len;

	len = sizeof domain;
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == -1)
		domain = -1;
	len = sizeof type;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1)
		type = -1;
	len = sizeof listening;
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == -1)
		listening = 0;
	if (domain != AF_UNIX || type != SOCK_STREAM || !listening) {
		sm_err_set(err, "control",
		    "fd %d is not a listening AF_UNIX stream socket", fd);
		return NULL;
	}
	return control_setup(base, fd, admin_group, table, ctx, err);
}

struct control *
control_new(struct event_base *base, const char *path, unsigned mode,
    const char *admin_group, const struct ctl_cmd *const *table,
    struct ctl_ctx *ctx, struct sm_err *err)
{
	struct sockaddr_un sun;
	struct control *ctl;
	struct stat st;
	int fd;

	if (mode & ~0777u) {
		sm_err_set(err, "control", "%s: socket mode %o is not 0-0777",
		    path, mode);
		return NULL;
	}
	if (control_sun(&sun, path, err) != 0 ||
	    control_check_stale(&sun, err) != 0)
		return NULL;
	if ((fd = control_listen(&sun, mode, &st, err)) == -1)
		return NULL;
	if ((ctl = control_setup(base, fd, admin_group, table, ctx, err)) ==
	    NULL) {
		unlink(path);
		close(fd);
		return NULL;
	}
	ctl->path = xstrdup(path);
	ctl->dev = st.st_dev;
	ctl->ino = st.st_ino;
	return ctl;
}

void
control_free(struct control *ctl)
{
	struct control_client *c;
	struct stat st;

	if (ctl == NULL)
		return;
	while ((c = TAILQ_FIRST(&ctl->clients)) != NULL)
		control_client_free(c);
	if (ctl->accept_ev != NULL)
		event_free(ctl->accept_ev);
	if (ctl->backoff_ev != NULL)
		event_free(ctl->backoff_ev);
	if (ctl->reap_ev != NULL)
		event_free(ctl->reap_ev);
	if (ctl->fd != -1)
		close(ctl->fd);
	/* Unlink only the socket we made, not a successor's. */
	if (ctl->path != NULL && lstat(ctl->path, &st) == 0 &&
	    st.st_dev == ctl->dev && st.st_ino == ctl->ino)
		unlink(ctl->path);
	free(ctl->path);
	free(ctl);
}

unsigned
control_nclients(const struct control *ctl)
{
	return ctl->nclients;
}
