/*
 * fd.c - the guest's descriptor table and every fd_* call of WASI
 * preview1.
 *
 * Guest fds index a table of their own, separate from the host's.  Entries
 * 0, 1 and 2 describe the inherited stdin, stdout and stderr (never closed
 * on the host); run.c inserts preopened directories and sock.c sockets;
 * path.c inserts what path_open opens.  Each entry carries the rights the
 * witx defines, and every call here checks its right first: a closed fd is
 * EBADF, a missing right ENOTCAPABLE.  Paths belong to path.c.  Every guest
 * pointer goes through guest.c before use; host errors become WASI errnos
 * (errno.c).
 *
 * fd_readdir keeps per-descriptor state (WasiDir, private to this file): a
 * directory stream on a duplicate of the descriptor and the index of the
 * next entry, so reading a directory in order costs O(entries) in all.
 */
#if defined(__APPLE__)
#define _DARWIN_C_SOURCE
#elif defined(__linux__)
#define _DEFAULT_SOURCE     /* preadv, pwritev, DT_* on glibc and musl */
#endif
/*
 * The BSDs hide preadv and the DT_* names once _POSIX_C_SOURCE is defined;
 * their default namespace already holds all of POSIX.1-2008.
 */
#if !defined(__FreeBSD__) && !defined(__NetBSD__) &&                      \
    !defined(__OpenBSD__) && !defined(__DragonFly__)
#define _POSIX_C_SOURCE 200809L
#endif

#include "ctx.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

/* Vectored positioned I/O (macOS has it only from 11, Android from 24). */
#if (defined(__linux__) && !defined(__ANDROID__)) || defined(__FreeBSD__) || \
    defined(__NetBSD__) || defined(__OpenBSD__) || defined(__DragonFly__)
#define HAVE_PREADV 1
#endif
#if defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__)
#define HAVE_POSIX_FALLOCATE 1
#define HAVE_POSIX_FADVISE 1
#endif
#if defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) ||    \
    defined(__OpenBSD__)
#define HAVE_FDATASYNC 1
#endif

/* Entries in a fresh table; it doubles up to WASI_MAX_FDS. */
#define FDS_INITIAL 16u
/* dirent: d_next u64 @0, d_ino u64 @8, d_namlen u32 @16, d_type u8 @20. */
#define DIRENT_SIZE 24u
#define NS_PER_SEC 1000000000u

/* Rights of an inherited descriptor we can seek in (files, block devices). */
#define RIGHTS_SEEKABLE                                                     \
    (WASI_RIGHTS_FD_SEEK | WASI_RIGHTS_FD_TELL | WASI_RIGHTS_FD_SYNC |      \
     WASI_RIGHTS_FD_DATASYNC | WASI_RIGHTS_FD_ADVISE)
/*
 * ... and those that change the file itself, only when it was opened for
 * writing: `./app < file` must not let the guest truncate or retime it.
 */
#define RIGHTS_SEEKABLE_WRITE                                               \
    (WASI_RIGHTS_FD_ALLOCATE | WASI_RIGHTS_FD_FILESTAT_SET_SIZE |           \
     WASI_RIGHTS_FD_FILESTAT_SET_TIMES)

#define FDFLAGS_ALL                                                         \
    (WASI_FDFLAGS_APPEND | WASI_FDFLAGS_DSYNC | WASI_FDFLAGS_NONBLOCK |     \
     WASI_FDFLAGS_RSYNC | WASI_FDFLAGS_SYNC)
#define FDFLAGS_SYNCS                                                       \
    (WASI_FDFLAGS_DSYNC | WASI_FDFLAGS_RSYNC | WASI_FDFLAGS_SYNC)

/*
 * fd_readdir state.  Entry i of the stream (0-based, as the host lists
 * them, "." and ".." included) has cookie i + 1 in its d_next, so cookie n
 * means "start after the n-th entry".  `held` is entry `next` when it was
 * read from the stream but did not fit the guest's buffer: the guest then
 * asks again from the same cookie, and gets the same entry without a
 * rewind.  The pointer stays valid until the next readdir on the stream.
 */
struct WasiDir {
    DIR *stream;            /* on a duplicate of the guest fd's host fd */
    uint64_t next;          /* index of the next entry to hand out */
    struct dirent *held;    /* entry `next`, already read, or NULL */
};

/* ---- helpers shared with path.c and sock.c ------------------------------ */

uint8_t
wasi_filetype_of(const struct stat *st)
{
    if (S_ISREG(st->st_mode))
        return WASI_FILETYPE_REGULAR_FILE;
    if (S_ISDIR(st->st_mode))
        return WASI_FILETYPE_DIRECTORY;
    if (S_ISCHR(st->st_mode))
        return WASI_FILETYPE_CHARACTER_DEVICE;
    if (S_ISBLK(st->st_mode))
        return WASI_FILETYPE_BLOCK_DEVICE;
    if (S_ISLNK(st->st_mode))
        return WASI_FILETYPE_SYMBOLIC_LINK;
#ifdef S_ISSOCK
    /* stat cannot tell stream from datagram; sock.c knows its own. */
    if (S_ISSOCK(st->st_mode))
        return WASI_FILETYPE_SOCKET_STREAM;
#endif
    return WASI_FILETYPE_UNKNOWN;   /* fifos have no WASI filetype */
}

/* Timestamps are u64 nanoseconds; times before 1970 clamp to 0. */
static uint64_t
timespec_ns(time_t sec, long nsec)
{
    if (sec < 0)
        return 0;
    return (uint64_t)sec * NS_PER_SEC + (uint64_t)nsec;
}

void
wasi_put_filestat(uint8_t *p, const struct stat *st)
{
    memset(p, 0, 64);
    guest_put_u64(p, (uint64_t)st->st_dev);
    guest_put_u64(p + 8, (uint64_t)st->st_ino);
    p[16] = wasi_filetype_of(st);
    guest_put_u64(p + 24, (uint64_t)st->st_nlink);
    guest_put_u64(p + 32, (uint64_t)st->st_size);
#if defined(__APPLE__)
    guest_put_u64(p + 40, timespec_ns(st->st_atimespec.tv_sec,
                                      st->st_atimespec.tv_nsec));
    guest_put_u64(p + 48, timespec_ns(st->st_mtimespec.tv_sec,
                                      st->st_mtimespec.tv_nsec));
    guest_put_u64(p + 56, timespec_ns(st->st_ctimespec.tv_sec,
                                      st->st_ctimespec.tv_nsec));
#else
    guest_put_u64(p + 40, timespec_ns(st->st_atim.tv_sec,
                                      st->st_atim.tv_nsec));
    guest_put_u64(p + 48, timespec_ns(st->st_mtim.tv_sec,
                                      st->st_mtim.tv_nsec));
    guest_put_u64(p + 56, timespec_ns(st->st_ctim.tv_sec,
                                      st->st_ctim.tv_nsec));
#endif
}

/* One timestamp of wasi_fst_times: given, now, or left alone. */
static uint32_t
fst_one(uint64_t ns, int is_set, int is_now, struct timespec *ts)
{
    uint64_t sec = ns / NS_PER_SEC;

    if (is_now) {
        ts->tv_sec = 0;
        ts->tv_nsec = UTIME_NOW;
    } else if (is_set) {
        /* u64 ns reach year 2554: a 32-bit time_t cannot hold that. */
        if ((time_t)sec < 0 || (uint64_t)(time_t)sec != sec)
            return WASI_EOVERFLOW;
        ts->tv_sec = (time_t)sec;
        ts->tv_nsec = (long)(ns % NS_PER_SEC);
    } else {
        ts->tv_sec = 0;
        ts->tv_nsec = UTIME_OMIT;
    }
    return 0;
}

uint32_t
wasi_fst_times(uint64_t atim, uint64_t mtim, uint32_t fst_flags,
               struct timespec ts[2])
{
    uint32_t err;

    if (fst_flags & ~(uint32_t)(WASI_FSTFLAGS_ATIM | WASI_FSTFLAGS_ATIM_NOW |
                                WASI_FSTFLAGS_MTIM | WASI_FSTFLAGS_MTIM_NOW))
        return WASI_EINVAL;
    /* A time cannot be both given and "now" (fstflags_validate.rs). */
    if ((fst_flags & WASI_FSTFLAGS_ATIM) &&
        (fst_flags & WASI_FSTFLAGS_ATIM_NOW))
        return WASI_EINVAL;
    if ((fst_flags & WASI_FSTFLAGS_MTIM) &&
        (fst_flags & WASI_FSTFLAGS_MTIM_NOW))
        return WASI_EINVAL;
    err = fst_one(atim, (fst_flags & WASI_FSTFLAGS_ATIM) != 0,
                  (fst_flags & WASI_FSTFLAGS_ATIM_NOW) != 0, &ts[0]);
    if (err == 0)
        err = fst_one(mtim, (fst_flags & WASI_FSTFLAGS_MTIM) != 0,
                      (fst_flags & WASI_FSTFLAGS_MTIM_NOW) != 0, &ts[1]);
    return err;
}

/* ---- the descriptor table ----------------------------------------------- */

/* An empty slot. */
static void
clear_entry(WasiFd *f)
{
    memset(f, 0, sizeof(*f));
    f->host = -1;
}

/*
 * A tty gets neither seek nor tell, which is what wasi-libc's isatty looks
 * for.  *f is overwritten whole, so it must hold nothing to release; a
 * failure leaves it untouched.
 */
int
wasi_fd_describe_host(int host, WasiFd *f)
{
    struct stat st;
    int fl;
    uint64_t r = WASI_RIGHTS_FD_FDSTAT_SET_FLAGS |
                 WASI_RIGHTS_FD_FILESTAT_GET | WASI_RIGHTS_POLL_FD_READWRITE;

    if (fstat(host, &st) != 0)
        return -1;
    fl = fcntl(host, F_GETFL);
    if (fl == -1)
        return -1;
    clear_entry(f);
    if ((fl & O_ACCMODE) == O_RDONLY || (fl & O_ACCMODE) == O_RDWR)
        r |= WASI_RIGHTS_FD_READ;
    if ((fl & O_ACCMODE) == O_WRONLY || (fl & O_ACCMODE) == O_RDWR)
        r |= WASI_RIGHTS_FD_WRITE;
    f->filetype = wasi_filetype_of(&st);
    if (f->filetype == WASI_FILETYPE_REGULAR_FILE ||
        f->filetype == WASI_FILETYPE_BLOCK_DEVICE) {
        r |= RIGHTS_SEEKABLE;
        if (r & WASI_RIGHTS_FD_WRITE)
            r |= RIGHTS_SEEKABLE_WRITE;
    }
    /*
     * Other character devices (/dev/null) may seek; without these rights
     * wasi-libc would take them for terminals.  The host says ESPIPE
     * where seeking means nothing.
     */
    if (f->filetype == WASI_FILETYPE_CHARACTER_DEVICE && !isatty(host))
        r |= WASI_RIGHTS_FD_SEEK | WASI_RIGHTS_FD_TELL;
    f->host = host;
    f->is_open = 1;
    f->is_owned = 0;        /* the host's: stdio stays open after us */
    f->rights_base = r;
    f->rights_inheriting = 0;
    return 0;
}

int
wasi_fd_table_init(WasiCtx *w, int with_stdio)
{
    uint32_t i;

    w->fds = malloc(FDS_INITIAL * sizeof(WasiFd));
    if (w->fds == NULL) {
        w->nfds = 0;
        return -1;
    }
    w->nfds = FDS_INITIAL;
    for (i = 0; i < w->nfds; i++)
        clear_entry(&w->fds[i]);
    /*
     * A closed host stdio descriptor stays closed for the guest too (its
     * entry is left clear).  The guest shares stdio's open file
     * descriptions with its parent, so the status flags it may change
     * (append, nonblock) are put back when the context is freed.
     */
    for (i = 0; i < 3; i++) {
        w->stdio_flags[i] = -1;
        if (!with_stdio)
            continue;
        w->stdio_flags[i] = fcntl((int)i, F_GETFL);
        (void)wasi_fd_describe_host((int)i, &w->fds[i]);
    }
    return 0;
}

void
wasi_fd_table_free(WasiCtx *w)
{
    uint32_t i;

    for (i = 0; i < 3; i++)
        if (w->stdio_flags[i] != -1 && w->nfds > 0 &&
            fcntl((int)i, F_GETFL) != w->stdio_flags[i])
            (void)fcntl((int)i, F_SETFL, w->stdio_flags[i]);

    for (i = 0; i < w->nfds; i++)
        if (w->fds[i].is_open)
            wasi_fd_release(&w->fds[i]);
    free(w->fds);
    w->fds = NULL;
    w->nfds = 0;
}

WasiFd *
wasi_fd_lookup(WasiCtx *w, uint32_t fd)
{
    if (fd >= w->nfds || !w->fds[fd].is_open)
        return NULL;
    return &w->fds[fd];
}

WasiFd *
wasi_fd_get(WasiCtx *w, uint32_t fd, uint64_t rights, uint32_t *err)
{
    WasiFd *f = wasi_fd_lookup(w, fd);

    if (f == NULL) {
        *err = WASI_EBADF;
        return NULL;
    }
    if ((f->rights_base & rights) != rights) {
        *err = WASI_ENOTCAPABLE;
        return NULL;
    }
    *err = 0;
    return f;
}

/*
 * Growing the table moves it: WasiFd pointers taken before an insert are
 * stale afterwards, so *f is copied before anything else happens (it may
 * point into the table itself).
 */
uint32_t
wasi_fd_insert(WasiCtx *w, const WasiFd *f, uint32_t *out)
{
    WasiFd copy = *f;
    WasiFd *grown;
    uint32_t i, cap;

    for (i = 3; i < w->nfds; i++)
        if (!w->fds[i].is_open)
            break;
    if (i == w->nfds) {
        if (w->nfds >= WASI_MAX_FDS)
            return WASI_EMFILE;
        cap = w->nfds < FDS_INITIAL ? FDS_INITIAL : w->nfds * 2;
        if (cap > WASI_MAX_FDS)
            cap = WASI_MAX_FDS;
        grown = realloc(w->fds, (size_t)cap * sizeof(WasiFd));
        if (grown == NULL)
            return WASI_ENOMEM;
        w->fds = grown;
        for (i = w->nfds; i < cap; i++)
            clear_entry(&w->fds[i]);
        i = w->nfds > 3 ? w->nfds : 3;
        w->nfds = cap;
    }
    copy.is_open = 1;
    w->fds[i] = copy;
    *out = i;
    return 0;
}

void
wasi_fd_release(WasiFd *f)
{
    if (f->dir != NULL) {
        /* The stream owns a duplicate, not f->host. */
        closedir(f->dir->stream);
        free(f->dir);
    }
    /* Inherited stdio stays open on the host: the runtime reports traps. */
    if (f->is_open && f->is_owned && f->host >= 0)
        close(f->host);
    free(f->preopen);
    clear_entry(f);
}

/* ---- checks shared by the calls ----------------------------------------- */

/* Whether v is a non-negative offset the host's off_t can hold. */
static int
off_fits(uint64_t v)
{
    if (v > (uint64_t)INT64_MAX)
        return 0;
    /* A 32-bit off_t truncates: the round trip tells. */
    return (int64_t)(off_t)(int64_t)v == (int64_t)v;
}

/*
 * Reading, writing, seeking and sizing make no sense on a directory; its
 * rights never allow them (WASI_RIGHTS_DIR), but an inherited stdio
 * descriptor may be one, and POSIX lets lseek succeed on it.
 */
static uint32_t
not_dir(const WasiFd *f)
{
    return f->filetype == WASI_FILETYPE_DIRECTORY ? WASI_EISDIR : 0;
}

/* ---- reading and writing ------------------------------------------------ */

/* One positioned host transfer of n iovecs at pos (pos fits off_t). */
static ssize_t
host_pio(int host, const struct iovec *iov, int n, uint64_t pos,
         int is_write)
{
#ifdef HAVE_PREADV
    return is_write ? pwritev(host, iov, n, (off_t)pos)
                    : preadv(host, iov, n, (off_t)pos);
#else
    /* One call per buffer, stopping at the first short one. */
    ssize_t got, done = 0;
    int i;

    for (i = 0; i < n; i++) {
        got = is_write
                  ? pwrite(host, iov[i].iov_base, iov[i].iov_len,
                           (off_t)(pos + (uint64_t)done))
                  : pread(host, iov[i].iov_base, iov[i].iov_len,
                          (off_t)(pos + (uint64_t)done));
        if (got < 0)
            return done > 0 ? done : -1;
        done += got;
        if ((size_t)got < iov[i].iov_len)
            break;
    }
    return done;
#endif
}

/*
 * writev, except that on a stream socket a peer that has gone away must
 * give EPIPE rather than kill the process with SIGPIPE (a library host
 * could not survive that).  Where MSG_NOSIGNAL is missing (macOS), sock.c
 * sets SO_NOSIGPIPE on the sockets it creates instead.
 */
static ssize_t
write_host(const WasiFd *f, struct iovec *iov, int n)
{
#ifdef MSG_NOSIGNAL
    if (f->filetype == WASI_FILETYPE_SOCKET_STREAM) {
        struct msghdr msg;

        memset(&msg, 0, sizeof msg);
        msg.msg_iov = iov;
        msg.msg_iovlen = n;
        return sendmsg(f->host, &msg, MSG_NOSIGNAL);
    }
#endif
    return writev(f->host, iov, n);
}

/*
 * fd_read, fd_write, fd_pread and fd_pwrite share this loop (is_pos: at
 * offset, leaving the file position alone).  A short transfer ends the
 * call and reports what moved (the guest's libc retries); an error after
 * some bytes moved is reported as that count, as write(2) would.
 */
static uint32_t
transfer(WasiCtx *w, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
         uint32_t count_out, int is_write, int is_pos, uint64_t offset)
{
    const WrtMemory *m = w->mem;
    struct iovec host[GUEST_IOV_MAX];
    uint64_t rights = is_write ? WASI_RIGHTS_FD_WRITE : WASI_RIGHTS_FD_READ;
    uint32_t next = 0, err;
    uint64_t done = 0;
    size_t want;
    ssize_t got;
    uint8_t *outp;
    WasiFd *f;
    int n;

    if (is_pos)
        rights |= WASI_RIGHTS_FD_SEEK;
    f = wasi_fd_get(w, fd, rights, &err);
    if (f == NULL)
        return err;
    if (is_pos) {
        err = not_dir(f);
        if (err != 0)
            return err;
        /* filesize is u64, but no host offset goes past INT64_MAX. */
        if (offset > (uint64_t)INT64_MAX)
            return WASI_EINVAL;
        if (!off_fits(offset))
            return WASI_EOVERFLOW;
    }
    err = guest_range(m, count_out, 4, &outp);
    if (err == 0)
        err = guest_iovecs_check(m, iovs, iovs_len);
    if (err != 0)
        return err;
    for (;;) {
        n = guest_gather(m, iovs, iovs_len, &next, host, &want);
        if (n < 0) {
            if (done == 0)
                return WASI_EFAULT;
            break;
        }
        if (n == 0)
            break;
        if (is_pos && !off_fits(offset + done))
            break;      /* only after some bytes moved: offset fits */
        do {
            if (is_pos)
                got = host_pio(f->host, host, n, offset + done, is_write);
            else
                got = is_write ? write_host(f, host, n)
                               : readv(f->host, host, n);
        } while (got < 0 && errno == EINTR);
        if (got < 0) {
            if (done == 0)
                return wasi_errno_from_host(errno);
            break;
        }
        done += (uint64_t)got;
        if ((size_t)got < want)
            break;
        /*
         * The count is a u32, yet iovecs may name the same bytes many
         * times over: stop (a short transfer) before it could overflow.
         */
        if (done > (uint64_t)UINT32_MAX - GUEST_IO_MAX)
            break;
    }
    guest_put_u32(outp, (uint32_t)done);
    return 0;
}

uint32_t
wasi_fd_read(void *ctx, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
             uint32_t nread_out)
{
    return transfer(ctx, fd, iovs, iovs_len, nread_out, 0, 0, 0);
}

uint32_t
wasi_fd_write(void *ctx, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
              uint32_t nwritten_out)
{
    return transfer(ctx, fd, iovs, iovs_len, nwritten_out, 1, 0, 0);
}

uint32_t
wasi_fd_pread(void *ctx, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
              uint64_t offset, uint32_t nread_out)
{
    return transfer(ctx, fd, iovs, iovs_len, nread_out, 0, 1, offset);
}

/*
 * On an O_APPEND descriptor Linux appends and ignores the offset, POSIX
 * writes at the offset; pwrite-with-append.c accepts either, so the host
 * decides.  The file position is left alone in both cases.
 */
uint32_t
wasi_fd_pwrite(void *ctx, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
               uint64_t offset, uint32_t nwritten_out)
{
    return transfer(ctx, fd, iovs, iovs_len, nwritten_out, 1, 1, offset);
}

/* ---- position ----------------------------------------------------------- */

uint32_t
wasi_fd_seek(void *ctx, uint32_t fd, uint64_t offset, uint32_t whence,
             uint32_t newoffset_out)
{
    WasiCtx *w = ctx;
    int64_t delta = (int64_t)offset;    /* filedelta is s64 */
    uint8_t *outp;
    WasiFd *f;
    off_t pos;
    int how;
    uint32_t err;

    f = wasi_fd_lookup(w, fd);
    if (f == NULL)
        return WASI_EBADF;
    /* Asking where we are is fd_tell in disguise: FD_TELL is enough. */
    if (!(f->rights_base & WASI_RIGHTS_FD_SEEK) &&
        !(whence == WASI_WHENCE_CUR && delta == 0 &&
          (f->rights_base & WASI_RIGHTS_FD_TELL)))
        return WASI_ENOTCAPABLE;
    err = not_dir(f);
    if (err != 0)
        return err;
    switch (whence) {
    case WASI_WHENCE_SET:
        how = SEEK_SET;
        break;
    case WASI_WHENCE_CUR:
        how = SEEK_CUR;
        break;
    case WASI_WHENCE_END:
        how = SEEK_END;
        break;
    default:
        return WASI_EINVAL;
    }
    err = guest_range(w->mem, newoffset_out, 8, &outp);
    if (err != 0)
        return err;
    if ((int64_t)(off_t)delta != delta)
        return WASI_EOVERFLOW;  /* a 32-bit off_t cannot hold it */
    pos = lseek(f->host, (off_t)delta, how);
    if (pos < 0)
        return wasi_errno_from_host(errno);   /* before 0: EINVAL */
    guest_put_u64(outp, (uint64_t)pos);
    return 0;
}

uint32_t
wasi_fd_tell(void *ctx, uint32_t fd, uint32_t offset_out)
{
    WasiCtx *w = ctx;
    uint8_t *outp;
    WasiFd *f;
    off_t pos;
    uint32_t err;

    f = wasi_fd_get(w, fd, WASI_RIGHTS_FD_TELL, &err);
    if (f == NULL)
        return err;
    err = not_dir(f);
    if (err == 0)
        err = guest_range(w->mem, offset_out, 8, &outp);
    if (err != 0)
        return err;
    pos = lseek(f->host, 0, SEEK_CUR);
    if (pos < 0)
        return wasi_errno_from_host(errno);
    guest_put_u64(outp, (uint64_t)pos);
    return 0;
}

/* ---- space, hints, durability ------------------------------------------- */

uint32_t
wasi_fd_advise(void *ctx, uint32_t fd, uint64_t offset, uint64_t len,
               uint32_t advice)
{
    WasiFd *f;
    uint32_t err;
#ifdef HAVE_POSIX_FADVISE
    int how, rc;
#endif

    f = wasi_fd_get(ctx, fd, WASI_RIGHTS_FD_ADVISE, &err);
    if (f == NULL)
        return err;
    if (advice > WASI_ADVICE_NOREUSE)
        return WASI_EINVAL;
    if (offset > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX)
        return WASI_EINVAL;
    if (!off_fits(offset) || !off_fits(len))
        return WASI_EOVERFLOW;
#ifdef HAVE_POSIX_FADVISE
    switch (advice) {
    case WASI_ADVICE_SEQUENTIAL:
        how = POSIX_FADV_SEQUENTIAL;
        break;
    case WASI_ADVICE_RANDOM:
        how = POSIX_FADV_RANDOM;
        break;
    case WASI_ADVICE_WILLNEED:
        how = POSIX_FADV_WILLNEED;
        break;
    case WASI_ADVICE_DONTNEED:
        how = POSIX_FADV_DONTNEED;
        break;
    case WASI_ADVICE_NOREUSE:
        how = POSIX_FADV_NOREUSE;
        break;
    default:
        how = POSIX_FADV_NORMAL;
        break;
    }
    /* Returns the error number instead of setting errno. */
    rc = posix_fadvise(f->host, (off_t)offset, (off_t)len, how);
    return rc == 0 ? 0 : wasi_errno_from_host(rc);
#else
    /*
     * No posix_fadvise here (macOS, OpenBSD).  Advice changes no
     * observable behaviour, so ignoring valid advice is the call done.
     */
    return 0;
#endif
}

/*
 * Make sure bytes [offset, offset + len) are allocated, growing the file
 * when they reach past its end (never shrinking it).
 */
uint32_t
wasi_fd_allocate(void *ctx, uint32_t fd, uint64_t offset, uint64_t len)
{
    WasiFd *f;
    struct stat st;
    uint32_t err;
    int rc;

    f = wasi_fd_get(ctx, fd, WASI_RIGHTS_FD_ALLOCATE, &err);
    if (f == NULL)
        return err;
    err = not_dir(f);
    if (err != 0)
        return err;
    /* posix_fallocate's rules: offset >= 0, len > 0, end within limits. */
    if (offset > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX ||
        len == 0)
        return WASI_EINVAL;
    if (offset + len > (uint64_t)INT64_MAX || !off_fits(offset + len))
        return WASI_EFBIG;
#ifdef HAVE_POSIX_FALLOCATE
    do {
        rc = posix_fallocate(f->host, (off_t)offset, (off_t)len);
    } while (rc == EINTR);
    /* Some file systems (ZFS, most on NetBSD) cannot preallocate. */
    if (rc != EOPNOTSUPP && rc != ENOTSUP)
        return rc == 0 ? 0 : wasi_errno_from_host(rc);
#endif
    /*
     * No preallocation here: growing the file gives the size the guest
     * sees; the blocks come when written.
     */
    if (fstat(f->host, &st) != 0)
        return wasi_errno_from_host(errno);
    if (!S_ISREG(st.st_mode))
        return wasi_errno_from_host(S_ISFIFO(st.st_mode) ? ESPIPE : ENODEV);
    if ((uint64_t)st.st_size >= offset + len)
        return 0;
    do {
        rc = ftruncate(f->host, (off_t)(offset + len));
    } while (rc != 0 && errno == EINTR);
    return rc == 0 ? 0 : wasi_errno_from_host(errno);
}

uint32_t
wasi_fd_datasync(void *ctx, uint32_t fd)
{
    WasiFd *f;
    uint32_t err;
    int rc;

    f = wasi_fd_get(ctx, fd, WASI_RIGHTS_FD_DATASYNC, &err);
    if (f == NULL)
        return err;
#ifdef HAVE_FDATASYNC
    rc = fdatasync(f->host);
#else
    rc = fsync(f->host);    /* syncs more than asked, never less */
#endif
    return rc == 0 ? 0 : wasi_errno_from_host(errno);
}

uint32_t
wasi_fd_sync(void *ctx, uint32_t fd)
{
    WasiFd *f;
    uint32_t err;

    f = wasi_fd_get(ctx, fd, WASI_RIGHTS_FD_SYNC, &err);
    if (f == NULL)
        return err;
    return fsync(f->host) == 0 ? 0 : wasi_errno_from_host(errno);
}

/* ---- descriptor state --------------------------------------------------- */

/*
 * The WASI fdflags of host status flags.  Linux's O_SYNC includes the
 * O_DSYNC bit and its O_RSYNC is O_SYNC: a synchronous descriptor reports
 * SYNC alone, so what fd_fdstat_get reports fd_fdstat_set_flags accepts.
 */
static uint16_t
fdflags_of(int fl)
{
    uint16_t flags = 0;

    if (fl & O_APPEND)
        flags |= WASI_FDFLAGS_APPEND;
    if (fl & O_NONBLOCK)
        flags |= WASI_FDFLAGS_NONBLOCK;
    if ((fl & O_SYNC) == O_SYNC) {
        flags |= WASI_FDFLAGS_SYNC;
    } else {
#ifdef O_DSYNC
        if ((fl & O_DSYNC) == O_DSYNC)
            flags |= WASI_FDFLAGS_DSYNC;
#endif
    }
#if defined(O_RSYNC) && O_RSYNC != O_SYNC
    if ((fl & O_RSYNC) == O_RSYNC)
        flags |= WASI_FDFLAGS_RSYNC;
#endif
    return flags;
}

/* fdstat: fs_filetype u8 @0, fs_flags u16 @2, rights u64 @8, @16; 24 bytes */
uint32_t
wasi_fd_fdstat_get(void *ctx, uint32_t fd, uint32_t stat_out)
{
    WasiCtx *w = ctx;
    uint8_t *p;
    WasiFd *f;
    int fl;
    uint32_t err;

    f = wasi_fd_lookup(w, fd);
    if (f == NULL)
        return WASI_EBADF;
    err = guest_range(w->mem, stat_out, 24, &p);
    if (err != 0)
        return err;
    fl = fcntl(f->host, F_GETFL);
    if (fl == -1)
        return wasi_errno_from_host(errno);
    memset(p, 0, 24);
    p[0] = f->filetype;
    guest_put_u16(p + 2, fdflags_of(fl));
    guest_put_u64(p + 8, f->rights_base);
    guest_put_u64(p + 16, f->rights_inheriting);
    return 0;
}

/*
 * Append and nonblock change on an open descriptor.  The synchronous-I/O
 * flags cannot (Linux's F_SETFL ignores them), so asking for other sync
 * flags than the descriptor has is ENOTSUP rather than a silent no-op.
 */
uint32_t
wasi_fd_fdstat_set_flags(void *ctx, uint32_t fd, uint32_t flags)
{
    WasiFd *f;
    uint32_t err;
    int fl;

    f = wasi_fd_get(ctx, fd, WASI_RIGHTS_FD_FDSTAT_SET_FLAGS, &err);
    if (f == NULL)
        return err;
    if (flags & ~(uint32_t)FDFLAGS_ALL)
        return WASI_EINVAL;
    fl = fcntl(f->host, F_GETFL);
    if (fl == -1)
        return wasi_errno_from_host(errno);
    if ((flags & FDFLAGS_SYNCS) != (fdflags_of(fl) & FDFLAGS_SYNCS))
        return WASI_ENOTSUP;
    fl &= ~(O_APPEND | O_NONBLOCK);
    if (flags & WASI_FDFLAGS_APPEND)
        fl |= O_APPEND;
    if (flags & WASI_FDFLAGS_NONBLOCK)
        fl |= O_NONBLOCK;
    if (fcntl(f->host, F_SETFL, fl) == -1)
        return wasi_errno_from_host(errno);
    return 0;
}

/* Rights only ever shrink: asking for one the fd lacks is ENOTCAPABLE. */
uint32_t
wasi_fd_fdstat_set_rights(void *ctx, uint32_t fd, uint64_t base,
                          uint64_t inheriting)
{
    WasiFd *f = wasi_fd_lookup(ctx, fd);

    if (f == NULL)
        return WASI_EBADF;
    if ((base & ~f->rights_base) != 0 ||
        (inheriting & ~f->rights_inheriting) != 0)
        return WASI_ENOTCAPABLE;
    f->rights_base = base;
    f->rights_inheriting = inheriting;
    return 0;
}

uint32_t
wasi_fd_filestat_get(void *ctx, uint32_t fd, uint32_t stat_out)
{
    WasiCtx *w = ctx;
    struct stat st;
    uint8_t *p;
    WasiFd *f;
    uint32_t err;

    f = wasi_fd_get(w, fd, WASI_RIGHTS_FD_FILESTAT_GET, &err);
    if (f == NULL)
        return err;
    err = guest_range(w->mem, stat_out, 64, &p);
    if (err != 0)
        return err;
    if (fstat(f->host, &st) != 0)
        return wasi_errno_from_host(errno);
    wasi_put_filestat(p, &st);
    return 0;
}

uint32_t
wasi_fd_filestat_set_size(void *ctx, uint32_t fd, uint64_t size)
{
    WasiFd *f;
    uint32_t err;
    int rc;

    f = wasi_fd_get(ctx, fd, WASI_RIGHTS_FD_FILESTAT_SET_SIZE, &err);
    if (f == NULL)
        return err;
    err = not_dir(f);
    if (err != 0)
        return err;
    if (size > (uint64_t)INT64_MAX)
        return WASI_EINVAL;     /* a negative length to ftruncate */
    if (!off_fits(size))
        return WASI_EFBIG;
    do {
        rc = ftruncate(f->host, (off_t)size);
    } while (rc != 0 && errno == EINTR);
    return rc == 0 ? 0 : wasi_errno_from_host(errno);
}

uint32_t
wasi_fd_filestat_set_times(void *ctx, uint32_t fd, uint64_t atim,
                           uint64_t mtim, uint32_t fst_flags)
{
    struct timespec ts[2];
    WasiFd *f;
    uint32_t err;

    f = wasi_fd_get(ctx, fd, WASI_RIGHTS_FD_FILESTAT_SET_TIMES, &err);
    if (f == NULL)
        return err;
    err = wasi_fst_times(atim, mtim, fst_flags, ts);
    if (err != 0)
        return err;
    return futimens(f->host, ts) == 0 ? 0 : wasi_errno_from_host(errno);
}

/* ---- closing and renumbering -------------------------------------------- */

/* Any descriptor may be closed, preopened directories and stdio included. */
uint32_t
wasi_fd_close(void *ctx, uint32_t fd)
{
    WasiFd *f = wasi_fd_lookup(ctx, fd);
    int rc = 0, e = 0;

    if (f == NULL)
        return WASI_EBADF;
    if (f->is_owned) {
        rc = close(f->host);
        if (rc != 0)
            e = errno;      /* before release's closedir/free touch it */
        f->is_owned = 0;    /* gone even when close failed (POSIX) */
    }
    wasi_fd_release(f);
    /* EINTR: the descriptor is closed all the same (Linux, BSD). */
    return rc == 0 || e == EINTR ? 0 : wasi_errno_from_host(e);
}

/*
 * Move `fd` to number `to`, closing what `to` held.  Both must be open
 * (renumber.rs); stdio may be moved away or replaced (stdio.rs).
 */
uint32_t
wasi_fd_renumber(void *ctx, uint32_t fd, uint32_t to)
{
    WasiCtx *w = ctx;
    WasiFd *from = wasi_fd_lookup(w, fd);
    WasiFd *dst = wasi_fd_lookup(w, to);

    if (from == NULL || dst == NULL)
        return WASI_EBADF;
    if (from == dst)
        return 0;
    wasi_fd_release(dst);
    *dst = *from;
    clear_entry(from);      /* its host fd, name and stream moved */
    return 0;
}

/* ---- preopened directories ---------------------------------------------- */

/* prestat: tag u8 @0 (0 = dir), pr_name_len u32 @4; 8 bytes */
uint32_t
wasi_fd_prestat_get(void *ctx, uint32_t fd, uint32_t prestat_out)
{
    WasiCtx *w = ctx;
    WasiFd *f = wasi_fd_lookup(w, fd);
    uint8_t *p;
    size_t len;
    uint32_t err;

    /* An fd that is not a preopen is EBADF: that ends wasi-libc's scan. */
    if (f == NULL || f->preopen == NULL)
        return WASI_EBADF;
    err = guest_range(w->mem, prestat_out, 8, &p);
    if (err != 0)
        return err;
    len = strlen(f->preopen);
    if (len > 0xFFFFFFFFu)
        return WASI_ENAMETOOLONG;
    memset(p, 0, 8);
    p[0] = WASI_PREOPENTYPE_DIR;
    guest_put_u32(p + 4, (uint32_t)len);
    return 0;
}

/*
 * The name without a terminator.  A buffer shorter than the name is
 * ENAMETOOLONG (dir_fd_op_failures.rs accepts it, as does wasmtime); a
 * longer one gets the name and keeps its remaining bytes.
 */
uint32_t
wasi_fd_prestat_dir_name(void *ctx, uint32_t fd, uint32_t path,
                         uint32_t path_len)
{
    WasiCtx *w = ctx;
    WasiFd *f = wasi_fd_lookup(w, fd);
    size_t len;

    if (f == NULL || f->preopen == NULL)
        return WASI_EBADF;
    len = strlen(f->preopen);
    if (len > path_len)
        return WASI_ENAMETOOLONG;
    return guest_write_bytes(w->mem, path, f->preopen, len);
}

/* ---- directories -------------------------------------------------------- */

/* WASI filetype of a host directory entry, asking fstatat when unsure. */
static uint8_t
dirent_type(int dirfd, const struct dirent *e)
{
    struct stat st;

#ifdef DT_UNKNOWN
    switch (e->d_type) {
    case DT_REG:
        return WASI_FILETYPE_REGULAR_FILE;
    case DT_DIR:
        return WASI_FILETYPE_DIRECTORY;
    case DT_LNK:
        return WASI_FILETYPE_SYMBOLIC_LINK;
    case DT_CHR:
        return WASI_FILETYPE_CHARACTER_DEVICE;
    case DT_BLK:
        return WASI_FILETYPE_BLOCK_DEVICE;
    case DT_SOCK:
        return WASI_FILETYPE_SOCKET_STREAM;
    case DT_FIFO:
        return WASI_FILETYPE_UNKNOWN;
    default:
        break;  /* DT_UNKNOWN: the file system did not say */
    }
#endif
    /* Gone since it was listed: the type is unknown, not an error. */
    if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return WASI_FILETYPE_UNKNOWN;
    return wasi_filetype_of(&st);
}

/*
 * Write entry e (index idx) at out, at most room bytes.  Returns the bytes
 * written; fewer than DIRENT_SIZE + name length means it was cut short.
 */
static uint32_t
put_dirent(int dirfd, const struct dirent *e, uint64_t idx, uint8_t *out,
           uint32_t room, int *is_whole)
{
    uint8_t head[DIRENT_SIZE];
    size_t namlen = strlen(e->d_name);
    uint32_t n;

    memset(head, 0, sizeof(head));
    guest_put_u64(head, idx + 1);
    guest_put_u64(head + 8, (uint64_t)e->d_ino);
    guest_put_u32(head + 16, (uint32_t)namlen);    /* NAME_MAX-bounded */
    head[20] = dirent_type(dirfd, e);
    n = room < DIRENT_SIZE ? room : DIRENT_SIZE;
    memcpy(out, head, n);
    if (room - n < namlen) {
        memcpy(out + n, e->d_name, room - n);
        *is_whole = 0;
        return room;
    }
    memcpy(out + n, e->d_name, namlen);
    *is_whole = room >= DIRENT_SIZE;
    return n + (uint32_t)namlen;
}

/* Open the readdir stream of directory descriptor f, at its start. */
static uint32_t
dir_open(WasiFd *f)
{
    WasiDir *d = malloc(sizeof(*d));
    int dup_fd;

    if (d == NULL)
        return WASI_ENOMEM;
    /* closedir closes the stream's fd: give it a duplicate. */
    dup_fd = fcntl(f->host, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0) {
        free(d);
        return wasi_errno_from_host(errno);
    }
    d->stream = fdopendir(dup_fd);
    if (d->stream == NULL) {
        uint32_t err = wasi_errno_from_host(errno);

        close(dup_fd);
        free(d);
        return err;
    }
    /* The duplicate shares the file offset, which need not be 0. */
    rewinddir(d->stream);
    d->next = 0;
    d->held = NULL;
    f->dir = d;
    return 0;
}

/* Restart the stream and skip to entry `cookie` (or its end). */
static uint32_t
dir_seek(WasiDir *d, uint64_t cookie)
{
    rewinddir(d->stream);
    d->held = NULL;
    d->next = 0;
    while (d->next < cookie) {
        errno = 0;
        if (readdir(d->stream) == NULL) {
            if (errno != 0)
                return wasi_errno_from_host(errno);
            break;      /* past the end: the reply will be empty */
        }
        d->next++;
    }
    return 0;
}

/*
 * Fill buf with entries from `cookie` on; the last one is cut short when
 * it does not fit, so bufused == buf_len means "there may be more".
 */
uint32_t
wasi_fd_readdir(void *ctx, uint32_t fd, uint32_t buf, uint32_t buf_len,
                uint64_t cookie, uint32_t bufused_out)
{
    WasiCtx *w = ctx;
    uint8_t *out, *usedp;
    uint32_t err, used = 0;
    struct dirent *e;
    WasiDir *d;
    WasiFd *f;
    int is_whole;

    f = wasi_fd_get(w, fd, WASI_RIGHTS_FD_READDIR, &err);
    if (f == NULL)
        return err;
    if (f->filetype != WASI_FILETYPE_DIRECTORY)
        return WASI_ENOTDIR;
    err = guest_range(w->mem, buf, buf_len, &out);
    if (err == 0)
        err = guest_range(w->mem, bufused_out, 4, &usedp);
    if (err == 0 && f->dir == NULL)
        err = dir_open(f);
    d = f->dir;
    if (err == 0 && cookie != d->next)
        err = dir_seek(d, cookie);
    if (err != 0)
        return err;
    while (used < buf_len) {
        e = d->held;
        if (e == NULL) {
            errno = 0;
            e = readdir(d->stream);
            if (e == NULL) {
                /* An error after some entries: they go out first. */
                if (errno != 0 && used == 0)
                    return wasi_errno_from_host(errno);
                break;
            }
            d->held = e;
        }
        used += put_dirent(f->host, e, d->next, out + used, buf_len - used,
                           &is_whole);
        if (!is_whole)
            break;      /* stays held for the guest's next call */
        d->held = NULL;
        d->next++;
    }
    guest_put_u32(usedp, used);
    return 0;
}
