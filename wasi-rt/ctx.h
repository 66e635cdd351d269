/*
 * ctx.h - private to wasi-rt: the WasiCtx layout, the guest fd table,
 * host-to-WASI errno conversion (errno.c) and the WASI preview1 constants
 * (numbering from the witx typenames).  Generated code never sees this.
 */
#ifndef WASI_RT_CTX_H
#define WASI_RT_CTX_H

#include <stdint.h>

#include "guest.h"
#include "wasi.h"

/* errno (witx: errno, u16) */
#define WASI_ESUCCESS 0u
#define WASI_E2BIG 1u
#define WASI_EACCES 2u
#define WASI_EAGAIN 6u
#define WASI_EBADF 8u
#define WASI_EINTR 27u
#define WASI_EINVAL 28u
#define WASI_EIO 29u
#define WASI_ENOMEM 48u
#define WASI_ENOSYS 52u
#define WASI_ENOTSUP 58u
#define WASI_EOVERFLOW 61u
#define WASI_ESPIPE 70u
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
#define WASI_RIGHTS_FD_FILESTAT_GET WASI_RIGHT(21)
#define WASI_RIGHTS_FD_FILESTAT_SET_SIZE WASI_RIGHT(22)
#define WASI_RIGHTS_FD_FILESTAT_SET_TIMES WASI_RIGHT(23)
#define WASI_RIGHTS_POLL_FD_READWRITE WASI_RIGHT(27)

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

/* One guest descriptor. */
typedef struct WasiFd {
    int host;                   /* host file descriptor */
    int is_open;
    int is_owned;               /* close host on fd_close (not stdio) */
    uint8_t filetype;
    uint64_t rights_base;
    uint64_t rights_inheriting;
} WasiFd;

struct WasiCtx {
    int argc;
    char **argv;                /* borrowed from main, passed untouched */
    const char *const *env;     /* borrowed; NULL-terminated, may be NULL */
    WrtRt *rt;
    WrtMemory *mem;             /* NULL until bound or without memory */
    WasiFd *fds;                /* guest fd n is fds[n] */
    uint32_t nfds;
};

/* The open descriptor for guest fd, or NULL (EBADF). */
WasiFd *wasi_fd_lookup(WasiCtx *w, uint32_t fd);
/* Fill stdio entries 0, 1, 2 of a fresh context; -1 when out of memory. */
int wasi_fd_table_init(WasiCtx *w);
/* Close owned host descriptors and free the table. */
void wasi_fd_table_free(WasiCtx *w);

/* The WASI errno for a host errno value (EIO when there is no match). */
uint32_t wasi_errno_from_host(int err);

#endif /* WASI_RT_CTX_H */
