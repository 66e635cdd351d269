/*
 * host_threads.c - two threads, each driving its own instances of textplug
 * and calc at the same time (test_embed.py runs it under ThreadSanitizer).
 * Built with
 *   cc -std=c99 -pthread -fsanitize=thread host_threads.c libtextplug.a
 *      libcalc.a
 *
 *   host_threads DIR0 DIR1
 *
 * Each thread creates, starts, calls (including traps, host callbacks
 * that read its instance's memory, and WASI calls on its own grants: an
 * environment variable, DIR<t> as /data, stdout to /dev/null) and frees
 * instances in a loop, checks every status and result against what it
 * computes itself, and the program prints "thread <t> ok <calls>" for
 * each, or ends with status 1.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calc.h"
#include "textplug.h"

#define ROUNDS 40
#define CALLS 25

typedef struct Worker {
    int id;
    const char *dir;            /* granted as /data */
    int devnull;                /* granted as stdout */
    uint32_t mul;               /* ctx of combine */
    uint32_t base;              /* imported globals */
    uint64_t tally;
    textplug_instance *text;
    uint32_t note_sum;          /* bytes of notes read from memory */
    unsigned long calls;
    int failed;
} Worker;

static uint32_t
combine(void *ctx, uint32_t a, uint32_t b)
{
    Worker *w = ctx;

    return a * w->mul + b;
}

static uint32_t
weight(void *ctx, uint32_t byte)
{
    Worker *w = ctx;

    return byte * (uint32_t)(w->id + 1);
}

static void
note(void *ctx, uint32_t msg, uint32_t len)
{
    Worker *w = ctx;
    uint64_t size;
    uint8_t *mem = textplug_memory_memory(w->text, &size);
    uint32_t k;

    if (mem == NULL || (uint64_t)msg + len > size) {
        w->failed = 1;
        return;
    }
    for (k = 0; k < len; k++)
        w->note_sum += mem[msg + k];
}

#define EXPECT(w, cond, what)                                           \
    do {                                                                \
        (w)->calls++;                                                   \
        if (!(cond)) {                                                  \
            fprintf(stderr, "thread %d: %s\n", (w)->id, what);          \
            (w)->failed = 1;                                            \
            return;                                                     \
        }                                                               \
    } while (0)

/* Native versions of what the plugins compute. */
static void
native_transform(char *s, uint32_t n, uint32_t key)
{
    uint32_t i;

    for (i = 0; i < n / 2; i++) {
        char t = s[i];
        s[i] = s[n - 1 - i];
        s[n - 1 - i] = t;
    }
    for (i = 0; i < n; i++) {
        if (s[i] >= 'a' && s[i] <= 'z')
            s[i] = (char)('a' + (s[i] - 'a' + key) % 26);
        else if (s[i] >= 'A' && s[i] <= 'Z')
            s[i] = (char)('A' + (s[i] - 'A' + key) % 26);
    }
}

static void
round_trip(Worker *w, int round)
{
    calc_imports cimp;
    textplug_imports timp;
    w2c_limits lim;
    calc_instance *c;
    uint32_t r, p, score, counter = 0, k, want_score, want_notes = 0;
    uint64_t q, rem, size, tally = 0;
    uint8_t *mem;
    char text[32], want[32], msg[64], env[16];

    memset(&cimp, 0, sizeof cimp);
    memset(&timp, 0, sizeof timp);
    memset(&lim, 0, sizeof lim);
    w->mul = (uint32_t)(w->id * 100 + round);
    w->base = (uint32_t)round;
    w->tally = 0;
    cimp.env_combine = combine;
    cimp.env_combine_ctx = w;
    cimp.env_base = &w->base;
    cimp.env_tally = &w->tally;
    lim.max_call_depth = 500;
    c = calc_new(&cimp, &lim);
    EXPECT(w, c != NULL && calc_start(c) == W2C_OK, "calc start");
    timp.host_weight = weight;
    timp.host_weight_ctx = w;
    timp.host_note = note;
    timp.host_note_ctx = w;
    w->text = textplug_new(&timp, NULL);
    w->note_sum = 0;
    snprintf(env, sizeof env, "THREAD=%d", w->id);
    EXPECT(w, w->text != NULL &&
           textplug_wasi_env(w->text, env) == W2C_OK &&
           textplug_wasi_dir(w->text, w->dir, "/data") == W2C_OK &&
           textplug_wasi_stdio(w->text, 1, w->devnull) == W2C_OK,
           "textplug grants");
    EXPECT(w, textplug_start(w->text) == W2C_OK, "textplug start");
    EXPECT(w, textplug_show_env(w->text, &r) == W2C_OK && r == 1,
           "show_env");
    EXPECT(w, textplug_buf_alloc(w->text, 8, &p) == W2C_OK, "buf_alloc");
    mem = textplug_memory_memory(w->text, &size);
    EXPECT(w, mem != NULL && p + 8 <= size, "memory");
    snprintf((char *)mem + p, 8, "t%d", w->id);
    EXPECT(w, textplug_file_io(w->text, p, &r) == W2C_OK && r == 0,
           "file_io");

    for (k = 0; k < CALLS; k++) {
        counter += k;
        tally += (uint64_t)(k * w->base);
        EXPECT(w, calc_step(c, k, &r) == W2C_OK &&
               r == counter * w->mul + k && w->tally == tally, "step");
        EXPECT(w, calc_divmod(c, 1000 + k, k, &q, &rem) ==
               (k == 0 ? W2C_TRAP_DIVIDE_BY_ZERO : W2C_OK), "divmod");
        /* an i32 at 65532 is the last in the one page; past it traps */
        EXPECT(w, calc_load(c, 65530 + k % 5, &r) ==
               (k % 5 <= 2 ? W2C_OK : W2C_TRAP_MEMORY_OUT_OF_BOUNDS),
               "load");
        if (k % 8 == 0) {
            EXPECT(w, calc_forever(c, 0, &r) == W2C_TRAP_STACK_EXHAUSTED,
                   "forever");
            EXPECT(w, strstr(calc_error_message(c), "\"forever\"") != NULL,
                   "forever message");
        }
        EXPECT(w, calc_depth(c, 100 + k, &r) == W2C_OK && r == 100 + k,
               "depth");

        snprintf(text, sizeof text, "Thread%d round%d call%u", w->id, round,
                 (unsigned)k);
        memcpy(want, text, sizeof text);
        native_transform(want, (uint32_t)strlen(want), k);
        for (want_score = 0, p = 0; want[p] != '\0'; p++)
            want_score += (uint32_t)(unsigned char)want[p] *
                          (uint32_t)(w->id + 1);
        EXPECT(w, textplug_buf_alloc(w->text, sizeof text, &p) == W2C_OK,
               "buf_alloc");
        mem = textplug_memory_memory(w->text, &size);
        EXPECT(w, mem != NULL && p + sizeof text <= size, "memory");
        memcpy(mem + p, text, sizeof text);
        EXPECT(w, textplug_transform(w->text, p, (uint32_t)strlen(text), k,
                                     &score) == W2C_OK &&
               score == want_score, "transform");
        snprintf(msg, sizeof msg, "transform %u %u",
                 (unsigned)strlen(text), (unsigned)k);
        for (r = 0; msg[r] != '\0'; r++)
            want_notes += (unsigned char)msg[r];
        mem = textplug_memory_memory(w->text, &size);
        EXPECT(w, memcmp(mem + p, want, strlen(want)) == 0 &&
               w->note_sum == want_notes, "transformed text");
        EXPECT(w, textplug_buf_free(w->text, p) == W2C_OK, "buf_free");
        EXPECT(w, textplug_poke(w->text, 0xFFFFFFFFu - k, &r) ==
               W2C_TRAP_MEMORY_OUT_OF_BOUNDS, "poke");
    }
    calc_free(c);
    textplug_free(w->text);
    w->text = NULL;
}

static void *
worker(void *arg)
{
    Worker *w = arg;
    int round;

    for (round = 0; round < ROUNDS && !w->failed; round++)
        round_trip(w, round);
    return NULL;
}

int
main(int argc, char **argv)
{
    Worker w[2];
    pthread_t th[2];
    int t, status = 0, devnull = open("/dev/null", O_WRONLY);

    if (argc != 3 || devnull < 0) {
        fprintf(stderr, "usage: host_threads DIR0 DIR1\n");
        return 2;
    }
    memset(w, 0, sizeof w);
    for (t = 0; t < 2; t++) {
        w[t].id = t;
        w[t].dir = argv[1 + t];
        w[t].devnull = devnull;
        if (pthread_create(&th[t], NULL, worker, &w[t]) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    }
    for (t = 0; t < 2; t++) {
        pthread_join(th[t], NULL);
        if (w[t].failed)
            status = 1;
        else
            printf("thread %d ok %lu\n", t, w[t].calls);
    }
    close(devnull);
    return status;
}
