/*
 * host_traps.c - traps, limits and API misuse through the calc plugin's
 * library API (test_embed.py).  Built with
 *   cc -std=c99 -pthread host_traps.c libcalc.a
 *
 * Prints one line per step:  <label> <status> [<message>] [= <result>]
 * where <status> is the w2c_status number and <message> what
 * calc_error_message said, in brackets.  A result is printed only for a
 * successful call.  The test compares the lines with what the contract
 * (w2c-embed(3)) promises.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calc.h"

static uint32_t base = 3;
static uint64_t tally;

static uint32_t
combine(void *ctx, uint32_t a, uint32_t b)
{
    (void)ctx;
    return a + b;
}

/* A combine that calls back into its own instance, which traps there. */
static uint32_t
combine_reenter(void *ctx, uint32_t a, uint32_t b)
{
    calc_instance *inst = *(calc_instance **)ctx;
    uint32_t r = 12345;
    w2c_status st = calc_load(inst, 0xFFFFFFF0u, &r);

    printf("inner load %d [%s] %" PRIu32 "\n", (int)st,
           calc_error_message(inst), r);
    return a + b;
}

static calc_imports
imports(void)
{
    calc_imports imp;

    memset(&imp, 0, sizeof imp);
    imp.env_combine = combine;
    imp.env_base = &base;
    imp.env_tally = &tally;
    return imp;
}

/* An instance with the usual imports and these limits, or exit. */
static calc_instance *
make(uint64_t max_memory, uint32_t max_call_depth, size_t max_stack)
{
    calc_imports imp = imports();
    w2c_limits lim;
    calc_instance *inst;

    memset(&lim, 0, sizeof lim);
    lim.max_memory = max_memory;
    lim.max_call_depth = max_call_depth;
    lim.max_stack = max_stack;
    inst = calc_new(&imp, &lim);
    if (inst == NULL) {
        fprintf(stderr, "calc_new failed\n");
        exit(1);
    }
    return inst;
}

static void
report(const char *label, calc_instance *inst, w2c_status st, int has_r,
       uint32_t r)
{
    printf("%s %d [%s]", label, (int)st, calc_error_message(inst));
    if (st == W2C_OK && has_r)
        printf(" = %" PRIu32, r);
    else if (has_r && r != 0xDEADBEEFu)
        printf(" result written: %" PRIu32, r);
    printf("\n");
}

/* A started instance with the usual imports, or exit. */
static calc_instance *
started(uint64_t max_memory, uint32_t max_call_depth, size_t max_stack)
{
    calc_instance *inst = make(max_memory, max_call_depth, max_stack);
    w2c_status st = calc_start(inst);

    if (st != W2C_OK) {
        fprintf(stderr, "calc_start: %d %s\n", (int)st,
                calc_error_message(inst));
        exit(1);
    }
    return inst;
}

#define CALL(label, inst, call)                                         \
    do {                                                                \
        uint32_t r = 0xDEADBEEFu;                                       \
        w2c_status st = (call);                                         \
        report(label, inst, st, 1, r);                                  \
    } while (0)

/* After a trap: the same instance and another one still work. */
static void
still_works(calc_instance *same, calc_instance *other)
{
    CALL("  same depth", same, calc_depth(same, 10, &r));
    CALL("  other depth", other, calc_depth(other, 11, &r));
}

static void
traps(void)
{
    calc_instance *t = started(0, 0, 0), *u = started(0, 0, 0);
    uint64_t q = 77, rem = 88;
    w2c_status st;

    CALL("load", t, calc_load(t, 65534, &r));
    still_works(t, u);
    CALL("load far", t, calc_load(t, 0xFFFFFFFFu, &r));
    CALL("load last", t, calc_load(t, 65532, &r));
    CALL("boom", t, calc_boom(t));
    still_works(t, u);
    CALL("forever", t, calc_forever(t, 0, &r));
    still_works(t, u);
    st = calc_divmod(t, 5, 0, &q, &rem);
    printf("divmod %d [%s] %" PRIu64 " %" PRIu64 "\n", (int)st,
           calc_error_message(t), q, rem);
    still_works(t, u);
    CALL("icall mismatch", t, calc_icall(t, 1, 5, &r));
    CALL("icall null", t, calc_icall(t, 2, 5, &r));
    CALL("icall past", t, calc_icall(t, 3, 5, &r));
    CALL("icall ok", t, calc_icall(t, 0, 21, &r));
    still_works(t, u);
    calc_free(t);
    CALL("other after free", u, calc_depth(u, 12, &r));
    calc_free(u);
}

static void
reentry(void)
{
    calc_imports imp = imports();
    calc_instance *inst;

    imp.env_combine = combine_reenter;
    imp.env_combine_ctx = &inst;
    inst = calc_new(&imp, NULL);
    if (inst == NULL || calc_start(inst) != W2C_OK) {
        fprintf(stderr, "reentry: no instance\n");
        exit(1);
    }
    CALL("reentry step", inst, calc_step(inst, 4, &r));
    CALL("reentry depth", inst, calc_depth(inst, 5, &r));
    calc_free(inst);
}

static void
limits(void)
{
    calc_instance *d = started(0, 100, 0), *big = started(0, 0, 0);
    calc_instance *m2 = started(2 * 65536, 0, 0);
    calc_instance *m3 = started(3 * 65536 + 100, 0, 0);
    calc_instance *deep = started(0, 10000000, 0);
    calc_instance *s64 = started(0, 0, 64 * 1024);
    uint64_t size;

    CALL("depth100 50", d, calc_depth(d, 50, &r));
    CALL("depth100 150", d, calc_depth(d, 150, &r));
    CALL("depth100 60", d, calc_depth(d, 60, &r));
    CALL("default 150", big, calc_depth(big, 150, &r));
    CALL("default 20000", big, calc_depth(big, 20000, &r));
    CALL("stack64k 20000", s64, calc_depth(s64, 20000, &r));
    CALL("stack64k 100", s64, calc_depth(s64, 100, &r));
    CALL("deep forever", deep, calc_forever(deep, 0, &r));
    CALL("deep 1000", deep, calc_depth(deep, 1000, &r));

    CALL("m2 grow 1", m2, calc_grow(m2, 1, &r));
    CALL("m2 grow 1", m2, calc_grow(m2, 1, &r));
    CALL("m2 pages", m2, calc_pages(m2, &r));
    (void)calc_memory_memory(m2, &size);
    printf("m2 size %" PRIu64 "\n", size);
    CALL("m3 grow 5", m3, calc_grow(m3, 5, &r));
    CALL("m3 grow 2", m3, calc_grow(m3, 2, &r));
    CALL("m3 grow 1", m3, calc_grow(m3, 1, &r));
    CALL("m3 pages", m3, calc_pages(m3, &r));
    CALL("nolimit grow 7", big, calc_grow(big, 7, &r));
    CALL("nolimit grow 1", big, calc_grow(big, 1, &r));
    CALL("nolimit pages", big, calc_pages(big, &r));
    (void)calc_memory_memory(big, &size);
    printf("nolimit size %" PRIu64 "\n", size);
    calc_free(d);
    calc_free(big);
    calc_free(m2);
    calc_free(m3);
    calc_free(deep);
    calc_free(s64);
}

static void
small_memory(void)
{
    calc_instance *inst = make(65535, 0, 0);

    report("small start", inst, calc_start(inst), 0, 0);
    CALL("small step", inst, calc_step(inst, 1, &r));
    report("small start again", inst, calc_start(inst), 0, 0);
    calc_free(inst);
}

static void *
thread_main(void *arg)
{
    calc_instance *deep = started(0, 10000000, 0), *plain = started(0, 0, 0);

    (void)arg;
    CALL("thread deep forever", deep, calc_forever(deep, 0, &r));
    CALL("thread deep 100", deep, calc_depth(deep, 100, &r));
    CALL("thread forever", plain, calc_forever(plain, 0, &r));
    CALL("thread 20000", plain, calc_depth(plain, 20000, &r));
    CALL("thread 100", plain, calc_depth(plain, 100, &r));
    calc_free(deep);
    calc_free(plain);
    return NULL;
}

/* Recursion on a thread with a 256 KiB stack traps instead of crashing. */
static void
small_thread(void)
{
    pthread_attr_t attr;
    pthread_t th;

    if (pthread_attr_init(&attr) != 0 ||
        pthread_attr_setstacksize(&attr, 256 * 1024) != 0 ||
        pthread_create(&th, &attr, thread_main, NULL) != 0 ||
        pthread_join(th, NULL) != 0) {
        fprintf(stderr, "pthread failed\n");
        exit(1);
    }
    pthread_attr_destroy(&attr);
}

static void
misuse(void)
{
    calc_imports imp = imports();
    calc_instance *inst = make(0, 0, 0);
    uint64_t size = 99;
    uint8_t *mem;

    printf("fresh message [%s]\n", calc_error_message(inst));
    CALL("before start", inst, calc_step(inst, 1, &r));
    mem = calc_memory_memory(inst, &size);
    printf("memory before start %s %" PRIu64 "\n",
           mem == NULL ? "NULL" : "set", size);
    report("start", inst, calc_start(inst), 0, 0);
    report("start again", inst, calc_start(inst), 0, 0);
    CALL("after restart", inst, calc_step(inst, 2, &r));
    calc_free(inst);
    calc_free(NULL);

    inst = calc_new(NULL, NULL);
    report("no imports", inst, calc_start(inst), 0, 0);
    CALL("no imports step", inst, calc_step(inst, 1, &r));
    calc_free(inst);

    imp.env_base = NULL;
    inst = calc_new(&imp, NULL);
    report("no base", inst, calc_start(inst), 0, 0);
    calc_free(inst);

    imp = imports();
    imp.env_tally = NULL;
    inst = calc_new(&imp, NULL);
    report("no tally", inst, calc_start(inst), 0, 0);
    calc_free(inst);

    imp = imports();
    imp.env_combine = NULL;
    imp.env_combine_ctx = &imp;
    inst = calc_new(&imp, NULL);
    report("no combine", inst, calc_start(inst), 0, 0);
    calc_free(inst);
}

int
main(void)
{
    misuse();
    traps();
    reentry();
    limits();
    small_memory();
    small_thread();
    printf("done\n");
    return 0;
}
