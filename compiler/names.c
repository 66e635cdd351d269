/*
 * names.c - legal, unique C identifiers for the generated code.
 *
 * Functions become f<index>_<name> (or f<index>), globals g<index>_<name>
 * (or g<index>): the index prefix alone makes them unique, the name is for
 * the reader.  A name comes from the name section, else the first export,
 * else the import's field name; imported functions prefer the field name,
 * since hosts bind them by it (inst->f0_fd_write).  Names are reduced to
 * [A-Za-z0-9_] (each run of other bytes becomes one '_') and capped in
 * length.  f32 and f64 are typedefs in the generated C, so functions 32
 * and 64 without a name are f32_fn and f64_fn.
 *
 * Exports become the suffix after "<prefix>_" in the public API:
 * functions keep their name, memories, tables and globals get "memory_",
 * "table_" and "global_" in front.  Suffixes are made unique in export order
 * (a clash gets "_2", "_3", ...) and never equal a name the emitter uses
 * for itself (new, instantiate, free, instance, ret<N>).
 * Everything here is deterministic: no hashing order reaches the output.
 */
#include "names.h"

#include <string.h>

#define NAME_CAP 40         /* characters kept from a function/global name */
#define EXPORT_CAP 64       /* characters kept from an export name */

static bool
is_ident_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

/* Sanitized copy of s in out (room for cap + 1 bytes); returns length. */
static size_t
sanitize(Str s, char *out, size_t cap)
{
    size_t n = 0;
    uint32_t i;
    bool last_sub = false;

    for (i = 0; i < s.len && n < cap; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (is_ident_char(c)) {
            out[n++] = (char)c;
            last_sub = false;
        } else if (!last_sub) {
            out[n++] = '_';
            last_sub = true;
        }
    }
    out[n] = '\0';
    return n;
}

/* "<letter><index>" or "<letter><index>_<name>" in the arena. */
static const char *
indexed_name(Arena *a, char letter, uint32_t idx, Str name)
{
    char buf[NAME_CAP + 1];

    if (name.len == 0 || sanitize(name, buf, NAME_CAP) == 0) {
        /* f32 and f64 are the float typedefs of the generated code */
        if (letter == 'f' && (idx == 32 || idx == 64))
            return arena_printf(a, "f%u_fn", (unsigned)idx);
        return arena_printf(a, "%c%u", letter, (unsigned)idx);
    }
    return arena_printf(a, "%c%u_%s", letter, (unsigned)idx, buf);
}

/* ---- a small string set for export suffixes --------------------------- */

typedef struct NameSet {
    const char **slots;
    size_t cap;             /* power of two, at least twice the entries */
} NameSet;

static uint32_t
hash_str(const char *s)
{
    uint32_t h = 2166136261u;

    while (*s)
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

static bool
set_has(const NameSet *set, const char *s)
{
    size_t i = hash_str(s) & (set->cap - 1);

    while (set->slots[i] != NULL) {
        if (strcmp(set->slots[i], s) == 0)
            return true;
        i = (i + 1) & (set->cap - 1);
    }
    return false;
}

static void
set_add(NameSet *set, const char *s)
{
    size_t i = hash_str(s) & (set->cap - 1);

    while (set->slots[i] != NULL)
        i = (i + 1) & (set->cap - 1);
    set->slots[i] = s;
}

/* Suffixes the emitter defines itself: <prefix>_new and so on. */
static bool
is_reserved(const char *s)
{
    static const char *const words[] = {"new", "instantiate", "free",
                                        "instance"};
    size_t i;

    for (i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(s, words[i]) == 0)
            return true;
    if (strncmp(s, "ret", 3) == 0 && s[3] >= '0' && s[3] <= '9')
        return true;
    return false;
}

static void
name_exports(Arena *a, Module *m)
{
    static const char *const kind_prefix[] = {"", "table_", "memory_",
                                              "global_"};
    NameSet set;
    uint32_t i;

    set.cap = 16;
    while (set.cap < (size_t)m->nexports * 2 + 8)
        set.cap *= 2;
    set.slots = arena_array(a, set.cap, sizeof *set.slots);

    for (i = 0; i < m->nexports; i++) {
        Export *e = &m->exports[i];
        char buf[EXPORT_CAP + 1];
        const char *base, *s;
        unsigned k;

        if (sanitize(e->name, buf, EXPORT_CAP) == 0)
            strcpy(buf, "export");
        base = arena_printf(a, "%s%s",
                            kind_prefix[e->kind <= EXT_GLOBAL ? e->kind : 0],
                            buf);
        if (is_reserved(base))
            base = arena_printf(a, "x_%s", base);
        s = base;
        for (k = 2; set_has(&set, s); k++)
            s = arena_printf(a, "%s_%u", base, k);
        set_add(&set, s);
        e->cname = s;
    }
}

bool
names_assign(Arena *a, Module *m, Diag *d)
{
    const Str none = {NULL, 0};
    Str *func_export, *global_export;
    uint32_t i;

    (void)d;

    /* The first export of each function and global, in export order. */
    func_export = arena_array(a, m->nfuncs ? m->nfuncs : 1, sizeof(Str));
    global_export = arena_array(a, m->nglobals ? m->nglobals : 1,
                                sizeof(Str));
    for (i = 0; i < m->nexports; i++) {
        const Export *e = &m->exports[i];
        if (e->kind == EXT_FUNC && e->index < m->nfuncs &&
            func_export[e->index].len == 0)
            func_export[e->index] = e->name;
        if (e->kind == EXT_GLOBAL && e->index < m->nglobals &&
            global_export[e->index].len == 0)
            global_export[e->index] = e->name;
    }

    for (i = 0; i < m->nfuncs; i++) {
        Func *f = &m->funcs[i];
        Str n = f->name;
        /* hosts bind imports by these names: the field name reads best */
        if (f->is_import && f->import < m->nimports &&
            m->imports[f->import].name.len > 0)
            n = m->imports[f->import].name;
        if (n.len == 0)
            n = func_export[i];
        f->cname = indexed_name(a, 'f', i, n.len ? n : none);
    }

    for (i = 0; i < m->nglobals; i++) {
        Global *g = &m->globals[i];
        Str n = g->name;
        if (n.len == 0)
            n = global_export[i];
        if (n.len == 0 && g->is_import && g->import < m->nimports)
            n = m->imports[g->import].name;
        g->cname = indexed_name(a, 'g', i, n.len ? n : none);
    }

    name_exports(a, m);
    return true;
}
