/* Struct copying (assignment, by-value arguments and returns, arrays of
 * structs, nested and flexible members), unions for type punning, offsetof
 * and alignment of fixed-width members. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vec3 {
    double x, y, z;
};

struct big {
    int32_t id;
    char name[40];
    struct vec3 pos[4];
    int64_t counters[8];
    uint8_t flags;
};

union pun {
    float f;
    uint32_t u;
    uint8_t b[4];
};

union dpun {
    double d;
    uint64_t u;
    int32_t w[2];
};

struct tagged {
    enum { T_INT, T_DBL, T_STR } tag;
    union {
        int64_t i;
        double d;
        char s[16];
    } v;
};

struct flex {
    uint32_t n;
    uint16_t data[];
};

struct packed_like {
    uint8_t a;
    uint32_t b;
    uint8_t c;
    uint64_t d;
    uint16_t e;
};

static struct vec3
vadd(struct vec3 a, struct vec3 b)
{
    struct vec3 r;
    r.x = a.x + b.x;
    r.y = a.y + b.y;
    r.z = a.z + b.z;
    return r;
}

static struct vec3
vscale(struct vec3 a, double s)
{
    a.x *= s; /* modifies the copy only */
    a.y *= s;
    a.z *= s;
    return a;
}

static struct big
make_big(int32_t id)
{
    struct big b;
    int i;
    memset(&b, 0, sizeof b);
    b.id = id;
    snprintf(b.name, sizeof b.name, "big-%d", (int)id);
    for (i = 0; i < 4; i++) {
        b.pos[i].x = id + i;
        b.pos[i].y = id * 0.5 - i;
        b.pos[i].z = -i;
    }
    for (i = 0; i < 8; i++)
        b.counters[i] = (int64_t)id << (i * 4);
    b.flags = (uint8_t)(id & 0xff);
    return b;
}

static int64_t
sum_big(struct big b)
{
    int64_t s = b.id + b.flags;
    int i;
    for (i = 0; i < 8; i++)
        s += b.counters[i];
    b.id = -1; /* the caller's copy is unaffected */
    return s;
}

static void
print_tagged(const struct tagged *t)
{
    switch (t->tag) {
    case T_INT:
        printf("int %lld\n", (long long)t->v.i);
        break;
    case T_DBL:
        printf("dbl %g\n", t->v.d);
        break;
    case T_STR:
        printf("str %s\n", t->v.s);
        break;
    }
}

int
main(void)
{
    struct vec3 a = {1, 2, 3}, b = {0.5, -1, 4}, c;
    struct big arr[5], copy;
    union pun p;
    union dpun dp;
    struct tagged ts[3];
    struct flex *fx;
    int i;

    c = vadd(a, vscale(b, 2));
    printf("vadd: %g %g %g (b unchanged %g)\n", c.x, c.y, c.z, b.x);
    for (i = 0; i < 5; i++)
        arr[i] = make_big(i * 1000 + 7);
    copy = arr[3];
    arr[3].name[0] = 'X';
    arr[3].pos[2].y = 99;
    printf("copy: %d %s %g | orig: %s %g\n", (int)copy.id, copy.name,
           copy.pos[2].y, arr[3].name, arr[3].pos[2].y);
    printf("sum_big=%lld id after=%d\n", (long long)sum_big(copy),
           (int)copy.id);
    /* struct swap via temporary and memcmp equality */
    {
        struct big t = arr[0];
        arr[0] = arr[4];
        arr[4] = t;
        printf("swapped ids %d %d equal-to-made=%d\n", (int)arr[0].id,
               (int)arr[4].id, memcmp(&arr[4], &t, sizeof t) == 0);
    }
    /* struct arrays by assignment in a loop (shift right) */
    for (i = 4; i > 0; i--)
        arr[i] = arr[i - 1];
    for (i = 0; i < 5; i++)
        printf("arr[%d] id=%d name=%s flags=%u c7=%lld\n", i, (int)arr[i].id,
               arr[i].name, (unsigned)arr[i].flags,
               (long long)arr[i].counters[7]);

    p.f = 1.0f;
    printf("pun 1.0f = %08x bytes %02x %02x %02x %02x\n", (unsigned)p.u,
           p.b[0], p.b[1], p.b[2], p.b[3]);
    p.u = 0xc0490fdbu;
    printf("pun c0490fdb = %.9g\n", (double)p.f);
    dp.d = -0.0;
    printf("dpun -0.0 = %016llx lo=%08x hi=%08x\n", (unsigned long long)dp.u,
           (unsigned)dp.w[0], (unsigned)dp.w[1]);
    dp.u = 0x7ff0000000000000ull;
    printf("dpun inf > 1e308: %d\n", dp.d > 1e308);

    ts[0].tag = T_INT;
    ts[0].v.i = -1234567890123LL;
    ts[1].tag = T_DBL;
    ts[1].v.d = 6.25;
    ts[2].tag = T_STR;
    strcpy(ts[2].v.s, "in a union");
    for (i = 0; i < 3; i++) {
        struct tagged t = ts[i];
        print_tagged(&t);
    }

    fx = malloc(sizeof *fx + 10 * sizeof fx->data[0]);
    fx->n = 10;
    for (i = 0; i < 10; i++)
        fx->data[i] = (uint16_t)(i * 6553);
    {
        uint32_t s = 0;
        for (i = 0; i < (int)fx->n; i++)
            s += fx->data[i];
        printf("flex sum=%u\n", (unsigned)s);
    }
    free(fx);

    /* uint64_t alignment differs on some hosts (i686): only the first
     * members' offsets are printed */
    printf("offsets: b=%u c=%u\n", (unsigned)offsetof(struct packed_like, b),
           (unsigned)offsetof(struct packed_like, c));
    {
        struct packed_like x = {1, 2, 3, 4, 5}, y;
        y = x;
        y.d += 0x100000000ull;
        printf("packed copy: %u %u %u %llu %u\n", y.a, (unsigned)y.b, y.c,
               (unsigned long long)y.d, y.e);
    }
    /* compound literals and designated initialisers */
    {
        struct vec3 v = (struct vec3){.z = 9, .x = 1};
        struct vec3 arr2[3] = {[2] = {7, 8, 9}, [0].y = 5};
        printf("designated: %g %g %g | %g %g %g\n", v.x, v.y, v.z, arr2[0].y,
               arr2[1].x, arr2[2].z);
    }
    return 0;
}
