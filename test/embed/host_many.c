/*
 * host_many.c - 1,000 instances of textplug and calc created, started,
 * called and freed (test_embed.py runs it under AddressSanitizer and
 * LeakSanitizer).  Built with
 *   cc -std=c99 -fsanitize=address host_many.c libtextplug.a libcalc.a
 *
 *   host_many DIR
 *
 * Instance i does one of several things (i % 8): calc calls with traps,
 * calc that fails to start (unbound import, memory limit below the
 * module's minimum), textplug with WASI grants (DIR as /data, stdio to
 * /dev/null), textplug that traps or exits, and instances never started.
 * Up to 16 are alive at once, freed in an order unlike creation.  Every
 * status is checked; the program prints "instances 1000" and a count per
 * outcome, or ends with status 1 at the first surprise.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calc.h"
#include "textplug.h"

#define COUNT 1000
#define LIVE 16

static const char *dir;
static int devnull;
static unsigned outcomes[16];

static void
expect(int ok, unsigned i, const char *what, const char *msg)
{
    if (!ok) {
        fprintf(stderr, "instance %u: %s: %s\n", i, what, msg);
        exit(1);
    }
}

static uint32_t
combine(void *ctx, uint32_t a, uint32_t b)
{
    return a * *(uint32_t *)ctx + b;
}

static uint32_t
weight(void *ctx, uint32_t byte)
{
    (void)ctx;
    return byte + 1;
}

static void
note(void *ctx, uint32_t msg, uint32_t len)
{
    (void)msg;
    *(uint32_t *)ctx += len;
}

/* Each live slot: one instance of either plugin, plus what it borrows. */
typedef struct Slot {
    calc_instance *calc;
    textplug_instance *text;
    uint32_t mul;               /* ctx of combine */
    uint32_t base;              /* imported globals */
    uint64_t tally;
    uint32_t noted;             /* ctx of note */
} Slot;

static void
slot_free(Slot *s)
{
    calc_free(s->calc);
    textplug_free(s->text);
    s->calc = NULL;
    s->text = NULL;
}

static void
run_calc(Slot *s, unsigned i, int fail)
{
    calc_imports imp;
    w2c_limits lim;
    uint32_t r;
    uint64_t q, rem;
    w2c_status st;

    memset(&imp, 0, sizeof imp);
    memset(&lim, 0, sizeof lim);
    s->mul = i;
    s->base = i % 7;
    s->tally = 0;
    imp.env_combine = combine;
    imp.env_combine_ctx = &s->mul;
    imp.env_base = &s->base;
    imp.env_tally = &s->tally;
    if (fail == 1)
        imp.env_tally = NULL;
    if (fail == 2)
        lim.max_memory = 1000;
    lim.max_call_depth = 200;
    s->calc = calc_new(&imp, &lim);
    expect(s->calc != NULL, i, "calc_new", "NULL");
    st = calc_start(s->calc);
    if (fail) {
        expect(st == (fail == 1 ? W2C_ERROR : W2C_TRAP_OUT_OF_MEMORY), i,
               "calc_start should fail", calc_error_message(s->calc));
        st = calc_step(s->calc, 1, &r);
        expect(st == W2C_ERROR, i, "step after failed start",
               calc_error_message(s->calc));
        outcomes[fail == 1 ? 1 : 2]++;
        return;
    }
    expect(st == W2C_OK, i, "calc_start", calc_error_message(s->calc));
    st = calc_step(s->calc, 5, &r);
    expect(st == W2C_OK && r == 5 * i + 5 && s->tally == 5 * (i % 7), i,
           "step", calc_error_message(s->calc));
    st = calc_divmod(s->calc, i, 0, &q, &rem);
    expect(st == W2C_TRAP_DIVIDE_BY_ZERO, i, "divmod by 0",
           calc_error_message(s->calc));
    st = calc_load(s->calc, 70000, &r);
    expect(st == W2C_TRAP_MEMORY_OUT_OF_BOUNDS, i, "load",
           calc_error_message(s->calc));
    st = calc_forever(s->calc, 0, &r);
    expect(st == W2C_TRAP_STACK_EXHAUSTED, i, "forever",
           calc_error_message(s->calc));
    st = calc_grow(s->calc, 1, &r);
    expect(st == W2C_OK && r == 1, i, "grow", calc_error_message(s->calc));
    st = calc_depth(s->calc, 50, &r);
    expect(st == W2C_OK && r == 50, i, "depth", calc_error_message(s->calc));
    outcomes[0]++;
}

static void
run_text(Slot *s, unsigned i, int kind)
{
    textplug_imports imp;
    static const char *const args[] = {"many", "x"};
    char env[32];
    uint32_t p, r, score;
    uint64_t size;
    uint8_t *mem;
    w2c_status st;

    memset(&imp, 0, sizeof imp);
    s->noted = 0;
    imp.host_weight = weight;
    imp.host_note = note;
    imp.host_note_ctx = &s->noted;
    s->text = textplug_new(&imp, NULL);
    expect(s->text != NULL, i, "textplug_new", "NULL");
    if (kind == 3)
        return;                 /* never started */
    if (kind == 0) {
        snprintf(env, sizeof env, "N=%u", i);
        expect(textplug_wasi_args(s->text, 2, args) == W2C_OK &&
               textplug_wasi_env(s->text, env) == W2C_OK &&
               textplug_wasi_dir(s->text, dir, "/data") == W2C_OK &&
               textplug_wasi_stdio(s->text, 1, devnull) == W2C_OK &&
               textplug_wasi_stdio(s->text, 2, devnull) == W2C_OK, i,
               "grants", textplug_error_message(s->text));
    }
    st = textplug_start(s->text);
    expect(st == W2C_OK, i, "textplug_start",
           textplug_error_message(s->text));
    st = textplug_buf_alloc(s->text, 6, &p);
    mem = textplug_memory_memory(s->text, &size);
    expect(st == W2C_OK && mem != NULL && p != 0 && p + 6 <= size, i,
           "buf_alloc", textplug_error_message(s->text));
    memcpy(mem + p, "Hello", 6);
    st = textplug_transform(s->text, p, 5, 1, &score);
    mem = textplug_memory_memory(s->text, &size);
    expect(st == W2C_OK && memcmp(mem + p, "pmmfI", 5) == 0 &&
           score == 'p' + 'm' + 'm' + 'f' + 'I' + 5 &&
           s->noted == strlen("transform 5 1"), i, "transform",
           textplug_error_message(s->text));
    if (kind == 0) {
        st = textplug_show_args(s->text, &r);
        expect(st == W2C_OK && r == 2, i, "show_args",
               textplug_error_message(s->text));
        st = textplug_show_env(s->text, &r);
        expect(st == W2C_OK && r == 1, i, "show_env",
               textplug_error_message(s->text));
        memcpy(mem + p, "many", 5);
        st = textplug_file_io(s->text, p, &r);
        expect(st == W2C_OK && r == 0, i, "file_io",
               textplug_error_message(s->text));
        outcomes[4]++;
    } else if (kind == 1) {
        st = textplug_poke(s->text, 0xFFFFFFF0u, &r);
        expect(st == W2C_TRAP_MEMORY_OUT_OF_BOUNDS, i, "poke",
               textplug_error_message(s->text));
        st = textplug_buf_free(s->text, p);
        expect(st == W2C_OK, i, "buf_free after trap",
               textplug_error_message(s->text));
        outcomes[5]++;
    } else {
        st = textplug_quit(s->text, (int)(i % 100));
        expect(st == W2C_EXIT && textplug_exit_code(s->text) == (int)(i % 100),
               i, "quit", textplug_error_message(s->text));
        outcomes[6]++;
    }
}

int
main(int argc, char **argv)
{
    Slot slots[LIVE];
    unsigned i, k;

    if (argc != 2) {
        fprintf(stderr, "usage: host_many DIR\n");
        return 2;
    }
    dir = argv[1];
    devnull = open("/dev/null", O_WRONLY);
    if (devnull < 0) {
        perror("/dev/null");
        return 1;
    }
    memset(slots, 0, sizeof slots);
    for (i = 0; i < COUNT; i++) {
        /* reuse a slot in a scrambled order, freeing what it held */
        Slot *s = &slots[(i * 7) % LIVE];

        slot_free(s);
        switch (i % 8) {
        case 0: case 4: run_calc(s, i, 0); break;
        case 1: run_calc(s, i, 1); break;
        case 2: run_calc(s, i, 2); break;
        case 3: run_text(s, i, 0); break;
        case 5: run_text(s, i, 1); break;
        case 6: run_text(s, i, 2); break;
        case 7:
            if (i % 16 == 7) {
                run_text(s, i, 3);
                outcomes[7]++;
            } else {
                calc_imports imp;
                memset(&imp, 0, sizeof imp);
                s->calc = calc_new(&imp, NULL);
                expect(s->calc != NULL, i, "calc_new", "NULL");
                outcomes[8]++;
            }
            break;
        }
    }
    for (k = 0; k < LIVE; k++)
        slot_free(&slots[k]);
    close(devnull);
    printf("instances %u\n", COUNT);
    for (k = 0; k < 9; k++)
        printf("outcome %u %u\n", k, outcomes[k]);
    return 0;
}
