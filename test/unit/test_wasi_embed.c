/*
 * test_wasi_embed.c - unit tests for the WASI context of a library
 * instance (wasi_ctx_new_embedded): no descriptors, arguments or
 * environment until granted, arguments copied, guest stdio granted to host
 * descriptors that stay the host's (never closed, status flags untouched),
 * and proc_exit, bound or not, never ending the process.
 * Exits 0 when every check passes; prints each failure with its line.
 */
#define _POSIX_C_SOURCE 200809L

#include "ctx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

/* Guest memory layout used by the calls below. */
#define IOV 0u          /* one iovec: buf u32, len u32 */
#define OUT 8u          /* a u32 or u64 result */
#define STAT 64u        /* 24-byte fdstat */
#define BUF 128u        /* data */

static WrtRt rt;
static WrtMemory mem;

static int
is_open(int fd)
{
    return fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

static uint32_t
u32_at(uint32_t addr)
{
    uint32_t v = 0;

    CHECK(guest_read_u32(&mem, addr, &v) == 0);
    return v;
}

static uint64_t
u64_at(uint32_t addr)
{
    uint64_t v = 0;

    CHECK(guest_read_u64(&mem, addr, &v) == 0);
    return v;
}

/* fd_write of the string s to guest fd; the WASI errno. */
static uint32_t
guest_write(WasiCtx *w, uint32_t fd, const char *s)
{
    size_t n = strlen(s);

    memcpy(mem.base + BUF, s, n);
    CHECK(guest_write_u32(&mem, IOV, BUF) == 0);
    CHECK(guest_write_u32(&mem, IOV + 4, (uint32_t)n) == 0);
    return wasi_fd_write(w, fd, IOV, 1, OUT);
}

/* Everything is closed and empty in a fresh embedded context. */
static void
test_nothing_granted(void)
{
    WasiCtx *w = wasi_ctx_new_embedded();
    uint32_t fd;

    CHECK(w != NULL);
    if (w == NULL)
        return;
    wasi_ctx_bind(w, &rt, &mem);
    for (fd = 0; fd < 5; fd++) {
        CHECK(wasi_fd_fdstat_get(w, fd, STAT) == WASI_EBADF);
        CHECK(wasi_fd_prestat_get(w, fd, STAT) == WASI_EBADF);
    }
    CHECK(guest_write(w, 1, "lost") == WASI_EBADF);
    CHECK(guest_write(w, 2, "lost") == WASI_EBADF);
    CHECK(wasi_args_sizes_get(w, OUT, OUT + 4) == 0);
    CHECK(u32_at(OUT) == 0 && u32_at(OUT + 4) == 0);
    CHECK(wasi_environ_sizes_get(w, OUT, OUT + 4) == 0);
    CHECK(u32_at(OUT) == 0 && u32_at(OUT + 4) == 0);
    wasi_ctx_free(w);
}

static void
test_args(void)
{
    char first[] = "plugin";
    char second[] = "--verbose";
    const char *argv[] = {first, second, ""};
    WasiCtx *w = wasi_ctx_new_embedded();
    uint32_t p0, p1, p2;

    CHECK(w != NULL);
    if (w == NULL)
        return;
    wasi_ctx_bind(w, &rt, &mem);
    CHECK(wasi_ctx_set_args(w, 3, argv) == 0);
    /* Copied: the host's strings may change or go away. */
    first[0] = 'X';
    memset(second, 'Y', sizeof second - 1);
    CHECK(wasi_args_sizes_get(w, OUT, OUT + 4) == 0);
    CHECK(u32_at(OUT) == 3 && u32_at(OUT + 4) == 7 + 10 + 1);
    CHECK(wasi_args_get(w, IOV, BUF) == 0);
    p0 = u32_at(IOV);
    p1 = u32_at(IOV + 4);
    p2 = u32_at(IOV + 8);
    CHECK(p0 == BUF && strcmp((char *)mem.base + p0, "plugin") == 0);
    CHECK(p1 == BUF + 7 && strcmp((char *)mem.base + p1, "--verbose") == 0);
    CHECK(p2 == BUF + 17 && mem.base[p2] == '\0');

    /* Replaced (the first copies freed: ASan would see a leak). */
    argv[0] = "again";
    CHECK(wasi_ctx_set_args(w, 1, argv) == 0);
    CHECK(wasi_args_sizes_get(w, OUT, OUT + 4) == 0);
    CHECK(u32_at(OUT) == 1 && u32_at(OUT + 4) == 6);

    /* Bad lists are refused and leave the arguments as they were. */
    CHECK(wasi_ctx_set_args(w, 2, NULL) == -1);
    CHECK(wasi_ctx_error(w)[0] != '\0');
    argv[1] = NULL;
    CHECK(wasi_ctx_set_args(w, 2, argv) == -1);
    CHECK(strstr(wasi_ctx_error(w), "NULL") != NULL);
    CHECK(wasi_ctx_set_args(w, -1, argv) == -1);
    CHECK(wasi_args_sizes_get(w, OUT, OUT + 4) == 0);
    CHECK(u32_at(OUT) == 1 && u32_at(OUT + 4) == 6);

    CHECK(wasi_ctx_set_args(w, 0, NULL) == 0);
    CHECK(wasi_args_sizes_get(w, OUT, OUT + 4) == 0);
    CHECK(u32_at(OUT) == 0 && u32_at(OUT + 4) == 0);
    CHECK(wasi_ctx_set_args(w, 1, argv) == 0);  /* freed by ctx_free */
    wasi_ctx_free(w);
}

/* Guest fd 1 granted to a pipe: writes arrive, the pipe stays the host's. */
static void
test_grant_stdio(void)
{
    WasiCtx *w = wasi_ctx_new_embedded();
    int p[2], q[2];
    char got[16];
    uint64_t rights;
    ssize_t n;

    CHECK(w != NULL && pipe(p) == 0 && pipe(q) == 0);
    if (w == NULL)
        return;
    wasi_ctx_bind(w, &rt, &mem);
    CHECK(wasi_ctx_grant_stdio(w, 1, p[1]) == 0);
    CHECK(guest_write(w, 1, "hello") == 0 && u32_at(OUT) == 5);
    n = read(p[0], got, sizeof got);
    CHECK(n == 5 && memcmp(got, "hello", 5) == 0);

    /* Rights of a write-only pipe end, without fd_fdstat_set_flags. */
    CHECK(wasi_fd_fdstat_get(w, 1, STAT) == 0);
    CHECK(mem.base[STAT] == WASI_FILETYPE_UNKNOWN ||
          mem.base[STAT] == WASI_FILETYPE_CHARACTER_DEVICE);
    rights = u64_at(STAT + 8);
    CHECK((rights & WASI_RIGHTS_FD_WRITE) != 0);
    CHECK((rights & WASI_RIGHTS_FD_READ) == 0);
    CHECK((rights & WASI_RIGHTS_FD_FDSTAT_SET_FLAGS) == 0);
    CHECK(u64_at(STAT + 16) == 0);
    CHECK(wasi_fd_fdstat_set_flags(w, 1, WASI_FDFLAGS_APPEND) ==
          WASI_ENOTCAPABLE);
    CHECK(wasi_fd_fdstat_set_flags(w, 1, WASI_FDFLAGS_NONBLOCK) ==
          WASI_ENOTCAPABLE);
    CHECK((fcntl(p[1], F_GETFL) & (O_APPEND | O_NONBLOCK)) == 0);
    /* Other guest fds are untouched. */
    CHECK(wasi_fd_fdstat_get(w, 0, STAT) == WASI_EBADF);
    CHECK(wasi_fd_fdstat_get(w, 2, STAT) == WASI_EBADF);

    /* fd_close drops the guest's fd; the host's stays open and usable. */
    CHECK(wasi_fd_close(w, 1) == 0);
    CHECK(guest_write(w, 1, "gone") == WASI_EBADF);
    CHECK(is_open(p[1]));
    CHECK(write(p[1], "x", 1) == 1 && read(p[0], got, 1) == 1);

    /* Read end granted as stdin: read right only. */
    CHECK(wasi_ctx_grant_stdio(w, 0, q[0]) == 0);
    CHECK(wasi_fd_fdstat_get(w, 0, STAT) == 0);
    rights = u64_at(STAT + 8);
    CHECK((rights & WASI_RIGHTS_FD_READ) != 0);
    CHECK((rights & (WASI_RIGHTS_FD_WRITE |
                     WASI_RIGHTS_FD_FDSTAT_SET_FLAGS)) == 0);
    CHECK(guest_write(w, 0, "no") == WASI_ENOTCAPABLE);
    CHECK(write(q[1], "in", 2) == 2);
    CHECK(guest_write_u32(&mem, IOV, BUF) == 0);
    CHECK(guest_write_u32(&mem, IOV + 4, 16) == 0);
    CHECK(wasi_fd_read(w, 0, IOV, 1, OUT) == 0 && u32_at(OUT) == 2);
    CHECK(memcmp(mem.base + BUF, "in", 2) == 0);

    /* Renumbering moves a borrowed fd onto another: neither is closed. */
    CHECK(wasi_ctx_grant_stdio(w, 2, p[1]) == 0);
    CHECK(wasi_fd_renumber(w, 2, 0) == 0);
    CHECK(is_open(q[0]) && is_open(p[1]));
    CHECK(guest_write(w, 0, "moved") == 0);
    CHECK(read(p[0], got, sizeof got) == 5);
    CHECK(wasi_fd_fdstat_get(w, 2, STAT) == WASI_EBADF);

    /* A grant replaces, -1 closes; bad numbers are refused. */
    CHECK(wasi_ctx_grant_stdio(w, 0, q[1]) == 0);
    CHECK(guest_write(w, 0, "q") == 0 && read(q[0], got, 1) == 1);
    CHECK(wasi_ctx_grant_stdio(w, 0, -1) == 0);
    CHECK(wasi_fd_fdstat_get(w, 0, STAT) == WASI_EBADF);
    CHECK(wasi_ctx_grant_stdio(w, 0, -1) == 0);     /* already closed */
    CHECK(wasi_ctx_grant_stdio(w, 3, p[1]) == -1);
    CHECK(strstr(wasi_ctx_error(w), "guest fd 3") != NULL);
    CHECK(wasi_ctx_grant_stdio(w, -1, p[1]) == -1);
    CHECK(wasi_ctx_grant_stdio(w, 1, -2) == -1);
    {
        int dead = dup(p[1]);

        CHECK(dead >= 0 && close(dead) == 0);
        CHECK(wasi_ctx_grant_stdio(w, 1, dead) == -1);
        CHECK(strstr(wasi_ctx_error(w), "host fd") != NULL);
        CHECK(wasi_fd_fdstat_get(w, 1, STAT) == WASI_EBADF);
    }

    /* Freeing the context closes none of the granted fds. */
    CHECK(wasi_ctx_grant_stdio(w, 1, p[1]) == 0);
    CHECK(wasi_ctx_grant_stdio(w, 2, q[1]) == 0);
    wasi_ctx_free(w);
    CHECK(is_open(p[0]) && is_open(p[1]) && is_open(q[0]) && is_open(q[1]));
    close(p[0]);
    close(p[1]);
    close(q[0]);
    close(q[1]);
}

/*
 * The host's stdio status flags: an executable's context puts back what
 * the guest changed (O_NONBLOCK here) when freed; an embedded one leaves
 * them to the host, who may have changed them on purpose meanwhile.
 * Host fd 1 is a pipe for the duration, so the test's stdout is safe.
 */
static void
test_stdio_flags(void)
{
    WasiCtx *w;
    int p[2], saved = dup(1);

    CHECK(saved >= 0 && pipe(p) == 0);
    fflush(stdout);
    CHECK(dup2(p[1], 1) == 1);

    w = wasi_ctx_new(0, NULL);
    CHECK(w != NULL);
    CHECK(fcntl(1, F_SETFL, fcntl(1, F_GETFL) | O_NONBLOCK) == 0);
    wasi_ctx_free(w);
    CHECK((fcntl(1, F_GETFL) & O_NONBLOCK) == 0);   /* restored */

    w = wasi_ctx_new_embedded();
    CHECK(w != NULL);
    CHECK(fcntl(1, F_SETFL, fcntl(1, F_GETFL) | O_NONBLOCK) == 0);
    wasi_ctx_free(w);
    CHECK((fcntl(1, F_GETFL) & O_NONBLOCK) != 0);   /* left alone */

    CHECK(dup2(saved, 1) == 1);
    close(saved);
    close(p[0]);
    close(p[1]);
}

/*
 * An executable's context: a host stdio descriptor that is closed stays
 * closed for the guest, and the others are still the host's.
 */
static void
test_closed_stdio(void)
{
    WasiCtx *w;
    int saved = dup(0);         /* -1: closed already */

    if (saved >= 0)
        CHECK(close(0) == 0);
    w = wasi_ctx_new(0, NULL);
    CHECK(w != NULL);
    if (saved >= 0) {
        CHECK(dup2(saved, 0) == 0);
        close(saved);
    }
    if (w == NULL)
        return;
    wasi_ctx_bind(w, &rt, &mem);
    CHECK(wasi_fd_fdstat_get(w, 0, STAT) == WASI_EBADF);
    CHECK(w->fds[0].host == -1 && w->stdio_flags[0] == -1);
    CHECK(wasi_fd_fdstat_get(w, 2, STAT) == 0 && w->fds[2].host == 2);
    CHECK(w->fds[2].is_owned == 0);
    wasi_ctx_free(w);
    CHECK(is_open(2));
}

static void
exits_7(void *ctx)
{
    wasi_proc_exit(ctx, 7 + 256);
}

static void
test_proc_exit(void)
{
    WasiCtx *w = wasi_ctx_new_embedded();
    WrtEmbed e;
    WrtRt own;

    CHECK(w != NULL);
    if (w == NULL)
        return;
    /* Unbound: nothing to unwind to, so it returns (the process lives). */
    wasi_proc_exit(w, 1);
    CHECK(wasi_proc_raise(w, 15) == 0);

    wrt_rt_init(&own, NULL, 0, 100);
    wrt_embed_init(&e, 0, 0);
    wasi_ctx_bind(w, &own, &mem);
    CHECK(wrt_embed_call(&own, &e, exits_7, w) == WRT_TRAP_EXIT);
    CHECK(e.exit_code == 7);
    CHECK(strcmp(e.message, "wasm exited with status 7") == 0);
    wasi_ctx_free(w);
}

int
main(void)
{
    wrt_rt_init(&rt, NULL, 0, 100);
    CHECK(wrt_memory_init(&mem, NULL, 1, 1) == 0);
    test_nothing_granted();
    test_args();
    test_grant_stdio();
    test_stdio_flags();
    test_closed_stdio();
    test_proc_exit();
    wrt_memory_free(&mem);
    if (failures != 0) {
        fprintf(stderr, "test_wasi_embed: %d check(s) failed\n", failures);
        return 1;
    }
    printf("test_wasi_embed: ok\n");
    return 0;
}
