/*
 * wasm2c_host.c - a minimal WASI preview1 host for modules translated by
 * wabt's wasm2c (1.0.32 naming), so that `make bench` can run wasm2c's
 * output beside w2c's.
 *
 * test/bench/run.py translates each benchmark with `wasm2c -n bench`, which
 * names everything Z_bench...; this file is compiled once per benchmark
 * with the generated bench.h on the include path.  It provides:
 *
 *   - the WASI imports wasi-libc programs like the benchmarks need:
 *     args_*, environ_* (empty), fd_write/fd_close/fd_seek/fd_fdstat_get
 *     on the standard streams, fd_prestat_* (no preopened directories),
 *     clock_time_get, random_get and proc_exit;
 *   - wasm2c_host_unsupported(), which run.py's generated stubs call for
 *     any other import: it names the import on stderr and traps;
 *   - main(), which instantiates the module and calls its _start.
 *
 * Guest pointers are range-checked against the memory's current size
 * before use.  Little-endian hosts only (as wasm's memory is).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "wasm-rt-impl.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "wasm2c_host.c assumes a little-endian host"
#endif

/* WASI errno values used here. */
#define WASI_ESUCCESS 0
#define WASI_EBADF 8
#define WASI_EFAULT 21
#define WASI_EINVAL 28
#define WASI_EIO 29
#define WASI_ESPIPE 70
#define WASI_ENOTSUP 58

/* WASI file types. */
#define WASI_FILETYPE_UNKNOWN 0
#define WASI_FILETYPE_CHARACTER_DEVICE 2
#define WASI_FILETYPE_DIRECTORY 3
#define WASI_FILETYPE_REGULAR_FILE 4
#define WASI_FILETYPE_SOCKET_STREAM 6

/* The import object every WASI function receives: the guest's memory. */
struct Z_wasi_snapshot_preview1_instance_t {
    wasm_rt_memory_t *memory;
};

void wasm2c_host_unsupported(const char *module, const char *name);

static int host_argc;
static char **host_argv;

/* A host pointer to guest bytes [ptr, ptr + len), or NULL when the range
 * is outside the memory. */
static uint8_t *
guest(struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 ptr, u64 len)
{
    wasm_rt_memory_t *m = wasi->memory;

    if ((u64)ptr + len > m->size)
        return NULL;
    return m->data + ptr;
}

/* Store the n bytes at v (little-endian host) at guest ptr; 0 if out of range. */
static int
store(struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 ptr,
      const void *v, u32 n)
{
    uint8_t *p = guest(wasi, ptr, n);

    if (!p)
        return 0;
    memcpy(p, v, n);
    return 1;
}

static int
store_u32(struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 ptr, u32 v)
{
    return store(wasi, ptr, &v, 4);
}

static int
store_u64(struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 ptr, u64 v)
{
    return store(wasi, ptr, &v, 8);
}

/* ---- arguments and environment -------------------------------------- */

u32
Z_wasi_snapshot_preview1Z_args_sizes_get(
    struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 argc_ptr,
    u32 size_ptr)
{
    u32 size = 0;
    int i;

    for (i = 0; i < host_argc; i++)
        size += (u32)strlen(host_argv[i]) + 1;
    if (!store_u32(wasi, argc_ptr, (u32)host_argc) ||
        !store_u32(wasi, size_ptr, size))
        return WASI_EFAULT;
    return WASI_ESUCCESS;
}

u32
Z_wasi_snapshot_preview1Z_args_get(
    struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 argv_ptr,
    u32 buf_ptr)
{
    int i;

    for (i = 0; i < host_argc; i++) {
        u32 len = (u32)strlen(host_argv[i]) + 1;
        uint8_t *dst = guest(wasi, buf_ptr, len);
        if (!dst || !store_u32(wasi, argv_ptr + 4 * (u32)i, buf_ptr))
            return WASI_EFAULT;
        memcpy(dst, host_argv[i], len);
        buf_ptr += len;
    }
    return WASI_ESUCCESS;
}

/* The guest's environment is empty. */
u32
Z_wasi_snapshot_preview1Z_environ_sizes_get(
    struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 count_ptr,
    u32 size_ptr)
{
    if (!store_u32(wasi, count_ptr, 0) || !store_u32(wasi, size_ptr, 0))
        return WASI_EFAULT;
    return WASI_ESUCCESS;
}

u32
Z_wasi_snapshot_preview1Z_environ_get(
    struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 environ_ptr,
    u32 buf_ptr)
{
    (void)wasi;
    (void)environ_ptr;
    (void)buf_ptr;
    return WASI_ESUCCESS;
}

/* ---- the standard streams ------------------------------------------- */

static int
is_stdio(u32 fd)
{
    return fd <= 2;
}

u32
Z_wasi_snapshot_preview1Z_fd_write(
    struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 fd, u32 iovs,
    u32 niovs, u32 nwritten_ptr)
{
    u32 total = 0, i;

    if (fd != 1 && fd != 2)
        return WASI_EBADF;
    for (i = 0; i < niovs; i++) {
        uint8_t *iov = guest(wasi, iovs + 8 * i, 8), *buf;
        u32 ptr, len, done = 0;
        if (!iov)
            return WASI_EFAULT;
        memcpy(&ptr, iov, 4);
        memcpy(&len, iov + 4, 4);
        buf = guest(wasi, ptr, len);
        if (!buf)
            return WASI_EFAULT;
        while (done < len) {
            ssize_t n = write((int)fd, buf + done, len - done);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                return WASI_EIO;
            }
            done += (u32)n;
        }
        total += len;
    }
    if (!store_u32(wasi, nwritten_ptr, total))
        return WASI_EFAULT;
    return WASI_ESUCCESS;
}

/* Closing a standard stream is accepted (and leaves the host's open). */
u32
Z_wasi_snapshot_preview1Z_fd_close(
    struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 fd)
{
    (void)wasi;
    return is_stdio(fd) ? WASI_ESUCCESS : WASI_EBADF;
}

/* The standard streams are treated as unseekable. */
u32
Z_wasi_snapshot_preview1Z_fd_seek(
    struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 fd, u64 offset,
    u32 whence, u32 newoffset_ptr)
{
    (void)wasi;
    (void)offset;
    (void)newoffset_ptr;
    if (!is_stdio(fd))
        return WASI_EBADF;
    if (whence > 2)
        return WASI_EINVAL;
    return WASI_ESPIPE;
}

u32
Z_wasi_snapshot_preview1Z_fd_fdstat_get(
    struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 fd, u32 stat_ptr)
{
    /* struct fdstat: u8 filetype, u16 flags at 2, u64 rights at 8 and 16 */
    uint8_t *p = guest(wasi, stat_ptr, 24);
    struct stat st;
    u64 rights = 0x1fffffffu;
    uint8_t type = WASI_FILETYPE_UNKNOWN;

    if (!is_stdio(fd))
        return WASI_EBADF;
    if (!p)
        return WASI_EFAULT;
    if (fstat((int)fd, &st) == 0) {
        if (S_ISCHR(st.st_mode))
            type = WASI_FILETYPE_CHARACTER_DEVICE;
        else if (S_ISREG(st.st_mode))
            type = WASI_FILETYPE_REGULAR_FILE;
        else if (S_ISDIR(st.st_mode))
            type = WASI_FILETYPE_DIRECTORY;
        else if (S_ISSOCK(st.st_mode))
            type = WASI_FILETYPE_SOCKET_STREAM;
    }
    memset(p, 0, 24);
    p[0] = type;
    memcpy(p + 8, &rights, 8);
    memcpy(p + 16, &rights, 8);
    return WASI_ESUCCESS;
}

/* No preopened directories. */
u32
Z_wasi_snapshot_preview1Z_fd_prestat_get(
    struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 fd, u32 buf_ptr)
{
    (void)wasi;
    (void)fd;
    (void)buf_ptr;
    return WASI_EBADF;
}

u32
Z_wasi_snapshot_preview1Z_fd_prestat_dir_name(
    struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 fd, u32 path_ptr,
    u32 path_len)
{
    (void)wasi;
    (void)fd;
    (void)path_ptr;
    (void)path_len;
    return WASI_EBADF;
}

/* ---- clocks, randomness, exit --------------------------------------- */

u32
Z_wasi_snapshot_preview1Z_clock_time_get(
    struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 id, u64 precision,
    u32 time_ptr)
{
    struct timespec ts;
    clockid_t clock;

    (void)precision;
    switch (id) {
    case 0: clock = CLOCK_REALTIME; break;
    case 1: clock = CLOCK_MONOTONIC; break;
    case 2: clock = CLOCK_PROCESS_CPUTIME_ID; break;
    case 3: clock = CLOCK_THREAD_CPUTIME_ID; break;
    default: return WASI_EINVAL;
    }
    if (clock_gettime(clock, &ts) != 0)
        return WASI_ENOTSUP;
    if (!store_u64(wasi, time_ptr,
                   (u64)ts.tv_sec * 1000000000u + (u64)ts.tv_nsec))
        return WASI_EFAULT;
    return WASI_ESUCCESS;
}

u32
Z_wasi_snapshot_preview1Z_random_get(
    struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 buf_ptr, u32 len)
{
    uint8_t *p = guest(wasi, buf_ptr, len);
    u32 done = 0;
    int fd;

    if (!p)
        return WASI_EFAULT;
    fd = open("/dev/urandom", O_RDONLY);
    if (fd < 0)
        return WASI_EIO;
    while (done < len) {
        ssize_t n = read(fd, p + done, len - done);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            close(fd);
            return WASI_EIO;
        }
        done += (u32)n;
    }
    close(fd);
    return WASI_ESUCCESS;
}

void
Z_wasi_snapshot_preview1Z_proc_exit(
    struct Z_wasi_snapshot_preview1_instance_t *wasi, u32 code)
{
    (void)wasi;
    exit((int)code);
}

/* Called by run.py's generated stubs for imports this host lacks. */
void
wasm2c_host_unsupported(const char *module, const char *name)
{
    fprintf(stderr, "wasm2c_host: unsupported import %s.%s\n", module, name);
    wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE);
}

/* ---- main ----------------------------------------------------------- */

static Z_bench_instance_t instance;
static struct Z_wasi_snapshot_preview1_instance_t wasi;

int
main(int argc, char **argv)
{
    wasm_rt_trap_t trap;

    host_argc = argc;
    host_argv = argv;
    wasm_rt_init();
    Z_bench_init_module();
    trap = wasm_rt_impl_try();
    if (trap != WASM_RT_TRAP_NONE) {
        fprintf(stderr, "wasm2c_host: trap: %s\n", wasm_rt_strerror(trap));
        return 134;
    }
    Z_bench_instantiate(&instance, &wasi);
    wasi.memory = Z_benchZ_memory(&instance);
    Z_benchZ__start(&instance);
    Z_bench_free(&instance);
    wasm_rt_free();
    return 0;
}
