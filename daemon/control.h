/*
 * control.h: the control socket server: accepts secmonctl clients on a
 * local stream socket, records their credentials, reads one request per
 * line and answers each with ctl_dispatch's reply (lib/ctl/ctl.h).
 * Enforces CTL_MAX_LINE, CTL_MAX_CLIENTS and CTL_IDLE_SEC. The daemon must
 * ignore SIGPIPE (replies go out through libevent's writes).
 */
#ifndef SECMON_CONTROL_H
#define SECMON_CONTROL_H

#include <event2/event.h>

#include "ctl.h"
#include "util.h"

struct control;

/*
 * Listen on path with mode (permission bits; the owner is left unchanged).
 * Fails if path is too long for a socket address, is something other
 * than a socket, or answers already ("another secmond is running"); a
 * stale socket is removed. admin_group may be NULL (then only uid 0 and
 * the daemon's uid are admins). table, ctx and admin_group are borrowed
 * and must outlive the control. NULL and err filled on failure.
 */
struct control *control_new(struct event_base *, const char *path,
    unsigned mode, const char *admin_group, const struct ctl_cmd *const *table,
    struct ctl_ctx *ctx, struct sm_err *err);

/*
 * The same on fd, an AF_UNIX stream socket already listening (systemd
 * socket activation). On success the control owns fd and closes it in
 * control_free (never unlinking anything); on failure the caller still
 * owns it.
 */
struct control *control_new_fd(struct event_base *, int fd,
    const char *admin_group, const struct ctl_cmd *const *table,
    struct ctl_ctx *ctx, struct sm_err *err);

/* Close every client and the socket; unlink it if control_new made it. */
void control_free(struct control *);

/* Connected clients (at most CTL_MAX_CLIENTS). */
unsigned control_nclients(const struct control *);

#endif
