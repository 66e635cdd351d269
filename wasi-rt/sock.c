/*
 * sock.c - sockets for the guest: the listen grant (wasi_ctx_grant_listen)
 * and the four sock_* calls of WASI preview1.
 *
 * Preview1 cannot create, bind or connect sockets: the host grants
 * listening sockets, the guest accepts connections on them and talks over
 * the accepted ones.  Listeners get WASI_RIGHTS_LISTENER and hand on
 * WASI_RIGHTS_SOCKET; every call checks the descriptor's filetype (ENOTSOCK)
 * before its rights (ENOTCAPABLE), as wasi-libc's shutdown() on stdout
 * expects.  A peer that went away gives EPIPE, never a SIGPIPE: the process
 * may be a library host that must survive it.  The fd table is fd.c's;
 * guest pointers go through guest.c.
 */
#if defined(__linux__)
#define _GNU_SOURCE         /* accept4, SOCK_CLOEXEC in glibc and musl */
#elif defined(__APPLE__)
#define _DARWIN_C_SOURCE    /* SO_NOSIGPIPE */
#endif
#define _POSIX_C_SOURCE 200809L

#include "ctx.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

/* accept4 sets close-on-exec atomically; elsewhere fcntl follows accept. */
#if defined(__linux__) && defined(SOCK_CLOEXEC)
#define HAVE_ACCEPT4 1
#endif

#ifdef MSG_NOSIGNAL
#define SEND_FLAGS MSG_NOSIGNAL
#else
#define SEND_FLAGS 0        /* SO_NOSIGPIPE on the socket does the job */
#endif

/* ---- the listen grant --------------------------------------------------- */

/*
 * Split "ADDR:PORT" or "[V6]:PORT" into host and port (copied into the
 * buffers).  An unbracketed IPv6 address is ambiguous and refused, as are
 * an empty host and a port that is not a number in 0-65535.
 */
static int
split_addr_port(const char *s, char *host, size_t hostsz, char *port,
                size_t portsz)
{
    const char *h, *hend, *p;
    size_t i;
    unsigned long v = 0;

    if (s[0] == '[') {
        h = s + 1;
        hend = strchr(h, ']');
        if (hend == NULL || hend[1] != ':')
            return -1;
        p = hend + 2;
    } else {
        h = s;
        hend = strrchr(s, ':');
        if (hend == NULL || memchr(s, ':', (size_t)(hend - s)) != NULL)
            return -1;
        p = hend + 1;
    }
    if (hend == h || (size_t)(hend - h) >= hostsz)
        return -1;
    if (p[0] == '\0' || strlen(p) >= portsz || strlen(p) > 5)
        return -1;
    for (i = 0; p[i] != '\0'; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (unsigned long)(p[i] - '0');
    }
    if (v > 65535)
        return -1;
    memcpy(host, h, (size_t)(hend - h));
    host[hend - h] = '\0';
    memcpy(port, p, strlen(p) + 1);
    return 0;
}

#if !defined(SOCK_CLOEXEC) || !defined(HAVE_ACCEPT4)
/*
 * Close-on-exec where the call could not set it: a host that runs other
 * programs must not leak the guest's sockets into them.
 */
static void
set_cloexec(int s)
{
    int fl = fcntl(s, F_GETFD);

    /* Only fails for a bad descriptor, which s is not. */
    if (fl != -1)
        (void)fcntl(s, F_SETFD, fl | FD_CLOEXEC);
}
#endif

/*
 * Keep a write to a closed peer from raising SIGPIPE on hosts without
 * MSG_NOSIGNAL (macOS); it also covers fd_write on the socket there.
 */
static void
set_nosigpipe(int s)
{
#ifdef SO_NOSIGPIPE
    int one = 1;

    (void)setsockopt(s, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof(one));
#else
    (void)s;
#endif
}

/* A listening socket bound to ai, or -1 with errno set. */
static int
listen_on(const struct addrinfo *ai)
{
    int s, one = 1, saved;

#ifdef SOCK_CLOEXEC
    s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
               ai->ai_protocol);
#else
    s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (s >= 0)
        set_cloexec(s);
#endif
    if (s < 0)
        return -1;
    /* A restarted server must not wait out TIME_WAIT on its port. */
    if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        bind(s, ai->ai_addr, ai->ai_addrlen) != 0 ||
        listen(s, SOMAXCONN) != 0) {
        saved = errno;
        close(s);
        errno = saved;
        return -1;
    }
    set_nosigpipe(s);
    return s;
}

int
wasi_ctx_grant_listen(WasiCtx *w, const char *addr_port)
{
    char host[256], port[8];
    struct addrinfo hints, *res = NULL, *ai;
    WasiFd f;
    uint32_t guest_fd, err;
    int rc, s = -1, last_errno = 0;

    if (split_addr_port(addr_port, host, sizeof(host), port,
                        sizeof(port)) != 0) {
        snprintf(w->error, sizeof(w->error), "'%s' is not ADDR:PORT",
                 addr_port);
        return -1;
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        snprintf(w->error, sizeof(w->error), "cannot listen on %s: %s",
                 addr_port, rc == EAI_SYSTEM ? strerror(errno)
                                             : gai_strerror(rc));
        return -1;
    }
    /* A name may stand for several addresses: the first that works wins. */
    for (ai = res; ai != NULL && s < 0; ai = ai->ai_next) {
        s = listen_on(ai);
        if (s < 0)
            last_errno = errno;
    }
    freeaddrinfo(res);
    if (s < 0) {
        snprintf(w->error, sizeof(w->error), "cannot listen on %s: %s",
                 addr_port, strerror(last_errno != 0 ? last_errno
                                                     : EADDRNOTAVAIL));
        return -1;
    }
    memset(&f, 0, sizeof(f));
    f.host = s;
    f.is_owned = 1;
    f.filetype = WASI_FILETYPE_SOCKET_STREAM;
    f.rights_base = WASI_RIGHTS_LISTENER;
    f.rights_inheriting = WASI_RIGHTS_SOCKET;
    f.preopen = NULL;
    f.dir = NULL;
    err = wasi_fd_insert(w, &f, &guest_fd);
    if (err != 0) {
        close(s);
        snprintf(w->error, sizeof(w->error), "cannot listen on %s: %s",
                 addr_port, err == WASI_EMFILE ? "too many open descriptors"
                                               : "out of memory");
        return -1;
    }
    return 0;
}

/* ---- the sock_* calls --------------------------------------------------- */

/*
 * The socket descriptor for guest fd holding `rights`: EBADF when it is
 * not open, ENOTSOCK when it is not a socket, ENOTCAPABLE for a missing
 * right, in that order.
 */
static WasiFd *
sock_get(WasiCtx *w, uint32_t fd, uint64_t rights, uint32_t *err)
{
    WasiFd *f = wasi_fd_lookup(w, fd);

    if (f == NULL) {
        *err = WASI_EBADF;
        return NULL;
    }
    if (f->filetype != WASI_FILETYPE_SOCKET_STREAM &&
        f->filetype != WASI_FILETYPE_SOCKET_DGRAM) {
        *err = WASI_ENOTSOCK;
        return NULL;
    }
    if ((f->rights_base & rights) != rights) {
        *err = WASI_ENOTCAPABLE;
        return NULL;
    }
    *err = 0;
    return f;
}

static int
set_nonblock(int s, int on)
{
    int fl = fcntl(s, F_GETFL);

    if (fl == -1)
        return -1;
    fl = on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
    return fcntl(s, F_SETFL, fl);
}

/*
 * Accept one connection.  It blocks unless the guest made the listener
 * non-blocking (fd_fdstat_set_flags), in which case no pending connection
 * is EAGAIN.  The new socket is non-blocking only if flags asks for it:
 * BSD hosts would otherwise copy the listener's O_NONBLOCK, Linux not.
 */
uint32_t
wasi_sock_accept(void *ctx, uint32_t fd, uint32_t flags, uint32_t fd_out)
{
    WasiCtx *w = ctx;
    WasiFd *l, f;
    uint8_t *outp;
    uint32_t err, guest_fd;
    int s;

    err = guest_range(w->mem, fd_out, 4, &outp);
    if (err != 0)
        return err;
    l = sock_get(w, fd, WASI_RIGHTS_SOCK_ACCEPT, &err);
    if (l == NULL)
        return err;
    if (flags & ~(uint32_t)WASI_FDFLAGS_NONBLOCK)
        return WASI_EINVAL;
    do {
#ifdef HAVE_ACCEPT4
        s = accept4(l->host, NULL, NULL, SOCK_CLOEXEC);
#else
        s = accept(l->host, NULL, NULL);
#endif
    } while (s < 0 && errno == EINTR);
    if (s < 0)
        return wasi_errno_from_host(errno);
#ifndef HAVE_ACCEPT4
    set_cloexec(s);
#endif
    set_nosigpipe(s);
    if (set_nonblock(s, (flags & WASI_FDFLAGS_NONBLOCK) != 0) != 0) {
        err = wasi_errno_from_host(errno);
        close(s);
        return err;
    }
    memset(&f, 0, sizeof(f));
    f.host = s;
    f.is_owned = 1;
    f.filetype = WASI_FILETYPE_SOCKET_STREAM;
    f.rights_base = WASI_RIGHTS_SOCKET & l->rights_inheriting;
    f.rights_inheriting = 0;
    err = wasi_fd_insert(w, &f, &guest_fd);
    if (err != 0) {
        close(s);
        return err;
    }
    guest_put_u32(outp, guest_fd);
    return 0;
}

/*
 * One recvmsg or sendmsg per WASI call, over the first GUEST_IOV_MAX
 * iovecs: what does not fit is left for the guest's next call, as a second
 * host call could block after the first moved data.  -1 means EFAULT.
 */
static int
gather(const WrtMemory *m, uint32_t iovs, uint32_t count, struct iovec *out)
{
    uint32_t next = 0;
    size_t total;

    return guest_gather(m, iovs, count, &next, out, &total);
}

uint32_t
wasi_sock_recv(void *ctx, uint32_t fd, uint32_t ri_data,
               uint32_t ri_data_len, uint32_t ri_flags,
               uint32_t ro_datalen_out, uint32_t ro_flags_out)
{
    WasiCtx *w = ctx;
    struct iovec host[GUEST_IOV_MAX];
    struct msghdr msg;
    uint8_t *lenp, *flagsp;
    uint32_t err;
    ssize_t got;
    WasiFd *f;
    int n, hflags = 0;

    err = guest_range(w->mem, ro_datalen_out, 4, &lenp);
    if (err == 0)
        err = guest_range(w->mem, ro_flags_out, 2, &flagsp);
    if (err == 0)
        err = guest_iovecs_check(w->mem, ri_data, ri_data_len);
    if (err != 0)
        return err;
    f = sock_get(w, fd, WASI_RIGHTS_FD_READ, &err);
    if (f == NULL)
        return err;
    if (ri_flags & ~(uint32_t)(WASI_RIFLAGS_RECV_PEEK |
                               WASI_RIFLAGS_RECV_WAITALL))
        return WASI_EINVAL;
    if (ri_flags & WASI_RIFLAGS_RECV_PEEK)
        hflags |= MSG_PEEK;
    if (ri_flags & WASI_RIFLAGS_RECV_WAITALL)
        hflags |= MSG_WAITALL;
    n = gather(w->mem, ri_data, ri_data_len, host);
    if (n < 0)
        return WASI_EFAULT;
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = host;
    msg.msg_iovlen = n;
    do {
        got = recvmsg(f->host, &msg, hflags);
    } while (got < 0 && errno == EINTR);
    if (got < 0)
        return wasi_errno_from_host(errno);
    guest_put_u32(lenp, (uint32_t)got);
    guest_put_u16(flagsp, (msg.msg_flags & MSG_TRUNC)
                              ? (uint16_t)WASI_ROFLAGS_RECV_DATA_TRUNCATED
                              : 0);
    return 0;
}

uint32_t
wasi_sock_send(void *ctx, uint32_t fd, uint32_t si_data,
               uint32_t si_data_len, uint32_t si_flags,
               uint32_t so_datalen_out)
{
    WasiCtx *w = ctx;
    struct iovec host[GUEST_IOV_MAX];
    struct msghdr msg;
    uint8_t *lenp;
    uint32_t err;
    ssize_t put;
    WasiFd *f;
    int n;

    err = guest_range(w->mem, so_datalen_out, 4, &lenp);
    if (err == 0)
        err = guest_iovecs_check(w->mem, si_data, si_data_len);
    if (err != 0)
        return err;
    f = sock_get(w, fd, WASI_RIGHTS_FD_WRITE, &err);
    if (f == NULL)
        return err;
    if (si_flags != 0)
        return WASI_EINVAL;     /* siflags defines no bits */
    n = gather(w->mem, si_data, si_data_len, host);
    if (n < 0)
        return WASI_EFAULT;
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = host;
    msg.msg_iovlen = n;
    /* EINTR comes back only when nothing was sent, so a retry is safe. */
    do {
        put = sendmsg(f->host, &msg, SEND_FLAGS);
    } while (put < 0 && errno == EINTR);
    if (put < 0)
        return wasi_errno_from_host(errno);
    guest_put_u32(lenp, (uint32_t)put);
    return 0;
}

uint32_t
wasi_sock_shutdown(void *ctx, uint32_t fd, uint32_t how)
{
    WasiCtx *w = ctx;
    uint32_t err;
    WasiFd *f;
    int h;

    f = sock_get(w, fd, WASI_RIGHTS_SOCK_SHUTDOWN, &err);
    if (f == NULL)
        return err;
    switch (how) {
    case WASI_SDFLAGS_RD:
        h = SHUT_RD;
        break;
    case WASI_SDFLAGS_WR:
        h = SHUT_WR;
        break;
    case WASI_SDFLAGS_RD | WASI_SDFLAGS_WR:
        h = SHUT_RDWR;
        break;
    default:
        return WASI_EINVAL;     /* nothing to shut, or unknown bits */
    }
    if (shutdown(f->host, h) != 0)
        return wasi_errno_from_host(errno);
    return 0;
}
