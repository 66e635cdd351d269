/* vmethods.c - "virtual methods": shapes whose behaviour comes from a
 * struct of function pointers, called through the object in a hot loop. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct Shape Shape;
typedef struct ShapeOps {
    double (*area)(const Shape *s);
    double (*perimeter)(const Shape *s);
    void (*scale)(Shape *s, double k);
    uint32_t (*tag)(const Shape *s);
} ShapeOps;

struct Shape {
    const ShapeOps *ops;
    double a, b;
};

static double rect_area(const Shape *s) { return s->a * s->b; }
static double rect_perim(const Shape *s) { return 2.0 * (s->a + s->b); }
static double circ_area(const Shape *s) { return 3.14159265358979 * s->a * s->a; }
static double circ_perim(const Shape *s) { return 6.28318530717958 * s->a; }
static double tri_area(const Shape *s) { return 0.5 * s->a * s->b; }
static double tri_perim(const Shape *s) { return s->a + s->b + (s->a + s->b) * 0.7; }
static double sq_area(const Shape *s) { return s->a * s->a; }
static double sq_perim(const Shape *s) { return 4.0 * s->a; }

static void
scale_both(Shape *s, double k)
{
    s->a *= k;
    s->b *= k;
}

static void
scale_first(Shape *s, double k)
{
    s->a *= k;
}

static uint32_t tag_rect(const Shape *s) { (void)s; return 1; }
static uint32_t tag_circ(const Shape *s) { (void)s; return 2; }
static uint32_t tag_tri(const Shape *s) { (void)s; return 3; }
static uint32_t tag_sq(const Shape *s) { (void)s; return 4; }

static const ShapeOps kinds[4] = {
    { rect_area, rect_perim, scale_both, tag_rect },
    { circ_area, circ_perim, scale_first, tag_circ },
    { tri_area, tri_perim, scale_both, tag_tri },
    { sq_area, sq_perim, scale_first, tag_sq },
};

#define NSHAPES 4096
#define PASSES 10000

int
main(void)
{
    Shape *shapes = malloc(sizeof(Shape) * NSHAPES);
    uint32_t seed = 1, tags = 0;
    double total = 0.0;
    int i, p;

    if (!shapes)
        return 1;
    for (i = 0; i < NSHAPES; i++) {
        seed = seed * 1103515245u + 12345u;
        shapes[i].ops = &kinds[(seed >> 16) & 3];
        shapes[i].a = 1.0 + (double)((seed >> 4) & 255) / 64.0;
        shapes[i].b = 1.0 + (double)((seed >> 12) & 255) / 64.0;
    }
    for (p = 0; p < PASSES; p++) {
        double k = (p & 1) ? 1.0 / 1.03125 : 1.03125;
        for (i = 0; i < NSHAPES; i++) {
            Shape *s = &shapes[i];
            total += s->ops->area(s) - 0.5 * s->ops->perimeter(s);
            s->ops->scale(s, k);
            tags += s->ops->tag(s);
        }
    }
    printf("vmethods: total %.9e tags %u\n", total, (unsigned)tags);
    free(shapes);
    return 0;
}
