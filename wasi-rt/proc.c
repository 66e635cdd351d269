/*
 * proc.c - process-level WASI calls: arguments, environment, clocks,
 * randomness, exit, raise, yielding and poll_oneoff.
 *
 * The guest sees exactly the argv given to main and only the environment
 * it was granted (WasiCtx.env, owned by run.c), never the host's.  No call
 * here touches the host process's signals: proc_raise applies a signal's
 * default action to the instance alone.  Descriptors live in fd.c; guest
 * pointers are checked by guest.c before any use.
 */
#if defined(__APPLE__)
#define _DARWIN_C_SOURCE
#else
#define _DEFAULT_SOURCE     /* getentropy on glibc */
#endif
#define _POSIX_C_SOURCE 200809L

#include "ctx.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if defined(__APPLE__)
#include <sys/random.h>
#endif

#if defined(__APPLE__) ||                                                   \
    (defined(__GLIBC__) &&                                                  \
     (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 25)))
#define HAVE_GETENTROPY 1
#endif

#define NS_PER_SEC 1000000000u

/* ---- args and environ --------------------------------------------------- */

/* Count the strings of list[0..n) and their bytes with terminators. */
static uint32_t
list_sizes(const char *const *list, uint32_t n, uint64_t *bytes)
{
    uint32_t i;

    *bytes = 0;
    for (i = 0; i < n; i++)
        *bytes += strlen(list[i]) + 1;
    /* The guest's sizes are u32: a list this large cannot be passed. */
    return *bytes > 0xFFFFFFFFu ? WASI_E2BIG : 0;
}

/*
 * Write the n pointers (u32 each) at ptrs and the NUL-terminated strings
 * back to back at buf, after checking both ranges.
 */
static uint32_t
list_get(const WrtMemory *m, const char *const *list, uint32_t n,
         uint32_t ptrs, uint32_t buf)
{
    uint8_t *pp, *bp;
    uint64_t bytes, off = 0;
    uint32_t i, err;
    size_t len;

    err = list_sizes(list, n, &bytes);
    if (err == 0)
        err = guest_array(m, ptrs, n, 4, &pp);
    if (err == 0)
        err = guest_range(m, buf, bytes, &bp);
    if (err != 0)
        return err;
    for (i = 0; i < n; i++) {
        len = strlen(list[i]) + 1;
        memcpy(bp + off, list[i], len);
        guest_put_u32(pp + (size_t)4 * i, (uint32_t)(buf + off));
        off += len;
    }
    return 0;
}

static uint32_t
list_sizes_get(const WrtMemory *m, const char *const *list, uint32_t n,
               uint32_t count_out, uint32_t size_out)
{
    uint8_t *cp, *sp;
    uint64_t bytes;
    uint32_t err;

    err = guest_range(m, count_out, 4, &cp);
    if (err == 0)
        err = guest_range(m, size_out, 4, &sp);
    if (err == 0)
        err = list_sizes(list, n, &bytes);
    if (err != 0)
        return err;
    guest_put_u32(cp, n);
    guest_put_u32(sp, (uint32_t)bytes);
    return 0;
}

uint32_t
wasi_args_sizes_get(void *ctx, uint32_t argc_out, uint32_t argv_buf_size_out)
{
    WasiCtx *w = ctx;

    return list_sizes_get(w->mem, (const char *const *)w->argv,
                          (uint32_t)w->argc, argc_out, argv_buf_size_out);
}

uint32_t
wasi_args_get(void *ctx, uint32_t argv, uint32_t argv_buf)
{
    WasiCtx *w = ctx;

    return list_get(w->mem, (const char *const *)w->argv, (uint32_t)w->argc,
                    argv, argv_buf);
}

uint32_t
wasi_environ_sizes_get(void *ctx, uint32_t count_out, uint32_t buf_size_out)
{
    WasiCtx *w = ctx;

    return list_sizes_get(w->mem, (const char *const *)w->env, w->nenv,
                          count_out, buf_size_out);
}

uint32_t
wasi_environ_get(void *ctx, uint32_t environ, uint32_t environ_buf)
{
    WasiCtx *w = ctx;

    return list_get(w->mem, (const char *const *)w->env, w->nenv, environ,
                    environ_buf);
}

/* ---- clocks ------------------------------------------------------------- */

/* The host clock for a WASI clockid; -1 for ids we do not know. */
static int
host_clock(uint32_t id, clockid_t *out)
{
    switch (id) {
    case WASI_CLOCK_REALTIME:
        *out = CLOCK_REALTIME;
        return 0;
    case WASI_CLOCK_MONOTONIC:
        *out = CLOCK_MONOTONIC;
        return 0;
#ifdef CLOCK_PROCESS_CPUTIME_ID
    case WASI_CLOCK_PROCESS_CPUTIME:
        *out = CLOCK_PROCESS_CPUTIME_ID;
        return 0;
#endif
#ifdef CLOCK_THREAD_CPUTIME_ID
    case WASI_CLOCK_THREAD_CPUTIME:
        *out = CLOCK_THREAD_CPUTIME_ID;
        return 0;
#endif
    default:
        return -1;
    }
}

/* Timestamps are u64 nanoseconds; times before 1970 clamp to 0. */
static uint64_t
ts_to_ns(const struct timespec *ts)
{
    if (ts->tv_sec < 0)
        return 0;
    return (uint64_t)ts->tv_sec * NS_PER_SEC + (uint64_t)ts->tv_nsec;
}

static int
clock_now(clockid_t c, uint64_t *ns)
{
    struct timespec ts;

    if (clock_gettime(c, &ts) != 0)
        return -1;
    *ns = ts_to_ns(&ts);
    return 0;
}

uint32_t
wasi_clock_res_get(void *ctx, uint32_t id, uint32_t res_out)
{
    WasiCtx *w = ctx;
    struct timespec ts;
    clockid_t c;
    uint8_t *p;
    uint32_t err;

    err = guest_range(w->mem, res_out, 8, &p);
    if (err != 0)
        return err;
    if (host_clock(id, &c) != 0)
        return WASI_EINVAL;
    if (clock_getres(c, &ts) != 0)
        return wasi_errno_from_host(errno);
    guest_put_u64(p, ts_to_ns(&ts));
    return 0;
}

uint32_t
wasi_clock_time_get(void *ctx, uint32_t id, uint64_t precision,
                    uint32_t time_out)
{
    WasiCtx *w = ctx;
    clockid_t c;
    uint64_t now;
    uint8_t *p;
    uint32_t err;

    (void)precision;    /* a hint; the host clock is as fine as it gets */
    err = guest_range(w->mem, time_out, 8, &p);
    if (err != 0)
        return err;
    if (host_clock(id, &c) != 0)
        return WASI_EINVAL;
    if (clock_now(c, &now) != 0)
        return wasi_errno_from_host(errno);
    guest_put_u64(p, now);
    return 0;
}

/* ---- random ------------------------------------------------------------- */

static int
urandom_fill(uint8_t *p, size_t len)
{
    int fd;
    ssize_t got;

    do {
        fd = open("/dev/urandom", O_RDONLY);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return -1;
    while (len > 0) {
        got = read(fd, p, len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            close(fd);
            return -1;
        }
        p += got;
        len -= (size_t)got;
    }
    close(fd);
    return 0;
}

uint32_t
wasi_random_get(void *ctx, uint32_t buf, uint32_t len)
{
    WasiCtx *w = ctx;
    uint8_t *p;
    uint32_t err;

    err = guest_range(w->mem, buf, len, &p);
    if (err != 0 || len == 0)
        return err;
#ifdef HAVE_GETENTROPY
    {
        /* getentropy gives at most 256 bytes per call. */
        uint32_t done = 0, n;

        while (done < len) {
            n = len - done < 256 ? len - done : 256;
            if (getentropy(p + done, n) != 0)
                break;
            done += n;
        }
        if (done == len)
            return 0;
        p += done;
        len -= done;
    }
#endif
    if (urandom_fill(p, len) != 0)
        return WASI_EIO;
    return 0;
}

/* ---- exit and scheduling ------------------------------------------------ */

/*
 * Unwinds through the bound runtime; wasi_run or the library API turns it
 * into a status.  A context not bound yet has nothing to unwind to (a bug
 * in the host program), and ending the process is not the runtime's call
 * to make inside a library: the call just returns.
 */
void
wasi_proc_exit(void *ctx, uint32_t code)
{
    WasiCtx *w = ctx;

    /* An exit status keeps only its low 8 bits on POSIX hosts anyway. */
    if (w->rt == NULL)
        return;
    wrt_exit(w->rt, (int)(code & 0xFFu));
}

uint32_t
wasi_sched_yield(void *ctx)
{
    (void)ctx;
    sched_yield();
    return 0;
}

/* ---- proc_raise --------------------------------------------------------- */

/*
 * The default action of each witx signal (enum u8, none = 0 .. sys = 30)
 * and its Linux number, used for the exit status of a terminated instance
 * so a shell sees what it would after a real signal death (term -> 143).
 *
 * No host signal is ever delivered: the host may be a library user that
 * must survive its plugin.  Actions, as the witx documents them:
 *   ignored    chld, urg, winch and pipe (the witx says ignored for pipe,
 *              unlike POSIX: WASI has no SIGPIPE to take it from), and
 *              cont (the instance is running, so nothing to continue);
 *   stop       stop, tstp, ttin, ttou: ENOTSUP, because suspending the
 *              instance would suspend its host thread with nothing able
 *              to continue it;
 *   terminate  everything else, including kill: the instance ends as
 *              proc_exit(128 + number) would.
 */
enum { ACT_IGNORE, ACT_STOP, ACT_TERM };

static const struct {
    uint8_t action;
    uint8_t number;             /* Linux signal number */
} signals[] = {
    { ACT_IGNORE, 0 },          /* none */
    { ACT_TERM, 1 },            /* hup */
    { ACT_TERM, 2 },            /* int */
    { ACT_TERM, 3 },            /* quit */
    { ACT_TERM, 4 },            /* ill */
    { ACT_TERM, 5 },            /* trap */
    { ACT_TERM, 6 },            /* abrt */
    { ACT_TERM, 7 },            /* bus */
    { ACT_TERM, 8 },            /* fpe */
    { ACT_TERM, 9 },            /* kill */
    { ACT_TERM, 10 },           /* usr1 */
    { ACT_TERM, 11 },           /* segv */
    { ACT_TERM, 12 },           /* usr2 */
    { ACT_IGNORE, 13 },         /* pipe */
    { ACT_TERM, 14 },           /* alrm */
    { ACT_TERM, 15 },           /* term */
    { ACT_IGNORE, 17 },         /* chld */
    { ACT_IGNORE, 18 },         /* cont */
    { ACT_STOP, 19 },           /* stop */
    { ACT_STOP, 20 },           /* tstp */
    { ACT_STOP, 21 },           /* ttin */
    { ACT_STOP, 22 },           /* ttou */
    { ACT_IGNORE, 23 },         /* urg */
    { ACT_TERM, 24 },           /* xcpu */
    { ACT_TERM, 25 },           /* xfsz */
    { ACT_TERM, 26 },           /* vtalrm */
    { ACT_TERM, 27 },           /* prof */
    { ACT_IGNORE, 28 },         /* winch */
    { ACT_TERM, 29 },           /* poll */
    { ACT_TERM, 30 },           /* pwr */
    { ACT_TERM, 31 },           /* sys */
};

uint32_t
wasi_proc_raise(void *ctx, uint32_t sig)
{
    if (sig >= sizeof(signals) / sizeof(signals[0]))
        return WASI_EINVAL;
    if (signals[sig].action == ACT_STOP)
        return WASI_ENOTSUP;
    if (signals[sig].action == ACT_TERM)
        wasi_proc_exit(ctx, 128u + signals[sig].number);   /* unwinds */
    return 0;
}

/* ---- poll_oneoff -------------------------------------------------------- */

/*
 * subscription (48 bytes): userdata u64 @0, tag u8 @8, then for a clock
 * id u32 @16, timeout u64 @24, precision u64 @32, flags u16 @40; for fd
 * events file_descriptor u32 @16.
 * event (32 bytes): userdata u64 @0, error u16 @8, type u8 @10,
 * fd_readwrite.nbytes u64 @16, fd_readwrite.flags u16 @24.
 */
#define SUB_SIZE 48u
#define EVENT_SIZE 32u

typedef struct Sub {
    uint64_t userdata;
    uint8_t tag;
    uint16_t error;         /* reported at once when not 0 */
    clockid_t clock;
    uint64_t deadline;      /* clock: absolute, on clock */
    int host;               /* fd events: host descriptor */
    uint8_t filetype;       /* fd events: the guest descriptor's filetype */
    int pollidx;            /* fd events: index in the pollfd array, or -1
                               for a regular file, which is always ready */
} Sub;

/* Nanoseconds until the earliest clock deadline; -1 when no clock. */
static int
earliest_clock(const Sub *subs, uint32_t n, uint64_t *rem, uint32_t *which)
{
    uint64_t now, left, best = UINT64_MAX;
    uint32_t i;
    int found = 0;

    for (i = 0; i < n; i++) {
        if (subs[i].tag != WASI_EVENTTYPE_CLOCK || subs[i].error != 0)
            continue;
        if (clock_now(subs[i].clock, &now) != 0)
            now = 0;
        left = subs[i].deadline > now ? subs[i].deadline - now : 0;
        if (!found || left < best) {
            best = left;
            *which = i;
            found = 1;
        }
    }
    *rem = best;
    return found ? 0 : -1;
}

/* Bytes of a regular file between the offset and the end. */
static uint64_t
file_bytes_left(int host)
{
    struct stat st;
    off_t pos;

    if (fstat(host, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    pos = lseek(host, 0, SEEK_CUR);
    if (pos < 0 || pos >= st.st_size)
        return 0;
    return (uint64_t)(st.st_size - pos);
}

/* Bytes queued for reading on a pipe, tty or socket, where the host says. */
static uint64_t
queued_bytes(int host)
{
#ifdef FIONREAD
    int n = 0;

    if (ioctl(host, FIONREAD, &n) == 0 && n > 0)
        return (uint64_t)n;
#else
    (void)host;
#endif
    return 0;
}

static int
is_listening(int host)
{
    int on = 0;
    socklen_t len = sizeof(on);

    return getsockopt(host, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == 0 &&
           on != 0;
}

/*
 * A readable connected stream socket with nothing queued: the peer has
 * closed its side when a peek finds end of file (or the connection is
 * gone).  Portable where POLLRDHUP is Linux-only.
 */
static int
socket_read_hangup(int host)
{
#ifdef MSG_DONTWAIT
    char c;
    ssize_t r;

    do {
        r = recv(host, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    } while (r < 0 && errno == EINTR);
    return r == 0 ||
           (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
#else
    (void)host;
    return 0;
#endif
}

/* Fill nbytes and flags of a ready fd event from poll's revents. */
static void
fd_state(const Sub *s, short rev, uint64_t *nbytes, uint16_t *flags)
{
    int is_sock = s->filetype == WASI_FILETYPE_SOCKET_STREAM ||
                  s->filetype == WASI_FILETYPE_SOCKET_DGRAM;

    *nbytes = 0;
    *flags = 0;
    if (rev & POLLHUP)
        *flags |= WASI_EVENTRWFLAGS_HANGUP;
    if (s->tag == WASI_EVENTTYPE_FD_WRITE) {
        /* A socket reports a broken connection as an error condition. */
        if (is_sock && (rev & POLLERR))
            *flags |= WASI_EVENTRWFLAGS_HANGUP;
        return;
    }
    if (is_sock && is_listening(s->host))
        return;     /* readable: a connection waits for sock_accept */
    *nbytes = queued_bytes(s->host);
    if (is_sock && s->filetype == WASI_FILETYPE_SOCKET_STREAM &&
        *nbytes == 0 && (rev & (POLLIN | POLLERR)) &&
        socket_read_hangup(s->host))
        *flags |= WASI_EVENTRWFLAGS_HANGUP;
}

/*
 * Write the events that are ready: subscriptions with an error, regular
 * files, descriptors poll marked, clocks past their deadline (or `forced`,
 * after a full wait for it).  Returns how many were written.
 */
static uint32_t
collect(const Sub *subs, uint32_t n, const struct pollfd *pfds,
        uint32_t forced, uint8_t *out)
{
    uint32_t i, nev = 0;
    uint64_t now, nbytes;
    uint16_t flags, error;
    uint8_t *e;
    short rev;

    for (i = 0; i < n; i++) {
        const Sub *s = &subs[i];

        nbytes = 0;
        flags = 0;
        error = s->error;
        if (error != 0) {
            /* reported as it is */
        } else if (s->tag == WASI_EVENTTYPE_CLOCK) {
            if (i != forced &&
                (clock_now(s->clock, &now) != 0 || now < s->deadline))
                continue;
        } else if (s->pollidx < 0) {
            if (s->tag == WASI_EVENTTYPE_FD_READ)
                nbytes = file_bytes_left(s->host);
        } else {
            rev = pfds[s->pollidx].revents;
            if (rev == 0)
                continue;
            if (rev & POLLNVAL)
                error = WASI_EBADF;
            else
                fd_state(s, rev, &nbytes, &flags);
        }
        e = out + (size_t)EVENT_SIZE * nev++;
        memset(e, 0, EVENT_SIZE);
        guest_put_u64(e, s->userdata);
        guest_put_u16(e + 8, error);
        e[10] = s->tag;
        guest_put_u64(e + 16, nbytes);
        guest_put_u16(e + 24, flags);
    }
    return nev;
}

/*
 * Parse one subscription (already copied out of guest memory).  Problems
 * with one subscription become its event's error; *ready is set when its
 * event is due without waiting.  An unknown tag fails the whole call.
 */
static uint32_t
parse_sub(WasiCtx *w, const uint8_t *p, Sub *s, struct pollfd *pfds,
          int *npoll, int *ready)
{
    uint64_t timeout, now;
    uint32_t err;
    WasiFd *f;

    s->userdata = guest_get_u64(p);
    s->tag = p[8];
    s->error = 0;
    s->pollidx = -1;
    switch (s->tag) {
    case WASI_EVENTTYPE_CLOCK:
        timeout = guest_get_u64(p + 24);
        if (host_clock(guest_get_u32(p + 16), &s->clock) != 0) {
            s->error = WASI_EINVAL;
            *ready = 1;
            break;
        }
        if (guest_get_u16(p + 40) & WASI_SUBCLOCKFLAGS_ABSTIME) {
            s->deadline = timeout;
        } else {
            if (clock_now(s->clock, &now) != 0)
                now = 0;
            s->deadline = timeout > UINT64_MAX - now ? UINT64_MAX
                                                     : now + timeout;
        }
        break;
    case WASI_EVENTTYPE_FD_READ:
    case WASI_EVENTTYPE_FD_WRITE:
        f = wasi_fd_get(w, guest_get_u32(p + 16),
                        WASI_RIGHTS_POLL_FD_READWRITE, &err);
        if (f == NULL) {
            s->error = (uint16_t)err;
            *ready = 1;
            break;
        }
        s->host = f->host;
        s->filetype = f->filetype;
        /* Regular files never block (and poll says so only on some hosts). */
        if (f->filetype == WASI_FILETYPE_REGULAR_FILE) {
            *ready = 1;
            break;
        }
        s->pollidx = *npoll;
        pfds[*npoll].fd = f->host;
        pfds[*npoll].events =
            s->tag == WASI_EVENTTYPE_FD_READ ? POLLIN : POLLOUT;
        pfds[*npoll].revents = 0;
        (*npoll)++;
        break;
    default:
        return WASI_EINVAL;
    }
    return 0;
}

/*
 * Wait up to rem ns (UINT64_MAX: without limit) for a descriptor, or just
 * sleep when there are none.  Returns 1 when the whole wait passed, 0 when
 * it ended early (an event, a signal, or a wait too long for one call).
 */
static int
wait_events(struct pollfd *pfds, int npoll, uint64_t rem, uint32_t *err)
{
    /* One poll() takes an int of milliseconds. */
    const uint64_t max_ns = (uint64_t)INT_MAX * 1000000u;
    struct timespec ts;
    int r, ms, full;

    *err = 0;
    if (npoll > 0) {
        for (r = 0; r < npoll; r++)
            pfds[r].revents = 0;
        if (rem == UINT64_MAX) {
            ms = -1;
            full = 0;
        } else if (rem > max_ns) {
            ms = INT_MAX;
            full = 0;
        } else {
            /* Round up: waking before the deadline would spin. */
            ms = (int)((rem + 999999u) / 1000000u);
            full = 1;
        }
        r = poll(pfds, (nfds_t)npoll, ms);
        if (r < 0 && errno != EINTR)
            *err = wasi_errno_from_host(errno);
        return r == 0 && full;
    }
    if (rem == 0)
        return 1;
    /* Only clocks: sleep; a time_t of 32 bits bounds one sleep. */
    if (rem / NS_PER_SEC > INT_MAX) {
        ts.tv_sec = INT_MAX;
        ts.tv_nsec = 0;
        full = 0;
    } else {
        ts.tv_sec = (time_t)(rem / NS_PER_SEC);
        ts.tv_nsec = (long)(rem % NS_PER_SEC);
        full = 1;
    }
    if (nanosleep(&ts, NULL) != 0) {
        if (errno != EINTR)
            *err = wasi_errno_from_host(errno);
        return 0;
    }
    return full;
}

/*
 * Every subscription is parsed before anything is written, since the
 * events may overwrite them.  Each round polls all descriptors (without
 * waiting when some event is already due, so every ready one is reported
 * together) and then collects what is ready.
 */
uint32_t
wasi_poll_oneoff(void *ctx, uint32_t in, uint32_t out,
                 uint32_t nsubscriptions, uint32_t nevents_out)
{
    WasiCtx *w = ctx;
    uint8_t *inp, *outp, *np;
    Sub *subs = NULL;
    struct pollfd *pfds = NULL;
    uint32_t i, err, nev, which = 0, forced = UINT32_MAX;
    uint64_t rem;
    int npoll = 0, ready = 0;

    if (nsubscriptions == 0)
        return WASI_EINVAL;
    err = guest_array(w->mem, in, nsubscriptions, SUB_SIZE, &inp);
    if (err == 0)
        err = guest_array(w->mem, out, nsubscriptions, EVENT_SIZE, &outp);
    if (err == 0)
        err = guest_range(w->mem, nevents_out, 4, &np);
    if (err != 0)
        return err;
    subs = malloc((size_t)nsubscriptions * sizeof(Sub));
    pfds = malloc((size_t)nsubscriptions * sizeof(struct pollfd));
    if (subs == NULL || pfds == NULL) {
        err = WASI_ENOMEM;
        goto done;
    }
    for (i = 0; i < nsubscriptions && err == 0; i++)
        err = parse_sub(w, inp + (size_t)SUB_SIZE * i, &subs[i], pfds,
                        &npoll, &ready);
    while (err == 0) {
        if (ready)
            rem = 0;
        else if (earliest_clock(subs, nsubscriptions, &rem, &which) != 0)
            rem = UINT64_MAX;
        /*
         * A clock fires when its full wait has passed even if its clock
         * did not move (CPU-time clocks do not advance while we sleep).
         */
        if (wait_events(pfds, npoll, rem, &err) && !ready &&
            rem != UINT64_MAX)
            forced = which;
        if (err != 0)
            break;
        nev = collect(subs, nsubscriptions, pfds, forced, outp);
        if (nev > 0) {
            guest_put_u32(np, nev);
            break;
        }
    }
done:
    free(subs);
    free(pfds);
    return err;
}
