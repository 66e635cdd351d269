/*
 * host_bare.c - the calc plugin the way a bare-metal host uses it
 * (test_freestanding.py): every instance lives in a static buffer
 * (calc_new_in), traps are also seen through calc_on_trap, and the host
 * needs nothing of the C library but printf, sprintf and <string.h>.
 * The same source is built natively against a hosted libcalc.a and for
 * arm-none-eabi (run under qemu-arm) against a freestanding one:
 *   cc -std=c99 host_bare.c libcalc.a
 *   arm-none-eabi-gcc -marm --specs=rdimon.specs host_bare.c libcalc.a
 * Both must print the same lines, but for the one saying what calc_new
 * gives (NULL in a freestanding build, which has no heap).
 *
 * The host first measures, by bisection, the smallest buffer that holds
 * an instance and the smallest one whose instance also starts (one page
 * of linear memory); these sizes depend on the build and go to stderr
 * only.  Every later buffer is sized from them, so that how far memory
 * grows in it does not depend on the build.  Each call prints one line:
 *   <label> <status> [<message>] cb <n> [<status> same|differs] [= <result>]
 * with the w2c_status number, calc_error_message in brackets (failures
 * only), how often the trap callback ran during the call (with the status
 * it got and whether its message equalled calc_error_message), and the
 * result of a successful call.  Any unexpected failure of setup prints
 * "fatal: ..." and ends with exit status 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "calc.h"

/*
 * Numbers are printed as unsigned long (long) rather than with the PRI
 * macros, which Debian's arm-none-eabi newlib leaves out for 64 bits.
 */
typedef unsigned long long ull;

#define PAGE 65536u
/* Room for up to nine pages of linear memory and the instance. */
#define BIG_SIZE (9u * PAGE + 32768u)
/* An upper bound on the instance and its tables. */
#define MAX_OVERHEAD 16384u

/* Static, suitably aligned buffers: the only memory instances get. */
static union {
    uint64_t u;
    double d;
    void *p;
    unsigned char bytes[BIG_SIZE];
} big;
static union {
    uint64_t u;
    double d;
    void *p;
    unsigned char bytes[2u * PAGE + MAX_OVERHEAD];
} spare;

static uint32_t base = 7;
static uint64_t tally;
static size_t min_inst;         /* smallest buffer holding an instance */
static size_t min_start;        /* ... that also starts with one page */

static uint32_t mul_a = 1000;   /* combine's ctx */

static uint32_t
combine(void *ctx, uint32_t a, uint32_t b)
{
    return a * *(const uint32_t *)ctx + b;
}

/* What the trap callback saw during one call. */
typedef struct TrapSeen {
    uint32_t magic;             /* TRAP_MAGIC: ctx came back intact */
    int count;
    int bad_ctx;
    w2c_status status;
    char message[200];
} TrapSeen;

#define TRAP_MAGIC 0x7eaf0b5eu

static TrapSeen seen = {TRAP_MAGIC, 0, 0, W2C_OK, ""};

static void
on_trap(void *ctx, w2c_status status, const char *message)
{
    TrapSeen *t = ctx;

    if (t != &seen || t->magic != TRAP_MAGIC) {
        seen.bad_ctx++;
        return;
    }
    t->count++;
    t->status = status;
    t->message[0] = '\0';
    if (message != NULL)
        strncat(t->message, message, sizeof t->message - 1);
}

static void
reset_seen(void)
{
    seen.count = 0;
    seen.status = W2C_OK;
    seen.message[0] = '\0';
}

/* One line for a finished call; result NULL when it has none. */
static void
report(const char *label, calc_instance *inst, w2c_status st,
       const char *result)
{
    const char *msg = calc_error_message(inst);

    printf("%s %d", label, (int)st);
    if (st != W2C_OK)
        printf(" [%s]", msg);
    printf(" cb %d", seen.count);
    if (seen.count > 0)
        printf(" %d %s", (int)seen.status,
               strcmp(seen.message, msg) == 0 ? "same" : "differs");
    if (seen.bad_ctx > 0)
        printf(" bad ctx");
    if (st == W2C_OK && result != NULL)
        printf(" = %s", result);
    printf("\n");
    reset_seen();
}

static char text[80];

#define CALL32(label, inst, call)                                       \
    do {                                                                \
        uint32_t r = 0xDEADBEEFu;                                       \
        w2c_status st;                                                  \
        reset_seen();                                                   \
        st = (call);                                                    \
        sprintf(text, "%lu", (unsigned long)r);                          \
        report(label, inst, st, text);                                  \
    } while (0)

/* A call whose results (if any) are printed after it. */
#define CALL0(label, inst, call)                                        \
    do {                                                                \
        w2c_status st;                                                  \
        reset_seen();                                                   \
        st = (call);                                                    \
        report(label, inst, st, NULL);                                  \
    } while (0)

static void
fatal(const char *what)
{
    printf("fatal: %s\n", what);
}

static calc_imports
imports(void)
{
    calc_imports imp;

    memset(&imp, 0, sizeof imp);
    imp.env_combine = combine;
    imp.env_combine_ctx = &mul_a;
    imp.env_base = &base;
    imp.env_tally = &tally;
    return imp;
}

/* An instance in buf[0, size) with the trap callback, or NULL. */
static calc_instance *
make(void *buf, size_t size, const w2c_limits *limits)
{
    calc_imports imp = imports();
    calc_instance *inst = calc_new_in(buf, size, &imp, limits);

    if (inst != NULL)
        calc_on_trap(inst, on_trap, &seen);
    return inst;
}

static int
inside(const void *p, const void *buf, size_t size)
{
    const unsigned char *c = p, *b = buf;

    return c >= b && c < b + size;
}

/* Does an instance (limits: none) in size bytes of big start? */
static int
starts(size_t size)
{
    calc_instance *inst = make(big.bytes, size, NULL);
    int ok = inst != NULL && calc_start(inst) == W2C_OK;

    calc_free(inst);
    return ok;
}

static int
holds(size_t size)
{
    calc_instance *inst = make(big.bytes, size, NULL);

    calc_free(inst);
    return inst != NULL;
}

/*
 * The two sizes, by bisection over big; prints what the sizes say about
 * the contract, not the sizes themselves, which depend on the build.
 */
static int
measure(void)
{
    size_t lo = 0, hi = MAX_OVERHEAD;
    calc_instance *inst;

    printf("new_in 0 %s\n", holds(0) ? "set" : "NULL");
    printf("new_in 16 %s\n", holds(16) ? "set" : "NULL");
    if (!holds(hi)) {
        fatal("no instance in MAX_OVERHEAD bytes");
        return 0;
    }
    while (lo + 1 < hi) {       /* holds(hi), !holds(lo) */
        size_t mid = lo + (hi - lo) / 2;
        if (holds(mid))
            hi = mid;
        else
            lo = mid;
    }
    min_inst = hi;
    printf("new_in below min %s\n", holds(min_inst - 1) ? "set" : "NULL");

    lo = min_inst;
    hi = min_inst + PAGE + MAX_OVERHEAD;
    if (!starts(hi)) {
        fatal("no start in a page and MAX_OVERHEAD bytes more");
        return 0;
    }
    while (lo + 1 < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (starts(mid))
            hi = mid;
        else
            lo = mid;
    }
    min_start = hi;
    fprintf(stderr, "host_bare: instance %lu bytes, started with one page "
            "%lu bytes\n", (unsigned long)min_inst, (unsigned long)min_start);
    printf("one page fits in the rest %s\n",
           min_start - min_inst >= PAGE &&
           min_start - min_inst <= PAGE + MAX_OVERHEAD ? "yes" : "no");

    /* one byte short of the initial memory: start fails, step refuses */
    inst = make(big.bytes, min_start - 1, NULL);
    if (inst == NULL) {
        fatal("no instance below min_start");
        return 0;
    }
    CALL0("short start", inst, calc_start(inst));
    CALL32("short step", inst, calc_step(inst, 1, &r));
    calc_free(inst);
    return 1;
}

/* memory[0, 4) as text, the way the data segment wrote it */
static void
show_data(const char *label, calc_instance *inst, const void *buf,
          size_t size)
{
    uint64_t msize = 0;
    uint8_t *mem = calc_memory_memory(inst, &msize);

    if (mem == NULL) {
        printf("%s no memory\n", label);
        return;
    }
    printf("%s %.4s %llu %s\n", label, (const char *)mem, (ull)msize,
           inside(mem, buf, size) && inside(mem + msize - 1, buf, size)
           ? "in buf" : "outside buf");
}

static void
after_trap(calc_instance *inst)
{
    CALL32("  depth", inst, calc_depth(inst, 10, &r));
}

/* The main instance: exports, memory, growth to the end of buf, traps. */
static int
main_instance(void)
{
    static const char hello[] = "hello, bare metal";
    /* Room for 3 pages and a half: start may need a little more room
       than the instance keeps (a dropped element segment), but not half
       a page. */
    size_t size = min_start + 2u * PAGE + PAGE / 2u;
    w2c_limits lim;
    calc_instance *inst;
    uint64_t q = 77, rem = 88, bits, msize = 0;
    uint8_t *mem;
    double h = 0;
    float f = 0;
    uint32_t fbits;

    memset(&lim, 0, sizeof lim);
    lim.max_call_depth = 1000;
    inst = make(big.bytes, size, &lim);
    if (inst == NULL) {
        fatal("no main instance");
        return 0;
    }
    printf("instance in buf %s\n", inside(inst, big.bytes, size)
           ? "yes" : "no");
    CALL32("before start", inst, calc_step(inst, 1, &r));
    CALL0("start", inst, calc_start(inst));
    CALL0("start again", inst, calc_start(inst));
    show_data("data", inst, big.bytes, size);

    CALL32("step 5", inst, calc_step(inst, 5, &r));
    CALL32("step 9", inst, calc_step(inst, 9, &r));
    printf("counter %lu tally %llu magic %016llx\n",
           (unsigned long)*calc_global_counter(inst), (ull)tally,
           (ull)*calc_global_magic(inst));
    *calc_global_counter(inst) = 4000000000u;
    CALL32("step 300000000", inst, calc_step(inst, 300000000u, &r));

    CALL0("divmod", inst, calc_divmod(inst, 0xFEDCBA9876543210u,
                                      0x123456789u, &q, &rem));
    printf("  = %llu %llu\n", (ull)q, (ull)rem);
    CALL0("divmod 1", inst, calc_divmod(inst, UINT64_MAX, 1u, &q, &rem));
    printf("  = %llu %llu\n", (ull)q, (ull)rem);
    CALL0("hypot", inst, calc_hypot(inst, -3.75, 2.5, &h));
    memcpy(&bits, &h, sizeof bits);
    printf("  = %016llx\n", (ull)bits);
    CALL0("hypot 2", inst, calc_hypot(inst, 1e150, 3.5, &h));
    memcpy(&bits, &h, sizeof bits);
    printf("  = %016llx\n", (ull)bits);
    CALL0("nearestf", inst, calc_nearestf(inst, -6.5f, &f));
    memcpy(&fbits, &f, sizeof fbits);
    printf("  = %08lx\n", (unsigned long)fbits);
    CALL0("nearestf 2", inst, calc_nearestf(inst, 1234.625f, &f));
    memcpy(&fbits, &f, sizeof fbits);
    printf("  = %08lx\n", (unsigned long)fbits);

    /* the host writes memory, the module reads it */
    mem = calc_memory_memory(inst, NULL);
    memcpy(mem + 100, hello, sizeof hello - 1);
    CALL32("checksum", inst, calc_checksum(inst, 100, sizeof hello - 1, &r));
    CALL32("load 100", inst, calc_load(inst, 100, &r));

    /* growth up to the end of the buffer */
    CALL32("pages", inst, calc_pages(inst, &r));
    CALL32("grow 1", inst, calc_grow(inst, 1, &r));
    CALL32("grow 1", inst, calc_grow(inst, 1, &r));
    CALL32("grow 1", inst, calc_grow(inst, 1, &r));
    CALL32("grow 0", inst, calc_grow(inst, 0, &r));
    CALL32("pages", inst, calc_pages(inst, &r));
    show_data("grown", inst, big.bytes, size);
    mem = calc_memory_memory(inst, &msize);
    /* it stopped because the next page would not fit */
    printf("room past the memory %s\n",
           (size_t)(big.bytes + size - (mem + msize)) < PAGE
           ? "less than a page" : "a page or more");
    CALL32("load 100", inst, calc_load(inst, 100, &r));
    CALL32("load last", inst, calc_load(inst, 3u * PAGE - 4u, &r));

    /* every trap calc can give; the instance goes on working */
    CALL32("load past", inst, calc_load(inst, 3u * PAGE - 2u, &r));
    after_trap(inst);
    CALL32("load far", inst, calc_load(inst, 0xFFFFFFFFu, &r));
    after_trap(inst);
    CALL0("boom", inst, calc_boom(inst));
    after_trap(inst);
    CALL32("forever", inst, calc_forever(inst, 0, &r));
    after_trap(inst);
    q = 77;
    rem = 88;
    CALL0("divmod 0", inst, calc_divmod(inst, 5, 0, &q, &rem));
    printf("  = %llu %llu\n", (ull)q, (ull)rem);
    after_trap(inst);
    CALL32("icall mismatch", inst, calc_icall(inst, 1, 5, &r));
    after_trap(inst);
    CALL32("icall null", inst, calc_icall(inst, 2, 5, &r));
    after_trap(inst);
    CALL32("icall past", inst, calc_icall(inst, 3, 5, &r));
    after_trap(inst);
    CALL32("icall ok", inst, calc_icall(inst, 0, 21, &r));

    /* without the callback: the status only */
    calc_on_trap(inst, NULL, NULL);
    CALL0("boom unwatched", inst, calc_boom(inst));
    calc_on_trap(inst, on_trap, &seen);
    CALL0("boom watched", inst, calc_boom(inst));
    CALL32("step 1", inst, calc_step(inst, 1, &r));
    show_data("still", inst, big.bytes, size);
    calc_free(inst);
    return 1;
}

/* The buffer is the host's again after calc_free: a fresh instance. */
static int
reuse(void)
{
    calc_instance *inst;

    memset(big.bytes, 0xA5, sizeof big.bytes);
    inst = make(big.bytes, min_start, NULL);
    if (inst == NULL) {
        fatal("no instance in a reused buffer");
        return 0;
    }
    CALL0("reuse start", inst, calc_start(inst));
    show_data("reuse data", inst, big.bytes, min_start);
    printf("reuse counter %lu\n",
           (unsigned long)*calc_global_counter(inst));
    CALL32("reuse grow 1", inst, calc_grow(inst, 1, &r));
    CALL32("reuse pages", inst, calc_pages(inst, &r));
    calc_free(inst);
    return 1;
}

/* Two instances at once in two buffers, and the module's own limits. */
static int
limits(void)
{
    w2c_limits lim;
    calc_instance *a, *b;

    /* the module's maximum (8 pages) comes before the end of big */
    a = make(big.bytes, min_start + 8u * PAGE, NULL);
    b = make(spare.bytes, min_start, NULL);
    if (a == NULL || b == NULL) {
        fatal("no instances a and b");
        return 0;
    }
    CALL0("a start", a, calc_start(a));
    CALL0("b start", b, calc_start(b));
    CALL32("a step 2", a, calc_step(a, 2, &r));
    CALL32("b step 3", b, calc_step(b, 3, &r));
    CALL32("a step 4", a, calc_step(a, 4, &r));
    printf("counters %lu %lu\n", (unsigned long)*calc_global_counter(a),
           (unsigned long)*calc_global_counter(b));
    CALL32("a grow 7", a, calc_grow(a, 7, &r));
    CALL32("a grow 1", a, calc_grow(a, 1, &r));
    CALL32("a pages", a, calc_pages(a, &r));
    CALL32("b grow 1", b, calc_grow(b, 1, &r));
    CALL32("b pages", b, calc_pages(b, &r));
    show_data("a", a, big.bytes, min_start + 8u * PAGE);
    show_data("b", b, spare.bytes, min_start);
    CALL32("b load last", b, calc_load(b, PAGE - 4u, &r));
    CALL32("b load past", b, calc_load(b, PAGE - 3u, &r));
    calc_free(a);
    calc_free(b);

    /* limits->max_memory: 2 pages although the buffer has room for 5 */
    memset(&lim, 0, sizeof lim);
    lim.max_memory = 2u * PAGE;
    a = make(big.bytes, min_start + 4u * PAGE, &lim);
    if (a == NULL) {
        fatal("no instance with max_memory");
        return 0;
    }
    CALL0("m2 start", a, calc_start(a));
    CALL32("m2 grow 1", a, calc_grow(a, 1, &r));
    CALL32("m2 grow 1", a, calc_grow(a, 1, &r));
    CALL32("m2 pages", a, calc_pages(a, &r));
    calc_free(a);

    /* limits->max_stack: the one C stack bound of a freestanding build */
    memset(&lim, 0, sizeof lim);
    lim.max_stack = 32768;
    a = make(big.bytes, min_start, &lim);
    if (a == NULL) {
        fatal("no instance with max_stack");
        return 0;
    }
    CALL0("s32k start", a, calc_start(a));
    CALL32("s32k depth 100", a, calc_depth(a, 100, &r));
    CALL32("s32k depth 20000", a, calc_depth(a, 20000, &r));
    CALL32("s32k depth 50", a, calc_depth(a, 50, &r));
    calc_free(a);
    return 1;
}

/* Any alignment of buf: the runtime aligns what it places there. */
static int
misaligned(void)
{
    static const size_t offsets[] = {1, 6};
    size_t i;

    for (i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
        unsigned char *buf = big.bytes + offsets[i];
        size_t size = min_start + PAGE;
        calc_instance *inst = make(buf, size, NULL);
        double h = 0;
        uint64_t bits;

        printf("offset %lu\n", (unsigned long)offsets[i]);
        if (inst == NULL) {
            fatal("no instance at an odd address");
            return 0;
        }
        CALL0("  start", inst, calc_start(inst));
        printf("  magic %016llx\n", (ull)*calc_global_magic(inst));
        CALL32("  step 6", inst, calc_step(inst, 6, &r));
        CALL0("  hypot", inst, calc_hypot(inst, 6.0, 8.0, &h));
        memcpy(&bits, &h, sizeof bits);
        printf("  = %016llx\n", (ull)bits);
        CALL32("  icall null", inst, calc_icall(inst, 2, 5, &r));
        CALL32("  icall ok", inst, calc_icall(inst, 0, 4, &r));
        show_data("  data", inst, buf, size);
        calc_free(inst);
    }
    return 1;
}

int
main(void)
{
    calc_imports imp = imports();
    calc_instance *heap_inst;

    if (!measure() || !main_instance() || !reuse() || !limits() ||
        !misaligned())
        return 1;
    heap_inst = calc_new(&imp, NULL);
    printf("calc_new %s\n", heap_inst == NULL ? "NULL" : "set");
    calc_free(heap_inst);
    printf("done\n");
    return 0;
}
