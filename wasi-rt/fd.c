/*
 * fd.c - the guest's descriptor table and the fd_* calls on it.
 *
 * Guest fds are indices into a table of their own, separate from the
 * host's: 0, 1 and 2 map to the inherited stdin, stdout and stderr, and
 * nothing else is open (there are no preopened directories yet, so
 * fd_prestat_get answers EBADF for every fd, which is how wasi-libc learns
 * there are none).  Paths and opening files belong to path.c.  Every guest
 * pointer goes through guest.c before use; host errors become WASI errnos.
 */
#if defined(__APPLE__)
#define _DARWIN_C_SOURCE
#endif
#define _POSIX_C_SOURCE 200809L

#include "ctx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

/* Guest iovecs passed to one readv/writev call. */
#define IOV_CHUNK 64
/* Bytes moved by one readv/writev, well below SSIZE_MAX on 32-bit hosts. */
#define IO_CHUNK_BYTES ((size_t)1 << 30)

/* Rights of a descriptor we can seek in (files, block devices). */
#define RIGHTS_SEEKABLE                                                     \
    (WASI_RIGHTS_FD_SEEK | WASI_RIGHTS_FD_TELL | WASI_RIGHTS_FD_SYNC |      \
     WASI_RIGHTS_FD_DATASYNC | WASI_RIGHTS_FD_ADVISE |                      \
     WASI_RIGHTS_FD_ALLOCATE | WASI_RIGHTS_FD_FILESTAT_SET_SIZE |           \
     WASI_RIGHTS_FD_FILESTAT_SET_TIMES)

static uint8_t
filetype_of(const struct stat *st)
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
    if (S_ISSOCK(st->st_mode))
        return WASI_FILETYPE_SOCKET_STREAM;
#endif
    return WASI_FILETYPE_UNKNOWN;   /* fifos have no WASI filetype */
}

/*
 * Describe an inherited host descriptor: its filetype and the rights its
 * access mode and type allow.  A tty gets neither seek nor tell, which is
 * what wasi-libc's isatty looks for.  Returns -1 when host is not open.
 */
static int
describe_host_fd(int host, WasiFd *f)
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
    if ((fl & O_ACCMODE) == O_RDONLY || (fl & O_ACCMODE) == O_RDWR)
        r |= WASI_RIGHTS_FD_READ;
    if ((fl & O_ACCMODE) == O_WRONLY || (fl & O_ACCMODE) == O_RDWR)
        r |= WASI_RIGHTS_FD_WRITE;
    f->filetype = filetype_of(&st);
    if (f->filetype == WASI_FILETYPE_REGULAR_FILE ||
        f->filetype == WASI_FILETYPE_BLOCK_DEVICE)
        r |= RIGHTS_SEEKABLE;
    f->host = host;
    f->is_open = 1;
    f->is_owned = 0;
    f->rights_base = r;
    f->rights_inheriting = 0;
    return 0;
}

int
wasi_fd_table_init(WasiCtx *w)
{
    uint32_t i;

    w->nfds = 3;
    w->fds = calloc(w->nfds, sizeof(WasiFd));
    if (w->fds == NULL) {
        w->nfds = 0;
        return -1;
    }
    /* A closed host stdio descriptor stays closed for the guest too. */
    for (i = 0; i < 3; i++)
        if (describe_host_fd((int)i, &w->fds[i]) != 0)
            w->fds[i].is_open = 0;
    return 0;
}

void
wasi_fd_table_free(WasiCtx *w)
{
    uint32_t i;

    for (i = 0; i < w->nfds; i++)
        if (w->fds[i].is_open && w->fds[i].is_owned)
            close(w->fds[i].host);
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

/*
 * Gather guest iovecs [*next, count) into host iovecs, at most IOV_CHUNK
 * entries and IO_CHUNK_BYTES bytes (an entry may be cut short).  Returns the
 * number of host entries (0 when nothing is left) or -1 for a bad entry.
 */
static int
gather(const WrtMemory *m, uint32_t iovs, uint32_t count, uint32_t *next,
       struct iovec *out, size_t *total)
{
    int n = 0;
    uint8_t *buf;
    uint32_t len;

    *total = 0;
    while (*next < count && n < IOV_CHUNK && *total < IO_CHUNK_BYTES) {
        if (guest_iovec(m, iovs, *next, &buf, &len) != 0)
            return -1;
        (*next)++;
        if (len == 0)
            continue;
        if (len > IO_CHUNK_BYTES - *total)
            len = (uint32_t)(IO_CHUNK_BYTES - *total);
        out[n].iov_base = buf;
        out[n].iov_len = len;
        *total += len;
        n++;
    }
    return n;
}

/*
 * fd_write / fd_read share this loop.  A short transfer ends the call and
 * reports what moved (the guest's libc retries); an error after some bytes
 * moved is reported as that count, as write(2) would.
 */
static uint32_t
transfer(WasiCtx *w, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
         uint32_t count_out, int is_write)
{
    const WrtMemory *m = w->mem;
    struct iovec host[IOV_CHUNK];
    uint32_t next = 0, err;
    uint64_t done = 0;
    size_t want;
    ssize_t got;
    uint8_t *outp;
    WasiFd *f;
    int n;

    err = guest_range(m, count_out, 4, &outp);
    if (err == 0)
        err = guest_iovecs_check(m, iovs, iovs_len);
    if (err != 0)
        return err;
    f = wasi_fd_lookup(w, fd);
    if (f == NULL)
        return WASI_EBADF;
    for (;;) {
        n = gather(m, iovs, iovs_len, &next, host, &want);
        if (n < 0) {
            if (done == 0)
                return WASI_EFAULT;
            break;
        }
        if (n == 0)
            break;
        do {
            got = is_write ? writev(f->host, host, n)
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
    }
    /* The count fits: at most the sum of u32 lengths within 4 GiB memory. */
    if (done > 0xFFFFFFFFu)
        done = 0xFFFFFFFFu;
    guest_put_u32(outp, (uint32_t)done);
    return 0;
}

uint32_t
wasi_fd_write(void *ctx, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
              uint32_t nwritten_out)
{
    return transfer(ctx, fd, iovs, iovs_len, nwritten_out, 1);
}

uint32_t
wasi_fd_read(void *ctx, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
             uint32_t nread_out)
{
    return transfer(ctx, fd, iovs, iovs_len, nread_out, 0);
}

uint32_t
wasi_fd_close(void *ctx, uint32_t fd)
{
    WasiFd *f = wasi_fd_lookup(ctx, fd);
    int rc = 0;

    if (f == NULL)
        return WASI_EBADF;
    /* Inherited stdio stays open on the host: the runtime reports traps. */
    if (f->is_owned)
        rc = close(f->host);
    f->is_open = 0;
    /* POSIX: the descriptor is gone even when close reports an error. */
    return rc == 0 ? 0 : wasi_errno_from_host(errno);
}

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

    err = guest_range(w->mem, newoffset_out, 8, &outp);
    if (err != 0)
        return err;
    f = wasi_fd_lookup(w, fd);
    if (f == NULL)
        return WASI_EBADF;
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
    if ((int64_t)(off_t)delta != delta)
        return WASI_EOVERFLOW;  /* a 32-bit off_t cannot hold it */
    pos = lseek(f->host, (off_t)delta, how);
    if (pos < 0)
        return wasi_errno_from_host(errno);   /* pipes, ttys: ESPIPE */
    guest_put_u64(outp, (uint64_t)pos);
    return 0;
}

/* fdstat: fs_filetype u8 @0, fs_flags u16 @2, rights u64 @8, @16; 24 bytes */
uint32_t
wasi_fd_fdstat_get(void *ctx, uint32_t fd, uint32_t stat_out)
{
    WasiCtx *w = ctx;
    uint8_t *p;
    WasiFd *f;
    uint16_t flags = 0;
    int fl;
    uint32_t err;

    err = guest_range(w->mem, stat_out, 24, &p);
    if (err != 0)
        return err;
    f = wasi_fd_lookup(w, fd);
    if (f == NULL)
        return WASI_EBADF;
    fl = fcntl(f->host, F_GETFL);
    if (fl == -1)
        return wasi_errno_from_host(errno);
    if (fl & O_APPEND)
        flags |= WASI_FDFLAGS_APPEND;
    if (fl & O_NONBLOCK)
        flags |= WASI_FDFLAGS_NONBLOCK;
#ifdef O_DSYNC
    if (fl & O_DSYNC)
        flags |= WASI_FDFLAGS_DSYNC;
#endif
#if defined(O_RSYNC) && O_RSYNC != O_SYNC
    if (fl & O_RSYNC)
        flags |= WASI_FDFLAGS_RSYNC;
#endif
    if ((fl & O_SYNC) == O_SYNC)
        flags |= WASI_FDFLAGS_SYNC;
    memset(p, 0, 24);
    p[0] = f->filetype;
    guest_put_u16(p + 2, flags);
    guest_put_u64(p + 8, f->rights_base);
    guest_put_u64(p + 16, f->rights_inheriting);
    return 0;
}

/* Only append and nonblock can change on an open descriptor here. */
uint32_t
wasi_fd_fdstat_set_flags(void *ctx, uint32_t fd, uint32_t flags)
{
    WasiFd *f = wasi_fd_lookup(ctx, fd);
    int fl;

    if (f == NULL)
        return WASI_EBADF;
    if (flags & ~(uint32_t)(WASI_FDFLAGS_APPEND | WASI_FDFLAGS_DSYNC |
                            WASI_FDFLAGS_NONBLOCK | WASI_FDFLAGS_RSYNC |
                            WASI_FDFLAGS_SYNC))
        return WASI_EINVAL;
    if (flags & (WASI_FDFLAGS_DSYNC | WASI_FDFLAGS_RSYNC | WASI_FDFLAGS_SYNC))
        return WASI_ENOTSUP;
    if (!(f->rights_base & WASI_RIGHTS_FD_FDSTAT_SET_FLAGS))
        return WASI_ENOTCAPABLE;
    fl = fcntl(f->host, F_GETFL);
    if (fl == -1)
        return wasi_errno_from_host(errno);
    fl &= ~(O_APPEND | O_NONBLOCK);
    if (flags & WASI_FDFLAGS_APPEND)
        fl |= O_APPEND;
    if (flags & WASI_FDFLAGS_NONBLOCK)
        fl |= O_NONBLOCK;
    if (fcntl(f->host, F_SETFL, fl) == -1)
        return wasi_errno_from_host(errno);
    return 0;
}

static uint64_t
timespec_ns(time_t sec, long nsec)
{
    return (uint64_t)sec * 1000000000u + (uint64_t)nsec;
}

/*
 * filestat: dev u64 @0, ino u64 @8, filetype u8 @16, nlink u64 @24,
 * size u64 @32, atim @40, mtim @48, ctim @56 (ns); 64 bytes.
 */
uint32_t
wasi_fd_filestat_get(void *ctx, uint32_t fd, uint32_t stat_out)
{
    WasiCtx *w = ctx;
    struct stat st;
    uint8_t *p;
    WasiFd *f;
    uint32_t err;

    err = guest_range(w->mem, stat_out, 64, &p);
    if (err != 0)
        return err;
    f = wasi_fd_lookup(w, fd);
    if (f == NULL)
        return WASI_EBADF;
    if (fstat(f->host, &st) != 0)
        return wasi_errno_from_host(errno);
    memset(p, 0, 64);
    guest_put_u64(p, (uint64_t)st.st_dev);
    guest_put_u64(p + 8, (uint64_t)st.st_ino);
    p[16] = filetype_of(&st);
    guest_put_u64(p + 24, (uint64_t)st.st_nlink);
    guest_put_u64(p + 32, (uint64_t)st.st_size);
#if defined(__APPLE__)
    guest_put_u64(p + 40, timespec_ns(st.st_atimespec.tv_sec,
                                      st.st_atimespec.tv_nsec));
    guest_put_u64(p + 48, timespec_ns(st.st_mtimespec.tv_sec,
                                      st.st_mtimespec.tv_nsec));
    guest_put_u64(p + 56, timespec_ns(st.st_ctimespec.tv_sec,
                                      st.st_ctimespec.tv_nsec));
#else
    guest_put_u64(p + 40, timespec_ns(st.st_atim.tv_sec, st.st_atim.tv_nsec));
    guest_put_u64(p + 48, timespec_ns(st.st_mtim.tv_sec, st.st_mtim.tv_nsec));
    guest_put_u64(p + 56, timespec_ns(st.st_ctim.tv_sec, st.st_ctim.tv_nsec));
#endif
    return 0;
}

/* No preopened directories yet: every fd answers EBADF. */
uint32_t
wasi_fd_prestat_get(void *ctx, uint32_t fd, uint32_t prestat_out)
{
    (void)ctx;
    (void)fd;
    (void)prestat_out;
    return WASI_EBADF;
}

uint32_t
wasi_fd_prestat_dir_name(void *ctx, uint32_t fd, uint32_t path,
                         uint32_t path_len)
{
    (void)ctx;
    (void)fd;
    (void)path;
    (void)path_len;
    return WASI_EBADF;
}
