/*
 * test_wasi_guest.c - unit tests for wasi-rt/guest.c: range checks at the
 * end of memory and across 2^32 wraparound, little-endian scalar access,
 * iovec arrays whose size overflows or runs past memory; and that WASI
 * calls reject bad guest pointers with EFAULT before doing anything.
 * Exits 0 when every check passes.
 */
#define _POSIX_C_SOURCE 200809L

#include "guest.h"
#include "wasi.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

#define EFAULT_ WASI_EFAULT
#define SIZE WRT_PAGE_SIZE

static void
test_ranges(WrtMemory *m)
{
    uint8_t *p;

    CHECK(guest_range(m, 0, SIZE, &p) == 0 && p == m->base);
    CHECK(guest_range(m, SIZE - 1, 1, &p) == 0 && p == m->base + SIZE - 1);
    CHECK(guest_range(m, SIZE, 0, &p) == 0);
    CHECK(guest_range(m, SIZE, 1, &p) == EFAULT_);
    CHECK(guest_range(m, SIZE + 1, 0, &p) == EFAULT_);
    CHECK(guest_range(m, SIZE - 1, 2, &p) == EFAULT_);
    CHECK(guest_range(m, 0, SIZE + 1, &p) == EFAULT_);
    /* ptr + len wrapping past 2^32 (or 2^64) must not look small. */
    CHECK(guest_range(m, 0xFFFFFFFFu, 1, &p) == EFAULT_);
    CHECK(guest_range(m, 0xFFFFFFF0u, 0x20, &p) == EFAULT_);
    CHECK(guest_range(m, 16, 0xFFFFFFFFu, &p) == EFAULT_);
    CHECK(guest_range(m, 16, UINT64_MAX, &p) == EFAULT_);
    CHECK(guest_range(m, 16, UINT64_MAX - 15, &p) == EFAULT_);
    CHECK(guest_range(m, 0xFFFFFFFFu, UINT64_MAX, &p) == EFAULT_);

    /* Arrays: count * size computed without overflow. */
    CHECK(guest_array(m, 0, SIZE / 8, 8, &p) == 0);
    CHECK(guest_array(m, 8, SIZE / 8, 8, &p) == EFAULT_);
    CHECK(guest_array(m, 0, 0x20000000u, 8, &p) == EFAULT_);  /* 2^32 */
    CHECK(guest_array(m, 0, 0x20000001u, 8, &p) == EFAULT_);  /* wraps */
    CHECK(guest_array(m, 0, 0xFFFFFFFFu, 0xFFFFFFFFu, &p) == EFAULT_);
    CHECK(guest_array(m, SIZE, 0, 8, &p) == 0);
    CHECK(guest_array(m, SIZE + 1, 0, 8, &p) == EFAULT_);
}

static void
test_scalars(WrtMemory *m)
{
    uint32_t v32;
    uint64_t v64;
    uint8_t *b = m->base;

    CHECK(guest_write_u32(m, 5, 0x11223344u) == 0);   /* unaligned */
    CHECK(b[5] == 0x44 && b[6] == 0x33 && b[7] == 0x22 && b[8] == 0x11);
    CHECK(guest_read_u32(m, 5, &v32) == 0 && v32 == 0x11223344u);
    CHECK(guest_write_u64(m, SIZE - 8, 0x0102030405060708ull) == 0);
    CHECK(b[SIZE - 8] == 0x08 && b[SIZE - 1] == 0x01);
    CHECK(guest_read_u64(m, SIZE - 8, &v64) == 0 &&
          v64 == 0x0102030405060708ull);
    CHECK(guest_write_u16(m, 100, 0xBEEF) == 0);
    CHECK(b[100] == 0xEF && b[101] == 0xBE && guest_get_u16(b + 100) == 0xBEEF);
    CHECK(guest_write_u8(m, SIZE - 1, 9) == 0 && b[SIZE - 1] == 9);

    /* Failing writes leave memory alone. */
    b[SIZE - 4] = 0xAA;
    CHECK(guest_write_u64(m, SIZE - 4, 0) == EFAULT_);
    CHECK(b[SIZE - 4] == 0xAA);
    CHECK(guest_write_u32(m, SIZE - 3, 0) == EFAULT_);
    CHECK(guest_write_u16(m, SIZE - 1, 0) == EFAULT_);
    CHECK(guest_write_u8(m, SIZE, 0) == EFAULT_);
    CHECK(guest_write_u32(m, 0xFFFFFFFEu, 0) == EFAULT_);
    v32 = 7;
    CHECK(guest_read_u32(m, SIZE - 2, &v32) == EFAULT_ && v32 == 7);
    CHECK(guest_read_u64(m, 0xFFFFFFFCu, &v64) == EFAULT_);
    CHECK(guest_write_bytes(m, SIZE - 2, "abc", 3) == EFAULT_);
    CHECK(guest_write_bytes(m, SIZE - 3, "abc", 3) == 0);
    CHECK(memcmp(b + SIZE - 3, "abc", 3) == 0);
    CHECK(guest_write_bytes(m, SIZE, "", 0) == 0);
}

/* Put an iovec {buf, len} at guest address at. */
static void
put_iov(WrtMemory *m, uint32_t at, uint32_t buf, uint32_t len)
{
    guest_put_u32(m->base + at, buf);
    guest_put_u32(m->base + at + 4, len);
}

static void
test_iovecs(WrtMemory *m)
{
    uint8_t *buf;
    uint32_t len;

    memset(m->base, 0, SIZE);
    put_iov(m, 0, 100, 10);
    put_iov(m, 8, SIZE - 5, 5);
    put_iov(m, 16, SIZE, 0);
    CHECK(guest_iovecs_check(m, 0, 3) == 0);
    CHECK(guest_iovec(m, 0, 1, &buf, &len) == 0);
    CHECK(buf == m->base + SIZE - 5 && len == 5);
    CHECK(guest_iovecs_check(m, 0, 0) == 0);
    CHECK(guest_iovecs_check(m, SIZE, 0) == 0);
    CHECK(guest_iovecs_check(m, SIZE + 1, 0) == EFAULT_);

    /* An entry that runs past the end, or wraps around. */
    put_iov(m, 24, SIZE - 5, 6);
    CHECK(guest_iovecs_check(m, 0, 4) == EFAULT_);
    CHECK(guest_iovec(m, 0, 3, &buf, &len) == EFAULT_);
    put_iov(m, 24, 0xFFFFFFFFu, 2);
    CHECK(guest_iovecs_check(m, 0, 4) == EFAULT_);
    put_iov(m, 24, 8, 0xFFFFFFFFu);
    CHECK(guest_iovecs_check(m, 0, 4) == EFAULT_);

    /* The array itself: past the end, count * 8 past 2^32 and wrapping. */
    CHECK(guest_iovecs_check(m, SIZE - 8, 1) == 0);
    CHECK(guest_iovecs_check(m, SIZE - 8, 2) == EFAULT_);
    CHECK(guest_iovecs_check(m, SIZE - 4, 1) == EFAULT_);
    CHECK(guest_iovecs_check(m, 0, 0x20000000u) == EFAULT_);
    CHECK(guest_iovecs_check(m, 0, 0x20000001u) == EFAULT_);
    CHECK(guest_iovecs_check(m, 0, 0xFFFFFFFFu) == EFAULT_);
    CHECK(guest_iovec(m, SIZE - 8, 0, &buf, &len) == 0);
    CHECK(guest_iovec(m, SIZE - 8, 1, &buf, &len) == EFAULT_);
    CHECK(guest_iovec(m, 0, 0xFFFFFFFFu, &buf, &len) == EFAULT_);
    CHECK(guest_iovec(m, 0, 0x20000000u, &buf, &len) == EFAULT_);
}

static void
test_no_memory(void)
{
    WrtMemory empty;
    uint8_t *p;

    CHECK(guest_range(NULL, 0, 0, &p) == 0);
    CHECK(guest_range(NULL, 0, 1, &p) == EFAULT_);
    CHECK(guest_range(NULL, 1, 0, &p) == EFAULT_);
    CHECK(wrt_memory_init(&empty, NULL, 0, 0) == 0);
    CHECK(guest_range(&empty, 0, 0, &p) == 0);
    CHECK(guest_write_bytes(&empty, 0, "", 0) == 0);
    CHECK(guest_write_u8(&empty, 0, 1) == EFAULT_);
    CHECK(guest_iovecs_check(&empty, 0, 0) == 0);
    CHECK(guest_iovecs_check(&empty, 0, 1) == EFAULT_);
    wrt_memory_free(&empty);
}

/* WASI calls check every pointer before acting. */
static void
test_calls(WrtMemory *m)
{
    static char arg0[] = "/usr/bin/prog", arg1[] = "x y";
    char *argv[] = {arg0, arg1, NULL};
    WrtRt rt;
    WasiCtx *w;
    int fds[2];
    char got[16];
    uint8_t *b = m->base;

    wrt_rt_init(&rt, NULL, 0, 100);
    w = wasi_ctx_new(2, argv);
    CHECK(w != NULL);
    if (w == NULL)
        return;
    CHECK(wasi_ctx_grant_env(w, "A=1") == 0);
    CHECK(wasi_ctx_grant_env(w, "LONGER=one") == 0);
    CHECK(wasi_ctx_grant_env(w, "LONGER=two") == 0);    /* replaces */
    CHECK(wasi_ctx_grant_env(w, "=x") != 0 && wasi_ctx_error(w)[0] != 0);
    CHECK(wasi_ctx_grant_env(w, "NOEQUALS") != 0);
    wasi_ctx_bind(w, &rt, m);
    memset(b, 0, SIZE);

    CHECK(wasi_args_sizes_get(w, 0, 4) == 0);
    CHECK(guest_get_u32(b) == 2 && guest_get_u32(b + 4) == 18);
    CHECK(wasi_args_sizes_get(w, SIZE - 2, 4) == EFAULT_);
    CHECK(wasi_args_get(w, 16, 100) == 0);
    CHECK(guest_get_u32(b + 16) == 100 && guest_get_u32(b + 20) == 114);
    CHECK(strcmp((char *)b + 100, "/usr/bin/prog") == 0);
    CHECK(strcmp((char *)b + 114, "x y") == 0);
    CHECK(wasi_args_get(w, 16, SIZE - 17) == EFAULT_);
    CHECK(wasi_args_get(w, SIZE - 4, 200) == EFAULT_);
    CHECK(wasi_environ_sizes_get(w, 0, 4) == 0);
    CHECK(guest_get_u32(b) == 2 && guest_get_u32(b + 4) == 15);
    CHECK(wasi_environ_get(w, 16, 200) == 0);
    CHECK(strcmp((char *)b + guest_get_u32(b + 20), "LONGER=two") == 0);

    CHECK(wasi_clock_time_get(w, 1, 0, 8) == 0);
    CHECK(guest_get_u64(b + 8) != 0);
    CHECK(wasi_clock_time_get(w, 1, 0, SIZE - 7) == EFAULT_);
    CHECK(wasi_clock_time_get(w, 9, 0, 8) == 28);   /* inval */
    CHECK(wasi_clock_res_get(w, 0, 8) == 0);
    CHECK(wasi_random_get(w, SIZE - 16, 16) == 0);
    CHECK(wasi_random_get(w, SIZE - 16, 17) == EFAULT_);
    CHECK(wasi_random_get(w, SIZE, 0) == 0);

    /* fd_write through a pipe standing in for stdout. */
    CHECK(pipe(fds) == 0);
    {
        int saved = dup(1);

        CHECK(dup2(fds[1], 1) == 1);
        memcpy(b + 300, "hello, world", 12);
        put_iov(m, 200, 300, 7);
        put_iov(m, 208, 307, 0);
        put_iov(m, 216, 307, 5);
        CHECK(wasi_fd_write(w, 1, 200, 3, 240) == 0);
        CHECK(guest_get_u32(b + 240) == 12);
        /* Bad iovec or out pointer: EFAULT, and nothing is written. */
        put_iov(m, 216, SIZE - 4, 5);
        CHECK(wasi_fd_write(w, 1, 200, 3, 240) == EFAULT_);
        CHECK(wasi_fd_write(w, 1, 200, 0x20000001u, 240) == EFAULT_);
        CHECK(wasi_fd_write(w, 1, 200, 1, SIZE - 3) == EFAULT_);
        CHECK(wasi_fd_write(w, 7, 200, 1, 240) == 8);   /* badf */
        CHECK(wasi_fd_write(w, 1, 200, 0, 240) == 0);
        CHECK(guest_get_u32(b + 240) == 0);
        CHECK(dup2(saved, 1) == 1);
        close(saved);
    }
    close(fds[1]);
    memset(got, 0, sizeof(got));
    CHECK(read(fds[0], got, sizeof(got)) == 12);
    CHECK(memcmp(got, "hello, world", 12) == 0);
    close(fds[0]);

    CHECK(wasi_fd_fdstat_get(w, 1, SIZE - 23) == EFAULT_);
    CHECK(wasi_fd_fdstat_get(w, 1, SIZE - 24) == 0);
    CHECK(wasi_fd_filestat_get(w, 2, SIZE - 63) == EFAULT_);
    CHECK(wasi_fd_prestat_get(w, 3, 0) == 8);
    CHECK(wasi_poll_oneoff(w, 0, 100, 0, 200) == 28);
    CHECK(wasi_poll_oneoff(w, SIZE - 47, 100, 1, 200) == EFAULT_);
    CHECK(wasi_poll_oneoff(w, 0, SIZE - 31, 1, 200) == EFAULT_);
    CHECK(wasi_poll_oneoff(w, 0, 0, 0x80000000u, 200) == EFAULT_);

    /* A relative 1 ms monotonic sleep reports its event. */
    memset(b, 0, 48);
    guest_put_u64(b, 0x1234);       /* userdata */
    b[8] = 0;                       /* clock */
    guest_put_u32(b + 16, 1);       /* monotonic */
    guest_put_u64(b + 24, 1000000); /* 1 ms */
    CHECK(wasi_poll_oneoff(w, 0, 100, 1, 200) == 0);
    CHECK(guest_get_u32(b + 200) == 1);
    CHECK(guest_get_u64(b + 100) == 0x1234 && guest_get_u16(b + 108) == 0);
    CHECK(b[110] == 0);
    wasi_ctx_free(w);
}

/*
 * guest_gather over a memory that claims 3 GiB (only the iovec array at
 * its start is real; gather never touches the buffers): an entry cut short
 * at GUEST_IO_MAX ends the transfer rather than skipping its remainder.
 */
static void
test_gather(void)
{
    uint8_t arr[32];
    WrtMemory big;
    struct iovec out[GUEST_IOV_MAX];
    uint32_t next;
    size_t total;

    memset(&big, 0, sizeof big);
    big.base = arr;
    big.size = (uint64_t)3 << 30;
    /* 1.5 GiB then 16 bytes: one entry of exactly GUEST_IO_MAX, then done */
    guest_put_u32(arr, 0);
    guest_put_u32(arr + 4, 0x60000000u);
    guest_put_u32(arr + 8, 0x100);
    guest_put_u32(arr + 12, 16);
    next = 0;
    CHECK(guest_gather(&big, 0, 2, &next, out, &total) == 1);
    CHECK(total == GUEST_IO_MAX && out[0].iov_len == GUEST_IO_MAX);
    CHECK(next == 2);
    CHECK(guest_gather(&big, 0, 2, &next, out, &total) == 0 && total == 0);
    /* 768 MiB twice: the second is cut to 256 MiB and ends the transfer */
    guest_put_u32(arr + 4, 0x30000000u);
    guest_put_u32(arr + 8, 0x40000000u);
    guest_put_u32(arr + 12, 0x30000000u);
    guest_put_u32(arr + 16, 0);
    guest_put_u32(arr + 20, 1);
    next = 0;
    CHECK(guest_gather(&big, 0, 3, &next, out, &total) == 2);
    CHECK(total == GUEST_IO_MAX && out[1].iov_len == 0x10000000u);
    CHECK(next == 3);
    /* empty entries are skipped; a bad one is -1 */
    guest_put_u32(arr + 4, 0);
    guest_put_u32(arr + 12, 0);
    guest_put_u32(arr + 16, 0xFFFFFFF0u);
    guest_put_u32(arr + 20, 0x20);
    next = 0;
    CHECK(guest_gather(&big, 0, 2, &next, out, &total) == 0 && next == 2);
    CHECK(guest_gather(&big, 0, 3, &next, out, &total) == -1);
}

int
main(void)
{
    WrtMemory m;

    CHECK(wrt_memory_init(&m, NULL, 1, 1) == 0);
    test_ranges(&m);
    test_scalars(&m);
    test_iovecs(&m);
    test_no_memory();
    test_gather();
    test_calls(&m);
    wrt_memory_free(&m);
    if (failures != 0) {
        fprintf(stderr, "test_wasi_guest: %d check(s) failed\n", failures);
        return 1;
    }
    printf("test_wasi_guest: ok\n");
    return 0;
}
