/*
 * emit.c - module-level C shared by every output mode, and the dispatch
 * (emit_module).  Function bodies are emitfn.c's job; what only the public
 * embedding API has (EMIT_OBJ, EMIT_C, EMIT_LIB: its header, the imports
 * struct, the life cycle from P_new to P_free, the export wrappers and the
 * adapters to host functions) is emitapi.c's.
 *
 * This file owns the checks of what a mode can bind (emit_check_imports,
 * emit_prefix_problem), canonical signatures, data and element segments,
 * the instance struct, instantiate(), and the raw output of EMIT_EXE and
 * EMIT_RAW: their header with the instance struct in it, P_new(void),
 * P_instantiate, P_free, exports to call inside wrt_call, and main() for
 * executables.  The helpers both halves use are declared in emitapi.h.
 *
 * Layout of the generated .c (P is EmitOpts.prefix; [api] is written in
 * the public API modes only, by emitapi.c unless it says emit.c, [raw] in
 * EMIT_EXE and EMIT_RAW only, [exe] in EMIT_EXE only):
 *   includes, short type names (u32, f64, ...)
 *   [api] a check that w2c_status numbers are the runtime's trap codes
 *   SIG_<n> canonical signature strings
 *   [api] the result structs P_ret<n> and the instance struct (emit.c;
 *         [raw] has both in the header), getv128/putv128
 *   the function name table, data segment bytes, element segment
 *   function indices, prototypes
 *   one static function per Wasm function (emitfn.c)
 *   wrapper thunks w<i> for functions used as references, the WrtFunc
 *   descriptor table
 *   [api] adapters host<i> for host functions of another C type
 *   instantiate() ([raw] and instantiate_entry)
 *   [raw] P_new, P_instantiate, P_free, one P_<export> per export
 *   [api] P_new, error helpers, P_wasi_*, P_start, P_error_message,
 *         P_exit_code, P_free, per export a wrapper returning w2c_status
 *   [exe] the build-time grants and main()
 * All state lives in struct P_instance; the only file-scope objects are
 * static const tables.
 *
 * Split output (a module with more code than EmitOpts.part_size; emit_begin
 * plans it, emit_main and emit_part write it): the main .c has the layout
 * above without the functions; the declarations every file needs (the
 * W2C_HIDDEN macro, SIG_<n> and data<i> as macros for shared
 * P_w2c_SIG_<n> and P_w2c_data<i>, [api] the result structs, the instance
 * struct and getv128/putv128) are written once into Emitter.decls and
 * copied into the main file and each part; part k then has the prototypes
 * it needs and its functions, each static unless another file calls it.
 */
#include "emit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emitapi.h"
#include "emitfn.h"

/* ---- the WASI functions an executable may import (wasi.def) -------------- */

typedef struct WasiFn {
    const char *name, *params, *results;
} WasiFn;

static const WasiFn wasi_fns[] = {
#define WASI(name, params, results) {#name, params, results},
#include "wasi.def"
#undef WASI
};

static bool
str_is(Str s, const char *c)
{
    return s.len == strlen(c) && memcmp(s.ptr, c, s.len) == 0;
}

static const WasiFn *
find_wasi(Str name)
{
    size_t i;

    for (i = 0; i < sizeof wasi_fns / sizeof wasi_fns[0]; i++)
        if (str_is(name, wasi_fns[i].name))
            return &wasi_fns[i];
    return NULL;
}

/* The signature letters of a type's params or results, in buf. */
static void
type_letters(const ValType *v, uint32_t n, char *buf, size_t cap)
{
    uint32_t i;

    for (i = 0; i < n && i + 1 < cap; i++)
        buf[i] = emitfn_sigletter(v[i]);
    buf[i < cap ? i : cap - 1] = '\0';
}

/* "(i32 i64) -> i32" for letters as in wasi.def. */
static void
letters_text(CWriter *w, const char *params, const char *results)
{
    FuncType ft;
    ValType p[16], r[4];
    uint32_t i;

    ft.params = p;
    ft.results = r;
    for (i = 0; params[i] && i < 16; i++)
        p[i] = params[i] == 'I' ? VT_I64 : VT_I32;
    ft.nparams = i;
    for (i = 0; results[i] && i < 4; i++)
        r[i] = results[i] == 'I' ? VT_I64 : VT_I32;
    ft.nresults = i;
    emitfn_type_text(w, &ft);
}

const Export *
emit_find_export(const Module *m, const char *name, ExternKind kind)
{
    uint32_t i;

    for (i = 0; i < m->nexports; i++)
        if (m->exports[i].kind == kind && str_is(m->exports[i].name, name))
            return &m->exports[i];
    return NULL;
}

bool
emit_is_wasi_func(const Import *im)
{
    return im->kind == EXT_FUNC && str_is(im->module, WASI_MODULE);
}

/* Whether WASI function import im reaches the guest's memory: all but
   proc_exit and sched_yield do. */
static bool
wasi_reaches_memory(const Import *im)
{
    return !str_is(im->name, "proc_exit") && !str_is(im->name, "sched_yield");
}

/* Whether the WASI imports of an executable (it has no other imports)
   reach the guest's memory. */
static bool
imports_need_memory(const Module *m)
{
    uint32_t i;

    for (i = 0; i < m->nimports; i++)
        if (wasi_reaches_memory(&m->imports[i]))
            return true;
    return false;
}

const char *
emit_mode_name(EmitMode mode)
{
    switch (mode) {
    case EMIT_EXE: return "exe";
    case EMIT_OBJ: return "obj";
    case EMIT_C: return "c";
    case EMIT_LIB: return "lib";
    case EMIT_RAW: break;
    }
    return "raw";
}

/*
 * A wasi_snapshot_preview1 function import: listed in wasi.def with the
 * same signature.  false after a diagnostic.
 */
static bool
check_wasi_func(const Module *m, const Import *im, Diag *d)
{
    const WasiFn *wf;
    const FuncType *ft;
    char params[64], results[16];
    CWriter got;
    bool ok;

    wf = find_wasi(im->name);
    if (wf == NULL)
        return diag_error_at(d, im->offset,
                             "import \"%.*s\" \"%.*s\": this WASI function "
                             "is not supported yet",
                             (int)im->module.len, im->module.ptr,
                             (int)im->name.len, im->name.ptr);
    ft = func_type(m, &m->funcs[im->index]);
    type_letters(ft->params, ft->nparams, params, sizeof params);
    type_letters(ft->results, ft->nresults, results, sizeof results);
    if (ft->nparams < sizeof params && ft->nresults < sizeof results &&
        strcmp(params, wf->params) == 0 &&
        strcmp(results, wf->results) == 0)
        return true;
    cw_init(&got);
    cw_printf(&got, "expected ");
    letters_text(&got, wf->params, wf->results);
    cw_printf(&got, ", got ");
    emitfn_type_text(&got, ft);
    ok = diag_error_at(d, im->offset,
                       "import \"%.*s\" \"%.*s\": type mismatch: %s",
                       (int)im->module.len, im->module.ptr,
                       (int)im->name.len, im->name.ptr, got.buf);
    cw_free(&got);
    return ok;
}

/*
 * The public API: functions and globals come from the host, WASI functions
 * from the instance's own context; memories and tables cannot be imported
 * (the instance owns its memory, which the host reaches through exports).
 */
static bool
check_api_imports(const Module *m, const EmitOpts *o, Diag *d)
{
    bool has_memory = emit_find_export(m, "memory", EXT_MEMORY) != NULL;
    bool ok = true;
    uint32_t i;

    for (i = 0; i < m->nimports; i++) {
        const Import *im = &m->imports[i];

        if (im->kind == EXT_MEMORY || im->kind == EXT_TABLE) {
            ok = diag_error_at(d, im->offset,
                               "import \"%.*s\" \"%.*s\": --emit=%s cannot "
                               "import a %s; export it from the module "
                               "instead", (int)im->module.len,
                               im->module.ptr, (int)im->name.len,
                               im->name.ptr, emit_mode_name(o->mode),
                               im->kind == EXT_MEMORY ? "memory" : "table");
        } else if (str_is(im->module, WASI_MODULE) && o->freestanding) {
            ok = diag_error_at(d, im->offset,
                               "import \"%.*s\" \"%.*s\": a freestanding "
                               "target has no WASI; the host must provide "
                               "every import", (int)im->module.len,
                               im->module.ptr, (int)im->name.len,
                               im->name.ptr);
        } else if (str_is(im->module, WASI_MODULE)) {
            if (im->kind != EXT_FUNC)
                ok = diag_error_at(d, im->offset,
                                   "import \"%.*s\" \"%.*s\": only "
                                   "functions can be imported from "
                                   WASI_MODULE, (int)im->module.len,
                                   im->module.ptr, (int)im->name.len,
                                   im->name.ptr);
            else if (!check_wasi_func(m, im, d))
                ok = false;
        }
    }
    /* once, at the first WASI import that reaches memory */
    for (i = 0; i < m->nimports && !has_memory; i++) {
        const Import *im = &m->imports[i];
        if (emit_is_wasi_func(im) && wasi_reaches_memory(im)) {
            ok = diag_error_at(d, im->offset,
                               "import \"%.*s\" \"%.*s\": WASI imports "
                               "need the module's memory exported as "
                               "\"memory\"", (int)im->module.len,
                               im->module.ptr, (int)im->name.len,
                               im->name.ptr);
            break;
        }
    }
    return ok;
}

bool
emit_check_imports(const Module *m, const EmitOpts *o, Diag *d)
{
    bool ok = true;
    const Export *start;
    uint32_t i;

    if (emit_mode_is_public(o->mode))
        return check_api_imports(m, o, d);
    if (o->mode != EMIT_EXE)
        return true;
    for (i = 0; i < m->nimports; i++) {
        const Import *im = &m->imports[i];

        if (!emit_is_wasi_func(im)) {
            ok = diag_error_at(d, im->offset,
                               "import \"%.*s\" \"%.*s\": only "
                               WASI_MODULE " functions can be imported by "
                               "an executable",
                               (int)im->module.len, im->module.ptr,
                               (int)im->name.len, im->name.ptr);
            continue;
        }
        if (!check_wasi_func(m, im, d))
            ok = false;
    }

    /* WASI: a command module exports _start () -> () and its memory */
    start = emit_find_export(m, "_start", EXT_FUNC);
    if (start == NULL) {
        ok = diag_error(d, "executable: the module has no \"_start\" export "
                        "(a command module must export _start () -> ())");
    } else {
        const FuncType *ft = func_type(m, &m->funcs[start->index]);
        if (ft->nparams != 0 || ft->nresults != 0) {
            CWriter got;
            cw_init(&got);
            emitfn_type_text(&got, ft);
            ok = diag_error_at(d, start->offset,
                               "export \"_start\": type mismatch: expected "
                               "() -> (), got %s", got.buf);
            cw_free(&got);
        }
    }
    if (imports_need_memory(m) &&
        emit_find_export(m, "memory", EXT_MEMORY) == NULL)
        ok = diag_error(d, "executable: WASI imports need the module's "
                        "memory exported as \"memory\"");
    return ok;
}

/* ---- canonical signatures and result structs ----------------------------- */

typedef struct StrMap {
    const char **keys;
    uint32_t *vals;
    size_t cap;
    uint32_t n;
} StrMap;

static void
map_init(Arena *a, StrMap *map, uint32_t nkeys)
{
    map->cap = 16;
    while (map->cap < (size_t)nkeys * 2 + 2)
        map->cap *= 2;
    map->keys = arena_array(a, map->cap, sizeof *map->keys);
    map->vals = arena_array(a, map->cap, sizeof *map->vals);
    map->n = 0;
}

/* The number of key, numbering new keys 0, 1, ... in order of arrival. */
static uint32_t
map_intern(StrMap *map, const char *key, bool *is_new)
{
    uint32_t h = 2166136261u;
    const char *p;
    size_t i;

    for (p = key; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    for (i = h & (map->cap - 1); map->keys[i] != NULL;
         i = (i + 1) & (map->cap - 1))
        if (strcmp(map->keys[i], key) == 0) {
            *is_new = false;
            return map->vals[i];
        }
    map->keys[i] = key;
    map->vals[i] = map->n++;
    *is_new = true;
    return map->vals[i];
}

static char *
letters(Arena *a, const ValType *v, uint32_t n)
{
    char *s = arena_alloc(a, (size_t)n + 1);
    uint32_t i;

    for (i = 0; i < n; i++)
        s[i] = emitfn_sigletter(v[i]);
    return s;
}

/*
 * Number the distinct signatures (SIG_<n>) and the distinct result lists
 * of two or more values (<prefix>_ret<n>), in type-section order.  Prints
 * the SIG strings to c and the result structs to h.  For output split
 * across files (sigdefs not NULL) c gets declarations of shared strings
 * <prefix>_w2c_SIG_<n>, with SIG_<n> as a macro for each (call_indirect
 * compares signatures by address first, so each has one definition), and
 * sigdefs their definitions.
 */
static void
plan_types(EmitCtx *e, CWriter *c, CWriter *h, CWriter *sigdefs)
{
    const Module *m = e->m;
    StrMap sigs, rets;
    uint32_t i, k;
    bool is_new, any_sig = false;
    bool *sig_printed;

    e->type_sig = arena_array(e->a, m->ntypes ? m->ntypes : 1,
                              sizeof(uint32_t));
    e->type_ret = arena_array(e->a, m->ntypes ? m->ntypes : 1,
                              sizeof(char *));
    e->type_ret_std = arena_array(e->a, m->ntypes ? m->ntypes : 1,
                                  sizeof(char *));
    e->type_cc = arena_array(e->a, m->ntypes ? m->ntypes : 1,
                             sizeof(char *));
    map_init(e->a, &sigs, m->ntypes);
    map_init(e->a, &rets, m->ntypes);
    sig_printed = arena_array(e->a, m->ntypes ? m->ntypes : 1,
                              sizeof *sig_printed);
    for (i = 0; i < m->ntypes; i++)
        if (e->type_used == NULL || e->type_used[i])
            any_sig = true;
    if (any_sig)
        cw_line(c, "/* canonical signatures: params ':' results (wrt.h) */");
    for (i = 0; i < m->ntypes; i++) {
        const FuncType *ft = &m->types[i];
        char *sig = arena_printf(e->a, "%s:%s",
                                 letters(e->a, ft->params, ft->nparams),
                                 letters(e->a, ft->results, ft->nresults));
        uint32_t n = map_intern(&sigs, sig, &is_new);

        e->type_sig[i] = n;
        e->type_cc[i] = emitfn_has_float(ft) ? "WRT_FPCALL " : "";
        /* the public API prints only the signatures its C uses */
        if (e->type_used != NULL ? e->type_used[i] && !sig_printed[n]
                                 : is_new) {
            if (sigdefs == NULL) {
                cw_line(c, "static const char SIG_%u[] = \"%s\";",
                        (unsigned)n, sig);
            } else {
                cw_line(c, "W2C_HIDDEN extern const char %s_w2c_SIG_%u[];",
                        e->prefix, (unsigned)n);
                cw_line(c, "#define SIG_%u %s_w2c_SIG_%u", (unsigned)n,
                        e->prefix, (unsigned)n);
                cw_line(sigdefs, "const char %s_w2c_SIG_%u[] = \"%s\";",
                        e->prefix, (unsigned)n, sig);
            }
            sig_printed[n] = true;
        }
        if (ft->nresults == 0) {
            e->type_ret[i] = e->type_ret_std[i] = "void";
        } else if (ft->nresults == 1) {
            e->type_ret[i] = emitfn_ctype(ft->results[0]);
            e->type_ret_std[i] = emitfn_stdtype(ft->results[0]);
        } else {
            n = map_intern(&rets, letters(e->a, ft->results, ft->nresults),
                           &is_new);
            e->type_ret[i] = e->type_ret_std[i] =
                arena_printf(e->a, "%s_ret%u", e->prefix, (unsigned)n);
            if (!is_new)
                continue;
            cw_printf(h, "/* results ");
            emitfn_type_text(h, ft);
            cw_printf(h, " */\ntypedef struct %s {\n", e->type_ret[i]);
            for (k = 0; k < ft->nresults; k++) {
                const char *t = emitfn_stdtype(ft->results[k]);
                cw_line(h, "    %s%sv%u;", t,
                        t[strlen(t) - 1] == '*' ? "" : " ", (unsigned)k);
            }
            cw_line(h, "} %s;", e->type_ret[i]);
            cw_raw(h, "\n", 1);
        }
    }
    if (m->ntypes)
        cw_raw(c, "\n", 1);
}

/* ---- C string literals --------------------------------------------------- */

/*
 * Byte i of b[0..n) inside a C string literal, in out; returns its length.
 * Escapes only where needed: quote, backslash, '?' (trigraphs), and
 * non-printable bytes as the shortest octal escape that the next byte
 * cannot extend.
 */
static int
escape_byte(const uint8_t *b, size_t i, size_t n, char *out, size_t cap)
{
    uint8_t c = b[i];

    if (c == '"' || c == '\\' || c == '?') {
        out[0] = '\\';
        out[1] = (char)c;
        return 2;
    }
    if (c == '\n')
        return snprintf(out, cap, "\\n");
    if (c >= 0x20 && c < 0x7f) {
        out[0] = (char)c;
        return 1;
    }
    if (i + 1 < n && b[i + 1] >= '0' && b[i + 1] <= '7')
        return snprintf(out, cap, "\\%03o", (unsigned)c);
    return snprintf(out, cap, "\\%o", (unsigned)c);
}

/*
 * bytes as one or more adjacent string literals, each line starting at
 * indent spaces and kept within about 80 columns.
 */
static void
emit_string(CWriter *w, const uint8_t *b, size_t n, int indent)
{
    char out[8];
    size_t i, col = 0;

    if (n == 0) {
        cw_printf(w, "%*s\"\"", indent, "");
        return;
    }
    for (i = 0; i < n; i++) {
        int len;
        if (col == 0) {
            cw_printf(w, "%s%*s\"", i ? "\"\n" : "", indent, "");
            col = (size_t)indent + 1;
        }
        len = escape_byte(b, i, n, out, sizeof out);
        cw_raw(w, out, (size_t)len);
        col += (size_t)len;
        if (col >= 76)
            col = 0;
    }
    cw_raw(w, "\"", 1);
}

const char *
emit_c_literal(Arena *a, const char *text)
{
    const uint8_t *b = (const uint8_t *)text;
    size_t i, n = strlen(text);
    CWriter w;
    char out[8];
    const char *lit;

    cw_init(&w);
    cw_raw(&w, "\"", 1);
    for (i = 0; i < n; i++)
        cw_raw(&w, out, (size_t)escape_byte(b, i, n, out, sizeof out));
    cw_raw(&w, "\"", 1);
    lit = arena_strndup(a, w.buf, w.len);
    cw_free(&w);
    return lit;
}

/* ---- small helpers ------------------------------------------------------- */

static bool
is_identifier(const char *s)
{
    const char *p;

    if (s == NULL || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                       *s == '_'))
        return false;
    for (p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return true;
}

/*
 * Whether "<s>_..." can name something static in the generated .c:
 * f<i>_<name>, elem<i>_funcs, func_names, func_descs, SIG_<n>.
 */
static bool
is_internal_stem(const char *s)
{
    size_t n = strspn(s + 1, "0123456789");

    if (strcmp(s, "func") == 0 || strcmp(s, "SIG") == 0)
        return true;
    if (s[0] == 'f' && n > 0 && s[1 + n] == '\0')
        return true;
    return strncmp(s, "elem", 4) == 0 && s[4] != '\0' &&
           strspn(s + 4, "0123456789") == strlen(s + 4);
}

/* The first export of each function (index into exports, or -1). */
static int64_t *
first_exports(Arena *a, const Module *m, ExternKind kind, uint32_t n)
{
    int64_t *v = arena_array(a, n ? n : 1, sizeof *v);
    uint32_t i;

    for (i = 0; i < n; i++)
        v[i] = -1;
    for (i = 0; i < m->nexports; i++)
        if (m->exports[i].kind == kind && m->exports[i].index < n &&
            v[m->exports[i].index] < 0)
            v[m->exports[i].index] = i;
    return v;
}

/* Mark every function that can become a reference (ref.func anywhere). */
static bool *
referenced_funcs(Arena *a, const Module *m)
{
    bool *r = arena_array(a, m->nfuncs ? m->nfuncs : 1, sizeof *r);
    uint32_t i, k, j;

#define MARK_EXPR(x)                                                        \
    for (j = 0; j < (x)->n; j++)                                            \
        if ((x)->code[j].op == OP_REF_FUNC &&                               \
            (x)->code[j].imm.idx < m->nfuncs)                               \
            r[(x)->code[j].imm.idx] = true;
    for (i = 0; i < m->nfuncs; i++)
        MARK_EXPR(&m->funcs[i].body)
    for (i = 0; i < m->nglobals; i++)
        MARK_EXPR(&m->globals[i].init)
    for (i = 0; i < m->nelems; i++)
        for (k = 0; k < m->elems[i].ninits; k++)
            MARK_EXPR(&m->elems[i].inits[k])
#undef MARK_EXPR
    return r;
}

/* true when every item of the segment is "ref.func i; end". */
static bool
elem_is_func_list(const Elem *el)
{
    uint32_t k;

    for (k = 0; k < el->ninits; k++)
        if (el->inits[k].n != 2 || el->inits[k].code[0].op != OP_REF_FUNC)
            return false;
    return true;
}

/* ---- helpers emitapi.c shares (emitapi.h) -------------------------------- */

const char *
emit_pointer_to(Arena *a, const char *t, bool is_const)
{
    if (t[strlen(t) - 1] == '*')
        return arena_printf(a, "%s%s*", t, is_const ? "const " : "");
    return arena_printf(a, "%s%s *", is_const ? "const " : "", t);
}

const char *
emit_declare(Arena *a, const char *t, const char *name)
{
    return arena_printf(a, "%s%s%s", t, t[strlen(t) - 1] == '*' ? "" : " ",
                        name);
}

void
emit_import_name(CWriter *w, const Module *m, uint32_t import)
{
    const Import *im = &m->imports[import];

    cw_printf(w, "import \"");
    emitfn_comment_str(w, im->module);
    cw_printf(w, "\" \"");
    emitfn_comment_str(w, im->name);
    cw_printf(w, "\"");
}

void
emit_export_name(CWriter *w, const Export *x)
{
    cw_printf(w, "export \"");
    emitfn_comment_str(w, x->name);
    cw_printf(w, "\"");
}

void
emit_header_guard(char *buf, size_t cap, const char *prefix)
{
    size_t i;

    snprintf(buf, cap, "W2C_%s_H", prefix);
    for (i = 0; buf[i]; i++)
        if (buf[i] >= 'a' && buf[i] <= 'z')
            buf[i] = (char)(buf[i] - 'a' + 'A');
}

const char *
emit_call_text(EmitCtx *e, uint32_t fidx, const char *inst, const char *args)
{
    const Func *f = &e->m->funcs[fidx];

    if (f->is_import)
        return arena_printf(e->a, "%s->%s(%s->%s_ctx%s)", inst, f->cname,
                            inst, f->cname, args);
    return arena_printf(e->a, "%s(%s%s)", f->cname, inst, args);
}

/* ", a0, a1, ..." for n parameters, to follow the instance in a call. */
static const char *
param_args(EmitCtx *e, uint32_t n)
{
    const char *args = "";
    uint32_t k;

    for (k = 0; k < n; k++)
        args = arena_printf(e->a, "%s, a%u", args, (unsigned)k);
    return args;
}

const char *
emit_wasi_memory(EmitCtx *e, const char *inst)
{
    const Export *mem = emit_find_export(e->m, "memory", EXT_MEMORY);

    if (mem == NULL)
        return "NULL";
    return arena_printf(e->a, "%s->mem%u", inst, (unsigned)mem->index);
}

/* ---- the header and the instance struct ---------------------------------- */

static void
emit_import_comment(CWriter *h, const Module *m, uint32_t import)
{
    cw_printf(h, "    /* ");
    emit_import_name(h, m, import);
}

/*
 * The instance struct: in the header for EMIT_EXE and EMIT_RAW, where the
 * host fills in the import fields; in the .c for the public API, whose
 * P_new copies them from the host's imports struct.
 */
static void
emit_instance_struct(EmitCtx *e, CWriter *h)
{
    const Module *m = e->m;
    const char *P = e->prefix;
    uint32_t i;

    cw_line(h, "/*");
    if (e->api) {
        cw_line(h, " * One instance of the module: all of its state, opaque "
                "to the host.");
        cw_line(h, " * %s_new binds the imports, %s_start does the rest.", P,
                P);
    } else {
        cw_line(h, " * One instance of the module: all of its state.  "
                "Create it with %s_new,", P);
        cw_line(h, " * set the import fields, then call %s_instantiate.", P);
    }
    cw_line(h, " */");
    cw_line(h, "struct %s_instance {", P);
    cw_line(h, "    WrtRt rt;   /* runtime header: traps, call depth */");
    if (e->api) {
        cw_line(h, "    WrtEmbed embed;   /* limits, state, last message "
                "*/");
        cw_line(h, "    /* the host's trap callback (%s_on_trap) */", P);
        cw_line(h, "    void (*on_trap)(void *ctx, w2c_status status, "
                "const char *message);");
        cw_line(h, "    void *on_trap_ctx;");
        if (e->has_wasi)
            cw_line(h, "    WasiCtx *wasi;   /* serves the WASI imports */");
        cw_line(h, "    %s_imports imports;   /* the host's, copied by "
                "%s_new */", P, P);
    }

    for (i = 0; i < m->nfuncs; i++) {
        const Func *f = &m->funcs[i];
        CWriter tmp;
        if (!f->is_import)
            continue;
        emit_import_comment(h, m, f->import);
        cw_printf(h, ": ");
        emitfn_type_text(h, func_type(m, f));
        cw_printf(h, " */\n    %s (%s*%s)", e->type_ret_std[f->type],
                  e->type_cc[f->type], f->cname);
        cw_init(&tmp);
        emitfn_params(e, &tmp, f->type, "void *ctx", NULL, true);
        cw_printf(h, "%s;\n", tmp.buf);
        cw_free(&tmp);
        cw_line(h, "    void *%s_ctx;", f->cname);
    }
    for (i = 0; i < m->nmems; i++) {
        const Memory *mem = &m->mems[i];
        if (mem->is_import) {
            emit_import_comment(h, m, mem->import);
            cw_printf(h, ": set before instantiation */\n");
            cw_line(h, "    WrtMemory *mem%u;", (unsigned)i);
        } else {
            cw_line(h, "    WrtMemory *mem%u;     /* memory %u: "
                    "mem%u_storage */", (unsigned)i, (unsigned)i,
                    (unsigned)i);
            cw_line(h, "    WrtMemory mem%u_storage;", (unsigned)i);
        }
    }
    for (i = 0; i < m->ntables; i++) {
        const Table *t = &m->tables[i];
        if (t->is_import) {
            emit_import_comment(h, m, t->import);
            cw_printf(h, ": set before instantiation */\n");
            cw_line(h, "    WrtTable *tab%u;", (unsigned)i);
        } else {
            cw_line(h, "    WrtTable *tab%u;      /* table %u: "
                    "tab%u_storage */", (unsigned)i, (unsigned)i,
                    (unsigned)i);
            cw_line(h, "    WrtTable tab%u_storage;", (unsigned)i);
        }
    }
    for (i = 0; i < m->nglobals; i++) {
        const Global *g = &m->globals[i];
        const char *t = e->api && g->type == VT_V128
                            ? "w2c_v128"
                            : emitfn_stdtype(g->type);
        if (g->is_import) {
            emit_import_comment(h, m, g->import);
            cw_printf(h, ": points at the host's value */\n");
            /* the public API keeps the const of the host's pointer */
            cw_line(h, "    %s;",
                    emit_declare(e->a, emit_pointer_to(e->a, t, e->api &&
                                                       !g->is_mutable),
                                 g->cname));
        } else {
            cw_line(h, "    %s;%s", emit_declare(e->a, t, g->cname),
                    g->is_mutable ? "" : "   /* immutable */");
        }
    }
    if (m->nfuncs)
        cw_line(h, "    WrtFunc funcs[%u];  /* references to each function "
                "*/", (unsigned)m->nfuncs);
    for (i = 0; i < m->ndatas; i++)
        cw_line(h, "    uint8_t data%u_dropped;", (unsigned)i);
    for (i = 0; i < m->nelems; i++) {
        cw_line(h, "    void **elem%u;  /* element segment %u, "
                "elem%u_len entries */", (unsigned)i, (unsigned)i,
                (unsigned)i);
        cw_line(h, "    uint32_t elem%u_len;", (unsigned)i);
    }
    cw_line(h, "};");
    cw_raw(h, "\n", 1);
}

static void
emit_export_protos(EmitCtx *e, CWriter *h)
{
    const Module *m = e->m;
    const char *P = e->prefix;
    uint32_t i;

    for (i = 0; i < m->nexports; i++) {
        const Export *x = &m->exports[i];
        const Global *g;

        cw_printf(h, "/* ");
        emit_export_name(h, x);
        switch (x->kind) {
        case EXT_FUNC: {
            const Func *f = &m->funcs[x->index];
            char *first = arena_printf(e->a, "%s_instance *inst", P);
            cw_printf(h, ": ");
            emitfn_type_text(h, func_type(m, f));
            cw_printf(h, " */\n%s%s %s_%s", e->type_cc[f->type],
                      e->type_ret_std[f->type], P, x->cname);
            emitfn_params(e, h, f->type, first, NULL, true);
            cw_printf(h, ";\n");
            break;
        }
        case EXT_MEMORY:
            cw_printf(h, " */\nWrtMemory *%s_%s(%s_instance *inst);\n", P,
                      x->cname, P);
            break;
        case EXT_TABLE:
            cw_printf(h, " */\nWrtTable *%s_%s(%s_instance *inst);\n", P,
                      x->cname, P);
            break;
        case EXT_GLOBAL:
            g = &m->globals[x->index];
            cw_printf(h, ": the global's storage */\n%s%s_%s(%s_instance "
                      "*inst);\n",
                      emit_pointer_to(e->a, emitfn_stdtype(g->type), false),
                      P, x->cname, P);
            break;
        }
    }
}

static void
emit_header(EmitCtx *e, CWriter *h, CWriter *rets)
{
    const char *P = e->prefix;
    char guard[80];

    emit_header_guard(guard, sizeof guard, P);
    cw_line(h, "/*");
    cw_line(h, " * Generated by w2c: do not edit.");
    cw_line(h, " *");
    cw_line(h, " * Use: %s_instance *inst = %s_new(); set the import "
            "fields;", P, P);
    cw_line(h, " * %s_instantiate(inst) (0, or the WrtTrap that stopped "
            "it); call", P);
    cw_line(h, " * exports inside wrt_call (wrt.h), which reports traps; "
            "%s_free(inst).", P);
    cw_line(h, " */");
    cw_line(h, "#ifndef %s", guard);
    cw_line(h, "#define %s", guard);
    cw_raw(h, "\n", 1);
    cw_line(h, "#include <stdint.h>");
    cw_raw(h, "\n", 1);
    cw_line(h, "#include \"wrt.h\"");
    cw_raw(h, "\n", 1);
    cw_line(h, "typedef struct %s_instance %s_instance;", P, P);
    cw_raw(h, "\n", 1);
    cw_raw(h, rets->buf ? rets->buf : "", rets->len);
    emit_instance_struct(e, h);
    cw_line(h, "/* A new instance, imports unset, or NULL when out of "
            "memory. */");
    cw_line(h, "%s_instance *%s_new(void);", P, P);
    cw_line(h, "/*");
    cw_line(h, " * Instantiate (memories, tables, globals, segments, start "
            "function).");
    cw_line(h, " * Returns 0, or the WrtTrap that stopped it.  May be called "
            "inside");
    cw_line(h, " * wrt_call; a trap is then also passed on to it.");
    cw_line(h, " */");
    cw_line(h, "int %s_instantiate(%s_instance *inst);", P, P);
    cw_line(h, "/* Free the instance and everything it owns. */");
    cw_line(h, "void %s_free(%s_instance *inst);", P, P);
    cw_raw(h, "\n", 1);
    emit_export_protos(e, h);
    cw_raw(h, "\n", 1);
    cw_line(h, "#endif /* %s */", guard);
}

/* ---- the .c file, before the functions ----------------------------------- */

static bool
has_v128(const ValType *v, uint32_t n)
{
    uint32_t i;

    for (i = 0; i < n; i++)
        if (v[i] == VT_V128)
            return true;
    return false;
}

/*
 * Whether any v128 value can occur: every one comes from a SIMD
 * instruction, a parameter, local, global or call result.
 */
static bool
uses_v128(const Module *m)
{
    uint32_t i, k;

    for (i = 0; i < m->ntypes; i++)
        if (has_v128(m->types[i].params, m->types[i].nparams) ||
            has_v128(m->types[i].results, m->types[i].nresults))
            return true;
    for (i = 0; i < m->nglobals; i++)
        if (m->globals[i].type == VT_V128)
            return true;
    for (i = m->nimported_funcs; i < m->nfuncs; i++) {
        const Func *f = &m->funcs[i];
        if (has_v128(f->locals, f->nlocals))
            return true;
        for (k = 0; k < f->body.n; k++)
            if (op_info[f->body.code[k].op].prefix == 0xFD)
                return true;
    }
    return false;
}

/*
 * Includes and the short type names.  part: 0 for the main file, else the
 * number of a part file (which needs no stdio for main()); v128: whether
 * the module uses v128 (uses_v128, found once for all the files).
 */
static void
emit_prologue(EmitCtx *e, CWriter *c, uint32_t part, bool v128)
{
    const EmitOpts *o = e->o;

    cw_line(c, "/* Generated by w2c: do not edit. */");
    if (o->mode == EMIT_EXE && part == 0) {
        cw_line(c, "#include <stdio.h>");
        cw_line(c, "#include <stdlib.h>");
        cw_raw(c, "\n", 1);
    }
    if (o->guard) {
        /* WRT_BOUNDS is empty: the memory's reservation catches accesses */
        cw_line(c, "#define WRT_GUARD 1");
    }
    cw_line(c, "#include \"wrt.h\"");
    if (o->guard) {
        cw_line(c, "#if UINTPTR_MAX <= 0xFFFFFFFFu");
        cw_line(c, "#error \"--bounds=guard needs 64-bit pointers; "
                "compile with --bounds=check\"");
        cw_line(c, "#endif");
    }
    if (o->mode == EMIT_EXE || e->has_wasi)
        cw_line(c, "#include \"wasi.h\"");
    if (o->header_name != NULL)
        cw_line(c, "#include \"%s\"", o->header_name);
    else
        cw_line(c, "#include \"%s.h\"", e->prefix);
    cw_raw(c, "\n", 1);
    cw_line(c, "typedef uint8_t u8;");
    cw_line(c, "typedef uint16_t u16;");
    cw_line(c, "typedef uint32_t u32;");
    cw_line(c, "typedef uint64_t u64;");
    cw_line(c, "typedef int8_t s8;");
    cw_line(c, "typedef int16_t s16;");
    cw_line(c, "typedef int32_t s32;");
    cw_line(c, "typedef int64_t s64;");
    cw_line(c, "typedef float f32;");
    cw_line(c, "typedef double f64;");
    if (v128)
        cw_line(c, "typedef wrt_v128 v128;");
    cw_raw(c, "\n", 1);
}

/* Names for trap messages: name section, else export, else func<i>. */
static void
emit_func_names(EmitCtx *e, CWriter *c, const int64_t *fexp)
{
    const Module *m = e->m;
    uint32_t i;

    if (m->nfuncs == 0)
        return;
    cw_line(c, "/* function names for trap messages */");
    cw_line(c, "static const char *const func_names[%u] = {",
            (unsigned)m->nfuncs);
    for (i = 0; i < m->nfuncs; i++) {
        const Func *f = &m->funcs[i];
        Str n = f->name;
        if (n.len == 0 && fexp[i] >= 0)
            n = m->exports[fexp[i]].name;
        if (n.len == 0) {
            cw_line(c, "    \"func%u\",", (unsigned)i);
            continue;
        }
        emit_string(c, (const uint8_t *)n.ptr, n.len, 4);
        cw_printf(c, ",\n");
    }
    cw_line(c, "};");
    cw_raw(c, "\n", 1);
}

/*
 * The data and element segments' contents.  shared: output split across
 * files, where function bodies in other files may read data segments
 * (memory.init): each is then <prefix>_w2c_data<i>, declared beside the
 * SIG strings (split_decls).
 */
static void
emit_segments(EmitCtx *e, CWriter *c, bool shared)
{
    const Module *m = e->m;
    uint32_t i, k;

    for (i = 0; e->api && i < m->ndatas; i++)
        if (m->datas[i].len > 4095 && e->data_used[i]) {
            cw_line(c, "/* C99 promises 4095-byte string literals; "
                    "compilers take far more */");
            cw_line(c, "#if defined(__GNUC__)");
            cw_line(c, "#pragma GCC diagnostic ignored "
                    "\"-Woverlength-strings\"");
            cw_line(c, "#endif");
            cw_raw(c, "\n", 1);
            break;
        }
    for (i = 0; i < m->ndatas; i++) {
        const Data *dt = &m->datas[i];
        if (e->data_used != NULL && !e->data_used[i])
            continue;
        cw_line(c, "/* data segment %u: %u bytes */", (unsigned)i,
                (unsigned)dt->len);
        if (shared)
            cw_line(c, "const u8 %s_w2c_data%u[] =", e->prefix, (unsigned)i);
        else
            cw_line(c, "static const u8 data%u[] =", (unsigned)i);
        emit_string(c, dt->bytes, dt->len, 4);
        cw_printf(c, ";\n\n");
    }
    for (i = 0; i < m->nelems; i++) {
        const Elem *el = &m->elems[i];
        size_t col;
        if (el->ninits == 0 || el->mode == SEG_DECLARATIVE ||
            !elem_is_func_list(el))
            continue;
        cw_line(c, "/* element segment %u: function indices */",
                (unsigned)i);
        cw_printf(c, "static const u32 elem%u_funcs[%u] = {\n   ",
                  (unsigned)i, (unsigned)el->ninits);
        col = 3;
        for (k = 0; k < el->ninits; k++) {
            char num[16];
            int len = snprintf(num, sizeof num, " %u%s",
                               (unsigned)el->inits[k].code[0].imm.idx,
                               k + 1 < el->ninits ? "," : "");
            if (col + (size_t)len > 78) {
                cw_printf(c, "\n   ");
                col = 3;
            }
            cw_raw(c, num, (size_t)len);
            col += (size_t)len;
        }
        cw_printf(c, "\n};\n\n");
    }
}

/*
 * Prototypes of the live functions that want[] marks (NULL: all of them),
 * each static unless shared[] (NULL: none) marks it as linked between
 * files.
 */
static void
emit_prototypes(EmitCtx *e, CWriter *c, const bool *want, const bool *shared)
{
    const Module *m = e->m;
    uint32_t i;
    char *first = arena_printf(e->a, "%s_instance *", e->prefix);
    bool any = false;

    for (i = m->nimported_funcs; i < m->nfuncs; i++) {
        const Func *f = &m->funcs[i];
        if ((e->func_live != NULL && !e->func_live[i]) ||
            (want != NULL && !want[i]))
            continue;
        cw_printf(c, "%s%s%s %s",
                  shared != NULL && shared[i] ? "W2C_HIDDEN " : "static ",
                  e->type_cc[f->type], e->type_ret[f->type], f->cname);
        emitfn_params(e, c, f->type, first, NULL, false);
        cw_printf(c, ";\n");
        any = true;
    }
    if (any || (want == NULL && m->nfuncs > m->nimported_funcs))
        cw_raw(c, "\n", 1);
}

/* ---- after the functions ------------------------------------------------- */

/*
 * Wrappers with the exact type WrtFunc.code is called with:
 * R (*)(void *ctx, params...), for functions that can become references.
 */
static void
emit_thunks(EmitCtx *e, CWriter *c, const bool *refd)
{
    const Module *m = e->m;
    const char *inst = arena_printf(e->a, "(%s_instance *)ctx", e->prefix);
    uint32_t i;

    for (i = m->nimported_funcs; i < m->nfuncs; i++) {
        const Func *f = &m->funcs[i];
        const FuncType *ft = func_type(m, f);
        if (!refd[i])
            continue;
        cw_printf(c, "static %s%s\nw%u", e->type_cc[f->type],
                  e->type_ret[f->type], (unsigned)i);
        emitfn_params(e, c, f->type, "void *ctx", "a", false);
        cw_printf(c, "\n{\n    %s%s;\n}\n\n", ft->nresults ? "return " : "",
                  emit_call_text(e, i, inst, param_args(e, ft->nparams)));
    }
}

static void
emit_func_descs(EmitCtx *e, CWriter *c, const bool *refd)
{
    const Module *m = e->m;
    uint32_t i;

    if (m->nfuncs == 0)
        return;
    cw_line(c, "/* WrtFunc of each function; instantiation adds ctx and "
            "imports */");
    cw_line(c, "static const WrtFunc func_descs[%u] = {",
            (unsigned)m->nfuncs);
    for (i = 0; i < m->nfuncs; i++) {
        uint32_t sig = e->type_sig[m->funcs[i].type];
        if (i < m->nimported_funcs || !refd[i])
            cw_line(c, "    {SIG_%u, NULL, NULL},", (unsigned)sig);
        else
            cw_line(c, "    {SIG_%u, (void (*)(void))w%u, NULL},",
                    (unsigned)sig, (unsigned)i);
    }
    cw_line(c, "};");
    cw_raw(c, "\n", 1);
}

static uint64_t
memory_max(const EmitOpts *o, const Memory *mem)
{
    uint64_t max = mem->lim.has_max ? mem->lim.max : 65536;

    if (o->max_memory_pages != 0 && o->max_memory_pages < max)
        max = o->max_memory_pages;
    return max;
}

/* "instantiation" in the spec's order, after the host bound the imports. */
static bool
emit_instantiate(EmitCtx *e, CWriter *c)
{
    const Module *m = e->m;
    const char *P = e->prefix;
    const char *x;
    uint32_t i, k;
    bool need_k = false;
    size_t body;

    for (i = 0; i < m->nelems; i++)
        if (m->elems[i].mode != SEG_DECLARATIVE && m->elems[i].ninits > 0 &&
            elem_is_func_list(&m->elems[i]))
            need_k = true;
    cw_line(c, "/* module instantiation; traps unwind to the caller's "
            "wrt_call */");
    cw_line(c, "static void");
    cw_line(c, "instantiate(%s_instance *inst)", P);
    cw_line(c, "{");
    if (m->nfuncs > m->nimported_funcs)
        cw_line(c, "    uint32_t i;");
    if (need_k)
        cw_line(c, "    uint32_t k;");
    if (m->nfuncs > m->nimported_funcs || need_k)
        cw_raw(c, "\n", 1);
    c->indent = 1;
    body = c->len;
    /* calls are not counted: running out of stack faults (wrt.h) */
    if (e->o->stack_guard && !e->api && e->o->max_call_depth == 0)
        cw_line(c, "wrt_stack_guard_init();");
    for (i = 0; i < m->nmems; i++) {
        const Memory *mem = &m->mems[i];
        if (mem->is_import)
            continue;
        cw_line(c, "if (wrt_memory_init%s(&inst->mem%u_storage, "
                "inst->rt.heap, %lluu,", e->o->guard ? "_guard" : "",
                (unsigned)i, (unsigned long long)mem->lim.min);
        /* continuation lines align after "if (wrt_memory_init[_guard](" */
        if (e->api)     /* the host's limit (w2c_limits, else --max-memory) */
            cw_line(c, "%*swrt_embed_max_pages(&inst->embed, %lluu)) != 0)",
                    e->o->guard ? 26 : 20, "",
                    (unsigned long long)(mem->lim.has_max ? mem->lim.max
                                                          : 65536));
        else
            cw_line(c, "%*s%lluu) != 0)", e->o->guard ? 26 : 20, "",
                    (unsigned long long)memory_max(e->o, mem));
        cw_line(c, "    wrt_trap(&inst->rt, WRT_NO_FUNC, "
                "WRT_TRAP_MEMORY_INIT);");
    }
    for (i = 0; i < m->ntables; i++) {
        const Table *t = &m->tables[i];
        if (t->is_import)
            continue;
        cw_line(c, "if (wrt_table_init(&inst->tab%u_storage, inst->rt.heap, "
                "%d, %lluu,", (unsigned)i, t->elem == VT_FUNCREF,
                (unsigned long long)t->lim.min);
        cw_line(c, "                   %lluu) != 0)",
                (unsigned long long)(t->lim.has_max ? t->lim.max
                                                   : 0xFFFFFFFFu));
        cw_line(c, "    wrt_trap(&inst->rt, WRT_NO_FUNC, "
                "WRT_TRAP_MEMORY_INIT);");
    }
    for (i = m->nimported_globals; i < m->nglobals; i++) {
        if (!emitfn_const_expr(e, &m->globals[i].init, &x))
            return false;
        if (e->api && m->globals[i].type == VT_V128)
            cw_line(c, "putv128(&inst->%s, %s);", m->globals[i].cname, x);
        else
            cw_line(c, "inst->%s = %s;", m->globals[i].cname, x);
    }
    if (m->nfuncs) {
        cw_line(c, "memcpy(inst->funcs, func_descs, sizeof func_descs);");
        for (i = 0; i < m->nimported_funcs; i++) {
            const char *n = m->funcs[i].cname;
            cw_line(c, "inst->funcs[%u].code = (void (*)(void))inst->%s;",
                    (unsigned)i, n);
            cw_line(c, "inst->funcs[%u].ctx = inst->%s_ctx;", (unsigned)i, n);
        }
        if (m->nfuncs > m->nimported_funcs) {
            cw_line(c, "for (i = %u; i < %u; i++)",
                    (unsigned)m->nimported_funcs, (unsigned)m->nfuncs);
            cw_line(c, "    inst->funcs[i].ctx = inst;");
        }
    }

    /* element segments: evaluate, then table.init and drop when active */
    for (i = 0; i < m->nelems; i++) {
        const Elem *el = &m->elems[i];
        /* a declarative segment is dropped at once: nothing to keep */
        if (el->mode == SEG_DECLARATIVE)
            continue;
        cw_line(c, "/* element segment %u */", (unsigned)i);
        cw_line(c, "inst->elem%u = wrt_heap_alloc(inst->rt.heap, %uu * "
                "sizeof(void *));", (unsigned)i,
                (unsigned)(el->ninits ? el->ninits : 1));
        cw_line(c, "if (inst->elem%u == NULL)", (unsigned)i);
        cw_line(c, "    wrt_trap(&inst->rt, WRT_NO_FUNC, "
                "WRT_TRAP_MEMORY_INIT);");
        cw_line(c, "inst->elem%u_len = %uu;", (unsigned)i,
                (unsigned)el->ninits);
        if (el->ninits > 0 && elem_is_func_list(el)) {
            cw_line(c, "for (k = 0; k < %uu; k++)", (unsigned)el->ninits);
            cw_line(c, "    inst->elem%u[k] = &inst->funcs[elem%u_funcs[k]];",
                    (unsigned)i, (unsigned)i);
        } else {
            for (k = 0; k < el->ninits; k++) {
                if (!emitfn_const_expr(e, &el->inits[k], &x))
                    return false;
                cw_line(c, "inst->elem%u[%u] = %s;", (unsigned)i,
                        (unsigned)k, x);
            }
        }
        if (el->mode == SEG_ACTIVE) {
            if (!emitfn_const_expr(e, &el->offset_expr, &x))
                return false;
            cw_line(c, "wrt_table_init_seg(&inst->rt, WRT_NO_FUNC, "
                    "inst->tab%u, inst->elem%u,", (unsigned)el->table,
                    (unsigned)i);
            cw_line(c, "                   %uu, %s, 0u, %uu);",
                    (unsigned)el->ninits, x, (unsigned)el->ninits);
        }
        if (el->mode == SEG_ACTIVE) {
            cw_line(c, "wrt_heap_free(inst->rt.heap, inst->elem%u);",
                    (unsigned)i);
            cw_line(c, "inst->elem%u = NULL;", (unsigned)i);
            cw_line(c, "inst->elem%u_len = 0;", (unsigned)i);
        }
    }

    /* data segments: memory.init and drop when active */
    for (i = 0; i < m->ndatas; i++) {
        const Data *dt = &m->datas[i];
        if (dt->mode != SEG_ACTIVE)
            continue;
        if (!emitfn_const_expr(e, &dt->offset_expr, &x))
            return false;
        cw_line(c, "wrt_memory_init_seg(&inst->rt, WRT_NO_FUNC, inst->mem%u, "
                "data%u, %uu,", (unsigned)dt->mem, (unsigned)i,
                (unsigned)dt->len);
        cw_line(c, "                    %s, 0u, %uu);", x, (unsigned)dt->len);
        cw_line(c, "inst->data%u_dropped = 1;", (unsigned)i);
    }

    if (m->has_start)
        cw_line(c, "%s;", emit_call_text(e, m->start, "inst", ""));
    if (e->api && c->len == body)
        cw_line(c, "(void)inst;     /* nothing to do */");
    c->indent = 0;
    cw_line(c, "}");
    cw_raw(c, "\n", 1);
    if (e->api)
        return true;    /* startup calls it */

    cw_line(c, "static void");
    cw_line(c, "instantiate_entry(void *arg)");
    cw_line(c, "{");
    cw_line(c, "    instantiate(arg);");
    cw_line(c, "}");
    cw_raw(c, "\n", 1);
    return true;
}

void
emit_storage_pointers(EmitCtx *e, CWriter *c)
{
    const Module *m = e->m;
    uint32_t i;

    for (i = 0; i < m->nmems; i++)
        if (!m->mems[i].is_import)
            cw_line(c, "    inst->mem%u = &inst->mem%u_storage;", (unsigned)i,
                    (unsigned)i);
    for (i = 0; i < m->ntables; i++)
        if (!m->tables[i].is_import)
            cw_line(c, "    inst->tab%u = &inst->tab%u_storage;", (unsigned)i,
                    (unsigned)i);
}

void
emit_instance_free(EmitCtx *e, CWriter *c)
{
    const Module *m = e->m;
    const char *P = e->prefix;
    uint32_t i;

    cw_line(c, "void");
    cw_line(c, "%s_free(%s_instance *inst)", P, P);
    cw_line(c, "{");
    cw_line(c, "    if (inst == NULL)");
    cw_line(c, "        return;");
    for (i = 0; i < m->nmems; i++)
        if (!m->mems[i].is_import) {
            cw_line(c, "    if (inst->mem%u_storage.base != NULL ||",
                    (unsigned)i);
            cw_line(c, "        inst->mem%u_storage.capacity != 0)",
                    (unsigned)i);
            cw_line(c, "        wrt_memory_free(&inst->mem%u_storage);",
                    (unsigned)i);
        }
    for (i = 0; i < m->ntables; i++)
        if (!m->tables[i].is_import) {
            cw_line(c, "    if (inst->tab%u_storage.elems != NULL)",
                    (unsigned)i);
            cw_line(c, "        wrt_table_free(&inst->tab%u_storage);",
                    (unsigned)i);
        }
    for (i = 0; i < m->nelems; i++)
        cw_line(c, "    wrt_heap_free(inst->rt.heap, inst->elem%u);",
                (unsigned)i);
    if (e->has_wasi)
        cw_line(c, "    wasi_ctx_free(inst->wasi);");
    cw_line(c, "    wrt_heap_free(inst->rt.heap, inst);");
    cw_line(c, "}");
    cw_raw(c, "\n", 1);
}

/* EMIT_EXE and EMIT_RAW: P_new, P_instantiate, P_free. */
static void
emit_lifecycle(EmitCtx *e, CWriter *c)
{
    const Module *m = e->m;
    const char *P = e->prefix;

    cw_line(c, "%s_instance *", P);
    cw_line(c, "%s_new(void)", P);
    cw_line(c, "{");
    cw_line(c, "    %s_instance *inst = wrt_heap_alloc(NULL, sizeof *inst);",
            P);
    cw_raw(c, "\n", 1);
    cw_line(c, "    if (inst == NULL)");
    cw_line(c, "        return NULL;");
    if (e->o->max_call_depth)
        cw_line(c, "    wrt_rt_init(&inst->rt, %s, %uu, %uu);",
                m->nfuncs ? "func_names" : "NULL", (unsigned)m->nfuncs,
                (unsigned)e->o->max_call_depth);
    else
        cw_line(c, "    wrt_rt_init(&inst->rt, %s, %uu, "
                "WRT_DEFAULT_MAX_CALL_DEPTH);",
                m->nfuncs ? "func_names" : "NULL", (unsigned)m->nfuncs);
    emit_storage_pointers(e, c);
    cw_line(c, "    return inst;");
    cw_line(c, "}");
    cw_raw(c, "\n", 1);

    /* a trap inside an outer wrt_call is passed on to it */
    cw_line(c, "int");
    cw_line(c, "%s_instantiate(%s_instance *inst)", P, P);
    cw_line(c, "{");
    cw_line(c, "    WrtJmpBuf *outer = inst->rt.landing;");
    cw_line(c, "    WrtTrap t = wrt_call(&inst->rt, instantiate_entry, inst);");
    cw_raw(c, "\n", 1);
    cw_line(c, "    if (t != WRT_TRAP_NONE && outer != NULL) {");
    cw_line(c, "        if (t == WRT_TRAP_EXIT)");
    cw_line(c, "            wrt_exit(&inst->rt, inst->rt.exit_code);");
    cw_line(c, "        wrt_trap(&inst->rt, inst->rt.trap_func, t);");
    cw_line(c, "    }");
    cw_line(c, "    return (int)t;");
    cw_line(c, "}");
    cw_raw(c, "\n", 1);
    emit_instance_free(e, c);
}

/* EMIT_EXE and EMIT_RAW: P_<export>, to be called inside wrt_call. */
static void
emit_exports(EmitCtx *e, CWriter *c)
{
    const Module *m = e->m;
    const char *P = e->prefix;
    uint32_t i;

    for (i = 0; i < m->nexports; i++) {
        const Export *x = &m->exports[i];
        const Global *g;

        if (x->kind == EXT_FUNC) {
            const Func *f = &m->funcs[x->index];
            const FuncType *ft = func_type(m, f);
            char *first = arena_printf(e->a, "%s_instance *inst", P);
            cw_line(c, "%s%s", e->type_cc[f->type],
                    e->type_ret[f->type]);
            cw_printf(c, "%s_%s", P, x->cname);
            emitfn_params(e, c, f->type, first, "a", false);
            cw_printf(c, "\n{\n    %s%s;\n}\n\n",
                      ft->nresults ? "return " : "",
                      emit_call_text(e, x->index, "inst",
                                     param_args(e, ft->nparams)));
            continue;
        }
        switch (x->kind) {
        case EXT_MEMORY:
            cw_line(c, "WrtMemory *");
            cw_line(c, "%s_%s(%s_instance *inst)", P, x->cname, P);
            cw_line(c, "{");
            cw_line(c, "    return inst->mem%u;", (unsigned)x->index);
            break;
        case EXT_TABLE:
            cw_line(c, "WrtTable *");
            cw_line(c, "%s_%s(%s_instance *inst)", P, x->cname, P);
            cw_line(c, "{");
            cw_line(c, "    return inst->tab%u;", (unsigned)x->index);
            break;
        default:
            g = &m->globals[x->index];
            cw_line(c, "%s", emit_pointer_to(e->a, emitfn_ctype(g->type),
                                             false));
            cw_line(c, "%s_%s(%s_instance *inst)", P, x->cname, P);
            cw_line(c, "{");
            cw_line(c, "    return %sinst->%s;", g->is_import ? "" : "&",
                    g->cname);
            break;
        }
        cw_line(c, "}");
        cw_raw(c, "\n", 1);
    }
}

/* One NULL-terminated list of build-time grants as a static array. */
static void
emit_grant_list(CWriter *c, const char *name, const char *what,
                const char *const *v, uint32_t n)
{
    uint32_t i;

    cw_line(c, "/* %s */", what);
    cw_line(c, "static const char *const %s[] = {", name);
    for (i = 0; i < n; i++) {
        emit_string(c, (const uint8_t *)v[i], strlen(v[i]), 4);
        cw_printf(c, ",\n");
    }
    cw_line(c, "    NULL");
    cw_line(c, "};");
    cw_raw(c, "\n", 1);
}

/* EMIT_EXE: bind the WASI imports, instantiate, run _start. */
static void
emit_c_main(EmitCtx *e, CWriter *c)
{
    const Module *m = e->m;
    const char *P = e->prefix;
    const Export *start = emit_find_export(m, "_start", EXT_FUNC);
    uint32_t i;

    emit_grant_list(c, "env_grants", "--env: guest environment",
                    e->o->env, e->o->nenv);
    emit_grant_list(c, "pass_env_grants",
                    "--pass-env: host variables passed on", e->o->pass_env,
                    e->o->npass_env);
    emit_grant_list(c, "dir_grants",
                    "--dir: preopened directories (host, guest)",
                    e->o->dirs, e->o->ndirs);
    emit_grant_list(c, "listen_grants", "--listen: listening sockets",
                    e->o->listen, e->o->nlisten);
    cw_line(c, "static const WasiGrants grants = {");
    cw_line(c, "    env_grants, pass_env_grants, dir_grants, "
            "listen_grants");
    cw_line(c, "};");
    cw_raw(c, "\n", 1);
    cw_line(c, "struct run_args {");
    cw_line(c, "    %s_instance *inst;", P);
    cw_line(c, "    WasiCtx *wasi;");
    cw_line(c, "};");
    cw_raw(c, "\n", 1);
    cw_line(c, "static void");
    cw_line(c, "run(void *arg)");
    cw_line(c, "{");
    cw_line(c, "    struct run_args *ra = arg;");
    cw_raw(c, "\n", 1);
    cw_line(c, "    instantiate(ra->inst);");
    cw_line(c, "    wasi_ctx_bind(ra->wasi, &ra->inst->rt, %s);",
            emit_wasi_memory(e, "ra->inst"));
    if (start != NULL)
        cw_line(c, "    %s;", emit_call_text(e, start->index, "ra->inst", ""));
    cw_line(c, "}");
    cw_raw(c, "\n", 1);
    cw_line(c, "int");
    cw_line(c, "main(int argc, char **argv)");
    cw_line(c, "{");
    cw_line(c, "    struct run_args ra;");
    cw_line(c, "    int status;");
    cw_raw(c, "\n", 1);
    cw_line(c, "    ra.wasi = wasi_ctx_new(argc, argv);");
    cw_line(c, "    ra.inst = ra.wasi ? %s_new() : NULL;", P);
    cw_line(c, "    if (ra.inst == NULL) {");
    cw_line(c, "        fprintf(stderr, \"%%s: out of memory\\n\", "
            "argc > 0 ? argv[0] : \"wasm\");");
    cw_line(c, "        wasi_ctx_free(ra.wasi);");
    cw_line(c, "        return 70;");
    cw_line(c, "    }");
    cw_line(c, "    /* build-time grants, then the W2C_* variables */");
    cw_line(c, "    if (wasi_ctx_grant_all(ra.wasi, &grants) != 0) {");
    cw_line(c, "        fprintf(stderr, \"%%s: %%s\\n\", "
            "argc > 0 ? argv[0] : \"wasm\",");
    cw_line(c, "                wasi_ctx_error(ra.wasi));");
    cw_line(c, "        %s_free(ra.inst);", P);
    cw_line(c, "        wasi_ctx_free(ra.wasi);");
    cw_line(c, "        return 78;");
    cw_line(c, "    }");
    for (i = 0; i < m->nimported_funcs; i++) {
        const Func *f = &m->funcs[i];
        const Import *im = &m->imports[f->import];
        cw_line(c, "    ra.inst->%s = wasi_%.*s;", f->cname,
                (int)im->name.len, im->name.ptr);
        cw_line(c, "    ra.inst->%s_ctx = ra.wasi;", f->cname);
    }
    cw_line(c, "    status = wasi_run(ra.wasi, &ra.inst->rt, run, &ra);");
    cw_line(c, "    %s_free(ra.inst);", P);
    cw_line(c, "    wasi_ctx_free(ra.wasi);");
    cw_line(c, "    return status;");
    cw_line(c, "}");
}

const char *
emit_prefix_problem(const char *prefix, EmitMode mode)
{
    bool api = emit_mode_is_public(mode);

    if (!is_identifier(prefix) || strlen(prefix) > 40)
        return "is not a C identifier of at most 40 characters";
    /* the runtimes' own prefixes: wrt_call, wasi_run, guest_array, ... */
    if (strcmp(prefix, "wrt") == 0 || strcmp(prefix, "wasi") == 0 ||
        strncmp(prefix, "wrt_", 4) == 0 || strncmp(prefix, "wasi_", 5) == 0 ||
        (api && (strcmp(prefix, "guest") == 0 ||
                 strncmp(prefix, "guest_", 6) == 0)))
        return "is reserved for the runtime";
    /* the public header's w2c_status, w2c_limits, w2c_v128 */
    if (api && (strcmp(prefix, "w2c") == 0 || strncmp(prefix, "w2c_", 4) == 0))
        return "is reserved for the types of the C API";
    /* P_<export> must not be one of the .c's own names: f3_add, SIG_0 */
    if (api && is_internal_stem(prefix))
        return "would clash with names inside the generated C";
    return NULL;
}

/* ---- code size and the split into parts ---------------------------------- */

static unsigned
uleb_size(uint64_t v)
{
    unsigned n = 1;

    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static unsigned
sleb_size(int64_t v)
{
    unsigned n = 1;

    while (v < -64 || v > 63) {
        v = v < 0 ? ~(~v >> 7) : v >> 7;    /* arithmetic shift */
        n++;
    }
    return n;
}

/* "binary: instructions": opcode and immediates, shortest encodings. */
static uint64_t
instr_size(const Instr *in)
{
    const OpInfo *oi = &op_info[in->op];
    uint64_t n = oi->prefix ? 1 + uleb_size(oi->code) : 1;
    uint32_t k;

    switch (oi->imm) {
    case IMM_NONE:
        break;
    case IMM_BLOCK:
        n += BLOCK_IS_TYPEIDX(in->imm.block)
                 ? sleb_size(BLOCK_TYPEIDX_OF(in->imm.block)) : 1;
        break;
    case IMM_LABEL: case IMM_FUNC: case IMM_LOCAL: case IMM_GLOBAL:
    case IMM_TABLE: case IMM_DATA: case IMM_ELEM:
        n += uleb_size(in->imm.idx);
        break;
    case IMM_MEM: case IMM_LANE: case IMM_REFTYPE:
        n += 1;
        break;
    case IMM_BR_TABLE:
        n += uleb_size(in->imm.br_table.n);
        for (k = 0; k <= in->imm.br_table.n; k++)
            n += uleb_size(in->imm.br_table.targets[k]);
        break;
    case IMM_CALL_INDIRECT: case IMM_MEMORY_INIT: case IMM_MEMORY_COPY:
    case IMM_TABLE_INIT: case IMM_TABLE_COPY:
        n += uleb_size(in->imm.idx2.a) + uleb_size(in->imm.idx2.b);
        break;
    case IMM_MEMARG: case IMM_MEMARG_LANE:
        n += uleb_size(in->imm.mem.align) + uleb_size(in->imm.mem.offset);
        if (in->imm.mem.mem != 0)
            n += uleb_size(in->imm.mem.mem);
        if (oi->imm == IMM_MEMARG_LANE)
            n += 1;
        break;
    case IMM_I32:
        n += sleb_size((int32_t)in->imm.i32);
        break;
    case IMM_I64:
        n += sleb_size((int64_t)in->imm.i64);
        break;
    case IMM_F32:
        n += 4;
        break;
    case IMM_F64:
        n += 8;
        break;
    case IMM_SELECT_T:
        n += 2;
        break;
    case IMM_V128: case IMM_SHUFFLE:
        n += 16;
        break;
    }
    return n;
}

uint64_t
emit_code_size(const Func *f)
{
    uint64_t n = 0, groups = 0;
    uint32_t i;

    for (i = 0; i < f->body.n; i++)
        n += instr_size(&f->body.code[i]);
    /* the locals: a vector of (count, type) runs */
    for (i = 0; i < f->nlocals; i++)
        if (i == 0 || f->locals[i] != f->locals[i - 1])
            groups++;
    return n + uleb_size(groups) + groups * 2;
}

struct Emitter {
    EmitCtx e;
    bool *refd;             /* functions that can become references */
    uint64_t total;         /* code bytes of every body */
    uint32_t nparts;        /* 0: one file */
    uint32_t *part_of;      /* per function: part 1..nparts, 0 for imports */
    uint64_t *part_code;    /* per part (index 1..nparts): code bytes */
    uint32_t *part_funcs;   /* per part: functions */
    bool *main_calls;       /* per function: the main file calls it */
    bool *shared;           /* per function: linked between files */
    CWriter decls;          /* split: what every file declares */
    bool v128;              /* the module uses v128 */
    bool main_done;
};

typedef struct SizedFunc {
    uint64_t size;
    uint32_t idx;
} SizedFunc;

/* Largest first; equal sizes in index order, so the plan is the same on
   every host whatever qsort does with ties. */
static int
by_size_desc(const void *pa, const void *pb)
{
    const SizedFunc *a = pa, *b = pb;

    if (a->size != b->size)
        return a->size > b->size ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Whether part x has less code than part y (ties: the lower number). */
static bool
part_less(const Emitter *em, uint32_t x, uint32_t y)
{
    if (em->part_code[x] != em->part_code[y])
        return em->part_code[x] < em->part_code[y];
    return x < y;
}

/* Restore the min-heap heap[0..n) of parts from position i down. */
static void
sift_down(const Emitter *em, uint32_t *heap, uint32_t n, uint32_t i)
{
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, min = i, t;
        if (l < n && part_less(em, heap[l], heap[min]))
            min = l;
        if (r < n && part_less(em, heap[r], heap[min]))
            min = r;
        if (min == i)
            return;
        t = heap[i];
        heap[i] = heap[min];
        heap[min] = t;
        i = min;
    }
}

/*
 * Choose the parts: none while the code fits o->part_size, else enough
 * parts of about part_size each (never more than there are functions),
 * filled largest function first, each into the part with the least code
 * (longest-processing-time scheduling: a few huge functions get parts of
 * their own, the many small ones even out the rest).
 */
static void
plan_parts(Emitter *em, uint64_t part_size)
{
    const Module *m = em->e.m;
    Arena *a = em->e.a;
    uint32_t ndef = m->nfuncs - m->nimported_funcs, i, n;
    SizedFunc *sf;
    uint32_t *heap;
    uint64_t want;

    em->part_of = arena_array(a, m->nfuncs ? m->nfuncs : 1,
                              sizeof *em->part_of);
    sf = arena_array(a, ndef ? ndef : 1, sizeof *sf);
    for (i = 0; i < ndef; i++) {
        sf[i].idx = m->nimported_funcs + i;
        sf[i].size = emit_code_size(&m->funcs[sf[i].idx]);
        em->total += sf[i].size;
    }
    em->nparts = 0;
    if (part_size == 0 || em->total <= part_size || ndef < 2)
        return;
    want = em->total / part_size + (em->total % part_size != 0);
    n = want < ndef ? (uint32_t)want : ndef;
    em->nparts = n;
    em->part_code = arena_array(a, (size_t)n + 1, sizeof *em->part_code);
    em->part_funcs = arena_array(a, (size_t)n + 1, sizeof *em->part_funcs);
    heap = arena_array(a, n, sizeof *heap);
    for (i = 0; i < n; i++)
        heap[i] = i + 1;        /* all empty: already a heap */
    qsort(sf, ndef, sizeof *sf, by_size_desc);
    for (i = 0; i < ndef; i++) {
        uint32_t p = heap[0];
        em->part_of[sf[i].idx] = p;
        em->part_code[p] += sf[i].size;
        em->part_funcs[p]++;
        sift_down(em, heap, n, 0);
    }
}

/*
 * Which functions the main file calls (thunks of references, exports, the
 * start function) and which are called from another file than their own:
 * those are shared, the rest stay static in their part.
 */
static void
plan_linkage(Emitter *em)
{
    const Module *m = em->e.m;
    Arena *a = em->e.a;
    uint32_t n = m->nfuncs ? m->nfuncs : 1, i, k;

    em->main_calls = arena_array(a, n, sizeof *em->main_calls);
    em->shared = arena_array(a, n, sizeof *em->shared);
    for (i = m->nimported_funcs; i < m->nfuncs; i++)
        em->main_calls[i] = em->refd[i];
    for (i = 0; i < m->nexports; i++)
        if (m->exports[i].kind == EXT_FUNC &&
            m->exports[i].index < m->nfuncs)
            em->main_calls[m->exports[i].index] = true;
    if (m->has_start && m->start < m->nfuncs)
        em->main_calls[m->start] = true;
    for (i = m->nimported_funcs; i < m->nfuncs; i++) {
        const Expr *x = &m->funcs[i].body;
        em->shared[i] = em->shared[i] || em->main_calls[i];
        for (k = 0; k < x->n; k++) {
            uint32_t callee = x->code[k].imm.idx;
            if (x->code[k].op == OP_CALL && callee >= m->nimported_funcs &&
                callee < m->nfuncs && em->part_of[callee] != em->part_of[i])
                em->shared[callee] = true;
        }
    }
}

Emitter *
emit_begin(Arena *a, const Module *m, const EmitOpts *o, Diag *d)
{
    Emitter *em;
    const char *why;

    why = emit_prefix_problem(o->prefix, o->mode);
    if (why != NULL) {
        (void)diag_error(d, "--name: '%s' %s", o->prefix ? o->prefix : "",
                         why);
        return NULL;
    }
    em = arena_alloc(a, sizeof *em);
    memset(em, 0, sizeof *em);
    em->e.a = a;
    em->e.m = m;
    em->e.o = o;
    em->e.prefix = o->prefix;
    em->e.api = emit_mode_is_public(o->mode);
    em->e.d = d;
    em->refd = referenced_funcs(a, m);
    if (em->e.api)
        emitapi_plan(&em->e, em->refd);
    cw_init(&em->e.scratch);
    cw_init(&em->decls);
    em->v128 = uses_v128(m);
    emitfn_plan(&em->e);
    plan_parts(em, o->part_size);
    if (em->nparts > 0)
        plan_linkage(em);
    return em;
}

uint32_t
emit_nparts(const Emitter *em)
{
    return em->nparts;
}

uint64_t
emit_part_code(const Emitter *em, uint32_t k)
{
    return k >= 1 && k <= em->nparts ? em->part_code[k] : 0;
}

uint32_t
emit_part_funcs(const Emitter *em, uint32_t k)
{
    return k >= 1 && k <= em->nparts ? em->part_funcs[k] : 0;
}

uint64_t
emit_code_total(const Emitter *em)
{
    return em->total;
}

void
emit_finish(Emitter *em)
{
    cw_free(&em->e.scratch);
    cw_free(&em->decls);
}

/*
 * Split output: the start of what every file declares, the macro for
 * hidden visibility (ELF and Mach-O compilers of the GNU family; elsewhere
 * the shared names are plain globals).
 */
static void
split_linkage_macro(CWriter *c)
{
    cw_line(c, "/* names shared by this module's C files, hidden from "
            "other shared objects */");
    cw_line(c, "#if defined(__GNUC__) && (defined(__ELF__) || "
            "defined(__APPLE__))");
    cw_line(c, "#define W2C_HIDDEN __attribute__((visibility(\"hidden\")))");
    cw_line(c, "#else");
    cw_line(c, "#define W2C_HIDDEN");
    cw_line(c, "#endif");
    cw_raw(c, "\n", 1);
}

/* Split output: the shared data segments, declared for every file. */
static void
split_data_decls(EmitCtx *e, CWriter *c)
{
    const Module *m = e->m;
    uint32_t i;

    for (i = 0; i < m->ndatas; i++) {
        if (e->data_used != NULL && !e->data_used[i])
            continue;
        cw_line(c, "W2C_HIDDEN extern const u8 %s_w2c_data%u[];", e->prefix,
                (unsigned)i);
        cw_line(c, "#define data%u %s_w2c_data%u", (unsigned)i, e->prefix,
                (unsigned)i);
    }
    if (m->ndatas)
        cw_raw(c, "\n", 1);
}

/*
 * The public API's getv128/putv128, which some files of split output do
 * not use: no unused-function warning for those.
 */
static void
split_v128_helpers(EmitCtx *e, CWriter *c)
{
    CWriter tmp;

    cw_init(&tmp);
    emitapi_v128_helpers(e, &tmp);
    if (tmp.len > 0) {
        cw_line(c, "#if defined(__GNUC__)");
        cw_line(c, "#pragma GCC diagnostic push");
        cw_line(c, "#pragma GCC diagnostic ignored \"-Wunused-function\"");
        cw_line(c, "#endif");
        cw_raw(c, tmp.buf, tmp.len);
        cw_line(c, "#if defined(__GNUC__)");
        cw_line(c, "#pragma GCC diagnostic pop");
        cw_line(c, "#endif");
        cw_raw(c, "\n", 1);
    }
    cw_free(&tmp);
}

bool
emit_main(Emitter *em, CWriter *c, CWriter *h)
{
    EmitCtx *e = &em->e;
    const Module *m = e->m;
    const EmitOpts *o = e->o;
    bool split = em->nparts > 0;
    CWriter rets, dead, sigdefs;
    int64_t *fexp;
    uint32_t i;
    bool ok = true;

    if (em->main_done)
        BUG("emit_main called twice");
    em->main_done = true;
    cw_init(&rets);
    cw_init(&sigdefs);

    emit_prologue(e, c, 0, em->v128);
    if (e->api)
        emitapi_status_check(c);
    if (split)
        split_linkage_macro(&em->decls);
    plan_types(e, split ? &em->decls : c, &rets, split ? &sigdefs : NULL);
    if (e->api) {
        /* the header declares only the API; the .c has the rest */
        CWriter *w = split ? &em->decls : c;
        emitapi_header(e, h);
        cw_raw(w, rets.buf ? rets.buf : "", rets.len);
        emit_instance_struct(e, w);
        if (split)
            split_v128_helpers(e, w);
        else
            emitapi_v128_helpers(e, w);
    } else {
        emit_header(e, h, &rets);
    }
    cw_free(&rets);
    if (split) {
        split_data_decls(e, &em->decls);
        cw_raw(c, em->decls.buf, em->decls.len);
        cw_raw(c, sigdefs.buf ? sigdefs.buf : "", sigdefs.len);
        if (sigdefs.len)
            cw_raw(c, "\n", 1);
    }
    cw_free(&sigdefs);

    fexp = first_exports(e->a, m, EXT_FUNC, m->nfuncs);
    emit_func_names(e, c, fexp);
    emit_segments(e, c, split);
    if (split) {
        emit_prototypes(e, c, em->main_calls, em->shared);
    } else {
        emit_prototypes(e, c, NULL, NULL);
        /* a function nothing can call is translated (for its
           diagnostics) but not written */
        cw_init(&dead);
        for (i = m->nimported_funcs; i < m->nfuncs && ok; i++) {
            bool live = e->func_live == NULL || e->func_live[i];
            ok = emitfn_body(e, live ? c : &dead, i);
            dead.len = 0;
        }
        cw_free(&dead);
        if (!ok)
            return false;
    }
    emit_thunks(e, c, em->refd);
    emit_func_descs(e, c, em->refd);
    if (e->api)
        emitapi_adapters(e, c);
    if (!emit_instantiate(e, c))
        return false;
    if (e->api) {
        emitapi_functions(e, c);
        return true;
    }
    emit_lifecycle(e, c);
    emit_exports(e, c);
    if (o->mode == EMIT_EXE)
        emit_c_main(e, c);
    return true;
}

bool
emit_part(Emitter *em, uint32_t k, CWriter *c)
{
    EmitCtx *e = &em->e;
    const Module *m = e->m;
    bool *want;
    CWriter dead;
    uint32_t i, j;
    bool ok = true;

    if (!em->main_done || k < 1 || k > em->nparts)
        BUG("emit_part: no such part, or emit_main has not run");
    /* this part's functions and every function they call */
    want = arena_array(e->a, m->nfuncs, sizeof *want);
    for (i = m->nimported_funcs; i < m->nfuncs; i++) {
        const Expr *x = &m->funcs[i].body;
        if (em->part_of[i] != k ||
            (e->func_live != NULL && !e->func_live[i]))
            continue;
        want[i] = true;
        for (j = 0; j < x->n; j++)
            if (x->code[j].op == OP_CALL && x->code[j].imm.idx < m->nfuncs)
                want[x->code[j].imm.idx] = true;
    }

    emit_prologue(e, c, k, em->v128);
    cw_line(c, "/* part %u of %u: %u functions, %llu bytes of Wasm code */",
            (unsigned)k, (unsigned)em->nparts, (unsigned)em->part_funcs[k],
            (unsigned long long)em->part_code[k]);
    cw_raw(c, "\n", 1);
    cw_raw(c, em->decls.buf, em->decls.len);
    emit_prototypes(e, c, want, em->shared);
    cw_init(&dead);
    for (i = m->nimported_funcs; i < m->nfuncs && ok; i++) {
        bool live = e->func_live == NULL || e->func_live[i];
        if (em->part_of[i] != k)
            continue;
        e->fn_linkage = em->shared[i] ? "W2C_HIDDEN " : NULL;
        ok = emitfn_body(e, live ? c : &dead, i);
        dead.len = 0;
    }
    e->fn_linkage = NULL;
    cw_free(&dead);
    return ok;
}

bool
emit_module(Arena *a, const Module *m, const EmitOpts *o, CWriter *c,
            CWriter *h, Diag *d)
{
    EmitOpts one = *o;
    Emitter *em;
    bool ok;

    one.part_size = 0;
    em = emit_begin(a, m, &one, d);
    if (em == NULL)
        return false;
    ok = emit_main(em, c, h);
    emit_finish(em);
    return ok;
}
