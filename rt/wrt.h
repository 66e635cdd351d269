/*
 * wrt.h - the runtime contract with generated code.
 *
 * This is the only header generated C includes (besides wasi.h for
 * executables).  It declares the per-instance runtime header (WrtRt), linear
 * memory, tables, function references, trap codes, and the inline helpers
 * that generated code calls on hot paths: checked loads and stores, integer
 * division, float rounding and conversions.  Out-of-line parts live in
 * mem.c (memory), table.c (tables, indirect calls), trap.c (landing pad)
 * and embed.c (calls from a host program into a library instance).
 *
 * Bounds strategy seam: the WRT_BOUNDS macro below is the single place where
 * an access is checked.  Generated C for `check` bounds compares address +
 * offset + size with the current size in 64-bit arithmetic; C for `guard`
 * bounds defines WRT_GUARD to 1 before including this header, WRT_BOUNDS is
 * then empty, and the memory sits in a reservation that makes every
 * out-of-bounds access fault (wrt_memory_init_guard, mem.c), which the
 * runtime's signal handler turns into a trap.  Loads and stores take the
 * memory as a view, its base and size, which generated code keeps in
 * locals and reloads only after a call that may grow the memory.
 *
 * Linear memory is little-endian on every host: big-endian hosts swap bytes
 * in the load/store helpers.
 *
 * Ownership: every wrt_*_init has a matching wrt_*_free.  Nothing here calls
 * exit or abort; failures are traps (longjmp to the instance's landing pad)
 * or return values.
 *
 * Freestanding builds (-ffreestanding, __STDC_HOSTED__ == 0: bare-metal
 * plugin libraries) use nothing of a C library but memcpy, memmove, memset
 * and memcmp, which GCC and Clang require every freestanding environment
 * to provide: the landing pad is the compiler's __builtin_setjmp, every
 * allocation comes from a buffer the host gives (WrtHeap), and there are
 * no thread stacks to ask about (embed.c).
 */
#ifndef WRT_H
#define WRT_H

#include <float.h>
#include <stddef.h>
#include <stdint.h>

#if __STDC_HOSTED__
#include <math.h>
#include <setjmp.h>
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
/* -ffreestanding implies -fno-builtin: the builtins inline small copies */
#if defined(__GNUC__)
#define memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define memset(d, c, n) __builtin_memset((d), (c), (n))
#define memcmp(a, b, n) __builtin_memcmp((a), (b), (n))
#endif
#endif

#include "wrt_names.h"

#if defined(__GNUC__)
#define WRT_NORETURN __attribute__((noreturn))
#define WRT_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define WRT_LIKELY(x) __builtin_expect(!!(x), 1)
#define WRT_COLD __attribute__((cold, noinline))
#else
#define WRT_NORETURN
#define WRT_UNLIKELY(x) (x)
#define WRT_LIKELY(x) (x)
#define WRT_COLD
#endif

/*
 * WRT_FPCALL: the calling convention of every function of the runtime and
 * of generated code that takes or returns f32 or f64.  The 32-bit x86 C
 * ABI returns floats on the x87 stack, and loading a signalling NaN there
 * quiets it, while wasm requires NaN bits to pass unchanged through calls,
 * loads, stores, reinterpret, abs, neg and copysign.  GCC's sseregparm
 * passes and returns them in SSE registers instead (the driver compiles
 * for 32-bit x86 with -msse2 -mfpmath=sse, so arithmetic is SSE too).
 * Everywhere else the C ABI already keeps floats in float registers and
 * the macro is empty.  Functions a host calls through a library's header
 * keep the C ABI.
 */
#if defined(__i386__) && defined(__GNUC__) && !defined(__clang__) &&       \
    defined(__SSE2_MATH__)
#define WRT_FPCALL __attribute__((sseregparm))
#define WRT_FPCALL_DIFFERS 1    /* a plugin adapts the host's functions */
#else
#define WRT_FPCALL
#define WRT_FPCALL_DIFFERS 0
#endif

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define WRT_BIG_ENDIAN 1
#else
#define WRT_BIG_ENDIAN 0
#endif

/*
 * The landing pad's buffer: the C library's setjmp where there is one,
 * else the compiler's builtin pair (GCC and Clang), which needs no library
 * and only ever unwinds to a frame that is still live, as here.
 */
#if __STDC_HOSTED__
typedef jmp_buf WrtJmpBuf;
#define WRT_SETJMP(b) setjmp(b)
#define WRT_LONGJMP(b) longjmp((b), 1)
#else
typedef void *WrtJmpBuf[5];
#define WRT_SETJMP(b) __builtin_setjmp(b)
#define WRT_LONGJMP(b) __builtin_longjmp((b), 1)
#endif

#if __STDC_HOSTED__ || !defined(__GNUC__)
#define WRT_SIGNBIT(x) signbit(x)
#else
#define WRT_SIGNBIT(x) __builtin_signbit(x)
#endif

#define WRT_PAGE_SIZE 65536u
/* Default limit on nested wasm calls (--max-call-depth). */
#define WRT_DEFAULT_MAX_CALL_DEPTH 100000u

/* ---- traps ------------------------------------------------------------ */

/* Trap kinds; wrt_trap_message gives the specification's wording. */
typedef enum WrtTrap {
    WRT_TRAP_NONE = 0,
    WRT_TRAP_UNREACHABLE,       /* "unreachable" */
    WRT_TRAP_OOB,               /* "out of bounds memory access" */
    WRT_TRAP_DIV_ZERO,          /* "integer divide by zero" */
    WRT_TRAP_INT_OVERFLOW,      /* "integer overflow" */
    WRT_TRAP_INVALID_CONV,      /* "invalid conversion to integer" */
    WRT_TRAP_INDIRECT_TYPE,     /* "indirect call type mismatch" */
    WRT_TRAP_UNINIT_ELEM,       /* "uninitialized element" (null entry) */
    WRT_TRAP_UNDEF_ELEM,        /* "undefined element" (index past table) */
    WRT_TRAP_TABLE_OOB,         /* "out of bounds table access" */
    WRT_TRAP_NULL_REF,          /* "null reference" */
    WRT_TRAP_EXHAUSTION,        /* "call stack exhausted" */
    WRT_TRAP_MEMORY_INIT,       /* "memory allocation failed" (instantiation) */
    WRT_TRAP_EXIT,              /* not a trap: proc_exit unwinding */
    WRT_TRAP_COUNT_
} WrtTrap;

/* Function index passed with a trap when no wasm function is involved. */
#define WRT_NO_FUNC 0xFFFFFFFFu

/*
 * The heap seam: every allocation an instance makes (the instance itself,
 * tables, element segments, linear memory) names a WrtHeap.  NULL is the C
 * library's heap (calloc and free, reserved address space for linear
 * memory); a freestanding build has none, so there NULL allocates nothing.
 * A WrtHeap proper is a buffer the host gave (P_new_in), carved up with no
 * library at all: blocks are taken from its top down, the one linear
 * memory sits at its bottom and grows up, and the two meet when it is full.
 */
typedef struct WrtHeap {
    uint8_t *low;               /* end of the linear memory (or where it
                                   will start) */
    uint8_t *high;              /* the lowest block taken from the top */
    uint8_t *mem;               /* the linear memory's base, or NULL */
} WrtHeap;

/*
 * A heap in buf (any alignment; its own header is carved from buf too), or
 * NULL when buf is too small to be one.
 */
WrtHeap *wrt_heap_in(void *buf, size_t size);
/* size zeroed bytes aligned for any type, or NULL when out of room. */
void *wrt_heap_alloc(WrtHeap *h, size_t size);
/*
 * Resize p (NULL: allocate) from old_size to size bytes, keeping the
 * contents; the new tail is not cleared.  NULL leaves p untouched.
 */
void *wrt_heap_realloc(WrtHeap *h, void *p, size_t old_size, size_t size);
/* Give p back (NULL is fine); a heap in a buffer reuses only its top. */
void wrt_heap_free(WrtHeap *h, void *p);

/*
 * The runtime header of an instance: the first member, named rt, of every
 * generated instance struct.  Generated code passes &inst->rt to helpers.
 */
typedef struct WrtRt {
    WrtJmpBuf *landing;         /* set by wrt_call while wasm code runs */
    uint32_t depth;             /* current wasm call depth */
    uint32_t max_depth;         /* trap when depth would exceed this */
    uintptr_t stack_limit;      /* trap when the C stack grows below this;
                                   0 means no stack check */
    WrtTrap trap;               /* what ended the last wrt_call */
    uint32_t trap_func;         /* function index of the trap, or WRT_NO_FUNC */
    int exit_code;              /* with WRT_TRAP_EXIT */
    const char *const *func_names;  /* for messages; nfuncs entries */
    uint32_t nfuncs;
    WrtHeap *heap;              /* where the instance allocates; NULL: the
                                   C library's (wrt_rt_init sets NULL) */
    /*
     * Guard bounds: the function a memory fault is reported in.  Generated
     * code sets it before its first access and again after each call.
     * Volatile, or the compiler would drop the store of an inlined callee
     * as overwritten by its caller's, the fault between them unseen.
     */
    volatile uint32_t func;
} WrtRt;

/* Set up rt; func_names is borrowed (static tables from generated code). */
void wrt_rt_init(WrtRt *rt, const char *const *func_names, uint32_t nfuncs,
                 uint32_t max_depth);

/* Unwind to the landing pad of the current wrt_call with trap t. */
WRT_NORETURN void wrt_trap(WrtRt *rt, uint32_t func, WrtTrap t);
/* Unwind with WRT_TRAP_EXIT and an exit code (WASI proc_exit). */
WRT_NORETURN void wrt_exit(WrtRt *rt, int code);

/*
 * Run fn(arg) with a landing pad.  Returns WRT_TRAP_NONE when fn returned,
 * else the trap (also left in rt->trap, with rt->trap_func).  Calls nest: an
 * inner wrt_call on the same rt installs its own pad and restores the outer
 * one.  The call depth is restored after a trap.
 */
WrtTrap wrt_call(WrtRt *rt, void (*fn)(void *), void *arg);

/*
 * For wrt_call: make rt the instance whose guard faults this thread
 * reports (and give the thread a signal stack once guard memories exist);
 * returns the previous one for wrt_guard_leave.  mem.c.
 */
WrtRt *wrt_guard_enter(WrtRt *rt);
void wrt_guard_leave(WrtRt *outer);

/* The specification's text for a trap kind ("unreachable", ...). */
const char *wrt_trap_message(WrtTrap t);
/* Name of rt->trap_func for messages, or NULL when unknown. */
const char *wrt_trap_func_name(const WrtRt *rt);

/*
 * Calls from a host program through a generated library API (embed.c).
 * WrtEmbed sits beside the WrtRt of a library instance and holds what the
 * host set (limits) and what it can read back (state, last message).
 */
#define WRT_EMBED_ERROR 14      /* == WRT_TRAP_COUNT_: the host misused the API */

enum { WRT_EMBED_NEW, WRT_EMBED_READY, WRT_EMBED_FAILED };

typedef struct WrtEmbed {
    uint64_t max_pages;         /* memory limit in pages (UINT64_MAX: none) */
    size_t max_stack;           /* C stack bytes an outermost call may use;
                                   0: what the calling thread has */
    int state;                  /* WRT_EMBED_NEW, _READY or _FAILED */
    int exit_code;              /* after WRT_TRAP_EXIT */
    char message[256];          /* the last failure; "" before any */
    /* called when a call ends in a trap or exit, after message is set */
    void (*on_trap)(void *ctx, int status, const char *message);
    void *on_trap_ctx;
} WrtEmbed;

/* max_memory_bytes 0: no limit, else floor(bytes / 64 KiB) pages. */
void wrt_embed_init(WrtEmbed *e, uint64_t max_memory_bytes, size_t max_stack);
/* The smaller of the module's maximum and the limit, in pages. */
uint64_t wrt_embed_max_pages(const WrtEmbed *e, uint64_t module_max_pages);
/*
 * Run fn(arg) for the host.  When outermost on rt (no landing pad yet) the
 * stack limit comes from the calling thread's stack, less a margin for host
 * functions and WASI calls, capped by e->max_stack, and is restored after.
 * Returns 0 or the WrtTrap; a trap or exit is described in e->message.
 */
int wrt_embed_call(WrtRt *rt, WrtEmbed *e, void (*fn)(void *), void *arg);
/* Format e->message (printf style); returns WRT_EMBED_ERROR. */
int wrt_embed_error(WrtEmbed *e, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Lowest C stack address wasm code may use on this thread (0: unchecked). */
void wrt_set_stack_limit(WrtRt *rt, uintptr_t limit);

#if defined(__GNUC__)
#define WRT_STACK_POINTER() ((uintptr_t)__builtin_frame_address(0))
#else
#define WRT_STACK_POINTER() ((uintptr_t)&rt)
#endif

/*
 * Function prologue and epilogue.  Every generated function calls
 * wrt_enter first and wrt_leave before each return.
 */
static inline void
wrt_enter(WrtRt *rt, uint32_t func)
{
    if (WRT_UNLIKELY(++rt->depth > rt->max_depth ||
                     WRT_STACK_POINTER() < rt->stack_limit)) {
        rt->depth--;
        wrt_trap(rt, func, WRT_TRAP_EXHAUSTION);
    }
}

/*
 * Guard bounds without a call-depth limit count nothing: running out of
 * stack faults on the stack's guard page, which the fault handler turns
 * into "call stack exhausted" (mem.c).  Host functions must not be the
 * ones to hit it, so a call to an import checks that the margin below
 * the stack limit is still there.
 */
static inline void
wrt_stack_check(WrtRt *rt, uint32_t func)
{
    if (WRT_UNLIKELY(WRT_STACK_POINTER() < rt->stack_limit))
        wrt_trap(rt, func, WRT_TRAP_EXHAUSTION);
}

static inline void
wrt_leave(WrtRt *rt)
{
    rt->depth--;
}

/* ---- linear memory ---------------------------------------------------- */

typedef struct WrtMemory {
    uint8_t *base;              /* size bytes, zero-initialised when grown */
    uint64_t size;              /* current size in bytes */
    uint64_t max_pages;         /* effective maximum: module max, limit */
    uint64_t capacity;          /* bytes allocated or reserved */
    WrtHeap *heap;              /* where it lives (NULL: the C library) */
    int guard;                  /* a guard reservation (registered with
                                   the fault handler) */
} WrtMemory;

/*
 * Allocate initial_pages of zeroed memory from heap; max_pages is the
 * module's maximum (or 65536) already lowered to any --max-memory limit.
 * Returns 0, or -1 when the heap cannot provide the initial size.
 */
int wrt_memory_init(WrtMemory *m, WrtHeap *heap, uint64_t initial_pages,
                    uint64_t max_pages);
void wrt_memory_free(WrtMemory *m);
/* memory.grow: old size in pages, or 0xFFFFFFFF (the spec's -1). */
uint32_t wrt_memory_grow(WrtMemory *m, uint32_t delta_pages);

static inline uint32_t
wrt_memory_size(const WrtMemory *m)
{
    return (uint32_t)(m->size / WRT_PAGE_SIZE);
}

/*
 * `guard` bounds: a memory reserves WRT_GUARD_RESERVE bytes of address
 * space, past any address + offset + access size a 32-bit memory can form,
 * and only its current size is accessible.  -1 when the host cannot
 * reserve it (32-bit hosts, address-space limits, a heap in a buffer: heap
 * must be NULL).  The first call installs the fault handler (SIGSEGV and
 * SIGBUS, chaining to the handlers it replaces); wrt_call gives each thread
 * that runs wasm an alternate signal stack when it has none.
 */
#define WRT_GUARD_RESERVE ((1ull << 33) + WRT_PAGE_SIZE)
/*
 * Install the fault handler without any guard memory, for code that
 * leaves running out of stack to the stack's guard page (calls not
 * counted); gives the calling thread a signal stack.  -1 where there is
 * no such handler (then an overflow ends the process).
 */
int wrt_stack_guard_init(void);
int wrt_memory_init_guard(WrtMemory *m, WrtHeap *heap,
                          uint64_t initial_pages, uint64_t max_pages);

#ifndef WRT_GUARD
#define WRT_GUARD 0
#endif

/*
 * After a call that may recurse, when calls are not counted: keeps the C
 * compiler from turning a tail call into a jump, which would make endless
 * wasm recursion an endless loop instead of "call stack exhausted".
 */
#if defined(__GNUC__)
#define WRT_NO_TAIL_CALL() __asm__ volatile("")
#else
#define WRT_NO_TAIL_CALL() ((void)0)
#endif

/*
 * Guard bounds: a load whose value is dropped must still fault, so
 * generated code hands such a value to an empty asm that needs it in a
 * register.  Only there: asm in a loop keeps the C compiler from
 * vectorizing it.  (Guard bounds need GCC or Clang, mem.c.)
 */
#if defined(__GNUC__)
#define WRT_FORCE_READ(x) __asm__ volatile("" : : "r"(x))
#else
#define WRT_FORCE_READ(x) ((void)(x))
#endif

/*
 * The bounds seam: check [addr + off, addr + off + n) against size, the
 * memory's current size in bytes; nothing with guard bounds.
 */
#if WRT_GUARD
#define WRT_BOUNDS(rt, fn, size, addr, off, n) ((void)0)
#else
#define WRT_BOUNDS(rt, fn, size, addr, off, n)                              \
    do {                                                                    \
        if (WRT_UNLIKELY((uint64_t)(addr) + (uint64_t)(off) + (n) > (size))) \
            wrt_trap((rt), (fn), WRT_TRAP_OOB);                             \
    } while (0)
#endif

#if WRT_BIG_ENDIAN
#define WRT_SWAP16(x) __builtin_bswap16(x)
#define WRT_SWAP32(x) __builtin_bswap32(x)
#define WRT_SWAP64(x) __builtin_bswap64(x)
#else
#define WRT_SWAP16(x) (x)
#define WRT_SWAP32(x) (x)
#define WRT_SWAP64(x) (x)
#endif

/*
 * Loads and stores take the memory's view: base (mb) and size in bytes
 * (ms), which the caller keeps current.
 */
#define WRT_DEFINE_LOAD_STORE(NAME, T, SWAP)                                \
    static inline T                                                         \
    wrt_load_##NAME(WrtRt *rt, uint32_t fn, const uint8_t *mb, uint64_t ms, \
                    uint32_t addr, uint64_t off)                            \
    {                                                                       \
        T v;                                                                \
        (void)rt, (void)fn, (void)ms;                                       \
        WRT_BOUNDS(rt, fn, ms, addr, off, sizeof(T));                       \
        memcpy(&v, mb + (uint64_t)addr + off, sizeof(T));                   \
        return SWAP(v);                                                     \
    }                                                                       \
    static inline void                                                      \
    wrt_store_##NAME(WrtRt *rt, uint32_t fn, uint8_t *mb, uint64_t ms,      \
                     uint32_t addr, uint64_t off, T v)                      \
    {                                                                       \
        (void)rt, (void)fn, (void)ms;                                       \
        WRT_BOUNDS(rt, fn, ms, addr, off, sizeof(T));                       \
        v = SWAP(v);                                                        \
        memcpy(mb + (uint64_t)addr + off, &v, sizeof(T));                   \
    }

WRT_DEFINE_LOAD_STORE(u8, uint8_t, (uint8_t))
WRT_DEFINE_LOAD_STORE(u16, uint16_t, WRT_SWAP16)
WRT_DEFINE_LOAD_STORE(u32, uint32_t, WRT_SWAP32)
WRT_DEFINE_LOAD_STORE(u64, uint64_t, WRT_SWAP64)

static inline WRT_FPCALL float
wrt_load_f32(WrtRt *rt, uint32_t fn, const uint8_t *mb, uint64_t ms,
             uint32_t addr, uint64_t off)
{
    uint32_t u = wrt_load_u32(rt, fn, mb, ms, addr, off);
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static inline WRT_FPCALL double
wrt_load_f64(WrtRt *rt, uint32_t fn, const uint8_t *mb, uint64_t ms,
             uint32_t addr, uint64_t off)
{
    uint64_t u = wrt_load_u64(rt, fn, mb, ms, addr, off);
    double f;
    memcpy(&f, &u, 8);
    return f;
}

static inline WRT_FPCALL void
wrt_store_f32(WrtRt *rt, uint32_t fn, uint8_t *mb, uint64_t ms,
              uint32_t addr, uint64_t off, float v)
{
    uint32_t u;
    memcpy(&u, &v, 4);
    wrt_store_u32(rt, fn, mb, ms, addr, off, u);
}

static inline WRT_FPCALL void
wrt_store_f64(WrtRt *rt, uint32_t fn, uint8_t *mb, uint64_t ms,
              uint32_t addr, uint64_t off, double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    wrt_store_u64(rt, fn, mb, ms, addr, off, u);
}

/* Bulk memory (mem.c).  All trap with WRT_TRAP_OOB before touching memory. */
void wrt_memory_fill(WrtRt *rt, uint32_t fn, WrtMemory *m, uint32_t dst,
                     uint32_t val, uint32_t n);
void wrt_memory_copy(WrtRt *rt, uint32_t fn, WrtMemory *dm,
                     const WrtMemory *sm, uint32_t dst, uint32_t src,
                     uint32_t n);
/* memory.init from a segment of seglen bytes (0 once dropped). */
void wrt_memory_init_seg(WrtRt *rt, uint32_t fn, WrtMemory *m,
                         const uint8_t *seg, uint32_t seglen, uint32_t dst,
                         uint32_t src, uint32_t n);

/* ---- references and tables -------------------------------------------- */

/*
 * A function reference (funcref values are `const WrtFunc *`, NULL is
 * ref.null).  code is called as R (*)(void *ctx, params...) with ctx.
 * sig is the canonical signature string of the function's type (params,
 * ':' then results, letters as in opcodes.def, e.g. "ii:i"); generated code
 * emits one static string per distinct type, so equal types within a module
 * compare equal by pointer and across modules by content.
 */
typedef struct WrtFunc {
    const char *sig;
    void (*code)(void);
    void *ctx;
} WrtFunc;

/* externref values are `void *`; NULL is ref.null. */

/*
 * A table entry: the reference itself and, in a funcref table, a copy of
 * what a call through it needs, so that call_indirect loads the entry and
 * nothing else.  sig is NULL for ref.null (and in externref tables), which
 * no call site's signature equals: one pointer comparison checks both.
 */
typedef struct WrtTableEntry {
    const char *sig;
    void (*code)(void);
    void *ctx;
    void *ref;                  /* const WrtFunc *, externref or NULL */
} WrtTableEntry;

typedef struct WrtTable {
    WrtTableEntry *elems;       /* size entries */
    uint32_t size;
    uint32_t max;               /* effective maximum */
    WrtHeap *heap;              /* where elems lives (NULL: the C library) */
    int funcref;                /* entries are functions (else externref) */
} WrtTable;

int wrt_table_init(WrtTable *t, WrtHeap *heap, int funcref, uint32_t initial,
                   uint32_t max);
void wrt_table_free(WrtTable *t);

/* Store reference v in entry e of t. */
static inline void
wrt_table_put(const WrtTable *t, WrtTableEntry *e, void *v)
{
    const WrtFunc *f = (const WrtFunc *)v;

    e->ref = v;
    if (t->funcref && f != NULL) {
        e->sig = f->sig;
        e->code = f->code;
        e->ctx = f->ctx;
    } else {
        e->sig = NULL;
        e->code = NULL;
        e->ctx = NULL;
    }
}

/*
 * call_indirect: the entry at idx, checked: past the end traps
 * WRT_TRAP_UNDEF_ELEM, null traps WRT_TRAP_UNINIT_ELEM, a different type
 * traps WRT_TRAP_INDIRECT_TYPE.  The signature pointers differ also for
 * equal types of different modules: wrt_table_func_slow compares those.
 */
int wrt_sig_equal_slow(const char *a, const char *b);
void wrt_table_func_slow(WrtRt *rt, uint32_t fn, const WrtTableEntry *e,
                         const char *sig);

static inline const WrtTableEntry *
wrt_table_func(WrtRt *rt, uint32_t fn, const WrtTable *t, uint32_t idx,
               const char *sig)
{
    const WrtTableEntry *e;

    if (WRT_UNLIKELY(idx >= t->size))
        wrt_trap(rt, fn, WRT_TRAP_UNDEF_ELEM);
    e = &t->elems[idx];
    if (WRT_UNLIKELY(e->sig != sig))
        wrt_table_func_slow(rt, fn, e, sig);
    return e;
}

static inline void *
wrt_table_get(WrtRt *rt, uint32_t fn, const WrtTable *t, uint32_t idx)
{
    if (WRT_UNLIKELY(idx >= t->size))
        wrt_trap(rt, fn, WRT_TRAP_TABLE_OOB);
    return t->elems[idx].ref;
}

static inline void
wrt_table_set(WrtRt *rt, uint32_t fn, WrtTable *t, uint32_t idx, void *v)
{
    if (WRT_UNLIKELY(idx >= t->size))
        wrt_trap(rt, fn, WRT_TRAP_TABLE_OOB);
    wrt_table_put(t, &t->elems[idx], v);
}

static inline uint32_t
wrt_table_size(const WrtTable *t)
{
    return t->size;
}

/* table.grow: old size, or 0xFFFFFFFF. */
uint32_t wrt_table_grow(WrtTable *t, void *init, uint32_t delta);
void wrt_table_fill(WrtRt *rt, uint32_t fn, WrtTable *t, uint32_t i,
                    void *v, uint32_t n);
void wrt_table_copy(WrtRt *rt, uint32_t fn, WrtTable *dt, const WrtTable *st,
                    uint32_t dst, uint32_t src, uint32_t n);
/* table.init from a segment of seglen references (0 once dropped). */
void wrt_table_init_seg(WrtRt *rt, uint32_t fn, WrtTable *t,
                        void *const *seg, uint32_t seglen, uint32_t dst,
                        uint32_t src, uint32_t n);

/* ---- integer helpers -------------------------------------------------- */

static inline uint32_t
wrt_i32_clz(uint32_t x)
{
#if defined(__GNUC__)
    return x ? (uint32_t)__builtin_clz(x) : 32;
#else
    uint32_t n = 0;
    if (x == 0)
        return 32;
    while (!(x & 0x80000000u)) {
        x <<= 1;
        n++;
    }
    return n;
#endif
}

static inline uint32_t
wrt_i32_ctz(uint32_t x)
{
#if defined(__GNUC__)
    return x ? (uint32_t)__builtin_ctz(x) : 32;
#else
    uint32_t n = 0;
    if (x == 0)
        return 32;
    while (!(x & 1)) {
        x >>= 1;
        n++;
    }
    return n;
#endif
}

static inline uint32_t
wrt_i32_popcnt(uint32_t x)
{
#if defined(__GNUC__)
    return (uint32_t)__builtin_popcount(x);
#else
    uint32_t n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
#endif
}

static inline uint64_t
wrt_i64_clz(uint64_t x)
{
#if defined(__GNUC__)
    return x ? (uint64_t)__builtin_clzll(x) : 64;
#else
    return (x >> 32) ? wrt_i32_clz((uint32_t)(x >> 32))
                     : 32 + wrt_i32_clz((uint32_t)x);
#endif
}

static inline uint64_t
wrt_i64_ctz(uint64_t x)
{
#if defined(__GNUC__)
    return x ? (uint64_t)__builtin_ctzll(x) : 64;
#else
    return (uint32_t)x ? wrt_i32_ctz((uint32_t)x)
                       : 32 + wrt_i32_ctz((uint32_t)(x >> 32));
#endif
}

static inline uint64_t
wrt_i64_popcnt(uint64_t x)
{
    return wrt_i32_popcnt((uint32_t)x) + wrt_i32_popcnt((uint32_t)(x >> 32));
}

static inline uint32_t
wrt_i32_rotl(uint32_t x, uint32_t n)
{
    n &= 31;
    return (x << n) | (x >> ((32 - n) & 31));
}

static inline uint32_t
wrt_i32_rotr(uint32_t x, uint32_t n)
{
    n &= 31;
    return (x >> n) | (x << ((32 - n) & 31));
}

static inline uint64_t
wrt_i64_rotl(uint64_t x, uint64_t n)
{
    n &= 63;
    return (x << n) | (x >> ((64 - n) & 63));
}

static inline uint64_t
wrt_i64_rotr(uint64_t x, uint64_t n)
{
    n &= 63;
    return (x >> n) | (x << ((64 - n) & 63));
}

#define WRT_DEFINE_DIV(W, U, S, SMIN)                                       \
    static inline U                                                         \
    wrt_i##W##_div_s(WrtRt *rt, uint32_t fn, U a, U b)                      \
    {                                                                       \
        if (WRT_UNLIKELY(b == 0))                                           \
            wrt_trap(rt, fn, WRT_TRAP_DIV_ZERO);                            \
        if (WRT_UNLIKELY(a == (U)SMIN && b == (U)-1))                       \
            wrt_trap(rt, fn, WRT_TRAP_INT_OVERFLOW);                        \
        return (U)((S)a / (S)b);                                            \
    }                                                                       \
    static inline U                                                         \
    wrt_i##W##_div_u(WrtRt *rt, uint32_t fn, U a, U b)                      \
    {                                                                       \
        if (WRT_UNLIKELY(b == 0))                                           \
            wrt_trap(rt, fn, WRT_TRAP_DIV_ZERO);                            \
        return a / b;                                                       \
    }                                                                       \
    static inline U                                                         \
    wrt_i##W##_rem_s(WrtRt *rt, uint32_t fn, U a, U b)                      \
    {                                                                       \
        if (WRT_UNLIKELY(b == 0))                                           \
            wrt_trap(rt, fn, WRT_TRAP_DIV_ZERO);                            \
        if (WRT_UNLIKELY(b == (U)-1))                                       \
            return 0;                                                       \
        return (U)((S)a % (S)b);                                            \
    }                                                                       \
    static inline U                                                         \
    wrt_i##W##_rem_u(WrtRt *rt, uint32_t fn, U a, U b)                      \
    {                                                                       \
        if (WRT_UNLIKELY(b == 0))                                           \
            wrt_trap(rt, fn, WRT_TRAP_DIV_ZERO);                            \
        return a % b;                                                       \
    }

WRT_DEFINE_DIV(32, uint32_t, int32_t, 0x80000000u)
WRT_DEFINE_DIV(64, uint64_t, int64_t, 0x8000000000000000ull)

/* ---- float helpers ---------------------------------------------------- */

static inline WRT_FPCALL uint32_t
wrt_i32_reinterpret_f32(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static inline WRT_FPCALL uint64_t
wrt_i64_reinterpret_f64(double f)
{
    uint64_t u;
    memcpy(&u, &f, 8);
    return u;
}

static inline WRT_FPCALL float
wrt_f32_reinterpret_i32(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static inline WRT_FPCALL double
wrt_f64_reinterpret_i64(uint64_t u)
{
    double f;
    memcpy(&f, &u, 8);
    return f;
}

/* abs, neg and copysign act on the sign bit only, NaN payloads included. */
static inline WRT_FPCALL float
wrt_f32_abs(float x)
{
    return wrt_f32_reinterpret_i32(wrt_i32_reinterpret_f32(x) & 0x7FFFFFFFu);
}

static inline WRT_FPCALL float
wrt_f32_neg(float x)
{
    return wrt_f32_reinterpret_i32(wrt_i32_reinterpret_f32(x) ^ 0x80000000u);
}

static inline WRT_FPCALL float
wrt_f32_copysign(float x, float y)
{
    return wrt_f32_reinterpret_i32(
        (wrt_i32_reinterpret_f32(x) & 0x7FFFFFFFu) |
        (wrt_i32_reinterpret_f32(y) & 0x80000000u));
}

static inline WRT_FPCALL double
wrt_f64_abs(double x)
{
    return wrt_f64_reinterpret_i64(wrt_i64_reinterpret_f64(x) &
                                   0x7FFFFFFFFFFFFFFFull);
}

static inline WRT_FPCALL double
wrt_f64_neg(double x)
{
    return wrt_f64_reinterpret_i64(wrt_i64_reinterpret_f64(x) ^
                                   0x8000000000000000ull);
}

static inline WRT_FPCALL double
wrt_f64_copysign(double x, double y)
{
    return wrt_f64_reinterpret_i64(
        (wrt_i64_reinterpret_f64(x) & 0x7FFFFFFFFFFFFFFFull) |
        (wrt_i64_reinterpret_f64(y) & 0x8000000000000000ull));
}

/*
 * Rounding.  A NaN operand must give a quiet NaN (the spec's arithmetic NaN),
 * so NaNs are quieted by an addition first.  The rounding mode is always
 * nearest, ties to even: wasm code cannot change it.  Three ways, the first
 * two without libm, so that a library made by w2c links without -lm:
 *
 * - Where the target has rounding instructions (AArch64's frint*, SSE4.1's
 *   roundss/roundsd: the same split as wrt_simd.h), GCC and Clang turn the
 *   builtins into one instruction each, at every optimisation level.
 * - Else, where float arithmetic is done in the type itself
 *   (FLT_EVAL_METHOD 0: SSE2, NEON, ...), by hand: for |x| below 2^52
 *   (f64) or 2^23 (f32), (|x| + 2^52) - 2^52 is |x| rounded to nearest,
 *   ties to even.  ceil, floor and trunc then step by one where that went
 *   the wrong way, which makes them right in any rounding mode.  The sign
 *   is copied back last, so -0.5 rounds to -0.  Larger magnitudes and
 *   infinities are already integral.
 * - Elsewhere (x87 excess precision) libm does it; libm may hand a
 *   signalling NaN back unchanged, hence the quieting there too.
 */
#define WRT_DEFINE_ROUND_CALL(T, N, OP, FN)                                 \
    static inline WRT_FPCALL T                                              \
    wrt_##N##_##OP(T x)                                                     \
    {                                                                       \
        if (WRT_UNLIKELY(x != x))                                           \
            return x + x;                                                   \
        return FN(x);                                                       \
    }

#if defined(__GNUC__) && (defined(__aarch64__) || defined(__SSE4_1__))
#define WRT_DEFINE_ROUND(T, N, OP, MODE, FN)                                \
    WRT_DEFINE_ROUND_CALL(T, N, OP, __builtin_##FN)
#elif defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
enum { WRT_ROUND_NEAREST, WRT_ROUND_CEIL, WRT_ROUND_FLOOR, WRT_ROUND_TRUNC };

#define WRT_DEFINE_ROUND_ANY(T, N, BIG)                                     \
    static inline WRT_FPCALL T                                              \
    wrt_##N##_round_(T x, int mode)                                         \
    {                                                                       \
        T ax = wrt_##N##_abs(x), r;                                         \
        if (WRT_UNLIKELY(x != x))                                           \
            return x + x;                                                   \
        if (!(ax < (BIG)))                                                  \
            return x;                                                       \
        r = (ax + (BIG)) - (BIG);                                           \
        switch (mode) {                                                     \
        case WRT_ROUND_CEIL:                                                \
            r = wrt_##N##_copysign(r, x);                                   \
            if (r < x)                                                      \
                r += 1;                                                     \
            break;                                                          \
        case WRT_ROUND_FLOOR:                                               \
            r = wrt_##N##_copysign(r, x);                                   \
            if (r > x)                                                      \
                r -= 1;                                                     \
            break;                                                          \
        case WRT_ROUND_TRUNC:                                               \
            if (r > ax)                                                     \
                r -= 1;                                                     \
            break;                                                          \
        default:                                                            \
            break;                                                          \
        }                                                                   \
        return wrt_##N##_copysign(r, x);                                    \
    }

WRT_DEFINE_ROUND_ANY(float, f32, 8388608.0f)
WRT_DEFINE_ROUND_ANY(double, f64, 4503599627370496.0)

#define WRT_DEFINE_ROUND(T, N, OP, MODE, FN)                                \
    static inline WRT_FPCALL T                                              \
    wrt_##N##_##OP(T x)                                                     \
    {                                                                       \
        return wrt_##N##_round_(x, MODE);                                   \
    }
#else
#define WRT_DEFINE_ROUND(T, N, OP, MODE, FN)                                \
    WRT_DEFINE_ROUND_CALL(T, N, OP, FN)
#endif

WRT_DEFINE_ROUND(float, f32, ceil, WRT_ROUND_CEIL, ceilf)
WRT_DEFINE_ROUND(float, f32, floor, WRT_ROUND_FLOOR, floorf)
WRT_DEFINE_ROUND(float, f32, trunc, WRT_ROUND_TRUNC, truncf)
WRT_DEFINE_ROUND(float, f32, nearest, WRT_ROUND_NEAREST, nearbyintf)
WRT_DEFINE_ROUND(double, f64, ceil, WRT_ROUND_CEIL, ceil)
WRT_DEFINE_ROUND(double, f64, floor, WRT_ROUND_FLOOR, floor)
WRT_DEFINE_ROUND(double, f64, trunc, WRT_ROUND_TRUNC, trunc)
WRT_DEFINE_ROUND(double, f64, nearest, WRT_ROUND_NEAREST, nearbyint)

/*
 * sqrt without floating point or libm, correctly rounded (to nearest, ties
 * to even) as IEEE requires: the significand's root digit by digit in
 * integers.  Freestanding builds use it, since a board's C compiler may
 * have neither a sqrt instruction nor a libm to call.
 *
 * wrt_sqrt_digits_: floor(sqrt(m * 4^k)) for m < 4^n, two radicand bits
 * per step; *inexact tells whether a remainder was left.
 */
static inline uint64_t
wrt_sqrt_digits_(uint64_t m, unsigned n, unsigned k, int *inexact)
{
    uint64_t q = 0, r = 0, t;
    unsigned i;

    for (i = 0; i < n + k; i++) {
        r = (r << 2) | (i < n ? (m >> (2 * (n - 1 - i))) & 3 : 0);
        t = (q << 2) | 1;
        q <<= 1;
        if (r >= t) {
            r -= t;
            q |= 1;
        }
    }
    *inexact = r != 0;
    return q;
}

/*
 * x = m * 2^e with m's top bit at `top` and e even; q = floor(sqrt(m *
 * 4^k)) has one bit more than the significand (its last is the rounding
 * bit).  Returns the result's significand with the implicit bit, and its
 * exponent in *eo (result = significand * 2^*eo).
 */
static inline uint64_t
wrt_sqrt_round_(uint64_t m, int e, unsigned n, unsigned k, int *eo)
{
    int inexact;
    uint64_t q = wrt_sqrt_digits_(m, n, k, &inexact);
    uint64_t sig = q >> 1;

    if ((q & 1) && (inexact || (sig & 1)))
        sig++;
    *eo = e / 2 - (int)k + 1;
    return sig;
}

static inline WRT_FPCALL float
wrt_f32_sqrt_soft(float x)
{
    uint32_t b = wrt_i32_reinterpret_f32(x), ex = (b >> 23) & 0xFF;
    uint64_t m = b & 0x7FFFFFu, sig;
    int e, eo;

    if (ex == 0xFF)             /* NaN (quieted), +inf; -inf: NaN */
        return (b & 0x7FFFFFu) != 0 ? x + x
               : b >> 31 ? wrt_f32_reinterpret_i32(0x7FC00000u) : x;
    if ((b & 0x7FFFFFFFu) == 0)
        return x;               /* +-0 */
    if (b >> 31)
        return wrt_f32_reinterpret_i32(0x7FC00000u);
    if (ex == 0) {              /* subnormal: normalise */
        e = 1;
        while (!(m >> 23)) {
            m <<= 1;
            e--;
        }
    } else {
        m |= 0x800000u;
        e = (int)ex;
    }
    e -= 127 + 24;              /* x = m * 2^e, m in [2^24, 2^25) */
    m <<= 1;
    if (e & 1) {
        m <<= 1;
        e--;
    }
    sig = wrt_sqrt_round_(m, e, 13, 12, &eo);  /* 24 bits, maybe 2^24 */
    if (sig >> 24) {
        sig >>= 1;
        eo++;
    }
    return wrt_f32_reinterpret_i32(((uint32_t)(eo + 23 + 127) << 23) |
                                   ((uint32_t)sig & 0x7FFFFFu));
}

static inline WRT_FPCALL double
wrt_f64_sqrt_soft(double x)
{
    const uint64_t frac = 0xFFFFFFFFFFFFFull;
    uint64_t b = wrt_i64_reinterpret_f64(x), m = b & frac, sig;
    unsigned ex = (unsigned)(b >> 52) & 0x7FF;
    int e, eo;

    if (ex == 0x7FF)
        return (b & frac) != 0 ? x + x
               : b >> 63 ? wrt_f64_reinterpret_i64(0x7FF8000000000000ull)
                         : x;
    if ((b << 1) == 0)
        return x;
    if (b >> 63)
        return wrt_f64_reinterpret_i64(0x7FF8000000000000ull);
    if (ex == 0) {
        e = 1;
        while (!(m >> 52)) {
            m <<= 1;
            e--;
        }
    } else {
        m |= frac + 1;
        e = (int)ex;
    }
    e -= 1023 + 52;             /* x = m * 2^e, m in [2^52, 2^53) */
    if (e & 1) {
        m <<= 1;
        e--;
    }
    sig = wrt_sqrt_round_(m, e, 27, 27, &eo);  /* 53 bits, maybe 2^53 */
    if (sig >> 53) {
        sig >>= 1;
        eo++;
    }
    return wrt_f64_reinterpret_i64(((uint64_t)(eo + 52 + 1023) << 52) |
                                   (sig & frac));
}

/*
 * sqrt is an IEEE operation: the hardware quiets NaNs itself.  The builtin
 * becomes one instruction wherever there is one, even at -O0, so with
 * -fno-math-errno (libraries) nothing refers to libm.  Freestanding: the
 * integer version above.
 */
#if !__STDC_HOSTED__
static inline WRT_FPCALL float
wrt_f32_sqrt(float x)
{
    return wrt_f32_sqrt_soft(x);
}

static inline WRT_FPCALL double
wrt_f64_sqrt(double x)
{
    return wrt_f64_sqrt_soft(x);
}
#elif defined(__GNUC__)
static inline WRT_FPCALL float
wrt_f32_sqrt(float x)
{
    return __builtin_sqrtf(x);
}

static inline WRT_FPCALL double
wrt_f64_sqrt(double x)
{
    return __builtin_sqrt(x);
}
#else
static inline WRT_FPCALL float
wrt_f32_sqrt(float x)
{
    return sqrtf(x);
}

static inline WRT_FPCALL double
wrt_f64_sqrt(double x)
{
    return sqrt(x);
}
#endif

/*
 * demote and promote: the hardware quiets a NaN, but a C compiler may fold
 * (f32)(f64)x back to x, or convert at compile time, and keep a signalling
 * NaN.  So NaNs are converted by hand: sign kept, quiet bit set, the high
 * payload bits carried over (a canonical NaN stays canonical).
 */
static inline WRT_FPCALL float
wrt_f32_demote_f64(double x)
{
    if (WRT_UNLIKELY(x != x)) {
        uint64_t u = wrt_i64_reinterpret_f64(x);
        return wrt_f32_reinterpret_i32(
            ((uint32_t)(u >> 32) & 0x80000000u) | 0x7FC00000u |
            ((uint32_t)(u >> 29) & 0x003FFFFFu));
    }
    return (float)x;
}

static inline WRT_FPCALL double
wrt_f64_promote_f32(float x)
{
    if (WRT_UNLIKELY(x != x)) {
        uint32_t u = wrt_i32_reinterpret_f32(x);
        return wrt_f64_reinterpret_i64(
            ((uint64_t)(u & 0x80000000u) << 32) | 0x7FF8000000000000ull |
            ((uint64_t)(u & 0x003FFFFFu) << 29));
    }
    return (double)x;
}

/*
 * min and max: a NaN operand gives a NaN (x + y propagates a quiet one);
 * -0 is less than +0.
 */
#define WRT_DEFINE_MINMAX(T, N)                                             \
    static inline WRT_FPCALL T                                              \
    wrt_##N##_min(T x, T y)                                                 \
    {                                                                       \
        if (x != x || y != y)                                               \
            return x + y;                                                   \
        if (x == 0 && y == 0)                                               \
            return WRT_SIGNBIT(x) ? x : y;                                  \
        return x < y ? x : y;                                               \
    }                                                                       \
    static inline WRT_FPCALL T                                              \
    wrt_##N##_max(T x, T y)                                                 \
    {                                                                       \
        if (x != x || y != y)                                               \
            return x + y;                                                   \
        if (x == 0 && y == 0)                                               \
            return WRT_SIGNBIT(x) ? y : x;                                  \
        return x > y ? x : y;                                               \
    }

WRT_DEFINE_MINMAX(float, f32)
WRT_DEFINE_MINMAX(double, f64)

/*
 * Trapping float-to-int: NaN traps WRT_TRAP_INVALID_CONV, a value whose
 * truncation is out of range traps WRT_TRAP_INT_OVERFLOW.  LO and HI are
 * exclusive bounds, exactly representable in the source type.
 */
#define WRT_DEFINE_TRUNC(NAME, F, R, CAST, LO, HI)                          \
    static inline WRT_FPCALL R                                              \
    wrt_##NAME(WrtRt *rt, uint32_t fn, F x)                                 \
    {                                                                       \
        if (WRT_UNLIKELY(x != x))                                           \
            wrt_trap(rt, fn, WRT_TRAP_INVALID_CONV);                        \
        if (WRT_UNLIKELY(!(x > (LO) && x < (HI))))                          \
            wrt_trap(rt, fn, WRT_TRAP_INT_OVERFLOW);                        \
        return (R)(CAST)x;                                                  \
    }

WRT_DEFINE_TRUNC(i32_trunc_f32_s, float, uint32_t, int32_t,
                 -2147483904.0f, 2147483648.0f)
WRT_DEFINE_TRUNC(i32_trunc_f32_u, float, uint32_t, uint32_t,
                 -1.0f, 4294967296.0f)
WRT_DEFINE_TRUNC(i32_trunc_f64_s, double, uint32_t, int32_t,
                 -2147483649.0, 2147483648.0)
WRT_DEFINE_TRUNC(i32_trunc_f64_u, double, uint32_t, uint32_t,
                 -1.0, 4294967296.0)
WRT_DEFINE_TRUNC(i64_trunc_f32_s, float, uint64_t, int64_t,
                 -9223373136366403584.0f, 9223372036854775808.0f)
WRT_DEFINE_TRUNC(i64_trunc_f32_u, float, uint64_t, uint64_t,
                 -1.0f, 18446744073709551616.0f)
WRT_DEFINE_TRUNC(i64_trunc_f64_s, double, uint64_t, int64_t,
                 -9223372036854777856.0, 9223372036854775808.0)
WRT_DEFINE_TRUNC(i64_trunc_f64_u, double, uint64_t, uint64_t,
                 -1.0, 18446744073709551616.0)

/* Saturating float-to-int: NaN gives 0, out of range clamps. */
#define WRT_DEFINE_TRUNC_SAT(NAME, F, R, CAST, LO, HI, RMIN, RMAX)          \
    static inline WRT_FPCALL R                                              \
    wrt_##NAME(F x)                                                         \
    {                                                                       \
        if (x != x)                                                         \
            return 0;                                                       \
        if (!(x > (LO)))                                                    \
            return (R)(RMIN);                                               \
        if (!(x < (HI)))                                                    \
            return (R)(RMAX);                                               \
        return (R)(CAST)x;                                                  \
    }

WRT_DEFINE_TRUNC_SAT(i32_trunc_sat_f32_s, float, uint32_t, int32_t,
                     -2147483904.0f, 2147483648.0f,
                     0x80000000u, 0x7FFFFFFFu)
WRT_DEFINE_TRUNC_SAT(i32_trunc_sat_f32_u, float, uint32_t, uint32_t,
                     -1.0f, 4294967296.0f, 0u, 0xFFFFFFFFu)
WRT_DEFINE_TRUNC_SAT(i32_trunc_sat_f64_s, double, uint32_t, int32_t,
                     -2147483649.0, 2147483648.0,
                     0x80000000u, 0x7FFFFFFFu)
WRT_DEFINE_TRUNC_SAT(i32_trunc_sat_f64_u, double, uint32_t, uint32_t,
                     -1.0, 4294967296.0, 0u, 0xFFFFFFFFu)
WRT_DEFINE_TRUNC_SAT(i64_trunc_sat_f32_s, float, uint64_t, int64_t,
                     -9223373136366403584.0f, 9223372036854775808.0f,
                     0x8000000000000000ull, 0x7FFFFFFFFFFFFFFFull)
WRT_DEFINE_TRUNC_SAT(i64_trunc_sat_f32_u, float, uint64_t, uint64_t,
                     -1.0f, 18446744073709551616.0f,
                     0ull, 0xFFFFFFFFFFFFFFFFull)
WRT_DEFINE_TRUNC_SAT(i64_trunc_sat_f64_s, double, uint64_t, int64_t,
                     -9223372036854777856.0, 9223372036854775808.0,
                     0x8000000000000000ull, 0x7FFFFFFFFFFFFFFFull)
WRT_DEFINE_TRUNC_SAT(i64_trunc_sat_f64_u, double, uint64_t, uint64_t,
                     -1.0, 18446744073709551616.0,
                     0ull, 0xFFFFFFFFFFFFFFFFull)

/* Float constants from exact bit patterns (NaN payloads survive). */
#define WRT_F32(bits) wrt_f32_reinterpret_i32(bits)
#define WRT_F64(bits) wrt_f64_reinterpret_i64(bits)

/* 128-bit SIMD: the v128 type and one helper per vector instruction. */
#include "wrt_simd.h"

#endif /* WRT_H */
