/*
 * table.c - tables of references: allocate, grow, free, and the bulk
 * operations (table.fill, table.copy, table.init).  Single-entry access and
 * the call_indirect check are inline in wrt.h.  An entry holds the reference
 * (a const WrtFunc * for funcref, the host's pointer for externref; NULL is
 * ref.null) and, for a function, a copy of its signature, code and context
 * (wrt_table_put).
 */
#define _POSIX_C_SOURCE 200809L

#include "wrt.h"

#include <stdint.h>

/*
 * Resize the entry array of t to n entries (n > 0) in its heap; NULL
 * leaves it untouched.
 */
static WrtTableEntry *
elems_resize(WrtTable *t, uint64_t n)
{
    if (n > SIZE_MAX / sizeof(WrtTableEntry))
        return NULL;
    return wrt_heap_realloc(t->heap, t->elems,
                            t->size * sizeof(WrtTableEntry),
                            (size_t)n * sizeof(WrtTableEntry));
}

int
wrt_table_init(WrtTable *t, WrtHeap *heap, int funcref, uint32_t initial,
               uint32_t max)
{
    uint32_t i;

    t->elems = NULL;
    t->size = 0;
    t->max = max;
    t->heap = heap;
    t->funcref = funcref;
    if (initial > max)
        return -1;
    if (initial == 0)
        return 0;
    t->elems = elems_resize(t, initial);
    if (t->elems == NULL)
        return -1;
    for (i = 0; i < initial; i++)
        wrt_table_put(t, &t->elems[i], NULL);  /* tables start as ref.null */
    t->size = initial;
    return 0;
}

void
wrt_table_free(WrtTable *t)
{
    wrt_heap_free(t->heap, t->elems);
    t->elems = NULL;
    t->size = 0;
}

/* call_indirect through an entry whose signature pointer is not sig's. */
void
wrt_table_func_slow(WrtRt *rt, uint32_t fn, const WrtTableEntry *e,
                    const char *sig)
{
    if (e->ref == NULL)
        wrt_trap(rt, fn, WRT_TRAP_UNINIT_ELEM);
    if (!wrt_sig_equal_slow(e->sig, sig))
        wrt_trap(rt, fn, WRT_TRAP_INDIRECT_TYPE);
}

/* table.grow: old size, or 0xFFFFFFFF (past max, or no host memory). */
uint32_t
wrt_table_grow(WrtTable *t, void *init, uint32_t delta)
{
    uint64_t n = (uint64_t)t->size + delta;
    uint32_t old = t->size;
    uint64_t i;
    WrtTableEntry *p;

    if (n > t->max || n > 0xFFFFFFFFu)
        return 0xFFFFFFFFu;
    if (delta == 0)
        return old;
    p = elems_resize(t, n);
    if (p == NULL)
        return 0xFFFFFFFFu;
    for (i = old; i < n; i++)
        wrt_table_put(t, &p[i], init);
    t->elems = p;
    t->size = (uint32_t)n;
    return old;
}

/* The bulk forms check the whole range before writing anything. */
void
wrt_table_fill(WrtRt *rt, uint32_t fn, WrtTable *t, uint32_t i, void *v,
               uint32_t n)
{
    uint32_t k;

    if ((uint64_t)i + n > t->size)
        wrt_trap(rt, fn, WRT_TRAP_TABLE_OOB);
    for (k = 0; k < n; k++)
        wrt_table_put(t, &t->elems[i + k], v);
}

/* Validation gives both tables the same reference type. */
void
wrt_table_copy(WrtRt *rt, uint32_t fn, WrtTable *dt, const WrtTable *st,
               uint32_t dst, uint32_t src, uint32_t n)
{
    if ((uint64_t)src + n > st->size || (uint64_t)dst + n > dt->size)
        wrt_trap(rt, fn, WRT_TRAP_TABLE_OOB);
    if (n != 0)
        memmove(dt->elems + dst, st->elems + src,
                (size_t)n * sizeof(WrtTableEntry));
}

void
wrt_table_init_seg(WrtRt *rt, uint32_t fn, WrtTable *t, void *const *seg,
                   uint32_t seglen, uint32_t dst, uint32_t src, uint32_t n)
{
    uint32_t k;

    if ((uint64_t)src + n > seglen || (uint64_t)dst + n > t->size)
        wrt_trap(rt, fn, WRT_TRAP_TABLE_OOB);
    for (k = 0; k < n; k++)
        wrt_table_put(t, &t->elems[dst + k], seg[src + k]);
}
