/*
 * mem.c - linear memory for the `check` bounds strategy: allocate, grow,
 * free, and the bulk operations (memory.fill, memory.copy, memory.init).
 * Per-access checks are the inline WRT_BOUNDS in wrt.h.
 *
 * Where the host has anonymous mmap, a memory reserves address space for
 * its maximum size up front (PROT_NONE) and grows by making more of it
 * readable and writable: it never moves, grown pages come from the kernel
 * already zero, and untouched pages cost no RAM.  When that reservation is
 * refused (32-bit hosts, address-space limits) it reserves only what it
 * needs and moves on growth.  Hosts without mmap use calloc/realloc and
 * clear grown pages by hand.  Either way `capacity` is the bytes reserved
 * or allocated, and all host calls sit behind the host_* functions below:
 * the seam where a `guard` strategy will plug in.
 */
#if defined(__APPLE__)
#define _DARWIN_C_SOURCE
#else
#define _DEFAULT_SOURCE     /* MAP_ANONYMOUS on glibc */
#endif
#define _POSIX_C_SOURCE 200809L

#include "wrt.h"

#include <stdint.h>
#include <stdlib.h>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/mman.h>
#if !defined(MAP_ANONYMOUS) && defined(MAP_ANON)
#define MAP_ANONYMOUS MAP_ANON
#endif
#if defined(MAP_ANONYMOUS)
#define USE_MMAP 1
#endif
#endif

/* A 32-bit memory has at most 65536 pages (4 GiB). */
#define MAX_PAGES 65536u

#ifdef USE_MMAP

#ifndef MAP_NORESERVE
#define MAP_NORESERVE 0
#endif

/* Reserve n bytes (n > 0) of inaccessible address space, or NULL. */
static uint8_t *
host_reserve(uint64_t n)
{
    void *p;

    if (n > SIZE_MAX)
        return NULL;
    p = mmap(NULL, (size_t)n, PROT_NONE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/*
 * Make [from, to) of a reservation usable; 64 KiB multiples are whole host
 * pages.  Pages never touched before read as zero.  -1 on failure.
 */
static int
host_commit(uint8_t *base, uint64_t from, uint64_t to)
{
    if (to <= from)
        return 0;
    return mprotect(base + from, (size_t)(to - from),
                    PROT_READ | PROT_WRITE);
}

static void
host_release(uint8_t *base, uint64_t capacity)
{
    munmap(base, (size_t)capacity);
}

/* A reservation of cap bytes with the first need usable, or NULL. */
static uint8_t *
host_alloc(uint64_t cap, uint64_t need)
{
    uint8_t *p = host_reserve(cap);

    if (p != NULL && host_commit(p, 0, need) != 0) {
        host_release(p, cap);
        p = NULL;
    }
    return p;
}

/*
 * Grow m to need bytes: in place within the reservation, else into a new
 * one (max_bytes, or need) with the old contents copied.  -1 leaves m
 * untouched.
 */
static int
host_grow(WrtMemory *m, uint64_t need, uint64_t max_bytes)
{
    uint8_t *p;
    uint64_t cap = max_bytes;

    if (need <= m->capacity)
        return host_commit(m->base, m->size, need);
    p = host_alloc(cap, need);
    if (p == NULL) {
        cap = need;
        p = host_alloc(cap, need);
    }
    if (p == NULL)
        return -1;
    if (m->size != 0)
        memcpy(p, m->base, (size_t)m->size);
    if (m->base != NULL)
        host_release(m->base, m->capacity);
    m->base = p;
    m->capacity = cap;
    return 0;
}

#else /* !USE_MMAP */

static uint8_t *
host_alloc(uint64_t cap, uint64_t need)
{
    (void)need;
    if (cap > SIZE_MAX)
        return NULL;
    return calloc((size_t)cap, 1);
}

static void
host_release(uint8_t *base, uint64_t capacity)
{
    (void)capacity;
    free(base);
}

/* realloc to exactly need bytes and clear the new tail. */
static int
host_grow(WrtMemory *m, uint64_t need, uint64_t max_bytes)
{
    uint8_t *p;

    (void)max_bytes;
    if (need <= m->capacity)
        return 0;
    if (need > SIZE_MAX)
        return -1;
    p = realloc(m->base, (size_t)need);
    if (p == NULL)
        return -1;
    memset(p + m->size, 0, (size_t)(need - m->size));
    m->base = p;
    m->capacity = need;
    return 0;
}

#endif /* USE_MMAP */

static uint64_t
max_bytes_of(const WrtMemory *m)
{
    return (m->max_pages < MAX_PAGES ? m->max_pages : MAX_PAGES) *
           (uint64_t)WRT_PAGE_SIZE;
}

int
wrt_memory_init(WrtMemory *m, uint64_t initial_pages, uint64_t max_pages)
{
    uint64_t bytes, max_bytes;

    m->base = NULL;
    m->size = 0;
    m->capacity = 0;
    m->max_pages = max_pages;
    if (initial_pages > max_pages || initial_pages > MAX_PAGES)
        return -1;
    bytes = initial_pages * WRT_PAGE_SIZE;
    max_bytes = max_bytes_of(m);
    if (max_bytes == 0)
        return 0;   /* base stays NULL: every access fails the check */
    m->base = host_alloc(max_bytes, bytes);
    if (m->base != NULL) {
        m->capacity = max_bytes;
    } else if (bytes != 0) {
        m->base = host_alloc(bytes, bytes);
        if (m->base == NULL)
            return -1;
        m->capacity = bytes;
    }
    m->size = bytes;
    return 0;
}

void
wrt_memory_free(WrtMemory *m)
{
    if (m->base != NULL)
        host_release(m->base, m->capacity);
    m->base = NULL;
    m->size = 0;
    m->capacity = 0;
}

/*
 * memory.grow: fails (the spec's -1, nothing changed) past max_pages or
 * when the host cannot allocate; it never traps.  Grown pages read as zero.
 */
uint32_t
wrt_memory_grow(WrtMemory *m, uint32_t delta_pages)
{
    uint64_t old_pages = m->size / WRT_PAGE_SIZE;
    uint64_t need = (old_pages + delta_pages) * WRT_PAGE_SIZE;
    uint64_t max_bytes = max_bytes_of(m);

    if (need > max_bytes)
        return 0xFFFFFFFFu;
    if (need > m->size && host_grow(m, need, max_bytes) != 0)
        return 0xFFFFFFFFu;
    m->size = need;
    return (uint32_t)old_pages;
}

/* Bulk memory: bounds first, in 64-bit arithmetic, then the operation. */
void
wrt_memory_fill(WrtRt *rt, uint32_t fn, WrtMemory *m, uint32_t dst,
                uint32_t val, uint32_t n)
{
    if ((uint64_t)dst + n > m->size)
        wrt_trap(rt, fn, WRT_TRAP_OOB);
    if (n != 0)
        memset(m->base + dst, (int)(uint8_t)val, n);
}

void
wrt_memory_copy(WrtRt *rt, uint32_t fn, WrtMemory *dm, const WrtMemory *sm,
                uint32_t dst, uint32_t src, uint32_t n)
{
    if ((uint64_t)src + n > sm->size || (uint64_t)dst + n > dm->size)
        wrt_trap(rt, fn, WRT_TRAP_OOB);
    if (n != 0)
        memmove(dm->base + dst, sm->base + src, n);
}

void
wrt_memory_init_seg(WrtRt *rt, uint32_t fn, WrtMemory *m,
                    const uint8_t *seg, uint32_t seglen, uint32_t dst,
                    uint32_t src, uint32_t n)
{
    if ((uint64_t)src + n > seglen || (uint64_t)dst + n > m->size)
        wrt_trap(rt, fn, WRT_TRAP_OOB);
    if (n != 0)
        memcpy(m->base + dst, seg + src, n);
}
