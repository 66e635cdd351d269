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
 * for itself (new, new_in, start, free, instance, imports, error_message,
 * exit_code, on_trap, instantiate, table, table_size, table_get,
 * table_set, ret<N>) or could use (wasi_*, and w2c_*, the
 * names of output split across C files), nor one the runtime takes when
 * it is renamed with the same prefix (wrt_*, guest_*): those get "x_" in
 * front.
 *
 * Output split across several C files (names_split) shares functions
 * between the files under "<prefix>_w2c_<name>": the module's prefix keeps
 * two modules linked into one program apart, and "w2c_" keeps them apart
 * from the exports.
 *
 * Host imports become the fields of the public API's imports struct:
 * "<module>_<field>", made unique the same way (names_imports).
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

static void
set_init(Arena *a, NameSet *set, size_t entries)
{
    set->cap = 16;
    while (set->cap < entries * 2 + 8)
        set->cap *= 2;
    set->slots = arena_array(a, set->cap, sizeof *set->slots);
}

/*
 * A name from base not in taken (nor, when with_ctx, its "<name>_ctx"):
 * base itself, else base_2, base_3, ...  bases remembers per base where
 * the search ended, so that many equal bases cost linear time; the
 * answer is the same as searching from the start each time, because
 * taken only grows.  The name (and its _ctx) is added to taken.
 */
static const char *
unique_name(Arena *a, NameSet *taken, NameSet *bases, uint32_t *next,
            const char *base, bool with_ctx)
{
    size_t i = hash_str(base) & (bases->cap - 1);
    const char *s;
    uint32_t k;

    while (bases->slots[i] != NULL && strcmp(bases->slots[i], base) != 0)
        i = (i + 1) & (bases->cap - 1);
    if (bases->slots[i] == NULL) {
        bases->slots[i] = base;
        next[i] = 1;
    }
    for (k = next[i];; k++) {
        s = k == 1 ? base : arena_printf(a, "%s_%u", base, (unsigned)k);
        if (!set_has(taken, s) &&
            !(with_ctx && set_has(taken, arena_printf(a, "%s_ctx", s))))
            break;
    }
    next[i] = k + 1;
    set_add(taken, s);
    if (with_ctx)
        set_add(taken, arena_printf(a, "%s_ctx", s));
    return s;
}

/*
 * Suffixes the emitter defines itself (<prefix>_new and so on) and the
 * runtime's namespaces, which a library renames to <prefix>_wrt_... .
 */
static bool
is_reserved(const char *s)
{
    static const char *const words[] = {
        "new", "new_in", "start", "free", "instance", "imports",
        "error_message", "exit_code", "on_trap", "instantiate", "table",
        "table_size", "table_get", "table_set"
    };
    static const char *const prefixes[] = {"wasi_", "wrt_", "guest_",
                                           "w2c_"};
    size_t i;

    for (i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(s, words[i]) == 0)
            return true;
    for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(s, prefixes[i], strlen(prefixes[i])) == 0)
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
    NameSet taken, bases;
    uint32_t *next, i;

    set_init(a, &taken, m->nexports);
    set_init(a, &bases, m->nexports);
    next = arena_array(a, bases.cap, sizeof *next);

    for (i = 0; i < m->nexports; i++) {
        Export *e = &m->exports[i];
        char buf[EXPORT_CAP + 1];
        const char *base;

        if (sanitize(e->name, buf, EXPORT_CAP) == 0)
            strcpy(buf, "export");
        base = arena_printf(a, "%s%s",
                            kind_prefix[e->kind <= EXT_GLOBAL ? e->kind : 0],
                            buf);
        if (is_reserved(base))
            base = arena_printf(a, "x_%s", base);
        e->cname = unique_name(a, &taken, &bases, next, base, false);
    }
}

/*
 * Identifiers with an underscore that a C++ compiler takes for itself: the
 * public header must compile as C++ too.
 */
static const char *const cxx_words[] = {
    "and_eq", "or_eq", "xor_eq", "not_eq", "static_assert", "static_cast",
    "const_cast", "dynamic_cast", "reinterpret_cast", "thread_local",
    "wchar_t", "char8_t", "char16_t", "char32_t", "co_await", "co_return",
    "co_yield"
};

const char **
names_imports(Arena *a, const Module *m, const char *skip_module)
{
    const char **out = arena_array(a, m->nimports ? m->nimports : 1,
                                   sizeof *out);
    size_t nwords = sizeof cxx_words / sizeof cxx_words[0];
    NameSet taken, bases;
    uint32_t *next, i;

    set_init(a, &taken, (size_t)m->nimports * 2 + nwords);
    set_init(a, &bases, m->nimports);
    next = arena_array(a, bases.cap, sizeof *next);
    for (i = 0; i < nwords; i++)
        set_add(&taken, cxx_words[i]);

    for (i = 0; i < m->nimports; i++) {
        const Import *im = &m->imports[i];
        char mod[EXPORT_CAP + 1], field[EXPORT_CAP + 1];
        const char *base;

        if (skip_module != NULL && im->module.len == strlen(skip_module) &&
            memcmp(im->module.ptr, skip_module, im->module.len) == 0)
            continue;
        sanitize(im->module, mod, EXPORT_CAP);
        sanitize(im->name, field, EXPORT_CAP);
        base = arena_printf(a, "%s%s%s", mod, mod[0] && field[0] ? "_" : "",
                            field);
        /* a member name must start with a letter (no reserved _X either) */
        if (base[0] == '\0')
            base = "unnamed";
        else if (!((base[0] >= 'a' && base[0] <= 'z') ||
                   (base[0] >= 'A' && base[0] <= 'Z')))
            base = arena_printf(a, "x%s%s", base[0] == '_' ? "" : "_", base);
        /* a function also takes "<name>_ctx" */
        out[i] = unique_name(a, &taken, &bases, next, base,
                             im->kind == EXT_FUNC);
    }
    return out;
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

void
names_split(Arena *a, Module *m, const char *prefix)
{
    uint32_t i;

    for (i = m->nimported_funcs; i < m->nfuncs; i++)
        m->funcs[i].cname = arena_printf(a, "%s_w2c_%s", prefix,
                                         m->funcs[i].cname);
}
