/*
 * test_rt.c - unit tests for rt/: memory grow and limits, bounds checks at
 * the exact boundary, the little-endian image of memory at any alignment
 * (NaN bits included), bulk memory and table operations, table growth, the
 * landing pad (nesting, depth restore, exit) and call-depth exhaustion.
 * Exits 0 when every check passes; prints each failure with its line.
 */
#define _POSIX_C_SOURCE 200809L

#include "wrt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const char *const names[] = {"zero", "one", "deep"};

/* What a test thunk works on: one runtime, one memory, one table. */
typedef struct Env {
    WrtRt rt;
    WrtMemory mem;
    WrtTable tab;
    uint32_t addr;
    uint64_t off;
    uint32_t a, b, n;
    uint32_t result;
    int reached;
} Env;

static int
all_zero(const uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (p[i] != 0)
            return 0;
    return 1;
}

/* ---- memory ------------------------------------------------------------- */

static void
test_memory_grow(void)
{
    WrtMemory m;
    uint32_t i;

    CHECK(wrt_memory_init(&m, NULL, 1, 3) == 0);
    CHECK(wrt_memory_size(&m) == 1);
    CHECK(all_zero(m.base, WRT_PAGE_SIZE));
    memset(m.base, 0xAB, WRT_PAGE_SIZE);
    CHECK(wrt_memory_grow(&m, 0) == 1);
    CHECK(wrt_memory_grow(&m, 1) == 1);
    CHECK(m.base[0] == 0xAB && m.base[WRT_PAGE_SIZE - 1] == 0xAB);
    CHECK(all_zero(m.base + WRT_PAGE_SIZE, WRT_PAGE_SIZE));
    CHECK(wrt_memory_grow(&m, 2) == 0xFFFFFFFFu);   /* past max 3 */
    CHECK(wrt_memory_size(&m) == 2);
    CHECK(wrt_memory_grow(&m, 0xFFFFFFFFu) == 0xFFFFFFFFu);
    CHECK(wrt_memory_grow(&m, 1) == 2);
    CHECK(wrt_memory_size(&m) == 3);
    CHECK(m.size == 3u * WRT_PAGE_SIZE);
    CHECK(wrt_memory_grow(&m, 1) == 0xFFFFFFFFu);
    wrt_memory_free(&m);
    CHECK(m.base == NULL && m.size == 0);

    /* Initial size 0, no storage; growing one page at a time is zeroed. */
    CHECK(wrt_memory_init(&m, NULL, 0, 65536) == 0);
    CHECK(m.size == 0);
    for (i = 0; i < 20; i++) {
        CHECK(wrt_memory_grow(&m, 1) == i);
        CHECK(all_zero(m.base + (size_t)i * WRT_PAGE_SIZE, WRT_PAGE_SIZE));
        memset(m.base + (size_t)i * WRT_PAGE_SIZE, 0x5A, WRT_PAGE_SIZE);
    }
    CHECK(m.capacity >= m.size);
    wrt_memory_free(&m);

    /* max 0: nothing may ever be allocated. */
    CHECK(wrt_memory_init(&m, NULL, 0, 0) == 0);
    CHECK(wrt_memory_grow(&m, 0) == 0);
    CHECK(wrt_memory_grow(&m, 1) == 0xFFFFFFFFu);
    wrt_memory_free(&m);

    /* initial above max is the caller's error, reported, not trapped. */
    CHECK(wrt_memory_init(&m, NULL, 2, 1) == -1);
    wrt_memory_free(&m);
}

static void
load_u32(void *p)
{
    Env *e = p;

    e->result = wrt_load_u32(&e->rt, 1, e->mem.base, e->mem.size, e->addr, e->off);
    e->reached = 1;
}

static void
store_u8(void *p)
{
    Env *e = p;

    wrt_store_u8(&e->rt, 1, e->mem.base, e->mem.size, e->addr, e->off, 0x77);
    e->reached = 1;
}

/* Load at addr + off with a 4-byte access; returns the trap. */
static WrtTrap
try_load(Env *e, uint32_t addr, uint64_t off)
{
    e->addr = addr;
    e->off = off;
    e->reached = 0;
    return wrt_call(&e->rt, load_u32, e);
}

/*
 * A heap in a buffer (P_new_in): blocks from the top, the block on top
 * given back and resized in place, the memory at the bottom growing until
 * it meets the blocks, tables in the heap, nothing outside the buffer.
 */
static void
test_heap(void)
{
    static unsigned char buf[3 * 65536 - 4096 + 3];
    unsigned char *lo = buf + 3, *hi = buf + sizeof buf;   /* misaligned */
    WrtHeap *h;
    WrtMemory m;
    WrtTable t;
    uint8_t *a, *b, *c;
    void *fake = &m;

    CHECK(wrt_heap_in(buf, 8) == NULL);
    CHECK(wrt_heap_in(NULL, 4096) == NULL);
    memset(buf, 0xAB, sizeof buf);
    h = wrt_heap_in(lo, (size_t)(hi - lo));
    CHECK(h != NULL && (unsigned char *)h >= lo);

    a = wrt_heap_alloc(h, 100);
    CHECK(a != NULL && ((uintptr_t)a & 15) == 0 && a + 100 <= hi);
    CHECK(all_zero(a, 100));
    b = wrt_heap_alloc(h, 10);
    CHECK(b != NULL && b + 10 <= a);
    memcpy(b, "0123456789", 10);
    c = wrt_heap_realloc(h, b, 10, 4000);   /* b on top: moved down */
    CHECK(c != NULL && c + 4000 <= a && memcmp(c, "0123456789", 10) == 0);
    c = wrt_heap_realloc(h, c, 4000, 5);    /* and back up again */
    CHECK(c != NULL && memcmp(c, "01234", 5) == 0);
    wrt_heap_free(h, c);
    b = wrt_heap_alloc(h, 10);
    CHECK(b == c);                          /* the top was given back */
    wrt_heap_free(h, a);                    /* not on top: stays taken */
    CHECK(wrt_heap_alloc(h, (size_t)-1) == NULL);

    /* the memory: 1 page, then up to what the blocks leave */
    CHECK(wrt_memory_init(&m, h, 1, 8) == 0);
    CHECK(m.base != NULL && (unsigned char *)m.base >= lo &&
          m.base + m.size <= b && all_zero(m.base, 65536));
    CHECK(wrt_memory_grow(&m, 1) == 1 && all_zero(m.base, 2 * 65536));
    CHECK(wrt_table_init(&t, h, 0, 4, 100) == 0 && t.elems != NULL);
    CHECK((uint8_t *)(t.elems + 4) <= b && (uint8_t *)t.elems >= m.base +
          m.size);
    wrt_table_put(&t, &t.elems[0], fake);
    CHECK(wrt_table_grow(&t, NULL, 60) == 4 && t.elems[0].ref == fake &&
          t.elems[63].ref == NULL);
    CHECK(wrt_memory_grow(&m, 1) == 0xFFFFFFFFu);   /* no room left */
    CHECK(wrt_memory_size(&m) == 2);
    {
        WrtMemory second;       /* one memory per heap */
        CHECK(wrt_memory_init(&second, h, 0, 1) == -1);
    }
    wrt_table_free(&t);
    wrt_memory_free(&m);
    CHECK(wrt_memory_init(&m, h, 2, 2) == 0);      /* the room came back */
    CHECK(wrt_memory_size(&m) == 2);
    wrt_memory_free(&m);
    CHECK(wrt_memory_init(&m, h, 3, 3) == -1);
    CHECK(m.base == NULL && h->mem == NULL);
    CHECK(buf[0] == 0xAB && buf[1] == 0xAB && buf[2] == 0xAB);
}

/*
 * What a heap in a buffer does when it is out of room: a resize that fails
 * leaves the block and the heap as they were (the block on top too, which
 * is taken off first), a table that does not fit or cannot grow is
 * refused, and a memory of size 0 that cannot grow gives the bottom back.
 * Also: resizing NULL allocates, a block not on top is copied and its old
 * room stays taken, and a buffer wrapping around the address space is
 * refused.
 */
static void
test_heap_errors(void)
{
    static unsigned char buf[4096];
    WrtHeap *h = wrt_heap_in(buf, sizeof buf);
    uint8_t *a, *b, *c, *high;
    WrtMemory m;
    WrtTable t;
    void *fake = &t;

    CHECK(wrt_heap_in(buf + 16, (size_t)-1) == NULL);
    CHECK(h != NULL);
    if (h == NULL)
        return;
    wrt_heap_free(h, NULL);
    high = h->high;
    a = wrt_heap_realloc(h, NULL, 0, 32);
    CHECK(a != NULL && h->high == high - 48);
    memcpy(a, "abc", 4);
    b = wrt_heap_alloc(h, 16);
    CHECK(b != NULL && b + 16 <= a);
    high = h->high;
    c = wrt_heap_realloc(h, a, 32, 64);     /* a is under b: copied */
    CHECK(c != NULL && c + 64 <= b && memcmp(c, "abc", 4) == 0);
    CHECK(h->high == high - 80);

    high = h->high;
    CHECK(wrt_heap_realloc(h, c, 64, sizeof buf) == NULL);     /* on top */
    CHECK(wrt_heap_realloc(h, c, 64, (size_t)-1) == NULL);
    CHECK(wrt_heap_realloc(h, b, 16, sizeof buf) == NULL);     /* not */
    CHECK(wrt_heap_alloc(h, sizeof buf) == NULL);
    CHECK(h->high == high && memcmp(c, "abc", 4) == 0);
    wrt_heap_free(h, c);
    CHECK(h->high == high + 80);
    high = h->high;

    CHECK(wrt_table_init(&t, h, 0, 1000, 1000) == -1 && t.elems == NULL);
    wrt_table_free(&t);
    CHECK(h->high == high);
    CHECK(wrt_table_init(&t, h, 0, 2, 1000) == 0);
    wrt_table_put(&t, &t.elems[1], fake);
    CHECK(wrt_table_grow(&t, NULL, 900) == 0xFFFFFFFFu);
    CHECK(wrt_table_size(&t) == 2 && t.elems[1].ref == fake);
    CHECK(wrt_table_grow(&t, NULL, 1) == 2 && t.elems[1].ref == fake);
    wrt_table_free(&t);
    CHECK(h->high == high);                 /* it was on top */

    CHECK(wrt_memory_init(&m, h, 0, 1) == 0);
    CHECK(m.base != NULL && h->mem == m.base && m.size == 0);
    CHECK(wrt_memory_grow(&m, 1) == 0xFFFFFFFFu);
    CHECK(m.base == NULL && h->mem == NULL && m.size == 0);
    wrt_memory_free(&m);
    CHECK(wrt_memory_init(&m, h, 0, 1) == 0 && h->mem == m.base);
    wrt_memory_free(&m);
    CHECK(h->mem == NULL);
}

/*
 * The integer sqrt of freestanding builds gives the bits this machine's
 * IEEE sqrt gives (NaN for NaN): every exponent, subnormals, squares and
 * the values next to them, and random bit patterns.
 */
static uint64_t
next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int
same_f32(float a, float b)
{
    return a != a ? b != b : wrt_i32_reinterpret_f32(a) ==
                             wrt_i32_reinterpret_f32(b);
}

static int
same_f64(double a, double b)
{
    return a != a ? b != b : wrt_i64_reinterpret_f64(a) ==
                             wrt_i64_reinterpret_f64(b);
}

static void
test_soft_sqrt(void)
{
    static const uint32_t f32s[] = {0, 0x80000000u, 1, 0x7FFFFF, 0x800000,
                                    0x3F800000u, 0x40000000u, 0x7F7FFFFFu,
                                    0x7F800000u, 0xFF800000u, 0x7FC00000u,
                                    0x7FA00001u, 0xBF800000u, 0x80000001u};
    static const uint64_t f64s[] = {0, 0x8000000000000000ull, 1,
                                    0xFFFFFFFFFFFFFull, 0x10000000000000ull,
                                    0x3FF0000000000000ull,
                                    0x7FEFFFFFFFFFFFFFull,
                                    0x7FF0000000000000ull,
                                    0xFFF0000000000000ull,
                                    0x7FF4000000000001ull,
                                    0xBFF0000000000000ull};
    uint64_t s = 0x9E3779B97F4A7C15ull;
    size_t i;
    int bad = 0;

    for (i = 0; i < sizeof f32s / sizeof f32s[0]; i++) {
        float x = wrt_f32_reinterpret_i32(f32s[i]);
        bad += !same_f32(wrt_f32_sqrt_soft(x), sqrtf(x));
    }
    for (i = 0; i < sizeof f64s / sizeof f64s[0]; i++) {
        double x = wrt_f64_reinterpret_i64(f64s[i]);
        bad += !same_f64(wrt_f64_sqrt_soft(x), sqrt(x));
    }
    for (i = 1; i < 20000; i++) {
        float xf = wrt_f32_reinterpret_i32((uint32_t)next_random(&s));
        double xd = wrt_f64_reinterpret_i64(next_random(&s));
        double sq = (double)(i * 7919u);
        float sqf = (float)(i % 4096u);

        bad += !same_f32(wrt_f32_sqrt_soft(xf), sqrtf(xf));
        bad += !same_f64(wrt_f64_sqrt_soft(xd), sqrt(xd));
        /* exact squares and their neighbours: the rounding cases */
        sq *= sq;
        sqf *= sqf;
        bad += !same_f64(wrt_f64_sqrt_soft(sq), sqrt(sq));
        bad += !same_f64(wrt_f64_sqrt_soft(nextafter(sq, 0)),
                         sqrt(nextafter(sq, 0)));
        bad += !same_f64(wrt_f64_sqrt_soft(nextafter(sq, 1e300)),
                         sqrt(nextafter(sq, 1e300)));
        bad += !same_f32(wrt_f32_sqrt_soft(sqf), sqrtf(sqf));
        bad += !same_f32(wrt_f32_sqrt_soft(nextafterf(sqf, 1e30f)),
                         sqrtf(nextafterf(sqf, 1e30f)));
    }
    CHECK(bad == 0);
}

/*
 * ceil, floor, trunc and nearest give the bits libm gives (NaN for NaN,
 * and quiet): halves, both zeros, the edge of the integral range,
 * infinities, signalling NaNs and random bit patterns.
 */
#define CHECK_ROUND(SAME, T, N, SFX, x)                                     \
    do {                                                                    \
        T x_ = (x);                                                         \
        bad += !SAME(wrt_##N##_ceil(x_), ceil##SFX(x_));                    \
        bad += !SAME(wrt_##N##_floor(x_), floor##SFX(x_));                  \
        bad += !SAME(wrt_##N##_trunc(x_), trunc##SFX(x_));                  \
        bad += !SAME(wrt_##N##_nearest(x_), nearbyint##SFX(x_));            \
    } while (0)
#define CHECK_ROUND_F32(x) CHECK_ROUND(same_f32, float, f32, f, x)
#define CHECK_ROUND_F64(x) CHECK_ROUND(same_f64, double, f64, , x)

static int
quiet_f32(float x)
{
    return x == x || (wrt_i32_reinterpret_f32(x) & 0x00400000u) != 0;
}

static int
quiet_f64(double x)
{
    return x == x ||
           (wrt_i64_reinterpret_f64(x) & 0x0008000000000000ull) != 0;
}

static void
test_rounding(void)
{
    static const float f32s[] = {0.0f, -0.0f, 0.5f, -0.5f, 1.5f, -1.5f,
                                 2.5f, -2.5f, 0.49999997f, -0.49999997f,
                                 8388607.5f, -8388607.5f, 8388608.0f,
                                 16777215.0f, 1e30f, -1e-30f, 1e-45f};
    static const double f64s[] = {0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5,
                                  -2.5, 0.49999999999999994,
                                  4503599627370495.5, -4503599627370495.5,
                                  4503599627370496.0, 9007199254740991.0,
                                  1e300, -1e-300, 5e-324};
    static const uint32_t f32inf_nan[] = {0x7F800000u, 0xFF800000u,
                                          0x7FA00001u, 0xFFC00000u};
    static const uint64_t f64inf_nan[] = {0x7FF0000000000000ull,
                                          0xFFF0000000000000ull,
                                          0x7FF4000000000001ull,
                                          0xFFF8000000000000ull};
    uint64_t s = 0x2545F4914F6CDD1Dull;
    size_t i;
    int bad = 0;

    for (i = 0; i < sizeof f32s / sizeof f32s[0]; i++)
        CHECK_ROUND_F32(f32s[i]);
    for (i = 0; i < sizeof f64s / sizeof f64s[0]; i++)
        CHECK_ROUND_F64(f64s[i]);
    for (i = 0; i < 4; i++) {
        float xf = wrt_f32_reinterpret_i32(f32inf_nan[i]);
        double xd = wrt_f64_reinterpret_i64(f64inf_nan[i]);

        CHECK_ROUND_F32(xf);
        CHECK_ROUND_F64(xd);
        bad += !quiet_f32(wrt_f32_ceil(xf)) + !quiet_f32(wrt_f32_nearest(xf));
        bad += !quiet_f64(wrt_f64_floor(xd)) + !quiet_f64(wrt_f64_trunc(xd));
    }
    for (i = 0; i < 20000; i++) {
        uint64_t r = next_random(&s);
        /* mostly magnitudes near the integers, where rounding acts */
        uint32_t bf = ((uint32_t)r & 0x807FFFFFu) |
                      ((uint32_t)(120 + (r >> 32) % 40) << 23);
        uint64_t bd = (next_random(&s) & 0x800FFFFFFFFFFFFFull) |
                      ((uint64_t)(1016 + (r >> 40) % 48) << 52);

        CHECK_ROUND_F32(wrt_f32_reinterpret_i32(bf));
        CHECK_ROUND_F64(wrt_f64_reinterpret_i64(bd));
        CHECK_ROUND_F32(wrt_f32_reinterpret_i32((uint32_t)r));
        CHECK_ROUND_F64(wrt_f64_reinterpret_i64(r));
    }
    CHECK(bad == 0);
}

static void
test_bounds(void)
{
    Env e;
    uint32_t size = 2 * WRT_PAGE_SIZE;

    wrt_rt_init(&e.rt, names, 3, 100);
    CHECK(wrt_memory_init(&e.mem, NULL, 2, 2) == 0);
    e.mem.base[size - 4] = 0x01;
    e.mem.base[size - 1] = 0x04;

    CHECK(try_load(&e, size - 4, 0) == WRT_TRAP_NONE && e.reached);
    CHECK(e.result == 0x04000001u);     /* little-endian */
    CHECK(try_load(&e, size - 8, 4) == WRT_TRAP_NONE && e.reached);
    CHECK(try_load(&e, size - 3, 0) == WRT_TRAP_OOB && !e.reached);
    CHECK(e.rt.trap == WRT_TRAP_OOB && e.rt.trap_func == 1);
    CHECK(strcmp(wrt_trap_func_name(&e.rt), "one") == 0);
    CHECK(try_load(&e, size - 4, 1) == WRT_TRAP_OOB);
    CHECK(try_load(&e, size, 0) == WRT_TRAP_OOB);
    /* addr + off past 2^32 must not wrap around to a small address. */
    CHECK(try_load(&e, 0xFFFFFFFFu, 1) == WRT_TRAP_OOB);
    CHECK(try_load(&e, 4, 0xFFFFFFFFu) == WRT_TRAP_OOB);
    CHECK(try_load(&e, 0xFFFFFFFCu, 0) == WRT_TRAP_OOB);

    e.addr = size - 1;
    e.off = 0;
    e.reached = 0;
    CHECK(wrt_call(&e.rt, store_u8, &e) == WRT_TRAP_NONE && e.reached);
    CHECK(e.mem.base[size - 1] == 0x77);
    e.addr = size;
    CHECK(wrt_call(&e.rt, store_u8, &e) == WRT_TRAP_OOB);
    wrt_memory_free(&e.mem);

    /* A zero-sized memory rejects every access, even at address 0. */
    CHECK(wrt_memory_init(&e.mem, NULL, 0, 1) == 0);
    CHECK(try_load(&e, 0, 0) == WRT_TRAP_OOB);
    CHECK(wrt_memory_grow(&e.mem, 1) == 0);
    CHECK(try_load(&e, 0, 0) == WRT_TRAP_NONE && e.result == 0);
    CHECK(try_load(&e, WRT_PAGE_SIZE - 4, 0) == WRT_TRAP_NONE);
    CHECK(try_load(&e, WRT_PAGE_SIZE - 3, 0) == WRT_TRAP_OOB);
    wrt_memory_free(&e.mem);
}

/*
 * Linear memory is little-endian on every host, at any alignment, and f32
 * and f64 values keep every bit (signalling NaN payloads included) through
 * stores, loads and out-of-line helper calls.  The helpers are called
 * through volatile pointers so that no compiler inlines them: on 32-bit
 * x86 that checks WRT_FPCALL, since a float returned the C ABI's way
 * passes through the x87 stack, which quiets a signalling NaN.
 */
static float (WRT_FPCALL *volatile load_f32_fp)(WrtRt *, uint32_t,
                                                 const uint8_t *, uint64_t,
                                                 uint32_t, uint64_t) =
    wrt_load_f32;
static double (WRT_FPCALL *volatile load_f64_fp)(WrtRt *, uint32_t,
                                                  const uint8_t *, uint64_t,
                                                  uint32_t, uint64_t) =
    wrt_load_f64;
static float (WRT_FPCALL *volatile f32_neg_fp)(float) = wrt_f32_neg;
static double (WRT_FPCALL *volatile f64_abs_fp)(double) = wrt_f64_abs;
static float (WRT_FPCALL *volatile f32_of_fp)(uint32_t) =
    wrt_f32_reinterpret_i32;
static uint32_t (WRT_FPCALL *volatile i32_of_fp)(float) =
    wrt_i32_reinterpret_f32;

static void
test_byte_order(void)
{
    static const uint8_t le64[8] = {0x08, 0x07, 0x06, 0x05,
                                    0x04, 0x03, 0x02, 0x01};
    Env e;
    uint8_t *b;
    float f;
    double d;
    uint32_t a;

    wrt_rt_init(&e.rt, names, 3, 100);
    CHECK(wrt_memory_init(&e.mem, NULL, 1, 1) == 0);
    b = e.mem.base;
    for (a = 1; a < 9; a++) {       /* every alignment, odd ones first */
        memset(b, 0, 32);
        wrt_store_u16(&e.rt, 0, e.mem.base, e.mem.size, a, 0, 0x0201);
        CHECK(b[a] == 0x01 && b[a + 1] == 0x02);
        CHECK(wrt_load_u16(&e.rt, 0, e.mem.base, e.mem.size, a, 0) == 0x0201);
        wrt_store_u32(&e.rt, 0, e.mem.base, e.mem.size, a, 2, 0x04030201u);
        CHECK(b[a + 2] == 0x01 && b[a + 5] == 0x04);
        CHECK(wrt_load_u32(&e.rt, 0, e.mem.base, e.mem.size, a + 2, 0) == 0x04030201u);
        wrt_store_u64(&e.rt, 0, e.mem.base, e.mem.size, a, 8, 0x0102030405060708ull);
        CHECK(memcmp(b + a + 8, le64, 8) == 0);
        CHECK(wrt_load_u64(&e.rt, 0, e.mem.base, e.mem.size, a + 8, 0) ==
              0x0102030405060708ull);
        CHECK(wrt_load_u8(&e.rt, 0, e.mem.base, e.mem.size, a + 15, 0) == 0x01);

        /* signalling NaNs with payloads, and their negations */
        wrt_store_f32(&e.rt, 0, e.mem.base, e.mem.size, a, 0, WRT_F32(0x7FA01234u));
        CHECK(b[a] == 0x34 && b[a + 3] == 0x7F);
        f = load_f32_fp(&e.rt, 0, e.mem.base, e.mem.size, a, 0);
        CHECK(i32_of_fp(f) == 0x7FA01234u);
        CHECK(i32_of_fp(f32_neg_fp(f)) == 0xFFA01234u);
        CHECK(i32_of_fp(f32_of_fp(0xFF800001u)) == 0xFF800001u);
        wrt_store_f64(&e.rt, 0, e.mem.base, e.mem.size, a, 16,
                      WRT_F64(0xFFF4000000000567ull));
        CHECK(b[a + 16] == 0x67 && b[a + 23] == 0xFF);
        d = load_f64_fp(&e.rt, 0, e.mem.base, e.mem.size, a, 16);
        CHECK(wrt_i64_reinterpret_f64(f64_abs_fp(d)) ==
              0x7FF4000000000567ull);
    }
    wrt_memory_free(&e.mem);
}

static void
do_fill(void *p)
{
    Env *e = p;

    wrt_memory_fill(&e->rt, 0, &e->mem, e->a, 0x1CC, e->n);
}

static void
do_copy(void *p)
{
    Env *e = p;

    wrt_memory_copy(&e->rt, 0, &e->mem, &e->mem, e->a, e->b, e->n);
}

static const uint8_t seg[8] = {1, 2, 3, 4, 5, 6, 7, 8};

static void
do_init(void *p)
{
    Env *e = p;

    wrt_memory_init_seg(&e->rt, 0, &e->mem, seg, sizeof(seg), e->a, e->b,
                        e->n);
}

static void
do_init_dropped(void *p)
{
    Env *e = p;

    wrt_memory_init_seg(&e->rt, 0, &e->mem, NULL, 0, e->a, e->b, e->n);
}

static WrtTrap
bulk(Env *e, void (*fn)(void *), uint32_t a, uint32_t b, uint32_t n)
{
    e->a = a;
    e->b = b;
    e->n = n;
    return wrt_call(&e->rt, fn, e);
}

static void
test_bulk_memory(void)
{
    Env e;
    uint32_t size = WRT_PAGE_SIZE;
    uint8_t *m;

    wrt_rt_init(&e.rt, names, 3, 100);
    CHECK(wrt_memory_init(&e.mem, NULL, 1, 1) == 0);
    m = e.mem.base;

    /* fill: only the low byte of the value counts. */
    CHECK(bulk(&e, do_fill, 10, 0, 4) == WRT_TRAP_NONE);
    CHECK(m[9] == 0 && m[10] == 0xCC && m[13] == 0xCC && m[14] == 0);
    CHECK(bulk(&e, do_fill, size - 4, 0, 4) == WRT_TRAP_NONE);
    CHECK(m[size - 1] == 0xCC);
    /* Out of bounds traps before writing anything (no partial fill). */
    memset(m + size - 8, 0, 8);
    CHECK(bulk(&e, do_fill, size - 4, 0, 5) == WRT_TRAP_OOB);
    CHECK(all_zero(m + size - 8, 8));
    CHECK(bulk(&e, do_fill, size, 0, 0) == WRT_TRAP_NONE);
    CHECK(bulk(&e, do_fill, size + 1, 0, 0) == WRT_TRAP_OOB);
    CHECK(bulk(&e, do_fill, 0xFFFFFFFFu, 0, 2) == WRT_TRAP_OOB);

    /* copy: overlapping ranges behave like memmove. */
    memcpy(m, "abcdefgh", 8);
    CHECK(bulk(&e, do_copy, 2, 0, 6) == WRT_TRAP_NONE);
    CHECK(memcmp(m, "ababcdef", 8) == 0);
    memcpy(m, "abcdefgh", 8);
    CHECK(bulk(&e, do_copy, 0, 2, 6) == WRT_TRAP_NONE);
    CHECK(memcmp(m, "cdefghgh", 8) == 0);
    CHECK(bulk(&e, do_copy, size - 8, 0, 8) == WRT_TRAP_NONE);
    CHECK(memcmp(m + size - 8, "cdefghgh", 8) == 0);
    memset(m + size - 8, 0, 8);
    CHECK(bulk(&e, do_copy, size - 7, 0, 8) == WRT_TRAP_OOB);
    CHECK(all_zero(m + size - 8, 8));
    CHECK(bulk(&e, do_copy, 0, size - 7, 8) == WRT_TRAP_OOB);
    CHECK(bulk(&e, do_copy, size, size, 0) == WRT_TRAP_NONE);
    CHECK(bulk(&e, do_copy, size + 1, 0, 0) == WRT_TRAP_OOB);
    CHECK(bulk(&e, do_copy, 0, size + 1, 0) == WRT_TRAP_OOB);

    /* init: both the segment and the memory range are checked. */
    CHECK(bulk(&e, do_init, 100, 2, 6) == WRT_TRAP_NONE);
    CHECK(m[100] == 3 && m[105] == 8 && m[106] == 0);
    CHECK(bulk(&e, do_init, 200, 2, 7) == WRT_TRAP_OOB);
    CHECK(m[200] == 0);
    CHECK(bulk(&e, do_init, size - 1, 0, 2) == WRT_TRAP_OOB);
    CHECK(m[size - 1] == 0);
    CHECK(bulk(&e, do_init, size, 8, 0) == WRT_TRAP_NONE);
    CHECK(bulk(&e, do_init, 0, 9, 0) == WRT_TRAP_OOB);
    CHECK(bulk(&e, do_init_dropped, 0, 0, 0) == WRT_TRAP_NONE);
    CHECK(bulk(&e, do_init_dropped, 0, 0, 1) == WRT_TRAP_OOB);
    CHECK(bulk(&e, do_init_dropped, 0, 1, 0) == WRT_TRAP_OOB);
    wrt_memory_free(&e.mem);

    /* A memory of size 0 (base NULL) with n == 0 at offset 0 is fine. */
    CHECK(wrt_memory_init(&e.mem, NULL, 0, 0) == 0);
    CHECK(bulk(&e, do_fill, 0, 0, 0) == WRT_TRAP_NONE);
    CHECK(bulk(&e, do_copy, 0, 0, 0) == WRT_TRAP_NONE);
    CHECK(bulk(&e, do_init, 0, 0, 0) == WRT_TRAP_NONE);
    CHECK(bulk(&e, do_fill, 1, 0, 0) == WRT_TRAP_OOB);
    wrt_memory_free(&e.mem);
}

/* ---- tables ------------------------------------------------------------- */

static int tag_a, tag_b, tag_c;

static void
do_tfill(void *p)
{
    Env *e = p;

    wrt_table_fill(&e->rt, 2, &e->tab, e->a, &tag_c, e->n);
}

static void
do_tcopy(void *p)
{
    Env *e = p;

    wrt_table_copy(&e->rt, 2, &e->tab, &e->tab, e->a, e->b, e->n);
}

static void *const tseg[3] = {&tag_a, &tag_b, NULL};

static void
do_tinit(void *p)
{
    Env *e = p;

    wrt_table_init_seg(&e->rt, 2, &e->tab, tseg, 3, e->a, e->b, e->n);
}

static void
do_tget(void *p)
{
    Env *e = p;

    e->reached = wrt_table_get(&e->rt, 2, &e->tab, e->a) == &tag_a;
}

/* Entry i of e's table, and storing into it as table.set does. */
static void *
ent(const Env *e, uint32_t i)
{
    return e->tab.elems[i].ref;
}

static void
put(Env *e, uint32_t i, void *v)
{
    wrt_table_put(&e->tab, &e->tab.elems[i], v);
}

/* An externref table: entries are the host's pointers, never looked at. */
static void
test_tables(void)
{
    Env e;
    uint32_t i;

    wrt_rt_init(&e.rt, names, 3, 100);
    CHECK(wrt_table_init(&e.tab, NULL, 0, 0, 4) == 0);
    CHECK(wrt_table_size(&e.tab) == 0);
    CHECK(bulk(&e, do_tfill, 0, 0, 0) == WRT_TRAP_NONE);
    CHECK(bulk(&e, do_tfill, 1, 0, 0) == WRT_TRAP_TABLE_OOB);
    CHECK(wrt_table_grow(&e.tab, &tag_a, 2) == 0);
    CHECK(ent(&e, 0) == &tag_a && ent(&e, 1) == &tag_a);
    CHECK(e.tab.elems[0].sig == NULL && e.tab.elems[0].code == NULL);
    CHECK(wrt_table_grow(&e.tab, NULL, 3) == 0xFFFFFFFFu);
    CHECK(wrt_table_size(&e.tab) == 2);
    CHECK(wrt_table_grow(&e.tab, NULL, 0) == 2);
    CHECK(wrt_table_grow(&e.tab, NULL, 2) == 2);
    CHECK(ent(&e, 2) == NULL && ent(&e, 3) == NULL);
    CHECK(wrt_table_grow(&e.tab, NULL, 1) == 0xFFFFFFFFu);
    CHECK(wrt_table_grow(&e.tab, NULL, 0xFFFFFFFFu) == 0xFFFFFFFFu);

    /* fill */
    CHECK(bulk(&e, do_tfill, 1, 0, 3) == WRT_TRAP_NONE);
    CHECK(ent(&e, 0) == &tag_a && ent(&e, 1) == &tag_c &&
          ent(&e, 3) == &tag_c);
    put(&e, 1, NULL);
    put(&e, 2, NULL);
    put(&e, 3, NULL);
    CHECK(bulk(&e, do_tfill, 2, 0, 3) == WRT_TRAP_TABLE_OOB);
    CHECK(ent(&e, 2) == NULL && ent(&e, 3) == NULL);
    CHECK(e.rt.trap_func == 2);
    CHECK(bulk(&e, do_tfill, 4, 0, 0) == WRT_TRAP_NONE);
    CHECK(bulk(&e, do_tfill, 5, 0, 0) == WRT_TRAP_TABLE_OOB);

    /* copy: overlapping, like memmove */
    put(&e, 0, &tag_a);
    put(&e, 1, &tag_b);
    put(&e, 2, &tag_c);
    put(&e, 3, NULL);
    CHECK(bulk(&e, do_tcopy, 1, 0, 3) == WRT_TRAP_NONE);
    CHECK(ent(&e, 0) == &tag_a && ent(&e, 1) == &tag_a &&
          ent(&e, 2) == &tag_b && ent(&e, 3) == &tag_c);
    CHECK(bulk(&e, do_tcopy, 0, 1, 3) == WRT_TRAP_NONE);
    CHECK(ent(&e, 0) == &tag_a && ent(&e, 1) == &tag_b &&
          ent(&e, 2) == &tag_c);
    CHECK(bulk(&e, do_tcopy, 2, 0, 3) == WRT_TRAP_TABLE_OOB);
    CHECK(ent(&e, 2) == &tag_c);
    CHECK(bulk(&e, do_tcopy, 0, 2, 3) == WRT_TRAP_TABLE_OOB);
    CHECK(bulk(&e, do_tcopy, 4, 4, 0) == WRT_TRAP_NONE);
    CHECK(bulk(&e, do_tcopy, 5, 0, 0) == WRT_TRAP_TABLE_OOB);

    /* init from a 3-entry segment */
    for (i = 0; i < 4; i++)
        put(&e, i, NULL);
    CHECK(bulk(&e, do_tinit, 1, 0, 3) == WRT_TRAP_NONE);
    CHECK(ent(&e, 0) == NULL && ent(&e, 1) == &tag_a &&
          ent(&e, 2) == &tag_b && ent(&e, 3) == NULL);
    for (i = 0; i < 4; i++)
        put(&e, i, NULL);
    CHECK(bulk(&e, do_tinit, 0, 1, 3) == WRT_TRAP_TABLE_OOB);
    CHECK(ent(&e, 0) == NULL);
    CHECK(bulk(&e, do_tinit, 2, 0, 3) == WRT_TRAP_TABLE_OOB);
    CHECK(ent(&e, 2) == NULL);
    CHECK(bulk(&e, do_tinit, 4, 3, 0) == WRT_TRAP_NONE);
    CHECK(bulk(&e, do_tinit, 0, 4, 0) == WRT_TRAP_TABLE_OOB);

    /* get at the boundary */
    put(&e, 3, &tag_a);
    e.reached = 0;
    CHECK(bulk(&e, do_tget, 3, 0, 0) == WRT_TRAP_NONE && e.reached);
    CHECK(bulk(&e, do_tget, 4, 0, 0) == WRT_TRAP_TABLE_OOB);
    wrt_table_free(&e.tab);

    CHECK(wrt_table_init(&e.tab, NULL, 0, 3, 2) == -1);
    wrt_table_free(&e.tab);
}

/* call_indirect checks: past the end, null, type mismatch. */
static void
do_indirect(void *p)
{
    static const char sig_ii_i[] = "ii:i";
    Env *e = p;
    const WrtTableEntry *t;

    t = wrt_table_func(&e->rt, 0, &e->tab, e->a, sig_ii_i);
    e->reached = t == &e->tab.elems[e->a];
}

static void
code_a(void)
{
}

static void
code_b(void)
{
}

/*
 * A funcref table: every way of storing a function copies its signature,
 * code and context into the entry (call_indirect reads only the entry);
 * storing NULL clears them.
 */
static void
test_indirect(void)
{
    char same_text[] = "ii:i";
    WrtFunc f_ok = {NULL, code_a, &tag_a};
    WrtFunc f_bad = {"i:i", code_b, &tag_b};
    static void *seg[2];
    Env e;

    f_ok.sig = same_text;   /* equal by content, not by pointer */
    wrt_rt_init(&e.rt, names, 3, 100);
    CHECK(wrt_table_init(&e.tab, NULL, 1, 3, 8) == 0);
    CHECK(e.tab.elems[0].sig == NULL && ent(&e, 0) == NULL);
    put(&e, 0, &f_ok);
    put(&e, 1, &f_bad);
    CHECK(e.tab.elems[0].sig == same_text && e.tab.elems[0].code == code_a &&
          e.tab.elems[0].ctx == &tag_a && ent(&e, 0) == &f_ok);
    e.reached = 0;
    CHECK(bulk(&e, do_indirect, 0, 0, 0) == WRT_TRAP_NONE && e.reached);
    CHECK(bulk(&e, do_indirect, 1, 0, 0) == WRT_TRAP_INDIRECT_TYPE);
    CHECK(bulk(&e, do_indirect, 2, 0, 0) == WRT_TRAP_UNINIT_ELEM);
    CHECK(bulk(&e, do_indirect, 3, 0, 0) == WRT_TRAP_UNDEF_ELEM);
    CHECK(wrt_sig_equal_slow("", "") && !wrt_sig_equal_slow("i:", ":i"));

    /* grow, fill, copy and init carry the call fields too */
    CHECK(wrt_table_grow(&e.tab, &f_bad, 2) == 3);
    CHECK(e.tab.elems[4].code == code_b && e.tab.elems[4].ctx == &tag_b);
    wrt_table_fill(&e.rt, 0, &e.tab, 3, &f_ok, 2);
    CHECK(e.tab.elems[4].code == code_a && ent(&e, 4) == &f_ok);
    wrt_table_copy(&e.rt, 0, &e.tab, &e.tab, 2, 1, 1);
    CHECK(e.tab.elems[2].code == code_b && ent(&e, 2) == &f_bad);
    seg[0] = NULL;
    seg[1] = &f_bad;
    wrt_table_init_seg(&e.rt, 0, &e.tab, seg, 2, 3, 0, 2);
    CHECK(e.tab.elems[3].sig == NULL && e.tab.elems[3].code == NULL &&
          ent(&e, 3) == NULL);
    CHECK(e.tab.elems[4].sig == f_bad.sig && ent(&e, 4) == &f_bad);
    CHECK(bulk(&e, do_indirect, 3, 0, 0) == WRT_TRAP_UNINIT_ELEM);
    CHECK(bulk(&e, do_indirect, 4, 0, 0) == WRT_TRAP_INDIRECT_TYPE);
    put(&e, 4, &f_ok);
    CHECK(bulk(&e, do_indirect, 4, 0, 0) == WRT_TRAP_NONE);
    put(&e, 4, NULL);
    CHECK(bulk(&e, do_indirect, 4, 0, 0) == WRT_TRAP_UNINIT_ELEM);
    wrt_table_free(&e.tab);
}

/* ---- landing pad -------------------------------------------------------- */

static void
inner_trap(void *p)
{
    Env *e = p;

    wrt_enter(&e->rt, 1);
    wrt_enter(&e->rt, 1);
    wrt_trap(&e->rt, 1, WRT_TRAP_DIV_ZERO);
}

static void
outer(void *p)
{
    Env *e = p;
    WrtTrap t;

    wrt_enter(&e->rt, 0);
    CHECK(e->rt.depth == 1);
    t = wrt_call(&e->rt, inner_trap, e);
    CHECK(t == WRT_TRAP_DIV_ZERO);
    CHECK(e->rt.depth == 1);        /* restored by the inner wrt_call */
    e->reached = 1;
    /* The outer pad is back in place: this lands in the outer call. */
    wrt_trap(&e->rt, 2, WRT_TRAP_UNREACHABLE);
}

static void
returns(void *p)
{
    Env *e = p;

    wrt_enter(&e->rt, 0);
    e->reached = 1;
    wrt_leave(&e->rt);
}

static void
exits(void *p)
{
    Env *e = p;

    wrt_enter(&e->rt, 0);
    wrt_exit(&e->rt, 42);
}

static void
test_landing(void)
{
    Env e;

    wrt_rt_init(&e.rt, names, 3, 100);
    CHECK(e.rt.landing == NULL);
    e.reached = 0;
    CHECK(wrt_call(&e.rt, outer, &e) == WRT_TRAP_UNREACHABLE);
    CHECK(e.reached);
    CHECK(e.rt.trap == WRT_TRAP_UNREACHABLE && e.rt.trap_func == 2);
    CHECK(strcmp(wrt_trap_func_name(&e.rt), "deep") == 0);
    CHECK(e.rt.depth == 0);
    CHECK(e.rt.landing == NULL);

    e.reached = 0;
    CHECK(wrt_call(&e.rt, returns, &e) == WRT_TRAP_NONE && e.reached);
    CHECK(e.rt.trap == WRT_TRAP_NONE && e.rt.depth == 0);

    CHECK(wrt_call(&e.rt, exits, &e) == WRT_TRAP_EXIT);
    CHECK(e.rt.exit_code == 42 && e.rt.depth == 0);
    CHECK(e.rt.trap_func == WRT_NO_FUNC);
    CHECK(wrt_trap_func_name(&e.rt) == NULL);

    /* Names: out of range or no table gives NULL. */
    e.rt.trap_func = 3;
    CHECK(wrt_trap_func_name(&e.rt) == NULL);
    wrt_rt_init(&e.rt, NULL, 0, 100);
    e.rt.trap_func = 0;
    CHECK(wrt_trap_func_name(&e.rt) == NULL);

    CHECK(strcmp(wrt_trap_message(WRT_TRAP_OOB),
                 "out of bounds memory access") == 0);
    CHECK(strcmp(wrt_trap_message(WRT_TRAP_EXHAUSTION),
                 "call stack exhausted") == 0);
    CHECK(strcmp(wrt_trap_message(WRT_TRAP_UNDEF_ELEM),
                 "undefined element") == 0);
    CHECK(strcmp(wrt_trap_message(WRT_TRAP_INDIRECT_TYPE),
                 "indirect call type mismatch") == 0);
    CHECK(strcmp(wrt_trap_message(WRT_TRAP_COUNT_), "unknown trap") == 0);
}

/* ---- exhaustion --------------------------------------------------------- */

/* Recursion bottoms out here only if the runtime never stops it. */
static volatile uint32_t recurse_limit = 0xFFFFFFFFu;

static uint32_t
recurse(WrtRt *rt, uint32_t n)
{
    volatile char pad[64];
    uint32_t r;

    if (n >= recurse_limit)
        return 0;
    wrt_enter(rt, 2);
    pad[0] = (char)n;
    r = recurse(rt, n + 1) + (uint32_t)pad[0];
    wrt_leave(rt);
    return r;
}

static void
do_recurse(void *p)
{
    Env *e = p;

    e->result = recurse(&e->rt, 0);
}

static void
test_exhaustion(void)
{
    Env e;

    /* By depth. */
    wrt_rt_init(&e.rt, names, 3, 1000);
    CHECK(wrt_call(&e.rt, do_recurse, &e) == WRT_TRAP_EXHAUSTION);
    CHECK(e.rt.trap_func == 2 && e.rt.depth == 0);
    /* Again: nothing leaked from the first exhaustion. */
    CHECK(wrt_call(&e.rt, do_recurse, &e) == WRT_TRAP_EXHAUSTION);
    CHECK(e.rt.depth == 0);

    /* By stack: a limit 256 KiB below here, with no depth limit. */
    wrt_rt_init(&e.rt, names, 3, 0xFFFFFFFFu);
    wrt_set_stack_limit(&e.rt, WRT_STACK_POINTER() - ((uintptr_t)256 << 10));
    CHECK(wrt_call(&e.rt, do_recurse, &e) == WRT_TRAP_EXHAUSTION);
    CHECK(e.rt.depth == 0);
}

int
main(void)
{
    test_memory_grow();
    test_bounds();
    test_heap();
    test_heap_errors();
    test_byte_order();
    test_soft_sqrt();
    test_rounding();
    test_bulk_memory();
    test_tables();
    test_indirect();
    test_landing();
    test_exhaustion();
    if (failures != 0) {
        fprintf(stderr, "test_rt: %d check(s) failed\n", failures);
        return 1;
    }
    printf("test_rt: ok\n");
    return 0;
}
