/*
 * mem.c - linear memory: allocate, grow, free, the bulk operations
 * (memory.fill, memory.copy, memory.init), and the `guard` strategy's
 * reservations and fault handler.  Per-access checks of the `check`
 * strategy are the inline WRT_BOUNDS in wrt.h.
 *
 * Where the host has anonymous mmap, a memory reserves address space for
 * its maximum size up front (PROT_NONE) and grows by making more of it
 * readable and writable: it never moves, grown pages come from the kernel
 * already zero, and untouched pages cost no RAM.  When that reservation is
 * refused (32-bit hosts, address-space limits) it reserves only what it
 * needs and moves on growth.  Hosts without mmap use calloc/realloc and
 * clear grown pages by hand.  Either way `capacity` is the bytes reserved
 * or allocated, and all host calls sit behind the host_* functions below.
 *
 * `guard` memories (64-bit POSIX hosts) always reserve WRT_GUARD_RESERVE
 * bytes, so that no address + offset + size of a 32-bit memory leaves the
 * reservation, and generated code accesses them unchecked.  A fault inside
 * a reservation, on a thread running wasm (wrt_call), becomes an out of
 * bounds trap in the function that rt->func names; any other fault goes
 * to the handler that was installed before ours, or to the default action.
 *
 * Also here: the heap seam (WrtHeap, wrt.h).  A memory in a host's buffer
 * sits at the buffer's bottom and grows in place up to the lowest block
 * taken from the top; a freestanding build has only such heaps.
 */
#if defined(__APPLE__)
#define _DARWIN_C_SOURCE
#else
#define _DEFAULT_SOURCE     /* MAP_ANONYMOUS on glibc */
#endif
#define _POSIX_C_SOURCE 200809L

#include "wrt.h"

#include <stdint.h>

#if __STDC_HOSTED__
#include <stdlib.h>
#endif

#if __STDC_HOSTED__ && (defined(__unix__) || defined(__APPLE__))
#include <sys/mman.h>
#if !defined(MAP_ANONYMOUS) && defined(MAP_ANON)
#define MAP_ANONYMOUS MAP_ANON
#endif
#if defined(MAP_ANONYMOUS)
#define USE_MMAP 1
#endif
#endif

/* The guard strategy: 64-bit pointers, mmap, POSIX signals and threads. */
#if defined(USE_MMAP) && UINTPTR_MAX > 0xFFFFFFFFu && defined(__GNUC__)
#define USE_GUARD 1
#include <pthread.h>
#include <signal.h>
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

#else /* !USE_MMAP: the heap seam's C library heap (none when freestanding) */

static uint8_t *
host_alloc(uint64_t cap, uint64_t need)
{
    (void)need;
    if (cap > SIZE_MAX)
        return NULL;
    return wrt_heap_alloc(NULL, (size_t)cap);
}

static void
host_release(uint8_t *base, uint64_t capacity)
{
    (void)capacity;
    wrt_heap_free(NULL, base);
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
    p = wrt_heap_realloc(NULL, m->base, (size_t)m->capacity, (size_t)need);
    if (p == NULL)
        return -1;
    memset(p + m->size, 0, (size_t)(need - m->size));
    m->base = p;
    m->capacity = need;
    return 0;
}

#endif /* USE_MMAP */

/* ---- guard reservations and the fault handler ------------------------- */

#ifdef USE_GUARD

/*
 * The reservations the handler owns: their bases, 0 for a free slot.
 * Readers (the handler) take no lock; writers hold guard_lock and publish
 * a base only after its reservation exists.
 */
#define GUARD_SLOTS 16384u
#define GUARD_ALTSTACK (64u * 1024u)

static uintptr_t guard_base[GUARD_SLOTS];
static unsigned guard_used;             /* slots ever used (high water) */
static pthread_mutex_t guard_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t guard_once = PTHREAD_ONCE_INIT;
static int guard_ready;                 /* the handler is installed */
static struct sigaction guard_old[2];   /* SIGSEGV's and SIGBUS's before */
static pthread_key_t guard_stack_key;   /* frees a thread's signal stack */
static __thread WrtRt *guard_rt;        /* innermost wrt_call's instance */
static __thread int guard_stack_set;    /* this thread has a signal stack */

static int
guard_owns(uintptr_t addr)
{
    unsigned n = __atomic_load_n(&guard_used, __ATOMIC_ACQUIRE), i;

    for (i = 0; i < n; i++) {
        uintptr_t b = __atomic_load_n(&guard_base[i], __ATOMIC_ACQUIRE);
        if (b != 0 && addr - b < WRT_GUARD_RESERVE)
            return 1;
    }
    return 0;
}

/* Hand a fault that is not ours to whoever had it before. */
static void
guard_chain(int sig, siginfo_t *si, void *uc)
{
    const struct sigaction *old = &guard_old[sig == SIGBUS];
    struct sigaction dfl;

    if (old->sa_flags & SA_SIGINFO) {
        old->sa_sigaction(sig, si, uc);
        return;
    }
    if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
        old->sa_handler(sig);
        return;
    }
    /*
     * The default action: returning re-executes the faulting access,
     * which now kills the process as if we had never been here.
     */
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
}

/*
 * Whether addr is where a thread running wasm with this stack limit
 * overflows its stack: below the limit, by less than the margin the limit
 * keeps (run.c and embed.c keep at most 1 MiB) plus a wasm frame.
 */
#define GUARD_STACK_WINDOW ((uintptr_t)4 << 20)

static int
guard_stack_overflow(const WrtRt *rt, uintptr_t addr)
{
    return rt->stack_limit != 0 && addr < rt->stack_limit &&
           rt->stack_limit - addr <= GUARD_STACK_WINDOW;
}

static void
guard_fault(int sig, siginfo_t *si, void *uc)
{
    WrtRt *rt = guard_rt;
    uintptr_t addr = (uintptr_t)si->si_addr;

    /* SA_NODEFER: the signal stays unblocked after the longjmp */
    if (rt != NULL && rt->landing != NULL) {
        if (guard_owns(addr)) {
            rt->trap = WRT_TRAP_OOB;
            rt->trap_func = rt->func;
            WRT_LONGJMP(*rt->landing);
        }
        if (guard_stack_overflow(rt, addr)) {
            /* no function is named: which frame hit the page is chance */
            rt->trap = WRT_TRAP_EXHAUSTION;
            rt->trap_func = WRT_NO_FUNC;
            WRT_LONGJMP(*rt->landing);
        }
    }
    guard_chain(sig, si, uc);
}

static void
guard_free_stack(void *p)
{
    stack_t ss;

    memset(&ss, 0, sizeof ss);
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    munmap(p, GUARD_ALTSTACK);
}

static void
guard_install(void)
{
    struct sigaction sa;

    if (pthread_key_create(&guard_stack_key, guard_free_stack) != 0)
        return;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = guard_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSEGV, &sa, &guard_old[0]) != 0)
        return;
    if (sigaction(SIGBUS, &sa, &guard_old[1]) != 0) {
        sigaction(SIGSEGV, &guard_old[0], NULL);
        return;
    }
    guard_ready = 1;
}

/* Give the calling thread a signal stack unless it has one. */
static void
guard_thread_stack(void)
{
    stack_t ss;
    void *p;

    guard_stack_set = 1;
    if (sigaltstack(NULL, &ss) == 0 && !(ss.ss_flags & SS_DISABLE))
        return;
    p = mmap(NULL, GUARD_ALTSTACK, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return;
    memset(&ss, 0, sizeof ss);
    ss.ss_sp = p;
    ss.ss_size = GUARD_ALTSTACK;
    if (sigaltstack(&ss, NULL) != 0 ||
        pthread_setspecific(guard_stack_key, p) != 0)
        munmap(p, GUARD_ALTSTACK);
}

WrtRt *
wrt_guard_enter(WrtRt *rt)
{
    WrtRt *outer = guard_rt;

    if (!guard_stack_set && __atomic_load_n(&guard_ready, __ATOMIC_ACQUIRE))
        guard_thread_stack();
    guard_rt = rt;
    return outer;
}

void
wrt_guard_leave(WrtRt *outer)
{
    guard_rt = outer;
}

static int
guard_register(uint8_t *base)
{
    unsigned i;
    int ok = -1;

    pthread_mutex_lock(&guard_lock);
    for (i = 0; i < GUARD_SLOTS; i++) {
        if (guard_base[i] == 0) {
            __atomic_store_n(&guard_base[i], (uintptr_t)base,
                             __ATOMIC_RELEASE);
            if (i >= guard_used)
                __atomic_store_n(&guard_used, i + 1, __ATOMIC_RELEASE);
            ok = 0;
            break;
        }
    }
    pthread_mutex_unlock(&guard_lock);
    return ok;
}

static void
guard_unregister(uint8_t *base)
{
    unsigned i;

    pthread_mutex_lock(&guard_lock);
    for (i = 0; i < guard_used; i++)
        if (guard_base[i] == (uintptr_t)base)
            __atomic_store_n(&guard_base[i], 0, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&guard_lock);
}

int
wrt_stack_guard_init(void)
{
    if (pthread_once(&guard_once, guard_install) != 0 ||
        !__atomic_load_n(&guard_ready, __ATOMIC_ACQUIRE))
        return -1;
    /* instantiation may run inside the wrt_call that runs the module */
    if (!guard_stack_set)
        guard_thread_stack();
    return 0;
}

int
wrt_memory_init_guard(WrtMemory *m, WrtHeap *heap, uint64_t initial_pages,
                      uint64_t max_pages)
{
    uint64_t bytes = initial_pages * WRT_PAGE_SIZE;
    uint8_t *p;

    memset(m, 0, sizeof *m);
    m->max_pages = max_pages;
    if (heap != NULL || initial_pages > max_pages ||
        initial_pages > MAX_PAGES)
        return -1;
    if (wrt_stack_guard_init() != 0)
        return -1;
    p = host_alloc(WRT_GUARD_RESERVE, bytes);
    if (p == NULL)
        return -1;
    if (guard_register(p) != 0) {
        host_release(p, WRT_GUARD_RESERVE);
        return -1;
    }
    m->base = p;
    m->size = bytes;
    m->capacity = WRT_GUARD_RESERVE;
    m->guard = 1;
    return 0;
}

#else /* !USE_GUARD: no guard memories, and no fault handler to tell */

int
wrt_stack_guard_init(void)
{
    return -1;
}

WrtRt *
wrt_guard_enter(WrtRt *rt)
{
    (void)rt;
    return NULL;
}

void
wrt_guard_leave(WrtRt *outer)
{
    (void)outer;
}

int
wrt_memory_init_guard(WrtMemory *m, WrtHeap *heap, uint64_t initial_pages,
                      uint64_t max_pages)
{
    (void)heap;
    (void)initial_pages;
    memset(m, 0, sizeof *m);
    m->max_pages = max_pages;
    return -1;
}

#endif /* USE_GUARD */

/* ---- the heap seam ------------------------------------------------------ */

/*
 * Blocks of a heap in a buffer are aligned to HEAP_ALIGN and preceded by a
 * header of that size holding their size, so that the block on top can be
 * given back.
 */
#define HEAP_ALIGN 16u

static uintptr_t
align_up(uintptr_t p)
{
    return (p + (HEAP_ALIGN - 1)) & ~(uintptr_t)(HEAP_ALIGN - 1);
}

WrtHeap *
wrt_heap_in(void *buf, size_t size)
{
    uintptr_t start = (uintptr_t)buf, end = start + size, h;
    WrtHeap *heap;

    if (buf == NULL || end < start)
        return NULL;
    h = align_up(start);
    if (h > end || end - h < align_up(sizeof *heap))
        return NULL;
    heap = (WrtHeap *)h;
    heap->low = (uint8_t *)(h + align_up(sizeof *heap));
    /* low is aligned and at most end, so high >= low */
    heap->high = (uint8_t *)(end & ~(uintptr_t)(HEAP_ALIGN - 1));
    heap->mem = NULL;
    return heap;
}

/*
 * Take a block for size bytes from the top of h: its header's address, or
 * NULL.  The header is the caller's to write.
 */
static uint8_t *
heap_take(WrtHeap *h, size_t size)
{
    uintptr_t room = (uintptr_t)(h->high - h->low), need;

    if (size > room)
        return NULL;
    need = align_up(size) + HEAP_ALIGN;
    if (need > room)
        return NULL;
    h->high -= need;
    return h->high;
}

void *
wrt_heap_alloc(WrtHeap *h, size_t size)
{
    uint8_t *block;

    if (h == NULL) {
#if __STDC_HOSTED__
        return calloc(size != 0 ? size : 1, 1);
#else
        return NULL;
#endif
    }
    block = heap_take(h, size);
    if (block == NULL)
        return NULL;
    memset(block + HEAP_ALIGN, 0, size);
    memcpy(block, &size, sizeof size);
    return block + HEAP_ALIGN;
}

/*
 * The block on top is moved within the top (it may overlap its old place);
 * any other is copied into a new block, and its old room stays taken.
 */
void *
wrt_heap_realloc(WrtHeap *h, void *p, size_t old_size, size_t size)
{
    uint8_t *old_high, *block, *q;
    size_t keep = old_size < size ? old_size : size;

    if (h == NULL) {
#if __STDC_HOSTED__
        return realloc(p, size != 0 ? size : 1);
#else
        return NULL;
#endif
    }
    if (p == NULL)
        return wrt_heap_alloc(h, size);
    old_high = h->high;
    if ((uint8_t *)p - HEAP_ALIGN == h->high)
        h->high += align_up(old_size) + HEAP_ALIGN;     /* pop it first */
    block = heap_take(h, size);
    if (block == NULL) {
        h->high = old_high;
        return NULL;
    }
    q = block + HEAP_ALIGN;
    memmove(q, p, keep);
    memcpy(block, &size, sizeof size);
    return q;
}

void
wrt_heap_free(WrtHeap *h, void *p)
{
    size_t size;
    uint8_t *block;

    if (h == NULL) {
#if __STDC_HOSTED__
        free(p);
#endif
        return;
    }
    if (p == NULL)
        return;
    block = (uint8_t *)p - HEAP_ALIGN;
    if (block != h->high)
        return;         /* not on top: its room stays taken */
    memcpy(&size, block, sizeof size);
    h->high = block + align_up(size) + HEAP_ALIGN;
}

static uint64_t
max_bytes_of(const WrtMemory *m)
{
    return (m->max_pages < MAX_PAGES ? m->max_pages : MAX_PAGES) *
           (uint64_t)WRT_PAGE_SIZE;
}

/*
 * A memory in a heap of the host's: need (at least m->size) bytes at its
 * bottom, the new ones cleared, and more as it grows while the top leaves
 * room.  -1 when there is no room or the heap already holds a memory; a
 * memory of size 0 then gives the bottom back.
 */
static int
heap_grow(WrtMemory *m, uint64_t need)
{
    WrtHeap *h = m->heap;

    if (m->base == NULL) {
        if (h->mem != NULL)
            return -1;
        m->base = h->mem = h->low;
    }
    if (need > (uint64_t)(h->high - m->base)) {
        if (m->size == 0)
            m->base = h->mem = NULL;
        return -1;
    }
    memset(m->base + m->size, 0, (size_t)(need - m->size));
    h->low = m->base + need;
    m->capacity = need;
    return 0;
}

int
wrt_memory_init(WrtMemory *m, WrtHeap *heap, uint64_t initial_pages,
                uint64_t max_pages)
{
    uint64_t bytes, max_bytes;

    m->base = NULL;
    m->size = 0;
    m->capacity = 0;
    m->max_pages = max_pages;
    m->heap = heap;
    m->guard = 0;
    if (initial_pages > max_pages || initial_pages > MAX_PAGES)
        return -1;
    bytes = initial_pages * WRT_PAGE_SIZE;
    max_bytes = max_bytes_of(m);
    if (max_bytes == 0)
        return 0;   /* base stays NULL: every access fails the check */
    if (heap != NULL) {
        if (heap_grow(m, bytes) != 0)
            return -1;
        m->size = bytes;
        return 0;
    }
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
    if (m->heap != NULL) {
        if (m->base != NULL && m->base == m->heap->mem) {
            m->heap->low = m->base;
            m->heap->mem = NULL;
        }
    } else if (m->base != NULL) {
#ifdef USE_GUARD
        if (m->guard)
            guard_unregister(m->base);
#endif
        host_release(m->base, m->capacity);
    }
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
    if (need > m->size &&
        (m->heap != NULL ? heap_grow(m, need)
                         : host_grow(m, need, max_bytes)) != 0)
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
