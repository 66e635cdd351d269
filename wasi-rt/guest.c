/*
 * guest.c - range-checked conversion of guest (ptr, len) pairs into host
 * pointers, little-endian scalar access, and iovec arrays.  Nothing else in
 * wasi-rt computes base + offset; callers get EFAULT for a bad range.
 */
#define _POSIX_C_SOURCE 200809L

#include "guest.h"

#include <stddef.h>
#include <string.h>

/* Target of empty ranges when memory has no storage (base == NULL). */
static uint8_t empty_range;

uint32_t
guest_range(const WrtMemory *m, uint32_t ptr, uint64_t len, uint8_t **out)
{
    uint64_t size = m != NULL ? m->size : 0;

    /* ptr <= size first, so size - ptr cannot wrap. */
    if ((uint64_t)ptr > size || len > size - ptr)
        return WASI_EFAULT;
    if (m == NULL || m->base == NULL)
        *out = &empty_range;
    else
        *out = m->base + ptr;
    return 0;
}

uint32_t
guest_array(const WrtMemory *m, uint32_t ptr, uint32_t count,
            uint32_t elem_size, uint8_t **out)
{
    /* Both factors are below 2^32, so the 64-bit product is exact. */
    return guest_range(m, ptr, (uint64_t)count * elem_size, out);
}

uint32_t
guest_write_bytes(const WrtMemory *m, uint32_t ptr, const void *src,
                  uint64_t len)
{
    uint8_t *p;
    uint32_t err = guest_range(m, ptr, len, &p);

    if (err != 0)
        return err;
    if (len != 0)
        memmove(p, src, (size_t)len);
    return 0;
}

void
guest_put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

void
guest_put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

void
guest_put_u64(uint8_t *p, uint64_t v)
{
    guest_put_u32(p, (uint32_t)v);
    guest_put_u32(p + 4, (uint32_t)(v >> 32));
}

uint16_t
guest_get_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

uint32_t
guest_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

uint64_t
guest_get_u64(const uint8_t *p)
{
    return (uint64_t)guest_get_u32(p) | (uint64_t)guest_get_u32(p + 4) << 32;
}

uint32_t
guest_write_u8(const WrtMemory *m, uint32_t ptr, uint8_t v)
{
    uint8_t *p;
    uint32_t err = guest_range(m, ptr, 1, &p);

    if (err == 0)
        p[0] = v;
    return err;
}

uint32_t
guest_write_u16(const WrtMemory *m, uint32_t ptr, uint16_t v)
{
    uint8_t *p;
    uint32_t err = guest_range(m, ptr, 2, &p);

    if (err == 0)
        guest_put_u16(p, v);
    return err;
}

uint32_t
guest_write_u32(const WrtMemory *m, uint32_t ptr, uint32_t v)
{
    uint8_t *p;
    uint32_t err = guest_range(m, ptr, 4, &p);

    if (err == 0)
        guest_put_u32(p, v);
    return err;
}

uint32_t
guest_write_u64(const WrtMemory *m, uint32_t ptr, uint64_t v)
{
    uint8_t *p;
    uint32_t err = guest_range(m, ptr, 8, &p);

    if (err == 0)
        guest_put_u64(p, v);
    return err;
}

uint32_t
guest_read_u32(const WrtMemory *m, uint32_t ptr, uint32_t *v)
{
    uint8_t *p;
    uint32_t err = guest_range(m, ptr, 4, &p);

    if (err == 0)
        *v = guest_get_u32(p);
    return err;
}

uint32_t
guest_read_u64(const WrtMemory *m, uint32_t ptr, uint64_t *v)
{
    uint8_t *p;
    uint32_t err = guest_range(m, ptr, 8, &p);

    if (err == 0)
        *v = guest_get_u64(p);
    return err;
}

/* WASI ciovec/iovec: { buf: u32 @0, buf_len: u32 @4 }, size 8. */
uint32_t
guest_iovec(const WrtMemory *m, uint32_t iovs, uint32_t i, uint8_t **buf,
            uint32_t *len)
{
    uint8_t *arr, *e;
    uint32_t err;

    /* Entries 0..i must all fit: check the array up to and including i. */
    if (i == 0xFFFFFFFFu)
        return WASI_EFAULT;
    err = guest_array(m, iovs, i + 1, 8, &arr);
    if (err != 0)
        return err;
    e = arr + (size_t)8 * i;
    *len = guest_get_u32(e + 4);
    return guest_range(m, guest_get_u32(e), *len, buf);
}

uint32_t
guest_iovecs_check(const WrtMemory *m, uint32_t iovs, uint32_t count)
{
    uint8_t *arr, *dummy;
    uint32_t i, err;

    err = guest_array(m, iovs, count, 8, &arr);
    if (err != 0)
        return err;
    for (i = 0; i < count; i++) {
        err = guest_range(m, guest_get_u32(arr + (size_t)8 * i),
                          guest_get_u32(arr + (size_t)8 * i + 4), &dummy);
        if (err != 0)
            return err;
    }
    return 0;
}

int
guest_gather(const WrtMemory *m, uint32_t iovs, uint32_t count,
             uint32_t *next, struct iovec *out, size_t *total)
{
    uint8_t *buf;
    uint32_t len;
    int n = 0;

    *total = 0;
    while (*next < count && n < GUEST_IOV_MAX && *total < GUEST_IO_MAX) {
        if (guest_iovec(m, iovs, *next, &buf, &len) != 0)
            return -1;
        (*next)++;
        if (len == 0)
            continue;
        if (len > GUEST_IO_MAX - *total) {
            len = (uint32_t)(GUEST_IO_MAX - *total);
            *next = count;
        }
        out[n].iov_base = buf;
        out[n].iov_len = len;
        *total += len;
        n++;
    }
    return n;
}
