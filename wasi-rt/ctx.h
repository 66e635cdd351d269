/*
 * ctx.h - private to wasi-rt: the WasiCtx layout, the guest fd table and
 * the helpers the wasi-rt files share, host-to-WASI errno conversion
 * (errno.c) and the WASI preview1 constants (numbering from the witx
 * typenames).  Generated code never sees this.
 *
 * Who owns what:
 *   fd.c    the descriptor table (insert, lookup with rights, release),
 *           filestat/filetype/timestamp helpers, every fd_* call;
 *   path.c  resolution of guest paths beneath a directory descriptor and
 *           every path_* call;
 *   sock.c  sock_* calls on granted listening sockets and accepted ones;
 *   proc.c  args, environ, clocks, random, exit, raise, yield, poll_oneoff;
 *   run.c   the context's life cycle, capability grants, wasi_run.
 */
#ifndef WASI_RT_CTX_H
#define WASI_RT_CTX_H

/*
 * 64-bit file offsets, inode numbers and times on 32-bit hosts too (glibc
 * otherwise gives 32-bit off_t, ino_t and time_t there: seeks past 2 GiB
 * fail, and stat or readdir fail with EOVERFLOW on file systems with large
 * inode numbers).  Every wasi-rt file includes this header before any
 * system header, so they all agree on struct stat; elsewhere these are
 * no-ops.
 */
#ifndef _FILE_OFFSET_BITS
#define _FILE_OFFSET_BITS 64
#endif
#ifndef _TIME_BITS
#define _TIME_BITS 64
#endif

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "guest.h"
#include "wasi.h"

/* errno (witx: errno, u16); WASI_EFAULT (21) is in guest.h */
#define WASI_ESUCCESS 0u
#define WASI_E2BIG 1u
#define WASI_EACCES 2u
#define WASI_EADDRINUSE 3u
#define WASI_EAGAIN 6u
#define WASI_EBADF 8u
#define WASI_EBUSY 10u
#define WASI_EEXIST 20u
#define WASI_EFBIG 22u
#define WASI_EINTR 27u
#define WASI_EINVAL 28u
#define WASI_EIO 29u
#define WASI_EISDIR 31u
#define WASI_ELOOP 32u
#define WASI_EMFILE 33u
#define WASI_ENAMETOOLONG 37u
#define WASI_ENOENT 44u
#define WASI_ENOMEM 48u
#define WASI_ENOSPC 51u
#define WASI_ENOSYS 52u
#define WASI_ENOTCONN 53u
#define WASI_ENOTDIR 54u
#define WASI_ENOTEMPTY 55u
#define WASI_ENOTSOCK 57u
#define WASI_ENOTSUP 58u
#define WASI_EOVERFLOW 61u
#define WASI_EPERM 63u
#define WASI_ESPIPE 70u
#define WASI_EXDEV 75u
#define WASI_ENOTCAPABLE 76u

/* filetype (u8) */
#define WASI_FILETYPE_UNKNOWN 0u
#define WASI_FILETYPE_BLOCK_DEVICE 1u
#define WASI_FILETYPE_CHARACTER_DEVICE 2u
#define WASI_FILETYPE_DIRECTORY 3u
#define WASI_FILETYPE_REGULAR_FILE 4u
#define WASI_FILETYPE_SOCKET_DGRAM 5u
#define WASI_FILETYPE_SOCKET_STREAM 6u
#define WASI_FILETYPE_SYMBOLIC_LINK 7u

/* fdflags (u16) */
#define WASI_FDFLAGS_APPEND 0x01u
#define WASI_FDFLAGS_DSYNC 0x02u
#define WASI_FDFLAGS_NONBLOCK 0x04u
#define WASI_FDFLAGS_RSYNC 0x08u
#define WASI_FDFLAGS_SYNC 0x10u

/* lookupflags (u32) */
#define WASI_LOOKUPFLAGS_SYMLINK_FOLLOW 0x01u

/* oflags (u16) */
#define WASI_OFLAGS_CREAT 0x01u
#define WASI_OFLAGS_DIRECTORY 0x02u
#define WASI_OFLAGS_EXCL 0x04u
#define WASI_OFLAGS_TRUNC 0x08u

/* fstflags (u16) */
#define WASI_FSTFLAGS_ATIM 0x01u
#define WASI_FSTFLAGS_ATIM_NOW 0x02u
#define WASI_FSTFLAGS_MTIM 0x04u
#define WASI_FSTFLAGS_MTIM_NOW 0x08u

/* advice (u8) */
#define WASI_ADVICE_NORMAL 0u
#define WASI_ADVICE_SEQUENTIAL 1u
#define WASI_ADVICE_RANDOM 2u
#define WASI_ADVICE_WILLNEED 3u
#define WASI_ADVICE_DONTNEED 4u
#define WASI_ADVICE_NOREUSE 5u

/* riflags (u16), roflags (u16), siflags (u16), sdflags (u8) */
#define WASI_RIFLAGS_RECV_PEEK 0x01u
#define WASI_RIFLAGS_RECV_WAITALL 0x02u
#define WASI_ROFLAGS_RECV_DATA_TRUNCATED 0x01u
#define WASI_SDFLAGS_RD 0x01u
#define WASI_SDFLAGS_WR 0x02u

/* rights (u64): bit numbers from the witx */
#define WASI_RIGHT(n) ((uint64_t)1 << (n))
#define WASI_RIGHTS_FD_DATASYNC WASI_RIGHT(0)
#define WASI_RIGHTS_FD_READ WASI_RIGHT(1)
#define WASI_RIGHTS_FD_SEEK WASI_RIGHT(2)
#define WASI_RIGHTS_FD_FDSTAT_SET_FLAGS WASI_RIGHT(3)
#define WASI_RIGHTS_FD_SYNC WASI_RIGHT(4)
#define WASI_RIGHTS_FD_TELL WASI_RIGHT(5)
#define WASI_RIGHTS_FD_WRITE WASI_RIGHT(6)
#define WASI_RIGHTS_FD_ADVISE WASI_RIGHT(7)
#define WASI_RIGHTS_FD_ALLOCATE WASI_RIGHT(8)
#define WASI_RIGHTS_PATH_CREATE_DIRECTORY WASI_RIGHT(9)
#define WASI_RIGHTS_PATH_CREATE_FILE WASI_RIGHT(10)
#define WASI_RIGHTS_PATH_LINK_SOURCE WASI_RIGHT(11)
#define WASI_RIGHTS_PATH_LINK_TARGET WASI_RIGHT(12)
#define WASI_RIGHTS_PATH_OPEN WASI_RIGHT(13)
#define WASI_RIGHTS_FD_READDIR WASI_RIGHT(14)
#define WASI_RIGHTS_PATH_READLINK WASI_RIGHT(15)
#define WASI_RIGHTS_PATH_RENAME_SOURCE WASI_RIGHT(16)
#define WASI_RIGHTS_PATH_RENAME_TARGET WASI_RIGHT(17)
#define WASI_RIGHTS_PATH_FILESTAT_GET WASI_RIGHT(18)
#define WASI_RIGHTS_PATH_FILESTAT_SET_SIZE WASI_RIGHT(19)
#define WASI_RIGHTS_PATH_FILESTAT_SET_TIMES WASI_RIGHT(20)
#define WASI_RIGHTS_FD_FILESTAT_GET WASI_RIGHT(21)
#define WASI_RIGHTS_FD_FILESTAT_SET_SIZE WASI_RIGHT(22)
#define WASI_RIGHTS_FD_FILESTAT_SET_TIMES WASI_RIGHT(23)
#define WASI_RIGHTS_PATH_SYMLINK WASI_RIGHT(24)
#define WASI_RIGHTS_PATH_REMOVE_DIRECTORY WASI_RIGHT(25)
#define WASI_RIGHTS_PATH_UNLINK_FILE WASI_RIGHT(26)
#define WASI_RIGHTS_POLL_FD_READWRITE WASI_RIGHT(27)
#define WASI_RIGHTS_SOCK_SHUTDOWN WASI_RIGHT(28)
#define WASI_RIGHTS_SOCK_ACCEPT WASI_RIGHT(29)
#define WASI_RIGHTS_ALL (WASI_RIGHT(30) - 1)

/* What a regular file (or device) descriptor can ever hold. */
#define WASI_RIGHTS_FILE                                                    \
    (WASI_RIGHTS_FD_DATASYNC | WASI_RIGHTS_FD_READ | WASI_RIGHTS_FD_SEEK |  \
     WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | WASI_RIGHTS_FD_SYNC |                \
     WASI_RIGHTS_FD_TELL | WASI_RIGHTS_FD_WRITE | WASI_RIGHTS_FD_ADVISE |   \
     WASI_RIGHTS_FD_ALLOCATE | WASI_RIGHTS_FD_FILESTAT_GET |                \
     WASI_RIGHTS_FD_FILESTAT_SET_SIZE | WASI_RIGHTS_FD_FILESTAT_SET_TIMES | \
     WASI_RIGHTS_POLL_FD_READWRITE)
/* What a directory descriptor can ever hold. */
#define WASI_RIGHTS_DIR                                                     \
    (WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | WASI_RIGHTS_FD_SYNC |                \
     WASI_RIGHTS_FD_DATASYNC |                                              \
     WASI_RIGHTS_PATH_CREATE_DIRECTORY | WASI_RIGHTS_PATH_CREATE_FILE |     \
     WASI_RIGHTS_PATH_LINK_SOURCE | WASI_RIGHTS_PATH_LINK_TARGET |          \
     WASI_RIGHTS_PATH_OPEN | WASI_RIGHTS_FD_READDIR |                       \
     WASI_RIGHTS_PATH_READLINK | WASI_RIGHTS_PATH_RENAME_SOURCE |           \
     WASI_RIGHTS_PATH_RENAME_TARGET | WASI_RIGHTS_PATH_FILESTAT_GET |       \
     WASI_RIGHTS_PATH_FILESTAT_SET_SIZE |                                   \
     WASI_RIGHTS_PATH_FILESTAT_SET_TIMES | WASI_RIGHTS_FD_FILESTAT_GET |    \
     WASI_RIGHTS_FD_FILESTAT_SET_TIMES | WASI_RIGHTS_PATH_SYMLINK |         \
     WASI_RIGHTS_PATH_REMOVE_DIRECTORY | WASI_RIGHTS_PATH_UNLINK_FILE |     \
     WASI_RIGHTS_POLL_FD_READWRITE)
/* What a connected stream socket can ever hold. */
#define WASI_RIGHTS_SOCKET                                                  \
    (WASI_RIGHTS_FD_READ | WASI_RIGHTS_FD_WRITE |                           \
     WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | WASI_RIGHTS_FD_FILESTAT_GET |        \
     WASI_RIGHTS_POLL_FD_READWRITE | WASI_RIGHTS_SOCK_SHUTDOWN)
/* A granted listening socket: accept and poll; accepted ones inherit. */
#define WASI_RIGHTS_LISTENER                                                \
    (WASI_RIGHTS_SOCK_ACCEPT | WASI_RIGHTS_POLL_FD_READWRITE |              \
     WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | WASI_RIGHTS_FD_FILESTAT_GET)

/* clockid (u32) */
#define WASI_CLOCK_REALTIME 0u
#define WASI_CLOCK_MONOTONIC 1u
#define WASI_CLOCK_PROCESS_CPUTIME 2u
#define WASI_CLOCK_THREAD_CPUTIME 3u

/* eventtype (u8) */
#define WASI_EVENTTYPE_CLOCK 0u
#define WASI_EVENTTYPE_FD_READ 1u
#define WASI_EVENTTYPE_FD_WRITE 2u

#define WASI_SUBCLOCKFLAGS_ABSTIME 0x01u
#define WASI_EVENTRWFLAGS_HANGUP 0x01u

/* whence (u8) */
#define WASI_WHENCE_SET 0u
#define WASI_WHENCE_CUR 1u
#define WASI_WHENCE_END 2u

/* preopentype (u8) */
#define WASI_PREOPENTYPE_DIR 0u

/* Most guest descriptors open at once (fd numbers stay below this). */
#define WASI_MAX_FDS 65536u

/* fd_readdir state of a directory descriptor (private to fd.c). */
typedef struct WasiDir WasiDir;

/* One guest descriptor. */
typedef struct WasiFd {
    int host;                   /* host file descriptor */
    int is_open;
    int is_owned;               /* close host on fd_close (not stdio) */
    uint8_t filetype;
    uint64_t rights_base;
    uint64_t rights_inheriting;
    char *preopen;              /* guest name of a preopened directory
                                   (malloc'd, NUL-terminated), else NULL */
    WasiDir *dir;               /* fd_readdir state, NULL until used */
} WasiFd;

/* One "NAME=VALUE" string of the guest's environment. */
struct WasiCtx {
    int argc;
    char **argv;                /* borrowed from main, passed untouched, or
                                   owned copies (owns_argv) */
    int owns_argv;              /* argv and its strings are malloc'd */
    char **env;                 /* owned copies, NULL-terminated */
    uint32_t nenv;
    WrtRt *rt;
    WrtMemory *mem;             /* NULL until bound or without memory */
    WasiFd *fds;                /* guest fd n is fds[n] */
    uint32_t nfds;              /* entries allocated in fds */
    int stdio_flags[3];         /* host fds 0-2 status flags at start, to
                                   restore at the end (-1: not open, or an
                                   embedded context, which never restores) */
    char error[512];            /* last grant error (wasi_ctx_error) */
};

/* ---- fd.c: the descriptor table --------------------------------------- */

/* The open descriptor for guest fd, or NULL (EBADF). */
WasiFd *wasi_fd_lookup(WasiCtx *w, uint32_t fd);
/*
 * The open descriptor for guest fd holding every right in `rights`; else
 * NULL with *err = EBADF (not open) or ENOTCAPABLE (a right is missing).
 */
WasiFd *wasi_fd_get(WasiCtx *w, uint32_t fd, uint64_t rights, uint32_t *err);
/*
 * Put a copy of *f (is_open set) into the lowest free slot >= 3 (slots
 * 0-2 are refilled only by fd_renumber).  *out gets the guest number.
 * Returns 0, or EMFILE / ENOMEM (and then the caller still owns f->host and
 * f->preopen).  The table may move: WasiFd pointers taken before an insert
 * are stale after it (f itself may point into the table; it is copied
 * first).
 */
uint32_t wasi_fd_insert(WasiCtx *w, const WasiFd *f, uint32_t *out);
/* Close an entry: owned host fd, preopen name, readdir state; mark free. */
void wasi_fd_release(WasiFd *f);
/*
 * Allocate the table of a fresh context.  With with_stdio, entries 0-2
 * describe the host's fds 0-2 and their status flags are saved for
 * wasi_fd_table_free to restore; without, 0-2 start closed and nothing is
 * saved.  -1 when out of memory.
 */
int wasi_fd_table_init(WasiCtx *w, int with_stdio);
/*
 * Describe host descriptor `host` for the guest as borrowed (is_owned 0):
 * its filetype and the rights its access mode and type allow, no
 * inheriting rights.  -1 (errno set, *f untouched) when host is not an
 * open descriptor.
 */
int wasi_fd_describe_host(int host, WasiFd *f);
/* Release every entry and free the table. */
void wasi_fd_table_free(WasiCtx *w);

/* ---- fd.c: helpers shared with path.c and sock.c ------------------------ */

/* The WASI filetype of a host stat. */
uint8_t wasi_filetype_of(const struct stat *st);
/*
 * Write a 64-byte filestat (dev u64 @0, ino u64 @8, filetype u8 @16,
 * nlink u64 @24, size u64 @32, atim @40, mtim @48, ctim @56, in ns).
 */
void wasi_put_filestat(uint8_t *p, const struct stat *st);
/*
 * Turn (atim, mtim, fst_flags) into the two timespecs utimensat and
 * futimens take (UTIME_OMIT / UTIME_NOW where asked).  EINVAL for unknown
 * flag bits or for both X and X_NOW set on one timestamp.
 */
uint32_t wasi_fst_times(uint64_t atim, uint64_t mtim, uint32_t fst_flags,
                        struct timespec ts[2]);

/* ---- errno.c ------------------------------------------------------------ */

/* The WASI errno for a host errno value (EIO when there is no match). */
uint32_t wasi_errno_from_host(int err);

#endif /* WASI_RT_CTX_H */
