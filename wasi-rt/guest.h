/*
 * guest.h - the only door from guest addresses to host pointers (guest.c).
 *
 * Every function takes the instance's linear memory (NULL means a module
 * without memory: only empty ranges at address 0 are valid) and checks
 * ptr + len <= size in 64-bit arithmetic before producing a pointer.
 * Failures return WASI_EFAULT and write nothing.  Values in linear memory
 * are little-endian on every host; the put/get helpers assemble bytes
 * explicitly and make no alignment assumptions.
 */
#ifndef WASI_RT_GUEST_H
#define WASI_RT_GUEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "wrt.h"

#define WASI_EFAULT 21u

/*
 * Host pointer for guest bytes [ptr, ptr + len) in *out.  For len == 0 the
 * pointer may not be dereferenced (it need not point into memory).
 */
uint32_t guest_range(const WrtMemory *m, uint32_t ptr, uint64_t len,
                     uint8_t **out);
/* Same for an array of count elements of elem_size bytes each. */
uint32_t guest_array(const WrtMemory *m, uint32_t ptr, uint32_t count,
                     uint32_t elem_size, uint8_t **out);

/* Checked copies and scalar accesses. */
uint32_t guest_write_bytes(const WrtMemory *m, uint32_t ptr, const void *src,
                           uint64_t len);
uint32_t guest_write_u8(const WrtMemory *m, uint32_t ptr, uint8_t v);
uint32_t guest_write_u16(const WrtMemory *m, uint32_t ptr, uint16_t v);
uint32_t guest_write_u32(const WrtMemory *m, uint32_t ptr, uint32_t v);
uint32_t guest_write_u64(const WrtMemory *m, uint32_t ptr, uint64_t v);
uint32_t guest_read_u32(const WrtMemory *m, uint32_t ptr, uint32_t *v);
uint32_t guest_read_u64(const WrtMemory *m, uint32_t ptr, uint64_t *v);

/*
 * iovec arrays (ciovec/iovec: buf u32 @0, buf_len u32 @4, 8 bytes each).
 * guest_iovecs_check checks that the array (count * 8 bytes, no overflow)
 * and every buffer it names lie in memory.  guest_iovec fetches entry i
 * and checks it again (a read may have overwritten the array).
 */
uint32_t guest_iovecs_check(const WrtMemory *m, uint32_t iovs,
                            uint32_t count);
uint32_t guest_iovec(const WrtMemory *m, uint32_t iovs, uint32_t i,
                     uint8_t **buf, uint32_t *len);

/*
 * Host iovecs one gather fills at most, and bytes one gather covers at most
 * (well below SSIZE_MAX on 32-bit hosts).
 */
#define GUEST_IOV_MAX 64
#define GUEST_IO_MAX ((size_t)1 << 30)

/*
 * Gather the guest iovecs [*next, count) into out[GUEST_IOV_MAX] for one
 * readv/writev/recvmsg/sendmsg, skipping empty ones; *next advances past
 * what was taken and *total gets the bytes.  When an entry has to be cut
 * short to stay within GUEST_IO_MAX, *next becomes count: the caller's
 * transfer then ends after this chunk (a short transfer, which the guest's
 * libc retries) instead of skipping the rest of that entry.  Returns the
 * number of host entries (0 when nothing is left) or -1 for a bad entry.
 */
int guest_gather(const WrtMemory *m, uint32_t iovs, uint32_t count,
                 uint32_t *next, struct iovec *out, size_t *total);

/*
 * Little-endian stores and loads through a host pointer that came from
 * guest_range / guest_array with enough room.
 */
void guest_put_u16(uint8_t *p, uint16_t v);
void guest_put_u32(uint8_t *p, uint32_t v);
void guest_put_u64(uint8_t *p, uint64_t v);
uint16_t guest_get_u16(const uint8_t *p);
uint32_t guest_get_u32(const uint8_t *p);
uint64_t guest_get_u64(const uint8_t *p);

#endif /* WASI_RT_GUEST_H */
