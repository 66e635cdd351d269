/*
 * host_two.c - a host program linking two plugins (test_embed.py):
 * textplug (C compiled for wasm32-wasi) and calc (calc.wat), each from
 * its own --emit=lib archive (or from --emit=c output and the installed
 * runtime: the API is the same).  Strict C99, no libraries.
 *
 *   host_two TEXT KEY_A KEY_B FACTOR_A FACTOR_B MUL_C MUL_D BASE_C BASE_D
 *            X1 X2 X3 COUNTER HYP_A HYP_B NEAR_F DIV_A DIV_B
 *
 * Prints one result per line; the test computes the same values itself.
 * Two textplug instances (A, B) get different import contexts; the host
 * writes TEXT into memory each allocates, an export transforms it in place
 * and the host reads it back.  Two calc instances (C, D) use different
 * callbacks contexts and imported globals; the host reads and writes the
 * exported global "counter".  Any unexpected status ends the program with
 * exit status 1 and a line on stderr.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calc.h"
#include "textplug.h"

#define CHECK(call, what, msg)                                            \
    do {                                                                  \
        w2c_status st_ = (call);                                          \
        if (st_ != W2C_OK) {                                              \
            fprintf(stderr, "%s: status %d: %s\n", what, (int)st_, msg);  \
            exit(1);                                                      \
        }                                                                 \
    } while (0)
#define TCHECK(inst, call, what) \
    CHECK(call, what, textplug_error_message(inst))
#define CCHECK(inst, call, what) CHECK(call, what, calc_error_message(inst))

/* What each textplug instance's imports get back as ctx. */
typedef struct TextCtx {
    const char *tag;
    uint32_t factor;
    uint32_t weights;           /* calls of host_weight */
    textplug_instance *inst;
} TextCtx;

static uint32_t
text_weight(void *ctx, uint32_t byte)
{
    TextCtx *t = ctx;

    t->weights++;
    return byte * t->factor;
}

/* Reads the message from the calling instance's memory. */
static void
text_note(void *ctx, uint32_t msg, uint32_t len)
{
    TextCtx *t = ctx;
    uint64_t size;
    uint8_t *mem = textplug_memory_memory(t->inst, &size);

    if (mem == NULL || (uint64_t)msg + len > size) {
        fprintf(stderr, "%s note: bad message %" PRIu32 "+%" PRIu32 "\n",
                t->tag, msg, len);
        exit(1);
    }
    printf("%s note %.*s\n", t->tag, (int)len, (const char *)mem + msg);
}

typedef struct CalcCtx {
    const char *tag;
    uint32_t mul;
} CalcCtx;

static uint32_t
calc_combine(void *ctx, uint32_t a, uint32_t b)
{
    CalcCtx *c = ctx;

    printf("%s combine %" PRIu32 " %" PRIu32 "\n", c->tag, a, b);
    return a * c->mul + b;
}

static uint32_t
arg_u32(const char *s)
{
    return (uint32_t)strtoul(s, NULL, 0);
}

/* Copy text into inst's memory at a buffer from buf_alloc; returns it. */
static uint32_t
put_text(textplug_instance *inst, const char *tag, const char *text)
{
    uint32_t len = (uint32_t)strlen(text), p;
    uint64_t size;
    uint8_t *mem;

    TCHECK(inst, textplug_buf_alloc(inst, len + 1, &p), "buf_alloc");
    mem = textplug_memory_memory(inst, &size);
    if (p == 0 || mem == NULL || (uint64_t)p + len + 1 > size) {
        fprintf(stderr, "%s: buf_alloc gave %" PRIu32 "\n", tag, p);
        exit(1);
    }
    memcpy(mem + p, text, len + 1);
    return p;
}

static void
print_text(textplug_instance *inst, const char *label, uint32_t p,
           uint32_t len)
{
    uint64_t size;
    uint8_t *mem = textplug_memory_memory(inst, &size);

    if (mem == NULL || (uint64_t)p + len > size) {
        fprintf(stderr, "%s: memory too small\n", label);
        exit(1);
    }
    printf("%s %.*s\n", label, (int)len, (const char *)mem + p);
}

static void
run_text(char **argv)
{
    const char *text = argv[1];
    uint32_t len = (uint32_t)strlen(text), pa, pb;
    TextCtx a = {"A", 0, 0, NULL}, b = {"B", 0, 0, NULL};
    textplug_imports imp;
    int32_t score;

    a.factor = arg_u32(argv[4]);
    b.factor = arg_u32(argv[5]);
    memset(&imp, 0, sizeof imp);
    imp.host_weight = text_weight;
    imp.host_note = text_note;
    imp.host_weight_ctx = &a;
    imp.host_note_ctx = &a;
    a.inst = textplug_new(&imp, NULL);
    imp.host_weight_ctx = &b;   /* a's imports were copied */
    imp.host_note_ctx = &b;
    b.inst = textplug_new(&imp, NULL);
    if (a.inst == NULL || b.inst == NULL) {
        fprintf(stderr, "textplug_new failed\n");
        exit(1);
    }
    printf("A start %d\n", (int)textplug_start(a.inst));
    printf("B start %d\n", (int)textplug_start(b.inst));

    pa = put_text(a.inst, "A", text);
    pb = put_text(b.inst, "B", text);
    TCHECK(a.inst, textplug_transform(a.inst, pa, len, arg_u32(argv[2]),
                                      (uint32_t *)&score), "A transform");
    print_text(a.inst, "A text", pa, len);
    printf("A score %" PRId32 "\n", score);
    TCHECK(b.inst, textplug_transform(b.inst, pb, len, arg_u32(argv[3]),
                                      (uint32_t *)&score), "B transform");
    print_text(b.inst, "B text", pb, len);
    printf("B score %" PRId32 "\n", score);
    print_text(a.inst, "A again", pa, len);
    printf("A weights %" PRIu32 "\n", a.weights);
    printf("B weights %" PRIu32 "\n", b.weights);
    TCHECK(a.inst, textplug_buf_free(a.inst, pa), "A buf_free");
    TCHECK(b.inst, textplug_buf_free(b.inst, pb), "B buf_free");
    textplug_free(a.inst);
    textplug_free(b.inst);
}

static void
run_calc(char **argv)
{
    CalcCtx cc = {"C", 0}, dc = {"D", 0};
    uint32_t base_c = arg_u32(argv[8]), base_d = arg_u32(argv[9]);
    uint64_t tally_c = 1000, tally_d = 2000, size, q, r;
    calc_imports imp;
    calc_instance *c, *d;
    uint32_t res, len = (uint32_t)strlen(argv[1]);
    uint8_t *mem;
    double h;
    float f;

    cc.mul = arg_u32(argv[6]);
    dc.mul = arg_u32(argv[7]);
    memset(&imp, 0, sizeof imp);
    imp.env_combine = calc_combine;
    imp.env_combine_ctx = &cc;
    imp.env_base = &base_c;
    imp.env_tally = &tally_c;
    c = calc_new(&imp, NULL);
    imp.env_combine_ctx = &dc;
    imp.env_base = &base_d;
    imp.env_tally = &tally_d;
    d = calc_new(&imp, NULL);
    if (c == NULL || d == NULL) {
        fprintf(stderr, "calc_new failed\n");
        exit(1);
    }
    CCHECK(c, calc_start(c), "C start");
    CCHECK(d, calc_start(d), "D start");

    CCHECK(c, calc_step(c, arg_u32(argv[10]), &res), "C step");
    printf("C step %" PRIu32 "\n", res);
    base_c += 1;                /* the module reads it at each use */
    CCHECK(c, calc_step(c, arg_u32(argv[11]), &res), "C step");
    printf("C step %" PRIu32 "\n", res);
    CCHECK(d, calc_step(d, arg_u32(argv[12]), &res), "D step");
    printf("D step %" PRIu32 "\n", res);
    printf("C counter %" PRIu32 "\n", *calc_global_counter(c));
    printf("D counter %" PRIu32 "\n", *calc_global_counter(d));
    *calc_global_counter(c) = arg_u32(argv[13]);
    CCHECK(c, calc_step(c, arg_u32(argv[12]), &res), "C step");
    printf("C step %" PRIu32 "\n", res);
    printf("C counter %" PRIu32 "\n", *calc_global_counter(c));
    printf("tally %" PRIu64 " %" PRIu64 "\n", tally_c, tally_d);
    printf("magic %016" PRIx64 "\n", *calc_global_magic(d));

    CCHECK(c, calc_hypot(c, strtod(argv[14], NULL), strtod(argv[15], NULL),
                         &h), "hypot");
    printf("hypot %.17g\n", h);
    CCHECK(c, calc_nearestf(c, strtof(argv[16], NULL), &f), "nearestf");
    printf("nearestf %.9g\n", (double)f);
    CCHECK(c, calc_divmod(c, strtoull(argv[17], NULL, 0),
                          strtoull(argv[18], NULL, 0), &q, &r), "divmod");
    printf("divmod %" PRIu64 " %" PRIu64 "\n", q, r);
    CCHECK(c, calc_divmod(c, 7, 2, NULL, &r), "divmod NULL");
    printf("divmod rem %" PRIu64 "\n", r);

    mem = calc_memory_memory(c, &size);
    printf("C memory %" PRIu64 " %.4s\n", size, (const char *)mem);
    memcpy(mem + 100, argv[1], len);
    CCHECK(c, calc_checksum(c, 100, len, &res), "checksum");
    printf("checksum %08" PRIx32 "\n", res);
    CCHECK(c, calc_grow(c, 2, &res), "grow");
    printf("grow %" PRIu32 "\n", res);
    CCHECK(c, calc_pages(c, &res), "pages");
    mem = calc_memory_memory(c, &size);
    printf("C pages %" PRIu32 " %" PRIu64 " %.4s\n", res, size,
           (const char *)mem);
    mem = calc_memory_memory(d, &size);
    printf("D memory %" PRIu64 " %d\n", size, mem[100]);
    calc_free(c);
    calc_free(d);
}

int
main(int argc, char **argv)
{
    if (argc != 19) {
        fprintf(stderr, "usage: host_two TEXT KEY_A KEY_B FACTOR_A FACTOR_B"
                " MUL_C MUL_D BASE_C BASE_D X1 X2 X3 COUNTER HYP_A HYP_B"
                " NEAR_F DIV_A DIV_B\n");
        return 2;
    }
    run_text(argv);
    run_calc(argv);
    printf("done\n");
    return 0;
}
