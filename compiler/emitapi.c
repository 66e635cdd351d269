/*
 * emitapi.c - the public embedding API (EMIT_OBJ, EMIT_C, EMIT_LIB; the
 * contract is w2c-embed(3)): the self-contained header, and the parts of
 * the .c that only the API has.  emit.c writes the module level that
 * every mode shares and calls the emitapi_* functions (emitapi.h) at the
 * points its layout comment marks [api]; function bodies are emitfn.c's.
 *
 * The header P.h (P is EmitOpts.prefix) includes stddef.h and stdint.h
 * only and works from C and C++:
 *   the w2c_status, w2c_limits and w2c_v128 block that every generated
 *   header shares (defined once per translation unit)
 *   the opaque P_instance, and P_imports: the host's side of each import
 *   that is not WASI (the instance's own WASI context serves those)
 *   P_new, P_wasi_* (when the module imports WASI), P_start,
 *   P_error_message, P_exit_code, P_free
 *   per export: a function wrapper returning a w2c_status, results
 *   through pointers; accessors for memories, tables and globals
 *
 * What it adds to the .c: the status check after the type names,
 * getv128/putv128 for v128 globals (kept as the header's w2c_v128), the
 * adapters host<i> for host functions whose C type differs from the
 * instance's (several results, v128, funcref), and after instantiate()
 * the public functions: P_new, the error helpers, P_wasi_*, startup and
 * P_start, the accessors, P_free, and per exported function a struct
 * call<i>_args and a call<i> entry that wrt_embed_call runs, so that a
 * trap never leaves the instance.
 *
 * Its users compile the .c with their own warnings, so it defines nothing
 * unused: functions nothing can reach, unused signatures and data
 * segments are left out (emitapi_plan; emit.c and emitfn.c obey).
 */
#include "emitapi.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emitfn.h"
#include "names.h"

/* ---- what the public API's C refers to ----------------------------------- */

/*
 * Besides has_wasi and the imports struct's field names: func_live,
 * type_used and data_used (see emitfn.h).  refd marks the functions that
 * can become references: their thunks are in the descriptor table, so
 * they are live.  A worklist over direct calls; the bodies of live
 * functions decide which signatures and data segments are used.
 */
void
emitapi_plan(EmitCtx *e, const bool *refd)
{
    const Module *m = e->m;
    bool *live = arena_array(e->a, m->nfuncs ? m->nfuncs : 1, sizeof *live);
    bool *types = arena_array(e->a, m->ntypes ? m->ntypes : 1,
                              sizeof *types);
    bool *datas = arena_array(e->a, m->ndatas ? m->ndatas : 1,
                              sizeof *datas);
    uint32_t *work = arena_array(e->a, m->nfuncs ? m->nfuncs : 1,
                                 sizeof *work);
    uint32_t nwork = 0, i, k;

    for (i = 0; i < m->nimports; i++)
        if (emit_is_wasi_func(&m->imports[i]))
            e->has_wasi = true;
    e->import_names = names_imports(e->a, m, WASI_MODULE);

#define MARK_LIVE(f)                                                        \
    do {                                                                    \
        if ((f) < m->nfuncs && !live[f]) {                                  \
            live[f] = true;                                                 \
            work[nwork++] = (f);                                            \
        }                                                                   \
    } while (0)
    for (i = 0; i < m->nfuncs; i++)
        if (m->funcs[i].is_import || refd[i])
            MARK_LIVE(i);
    for (i = 0; i < m->nexports; i++)
        if (m->exports[i].kind == EXT_FUNC)
            MARK_LIVE(m->exports[i].index);
    if (m->has_start)
        MARK_LIVE(m->start);
    while (nwork > 0) {
        const Expr *body = &m->funcs[work[--nwork]].body;
        for (k = 0; k < body->n; k++) {
            const Instr *in = &body->code[k];
            if (in->op == OP_CALL)
                MARK_LIVE(in->imm.idx);
            else if (in->op == OP_CALL_INDIRECT && in->imm.idx2.a < m->ntypes)
                types[in->imm.idx2.a] = true;
            else if (in->op == OP_MEMORY_INIT && in->imm.idx2.a < m->ndatas)
                datas[in->imm.idx2.a] = true;
        }
    }
#undef MARK_LIVE
    /* the descriptor table names every function's signature */
    for (i = 0; i < m->nfuncs; i++)
        types[m->funcs[i].type] = true;
    for (i = 0; i < m->ndatas; i++)
        if (m->datas[i].mode == SEG_ACTIVE)
            datas[i] = true;
    e->func_live = live;
    e->type_used = types;
    e->data_used = datas;
}

/* ---- the public API's header --------------------------------------------- */

/* A value's type in the public header ("w2c_v128", "const void *", ...). */
static const char *
api_type(ValType t)
{
    switch (t) {
    case VT_V128: return "w2c_v128";
    case VT_FUNCREF: return "const void *";
    default: return emitfn_stdtype(t);
    }
}

/* The parameters of the instance and the imports struct (arena strings). */
static const char *
self_param(EmitCtx *e)
{
    return arena_printf(e->a, "%s_instance *inst", e->prefix);
}

static const char *
imports_param(EmitCtx *e)
{
    return arena_printf(e->a, "const %s_imports *imports", e->prefix);
}

/*
 * head, then items separated by ", " and followed by tail, wrapped before
 * column 80 with continuation lines aligned after head (a long head: 8
 * more spaces than indent).  One declaration or definition line.
 */
static void
emit_wrapped(CWriter *w, int indent, const char *head,
             const char *const *items, uint32_t n, const char *tail)
{
    size_t col = (size_t)indent + strlen(head);
    size_t cont = col <= 40 ? col : (size_t)indent + 8;
    uint32_t k;

    cw_printf(w, "%*s%s", indent, "", head);
    for (k = 0; k < n; k++) {
        const char *end = k + 1 < n ? "," : tail;
        size_t len = strlen(items[k]) + strlen(end);
        if (k > 0 && col + 1 + len > 79) {
            cw_printf(w, "\n%*s", (int)cont, "");
            col = cont;
        } else if (k > 0) {
            cw_raw(w, " ", 1);
            col++;
        }
        cw_printf(w, "%s%s", items[k], end);
        col += len;
    }
    cw_raw(w, "\n", 1);
}

/*
 * The parameters of export wrapper x: the instance, the arguments a0...
 * and pointers r0... for the results.  *n gets their number.
 */
static const char **
wrapper_params(EmitCtx *e, const FuncType *ft, uint32_t *n)
{
    const char **v = arena_array(e->a, 1 + ft->nparams + ft->nresults,
                                 sizeof *v);
    uint32_t k;

    *n = 0;
    v[(*n)++] = self_param(e);
    for (k = 0; k < ft->nparams; k++)
        v[(*n)++] = emit_declare(e->a, api_type(ft->params[k]),
                                 arena_printf(e->a, "a%u", (unsigned)k));
    for (k = 0; k < ft->nresults; k++)
        v[(*n)++] = emit_declare(e->a,
                                 emit_pointer_to(e->a,
                                                 api_type(ft->results[k]),
                                                 false),
                                 arena_printf(e->a, "r%u", (unsigned)k));
    return v;
}

/*
 * Whether the host's function for an import has another C type than the
 * instance calls it with, so that an adapter (host<i>) sits between them:
 * several results (the host stores them through pointers), v128 (bytes in
 * the header) or funcref (const in the header).  ADAPT_FPCALL: only the
 * calling convention may differ (f32 and f64 pass with WRT_FPCALL in the
 * module, with the C convention in the host), which is so only where
 * wrt.h says WRT_FPCALL_DIFFERS; elsewhere the host's function is bound
 * directly.
 */
enum { ADAPT_NONE, ADAPT_FPCALL, ADAPT_TYPES };

static int
adapter_kind(const FuncType *ft)
{
    uint32_t k;
    bool fp = emitfn_has_float(ft);

    if (ft->nresults > 1)
        return ADAPT_TYPES;
    for (k = 0; k < ft->nparams; k++)
        if (ft->params[k] == VT_V128 || ft->params[k] == VT_FUNCREF)
            return ADAPT_TYPES;
    for (k = 0; k < ft->nresults; k++)
        if (ft->results[k] == VT_V128 || ft->results[k] == VT_FUNCREF)
            return ADAPT_TYPES;
    return fp ? ADAPT_FPCALL : ADAPT_NONE;
}

/* "(i32 i32) -> ()" or "global i32" / "mutable global i32" for comments. */
static void
import_type_text(CWriter *w, const Module *m, const Import *im)
{
    const Global *g = &m->globals[im->index];

    if (im->kind == EXT_FUNC)
        emitfn_type_text(w, func_type(m, &m->funcs[im->index]));
    else
        cw_printf(w, "%sglobal %s", g->is_mutable ? "mutable " : "",
                  emitfn_valtype_text(g->type));
}

/* Whether the host binds any import (WASI ones it does not). */
static bool
has_host_imports(const EmitCtx *e)
{
    uint32_t i;

    for (i = 0; i < e->m->nimports; i++)
        if (e->import_names[i] != NULL)
            return true;
    return false;
}

/* The host's side of each import: P_imports. */
static void
emit_imports_struct(EmitCtx *e, CWriter *h)
{
    const Module *m = e->m;
    const char *P = e->prefix;
    bool any = has_host_imports(e);
    uint32_t i, k;

    if (!any) {
        cw_line(h, "/* No imports from the host%s. */",
                e->has_wasi ? " (the instance serves WASI itself)" : "");
    } else {
        cw_line(h, "/*");
        cw_line(h, " * The host's side of each import%s, given to %s_new.",
                e->has_wasi ? " (not the " WASI_MODULE " ones,\n * which "
                "the instance's own WASI context serves)" : "", P);
        cw_line(h, " * A function gets its ctx back as its first argument.");
        cw_line(h, " */");
    }
    cw_line(h, "typedef struct %s_imports {", P);
    for (i = 0; i < m->nimports; i++) {
        const Import *im = &m->imports[i];
        const char *name = e->import_names[i];

        if (name == NULL || (im->kind != EXT_FUNC && im->kind != EXT_GLOBAL))
            continue;
        cw_printf(h, "    /* ");
        emit_import_name(h, m, i);
        cw_printf(h, ": ");
        import_type_text(h, m, im);
        if (im->kind == EXT_FUNC) {
            const FuncType *ft = func_type(m, &m->funcs[im->index]);
            const char **v = arena_array(e->a, 1 + ft->nparams + ft->nresults,
                                         sizeof *v);
            uint32_t n = 0;
            const char *ret = ft->nresults == 1 ? api_type(ft->results[0])
                                                : "void";

            if (ft->nresults > 1)
                cw_printf(h, ";\n       the function stores its results "
                          "through the last %u pointers */\n",
                          (unsigned)ft->nresults);
            else
                cw_printf(h, " */\n");
            v[n++] = "void *ctx";
            for (k = 0; k < ft->nparams; k++)
                v[n++] = api_type(ft->params[k]);
            for (k = 0; ft->nresults > 1 && k < ft->nresults; k++)
                v[n++] = emit_pointer_to(e->a, api_type(ft->results[k]),
                                         false);
            emit_wrapped(h, 4, emit_declare(e->a, ret,
                                            arena_printf(e->a, "(*%s)(",
                                                         name)),
                         v, n, ");");
            cw_line(h, "    void *%s_ctx;", name);
        } else {
            const Global *g = &m->globals[im->index];
            cw_printf(h, ";\n       the module %s *%s whenever it uses "
                      "the global */\n",
                      g->is_mutable ? "reads and writes" : "reads", name);
            cw_line(h, "    %s;",
                    emit_declare(e->a, emit_pointer_to(e->a, api_type(g->type),
                                                       !g->is_mutable),
                                 name));
        }
    }
    if (!any)
        cw_line(h, "    char unused_;   /* C wants a member */");
    cw_line(h, "} %s_imports;", P);
    cw_raw(h, "\n", 1);
}

/* The types every generated header shares, defined once per translation unit. */
static const char *const shared_block[] = {
    "/* Shared by every header w2c generates: defined once per translation "
    "unit. */",
    "#ifndef W2C_EMBED_VERSION",
    "#define W2C_EMBED_VERSION 1",
    "/* What a call returned: W2C_OK, a trap, an exit or a misuse. */",
    "typedef enum w2c_status {",
    "    W2C_OK = 0,",
    "    W2C_TRAP_UNREACHABLE = 1,          /* the numbers of WrtTrap */",
    "    W2C_TRAP_MEMORY_OUT_OF_BOUNDS = 2,",
    "    W2C_TRAP_DIVIDE_BY_ZERO = 3,",
    "    W2C_TRAP_INTEGER_OVERFLOW = 4,",
    "    W2C_TRAP_INVALID_CONVERSION = 5,",
    "    W2C_TRAP_INDIRECT_CALL_TYPE = 6,",
    "    W2C_TRAP_UNINITIALIZED_ELEMENT = 7,",
    "    W2C_TRAP_UNDEFINED_ELEMENT = 8,",
    "    W2C_TRAP_TABLE_OUT_OF_BOUNDS = 9,",
    "    W2C_TRAP_NULL_REFERENCE = 10,",
    "    W2C_TRAP_STACK_EXHAUSTED = 11,",
    "    W2C_TRAP_OUT_OF_MEMORY = 12,       /* start could not get memory "
    "*/",
    "    W2C_EXIT = 13,                     /* WASI proc_exit: see "
    "*_exit_code */",
    "    W2C_ERROR = 14                     /* API misuse: see "
    "*_error_message */",
    "} w2c_status;",
    "/* Limits of one instance; a zero member keeps the default. */",
    "typedef struct w2c_limits {",
    "    uint64_t max_memory;      /* bytes per linear memory; 0: the "
    "module's own",
    "                                 maximum (or w2c --max-memory) */",
    "    uint32_t max_call_depth;  /* nested wasm calls; 0: 100000 (or w2c",
    "                                 --max-call-depth) */",
    "    size_t max_stack;         /* bytes of the calling thread's C stack "
    "one",
    "                                 call may use; 0: all it has, less a "
    "margin */",
    "} w2c_limits;",
    "/* A v128 value: its 16 bytes, lanes little-endian. */",
    "typedef struct w2c_v128 { uint8_t bytes[16]; } w2c_v128;",
    "#elif W2C_EMBED_VERSION != 1",
    "#error \"headers from incompatible versions of w2c\"",
    "#endif",
};

static bool
exports_table(const Module *m)
{
    uint32_t i;

    for (i = 0; i < m->nexports; i++)
        if (m->exports[i].kind == EXT_TABLE)
            return true;
    return false;
}

/* The element access every exported table shares (names.c reserves the
   names). */
static void
emit_api_table_protos(EmitCtx *e, CWriter *h)
{
    const char *P = e->prefix;

    cw_line(h, "/*");
    cw_line(h, " * Tables: the entry count; entry i, or NULL when i is "
            "past the end; store");
    cw_line(h, " * ref in entry i: W2C_OK, or W2C_ERROR when i is past the "
            "end.  Entries of");
    cw_line(h, " * an externref table are the host's own pointers, which "
            "the module passes");
    cw_line(h, " * around without looking at them.  Entries of a funcref "
            "table are opaque");
    cw_line(h, " * references to functions: the host may read them and "
            "store them (or NULL)");
    cw_line(h, " * in a funcref table of the same instance, nothing else.");
    cw_line(h, " */");
    cw_line(h, "typedef struct %s_table %s_table;", P, P);
    cw_line(h, "uint32_t %s_table_size(const %s_table *t);", P, P);
    cw_line(h, "void *%s_table_get(const %s_table *t, uint32_t i);", P, P);
    cw_line(h, "w2c_status %s_table_set(%s_table *t, uint32_t i, void *ref);",
            P, P);
}

static void
emit_api_exports_protos(EmitCtx *e, CWriter *h)
{
    const Module *m = e->m;
    const char *P = e->prefix;
    uint32_t i, n;

    for (i = 0; i < m->nexports; i++) {
        const Export *x = &m->exports[i];
        const Global *g;

        cw_printf(h, "/* ");
        emit_export_name(h, x);
        switch (x->kind) {
        case EXT_FUNC: {
            const FuncType *ft = func_type(m, &m->funcs[x->index]);
            const char **v = wrapper_params(e, ft, &n);
            cw_printf(h, ": ");
            emitfn_type_text(h, ft);
            cw_printf(h, " */\n");
            emit_wrapped(h, 0, arena_printf(e->a, "w2c_status %s_%s(", P,
                                            x->cname), v, n, ");");
            break;
        }
        case EXT_MEMORY:
            cw_printf(h, ": memory, base and size in bytes */\n");
            cw_line(h, "uint8_t *%s_%s(%s_instance *inst, uint64_t *size);",
                    P, x->cname, P);
            break;
        case EXT_TABLE:
            cw_printf(h, ": table of %s */\n",
                      emitfn_valtype_text(m->tables[x->index].elem));
            cw_line(h, "%s_table *%s_%s(%s_instance *inst);", P, P,
                    x->cname, P);
            break;
        case EXT_GLOBAL:
            g = &m->globals[x->index];
            cw_printf(h, ": %sglobal %s */\n", g->is_mutable ? "mutable " : "",
                      emitfn_valtype_text(g->type));
            cw_line(h, "%s%s_%s(%s_instance *inst);",
                    emit_pointer_to(e->a, api_type(g->type), !g->is_mutable),
                    P, x->cname, P);
            break;
        }
    }
}

/*
 * A life-cycle function's declaration in the header (tail ");") or the
 * first line(s) of its definition in the .c (tail ")"): head, then the
 * parameters up to the first NULL (at most four), wrapped by emit_wrapped.
 */
static void
signature(CWriter *w, const char *head, const char *tail, ...)
{
    const char *v[5];
    uint32_t n = 0;
    va_list ap;

    va_start(ap, tail);
    while ((v[n] = va_arg(ap, const char *)) != NULL)
        if (++n == sizeof v / sizeof v[0])
            BUG("signature: more than four parameters");
    va_end(ap);
    emit_wrapped(w, 0, head, v, n, tail);
}

/*
 * P_wasi_*, the WASI grants: the suffix, the parameters after the instance
 * (the second may be NULL) and the runtime call that makes the grant.
 */
static const struct {
    const char *name, *param1, *param2, *call;
} wasi_grants[] = {
    {"args", "int argc", "const char *const *argv",
     "wasi_ctx_set_args(inst->wasi, argc, argv)"},
    {"env", "const char *name_value", NULL,
     "wasi_ctx_grant_env(inst->wasi, name_value)"},
    {"dir", "const char *host_path", "const char *guest_path",
     "wasi_ctx_grant_dir(inst->wasi, host_path, guest_path)"},
    {"stdio", "int guest_fd", "int host_fd",
     "wasi_ctx_grant_stdio(inst->wasi, guest_fd, host_fd)"},
};

#define LIMITS_PARAM "const w2c_limits *limits"
#define ON_TRAP_PARAM \
    "void (*fn)(void *ctx, w2c_status status, const char *message)"

/* Self-contained (stddef.h and stdint.h only), the instance opaque. */
void
emitapi_header(EmitCtx *e, CWriter *h)
{
    const char *P = e->prefix;
    const char *file = e->o->header_name != NULL
                           ? e->o->header_name
                           : arena_printf(e->a, "%s.h", P);
    char guard[80];
    size_t i;
    int w;

    emit_header_guard(guard, sizeof guard, P);
    cw_line(h, "/*");
    cw_line(h, " * %s - C API of the WebAssembly module %s.", file, P);
    cw_line(h, " * Generated by w2c: do not edit.");
    cw_line(h, " *");
    w = (int)strlen(P) + 11;
    cw_line(h, " * Life cycle:");
    cw_line(h, " *   %-*san instance, bound to the host's imports", w,
            arena_printf(e->a, "%s_new", P));
    if (e->has_wasi)
        cw_line(h, " *   %-*sgrant it WASI capabilities", w,
                arena_printf(e->a, "%s_wasi_*", P));
    cw_line(h, " *   %-*sinstantiate the module", w,
            arena_printf(e->a, "%s_start", P));
    cw_line(h, " *   %-*scall the exports, as often as needed", w,
            arena_printf(e->a, "%s_<export>", P));
    cw_line(h, " *   %-*sfree it", w, arena_printf(e->a, "%s_free", P));
    cw_line(h, " * Every call returns a w2c_status: a trap never exits or "
            "aborts the host,");
    cw_line(h, " * and %s_error_message says what failed.  One thread at a "
            "time may use", P);
    cw_line(h, " * an instance.  See w2c-embed(3).");
    cw_line(h, " */");
    cw_line(h, "#ifndef %s", guard);
    cw_line(h, "#define %s", guard);
    cw_raw(h, "\n", 1);
    cw_line(h, "#include <stddef.h>");
    cw_line(h, "#include <stdint.h>");
    cw_raw(h, "\n", 1);
    cw_line(h, "#ifdef __cplusplus");
    cw_line(h, "extern \"C\" {");
    cw_line(h, "#endif");
    cw_raw(h, "\n", 1);
    for (i = 0; i < sizeof shared_block / sizeof shared_block[0]; i++)
        cw_line(h, "%s", shared_block[i]);
    cw_raw(h, "\n", 1);
    cw_line(h, "/* One instance of the module (opaque). */");
    cw_line(h, "typedef struct %s_instance %s_instance;", P, P);
    cw_raw(h, "\n", 1);
    emit_imports_struct(e, h);

    cw_line(h, "/*");
    cw_line(h, " * A new instance: *imports is copied (NULL: nothing bound), "
            "limits NULL");
    cw_line(h, " * keeps the defaults.  NULL only when out of memory.  "
            "Nothing of the");
    cw_line(h, " * module runs yet.");
    cw_line(h, " */");
    signature(h, arena_printf(e->a, "%s_instance *%s_new(", P, P), ");",
              imports_param(e), LIMITS_PARAM, NULL);
    cw_line(h, "/*");
    cw_line(h, " * The same with everything of the instance (its state, "
            "tables and linear");
    cw_line(h, " * memory) in buf, which the host keeps until %s_free; "
            "no other heap is", P);
    cw_line(h, " * used (the only way on a freestanding target, where "
            "%s_new gives NULL).", P);
    cw_line(h, " * Linear memory takes what is left: %s_start fails with", P);
    cw_line(h, " * W2C_TRAP_OUT_OF_MEMORY when its initial size does not "
            "fit, and");
    cw_line(h, " * memory.grow fails past the end.  NULL when buf cannot "
            "hold the instance.");
    cw_line(h, " */");
    signature(h, arena_printf(e->a, "%s_instance *%s_new_in(", P, P), ");",
              "void *buf", "size_t size", imports_param(e), LIMITS_PARAM,
              NULL);
    if (e->has_wasi) {
        cw_line(h, "/*");
        cw_line(h, " * WASI capabilities, each before %s_start.  The guest "
                "starts with no", P);
        cw_line(h, " * arguments, no environment, no directory and its "
                "stdin, stdout and");
        cw_line(h, " * stderr closed.  args: its argv (copied); env: add "
                "\"NAME=VALUE\"; dir:");
        cw_line(h, " * preopen host_path as guest_path; stdio: guest fd 0, 1 "
                "or 2 becomes");
        cw_line(h, " * host_fd (borrowed: keep it open while the instance "
                "lives; -1 closes");
        cw_line(h, " * it).  W2C_OK, or W2C_ERROR with %s_error_message.", P);
        cw_line(h, " */");
        for (i = 0; i < sizeof wasi_grants / sizeof wasi_grants[0]; i++)
            signature(h, arena_printf(e->a, "w2c_status %s_wasi_%s(", P,
                                      wasi_grants[i].name), ");",
                      self_param(e), wasi_grants[i].param1,
                      wasi_grants[i].param2, NULL);
    }
    cw_line(h, "/*");
    cw_line(h, " * Instantiate: check that every import is bound, create "
            "the memories");
    cw_line(h, " * (within the limit) and tables, initialise globals and "
            "segments, run");
    cw_line(h, " * the start function, then _initialize if the module "
            "exports it (WASI");
    cw_line(h, " * reactors).  Once only.  After a trap the instance is "
            "unusable.");
    cw_line(h, " */");
    cw_line(h, "w2c_status %s_start(%s_instance *inst);", P, P);
    cw_line(h, "/* The last failure, \"\" if none. */");
    cw_line(h, "const char *%s_error_message(const %s_instance *inst);", P, P);
    cw_line(h, "/* The guest's exit status, after W2C_EXIT. */");
    cw_line(h, "int %s_exit_code(const %s_instance *inst);", P, P);
    cw_line(h, "/*");
    cw_line(h, " * fn(ctx, status, message) is called whenever %s_start or "
            "an export ends", P);
    cw_line(h, " * in a trap or an exit, before it returns that status; "
            "message is what");
    cw_line(h, " * %s_error_message gives.  NULL: no callback (the "
            "default).", P);
    cw_line(h, " */");
    signature(h, arena_printf(e->a, "void %s_on_trap(", P), ");",
              self_param(e), ON_TRAP_PARAM, "void *ctx", NULL);
    cw_line(h, "/* Free the instance and all it owns; NULL is ignored. */");
    cw_line(h, "void %s_free(%s_instance *inst);", P, P);
    cw_raw(h, "\n", 1);
    if (e->m->nexports > 0) {
        cw_line(h, "/*");
        cw_line(h, " * The exports.  A function returns W2C_OK and stores its "
                "results through");
        cw_line(h, " * r0, r1, ... (each may be NULL), or returns the trap; "
                "before a");
        cw_line(h, " * successful %s_start it returns W2C_ERROR.  A memory "
                "gives its base", P);
        cw_line(h, " * and size (NULL and 0 before %s_start), valid until "
                "the next call into", P);
        cw_line(h, " * the instance, which may grow and move it; size may be "
                "NULL.  A table");
        cw_line(h, " * gives a handle for %s_table_size, _get and _set, "
                "valid while the", P);
        cw_line(h, " * instance lives (no entries before %s_start).  A "
                "global gives its", P);
        cw_line(h, " * storage, valid while the instance lives.");
        cw_line(h, " */");
        if (exports_table(e->m))
            emit_api_table_protos(e, h);
        emit_api_exports_protos(e, h);
        cw_raw(h, "\n", 1);
    }
    cw_line(h, "#ifdef __cplusplus");
    cw_line(h, "}");
    cw_line(h, "#endif");
    cw_line(h, "#endif /* %s */", guard);
}

/* ---- the .c file: what only the public API has --------------------------- */

void
emitapi_status_check(CWriter *c)
{
    cw_line(c, "/* The header's status numbers are the runtime's trap "
            "codes. */");
    cw_line(c, "typedef char statuscheck[");
    cw_line(c, "    (int)W2C_EXIT == (int)WRT_TRAP_EXIT &&");
    cw_line(c, "    (int)W2C_ERROR == WRT_EMBED_ERROR &&");
    cw_line(c, "    (int)W2C_TRAP_OUT_OF_MEMORY == "
            "(int)WRT_TRAP_MEMORY_INIT ? 1 : -1];");
    cw_raw(c, "\n", 1);
}

/* Which static helpers the public API's functions need. */
static void
v128_global_use(const Module *m, bool *get, bool *put)
{
    uint32_t i, k;

    *get = *put = false;
    for (i = 0; i < m->nglobals; i++)
        if (m->globals[i].type == VT_V128 && !m->globals[i].is_import)
            *put = true;
#define SCAN(x)                                                             \
    for (k = 0; k < (x)->n; k++)                                            \
        if (((x)->code[k].op == OP_GLOBAL_GET ||                            \
             (x)->code[k].op == OP_GLOBAL_SET) &&                           \
            (x)->code[k].imm.idx < m->nglobals &&                           \
            m->globals[(x)->code[k].imm.idx].type == VT_V128) {             \
            if ((x)->code[k].op == OP_GLOBAL_GET)                           \
                *get = true;                                                \
            else                                                            \
                *put = true;                                                \
        }
    for (i = 0; i < m->nfuncs; i++)
        SCAN(&m->funcs[i].body)
    for (i = 0; i < m->nglobals; i++)
        SCAN(&m->globals[i].init)
#undef SCAN
}

void
emitapi_v128_helpers(EmitCtx *e, CWriter *c)
{
    bool get, put;

    v128_global_use(e->m, &get, &put);
    if (get) {
        cw_line(c, "/* a v128 global, kept as the header's bytes */");
        cw_line(c, "static v128");
        cw_line(c, "getv128(const w2c_v128 *p)");
        cw_line(c, "{");
        cw_line(c, "    v128 v;");
        cw_raw(c, "\n", 1);
        cw_line(c, "    memcpy(&v, p->bytes, 16);");
        cw_line(c, "    return v;");
        cw_line(c, "}");
        cw_raw(c, "\n", 1);
    }
    if (put) {
        cw_line(c, "static void");
        cw_line(c, "putv128(w2c_v128 *p, v128 v)");
        cw_line(c, "{");
        cw_line(c, "    memcpy(p->bytes, &v, 16);");
        cw_line(c, "}");
        cw_raw(c, "\n", 1);
    }
}

/*
 * Adapters between the instance and host functions of another C type
 * (needs_adapter): host<i> has the instance's type for function i and
 * gets the instance as its ctx.
 */
void
emitapi_adapters(EmitCtx *e, CWriter *c)
{
    const Module *m = e->m;
    const char *P = e->prefix;
    uint32_t i, k;

    for (i = 0; i < m->nimported_funcs; i++) {
        const Func *f = &m->funcs[i];
        const FuncType *ft = func_type(m, f);
        const char *name = e->import_names[f->import];
        const char *ret = e->type_ret[f->type];
        bool one_v128 = ft->nresults == 1 && ft->results[0] == VT_V128;
        const char **args, *head;
        uint32_t nargs;

        int kind = adapter_kind(ft);

        if (name == NULL || kind == ADAPT_NONE)
            continue;
        cw_printf(c, "/* ");
        emit_import_name(c, m, f->import);
        if (kind == ADAPT_FPCALL) {
            cw_printf(c, ": the host's function passes floats its own "
                      "way */\n");
            cw_line(c, "#if WRT_FPCALL_DIFFERS");
        } else {
            cw_printf(c, ": the host's function has the header's "
                      "types */\n");
        }
        cw_printf(c, "static %s%s\nhost%u", e->type_cc[f->type], ret,
                  (unsigned)i);
        emitfn_params(e, c, f->type, "void *ctx", "a", false);
        cw_printf(c, "\n{\n    %s_instance *inst = ctx;\n", P);
        for (k = 0; k < ft->nparams; k++)
            if (ft->params[k] == VT_V128)
                cw_line(c, "    w2c_v128 b%u;", (unsigned)k);
        if (ft->nresults > 1)
            cw_line(c, "    %s ret;", ret);
        if (one_v128)
            cw_line(c, "    v128 ret;");
        for (k = 0; k < ft->nresults; k++)
            if (ft->results[k] == VT_V128 ||
                (ft->results[k] == VT_FUNCREF && ft->nresults > 1))
                cw_line(c, "    %s;",
                        emit_declare(e->a, api_type(ft->results[k]),
                                     arena_printf(e->a, "r%u", (unsigned)k)));
        cw_raw(c, "\n", 1);
        for (k = 0; k < ft->nparams; k++)
            if (ft->params[k] == VT_V128)
                cw_line(c, "    memcpy(b%u.bytes, &a%u, 16);", (unsigned)k,
                        (unsigned)k);

        /* the call, with the results through pointers when several */
        args = arena_array(e->a, 1 + ft->nparams + ft->nresults,
                           sizeof *args);
        nargs = 0;
        args[nargs++] = arena_printf(e->a, "inst->imports.%s_ctx", name);
        for (k = 0; k < ft->nparams; k++)
            args[nargs++] = arena_printf(e->a, "%c%u",
                                         ft->params[k] == VT_V128 ? 'b' : 'a',
                                         (unsigned)k);
        for (k = 0; ft->nresults > 1 && k < ft->nresults; k++)
            args[nargs++] = arena_printf(e->a, ft->results[k] == VT_V128 ||
                                         ft->results[k] == VT_FUNCREF
                                             ? "&r%u" : "&ret.v%u",
                                         (unsigned)k);
        head = ft->nresults != 1 ? ""
             : one_v128 ? "r0 = "
             : ft->results[0] == VT_FUNCREF ? "return (void *)" : "return ";
        emit_wrapped(c, 4, arena_printf(e->a, "%sinst->imports.%s(", head,
                                        name), args, nargs, ");");
        if (one_v128) {
            cw_line(c, "    memcpy(&ret, r0.bytes, 16);");
            cw_line(c, "    return ret;");
        } else if (ft->nresults > 1) {
            for (k = 0; k < ft->nresults; k++) {
                if (ft->results[k] == VT_V128)
                    cw_line(c, "    memcpy(&ret.v%u, r%u.bytes, 16);",
                            (unsigned)k, (unsigned)k);
                else if (ft->results[k] == VT_FUNCREF)
                    cw_line(c, "    ret.v%u = (void *)r%u;", (unsigned)k,
                            (unsigned)k);
            }
            cw_line(c, "    return ret;");
        }
        cw_line(c, "}");
        if (kind == ADAPT_FPCALL)
            cw_line(c, "#endif");
        cw_raw(c, "\n", 1);
    }
}

/*
 * P_new and P_new_in: allocate (setup, from the C library's heap or the
 * host's buffer), apply the limits, bind the imports.
 */
static void
emit_api_new(EmitCtx *e, CWriter *c)
{
    const Module *m = e->m;
    const char *P = e->prefix;
    uint32_t i;

    cw_line(c, "/* What %s_new and %s_new_in share, on their heap. */", P, P);
    cw_line(c, "static %s_instance *", P);
    cw_line(c, "setup(WrtHeap *heap, const %s_imports *imports, "
            "const w2c_limits *limits)", P);
    cw_line(c, "{");
    cw_line(c, "    %s_instance *inst = wrt_heap_alloc(heap, sizeof *inst);",
            P);
    if (e->o->max_memory_pages)
        cw_line(c, "    uint64_t max_memory = %lluu;      /* --max-memory */",
                (unsigned long long)e->o->max_memory_pages * 65536u);
    else
        cw_line(c, "    uint64_t max_memory = 0;");
    if (e->o->max_call_depth)
        cw_line(c, "    uint32_t max_depth = %uu;    /* --max-call-depth */",
                (unsigned)e->o->max_call_depth);
    else
        cw_line(c, "    uint32_t max_depth = WRT_DEFAULT_MAX_CALL_DEPTH;");
    cw_line(c, "    size_t max_stack = 0;");
    cw_raw(c, "\n", 1);
    cw_line(c, "    if (inst == NULL)");
    cw_line(c, "        return NULL;");
    cw_line(c, "    if (limits != NULL) {");
    cw_line(c, "        if (limits->max_memory != 0)");
    cw_line(c, "            max_memory = limits->max_memory;");
    cw_line(c, "        if (limits->max_call_depth != 0)");
    cw_line(c, "            max_depth = limits->max_call_depth;");
    cw_line(c, "        max_stack = limits->max_stack;");
    cw_line(c, "    }");
    if (e->has_wasi) {
        cw_line(c, "    inst->wasi = wasi_ctx_new_embedded();");
        cw_line(c, "    if (inst->wasi == NULL) {");
        cw_line(c, "        wrt_heap_free(heap, inst);");
        cw_line(c, "        return NULL;");
        cw_line(c, "    }");
    }
    cw_line(c, "    if (imports != NULL)");
    cw_line(c, "        inst->imports = *imports;");
    cw_line(c, "    wrt_rt_init(&inst->rt, %s, %uu, max_depth);",
            m->nfuncs ? "func_names" : "NULL", (unsigned)m->nfuncs);
    cw_line(c, "    inst->rt.heap = heap;");
    cw_line(c, "    wrt_embed_init(&inst->embed, max_memory, max_stack);");
    emit_storage_pointers(e, c);
    if (m->nimports > 0)
        cw_line(c, "    /* bind the imports%s */",
                e->has_wasi ? " (WASI: to the instance's context)" : "");
    for (i = 0; i < m->nimports; i++) {
        const Import *im = &m->imports[i];
        const char *name = e->import_names[i];
        if (im->kind == EXT_FUNC) {
            const Func *f = &m->funcs[im->index];
            if (name == NULL) {
                cw_line(c, "    inst->%s = wasi_%.*s;", f->cname,
                        (int)im->name.len, im->name.ptr);
                cw_line(c, "    inst->%s_ctx = inst->wasi;", f->cname);
            } else {
                int kind = adapter_kind(func_type(m, f));
                if (kind == ADAPT_FPCALL)
                    cw_printf(c, "#if WRT_FPCALL_DIFFERS\n");
                if (kind != ADAPT_NONE) {
                    cw_line(c, "    inst->%s = host%u;", f->cname,
                            (unsigned)im->index);
                    cw_line(c, "    inst->%s_ctx = inst;", f->cname);
                }
                if (kind == ADAPT_FPCALL)
                    cw_printf(c, "#else\n");
                if (kind != ADAPT_TYPES) {
                    cw_line(c, "    inst->%s = inst->imports.%s;", f->cname,
                            name);
                    cw_line(c, "    inst->%s_ctx = inst->imports.%s_ctx;",
                            f->cname, name);
                }
                if (kind == ADAPT_FPCALL)
                    cw_printf(c, "#endif\n");
            }
        } else if (im->kind == EXT_GLOBAL) {
            const Global *g = &m->globals[im->index];
            if (g->type == VT_FUNCREF)
                cw_line(c, "    inst->%s = (%s)inst->imports.%s;", g->cname,
                        emit_pointer_to(e->a, "void *", !g->is_mutable), name);
            else
                cw_line(c, "    inst->%s = inst->imports.%s;", g->cname,
                        name);
        }
    }
    cw_line(c, "    return inst;");
    cw_line(c, "}");
    cw_raw(c, "\n", 1);

    cw_line(c, "%s_instance *", P);
    signature(c, arena_printf(e->a, "%s_new(", P), ")", imports_param(e),
              LIMITS_PARAM, NULL);
    cw_line(c, "{");
    cw_line(c, "    return setup(NULL, imports, limits);");
    cw_line(c, "}");
    cw_raw(c, "\n", 1);

    cw_line(c, "%s_instance *", P);
    signature(c, arena_printf(e->a, "%s_new_in(", P), ")", "void *buf",
              "size_t size", imports_param(e), LIMITS_PARAM, NULL);
    cw_line(c, "{");
    cw_line(c, "    WrtHeap *heap = wrt_heap_in(buf, size);");
    cw_raw(c, "\n", 1);
    cw_line(c, "    return heap != NULL ? setup(heap, imports, limits) : NULL;");
    cw_line(c, "}");
    cw_raw(c, "\n", 1);

    cw_line(c, "/* The runtime's trap callback: the host's, with its types. */");
    cw_line(c, "static void");
    cw_line(c, "trapped(void *ctx, int status, const char *message)");
    cw_line(c, "{");
    cw_line(c, "    %s_instance *inst = ctx;", P);
    cw_raw(c, "\n", 1);
    cw_line(c, "    inst->on_trap(inst->on_trap_ctx, (w2c_status)status, "
            "message);");
    cw_line(c, "}");
    cw_raw(c, "\n", 1);
    cw_line(c, "void");
    signature(c, arena_printf(e->a, "%s_on_trap(", P), ")", self_param(e),
              ON_TRAP_PARAM, "void *ctx", NULL);
    cw_line(c, "{");
    cw_line(c, "    inst->on_trap = fn;");
    cw_line(c, "    inst->on_trap_ctx = ctx;");
    cw_line(c, "    inst->embed.on_trap = fn != NULL ? trapped : NULL;");
    cw_line(c, "    inst->embed.on_trap_ctx = inst;");
    cw_line(c, "}");
    cw_raw(c, "\n", 1);
}

/* The helpers that give the host its W2C_ERROR messages. */
static void
emit_api_errors(EmitCtx *e, CWriter *c, bool has_host_imports,
                bool has_func_exports)
{
    const char *P = e->prefix;

    cw_line(c, "/* A call that must come before %s_start. */", P);
    cw_line(c, "static w2c_status");
    cw_line(c, "started(%s_instance *inst, const char *fn)", P);
    cw_line(c, "{");
    cw_line(c, "    return (w2c_status)wrt_embed_error(&inst->embed,");
    cw_line(c, "        \"%%s: the instance has already started\", fn);");
    cw_line(c, "}");
    cw_raw(c, "\n", 1);
    if (has_host_imports) {
        cw_line(c, "/* %s_start finding an import unbound: the instance "
                "cannot run. */", P);
        cw_line(c, "static w2c_status");
        cw_line(c, "unbound(%s_instance *inst, const char *import)", P);
        cw_line(c, "{");
        cw_line(c, "    inst->embed.state = WRT_EMBED_FAILED;");
        cw_line(c, "    return (w2c_status)wrt_embed_error(&inst->embed, "
                "\"%%s is not bound\",");
        cw_line(c, "                                       import);");
        cw_line(c, "}");
        cw_raw(c, "\n", 1);
    }
    if (has_func_exports) {
        cw_line(c, "/* An export called without a successful %s_start. */",
                P);
        cw_line(c, "static w2c_status");
        cw_line(c, "unstarted(%s_instance *inst)", P);
        cw_line(c, "{");
        cw_line(c, "    return (w2c_status)wrt_embed_error(&inst->embed, "
                "\"%%s\",");
        cw_line(c, "        inst->embed.state == WRT_EMBED_FAILED");
        cw_line(c, "            ? \"the instance failed to start\"");
        cw_line(c, "            : \"the instance has not started\");");
        cw_line(c, "}");
        cw_raw(c, "\n", 1);
    }
    if (e->has_wasi) {
        cw_line(c, "/* A WASI grant the runtime refused, in its words. */");
        cw_line(c, "static w2c_status");
        cw_line(c, "refused(%s_instance *inst)", P);
        cw_line(c, "{");
        cw_line(c, "    return (w2c_status)wrt_embed_error(&inst->embed, "
                "\"%%s\",");
        cw_line(c, "                                       "
                "wasi_ctx_error(inst->wasi));");
        cw_line(c, "}");
        cw_raw(c, "\n", 1);
    }
}

/* P_wasi_*: one grant each, before P_start. */
static void
emit_api_wasi(EmitCtx *e, CWriter *c)
{
    const char *P = e->prefix;
    size_t i;

    for (i = 0; i < sizeof wasi_grants / sizeof wasi_grants[0]; i++) {
        cw_line(c, "w2c_status");
        signature(c, arena_printf(e->a, "%s_wasi_%s(", P,
                                  wasi_grants[i].name), ")", self_param(e),
                  wasi_grants[i].param1, wasi_grants[i].param2, NULL);
        cw_line(c, "{");
        cw_line(c, "    if (inst->embed.state != WRT_EMBED_NEW)");
        cw_line(c, "        return started(inst, \"%s_wasi_%s\");", P,
                wasi_grants[i].name);
        cw_line(c, "    if (%s != 0)", wasi_grants[i].call);
        cw_line(c, "        return refused(inst);");
        cw_line(c, "    return W2C_OK;");
        cw_line(c, "}");
        cw_raw(c, "\n", 1);
    }
}

/* startup, P_start and the small functions after it. */
static void
emit_api_start(EmitCtx *e, CWriter *c)
{
    const Module *m = e->m;
    const char *P = e->prefix;
    const Export *init = emit_find_export(m, "_initialize", EXT_FUNC);
    uint32_t i;

    if (init != NULL) {
        const FuncType *ft = func_type(m, &m->funcs[init->index]);
        if (ft->nparams != 0 || ft->nresults != 0)
            init = NULL;
    }
    cw_line(c, "/* %s_start's work, inside wrt_embed_call */", P);
    cw_line(c, "static void");
    cw_line(c, "startup(void *arg)");
    cw_line(c, "{");
    if (init != NULL) {
        cw_line(c, "    %s_instance *inst = arg;", P);
        cw_raw(c, "\n", 1);
        cw_line(c, "    instantiate(inst);");
        cw_line(c, "    %s;   /* a WASI reactor's initialisation */",
                emit_call_text(e, init->index, "inst", ""));
    } else {
        cw_line(c, "    instantiate(arg);");
    }
    cw_line(c, "}");
    cw_raw(c, "\n", 1);

    cw_line(c, "w2c_status");
    cw_line(c, "%s_start(%s_instance *inst)", P, P);
    cw_line(c, "{");
    cw_line(c, "    int t;");
    cw_raw(c, "\n", 1);
    cw_line(c, "    if (inst->embed.state != WRT_EMBED_NEW)");
    cw_line(c, "        return started(inst, \"%s_start\");", P);
    for (i = 0; i < m->nimports; i++) {
        const Import *im = &m->imports[i];
        const char *what;
        if (e->import_names[i] == NULL)
            continue;
        what = arena_printf(e->a, "import \"%.*s\" \"%.*s\"",
                            (int)im->module.len, im->module.ptr,
                            (int)im->name.len, im->name.ptr);
        cw_line(c, "    if (inst->imports.%s == NULL)", e->import_names[i]);
        cw_line(c, "        return unbound(inst, %s);",
                emit_c_literal(e->a, what));
    }
    if (e->has_wasi)
        cw_line(c, "    wasi_ctx_bind(inst->wasi, &inst->rt, %s);",
                emit_wasi_memory(e, "inst"));
    cw_line(c, "    t = wrt_embed_call(&inst->rt, &inst->embed, startup, "
            "inst);");
    cw_line(c, "    inst->embed.state = t == 0 ? WRT_EMBED_READY : "
            "WRT_EMBED_FAILED;");
    cw_line(c, "    return (w2c_status)t;");
    cw_line(c, "}");
    cw_raw(c, "\n", 1);

    cw_line(c, "const char *");
    cw_line(c, "%s_error_message(const %s_instance *inst)", P, P);
    cw_line(c, "{");
    cw_line(c, "    return inst->embed.message;");
    cw_line(c, "}");
    cw_raw(c, "\n", 1);
    cw_line(c, "int");
    cw_line(c, "%s_exit_code(const %s_instance *inst)", P, P);
    cw_line(c, "{");
    cw_line(c, "    return inst->embed.exit_code;");
    cw_line(c, "}");
    cw_raw(c, "\n", 1);
}

/*
 * Export xi, a function: its arguments and results travel in a struct
 * through wrt_embed_call to call<xi>, which runs the function.  (No
 * underscore in the static names: they never equal a P_<export>.)
 */
static void
emit_api_func_export(EmitCtx *e, CWriter *c, uint32_t xi)
{
    const Export *x = &e->m->exports[xi];
    const Module *m = e->m;
    const char *P = e->prefix;
    const Func *f = &m->funcs[x->index];
    const FuncType *ft = func_type(m, f);
    const char **v, **args;
    uint32_t k, n;

    cw_line(c, "struct call%u_args {", (unsigned)xi);
    cw_line(c, "    %s_instance *inst;", P);
    for (k = 0; k < ft->nparams; k++)
        cw_line(c, "    %s;", emit_declare(e->a, emitfn_ctype(ft->params[k]),
                                           arena_printf(e->a, "a%u",
                                                        (unsigned)k)));
    if (ft->nresults > 0)
        cw_line(c, "    %s;", emit_declare(e->a, e->type_ret[f->type], "ret"));
    cw_line(c, "};");
    cw_raw(c, "\n", 1);

    cw_line(c, "static void");
    cw_line(c, "call%u(void *arg)", (unsigned)xi);
    cw_line(c, "{");
    cw_line(c, "    struct call%u_args *c = arg;", (unsigned)xi);
    cw_raw(c, "\n", 1);
    args = arena_array(e->a, ft->nparams + 1, sizeof *args);
    args[0] = f->is_import ? arena_printf(e->a, "c->inst->%s_ctx", f->cname)
                           : "c->inst";
    for (k = 0; k < ft->nparams; k++)
        args[k + 1] = arena_printf(e->a, "c->a%u", (unsigned)k);
    emit_wrapped(c, 4, arena_printf(e->a, "%s%s%s(",
                                    ft->nresults > 0 ? "c->ret = " : "",
                                    f->is_import ? "c->inst->" : "",
                                    f->cname),
                 args, ft->nparams + 1, ");");
    cw_line(c, "}");
    cw_raw(c, "\n", 1);

    v = wrapper_params(e, ft, &n);
    cw_line(c, "w2c_status");
    emit_wrapped(c, 0, arena_printf(e->a, "%s_%s(", P, x->cname), v, n, ")");
    cw_line(c, "{");
    cw_line(c, "    struct call%u_args c;", (unsigned)xi);
    cw_line(c, "    int t;");
    cw_raw(c, "\n", 1);
    cw_line(c, "    if (inst->embed.state != WRT_EMBED_READY)");
    cw_line(c, "        return unstarted(inst);");
    cw_line(c, "    c.inst = inst;");
    for (k = 0; k < ft->nparams; k++) {
        if (ft->params[k] == VT_V128)
            cw_line(c, "    memcpy(&c.a%u, a%u.bytes, 16);", (unsigned)k,
                    (unsigned)k);
        else if (ft->params[k] == VT_FUNCREF)
            cw_line(c, "    c.a%u = (void *)a%u;", (unsigned)k, (unsigned)k);
        else
            cw_line(c, "    c.a%u = a%u;", (unsigned)k, (unsigned)k);
    }
    cw_line(c, "    t = wrt_embed_call(&inst->rt, &inst->embed, call%u, &c);",
            (unsigned)xi);
    if (ft->nresults > 0) {
        cw_line(c, "    if (t != 0)");
        cw_line(c, "        return (w2c_status)t;");
        for (k = 0; k < ft->nresults; k++) {
            const char *val = ft->nresults == 1
                                  ? "c.ret"
                                  : arena_printf(e->a, "c.ret.v%u",
                                                 (unsigned)k);
            cw_line(c, "    if (r%u != NULL)", (unsigned)k);
            if (ft->results[k] == VT_V128)
                cw_line(c, "        memcpy(r%u->bytes, &%s, 16);",
                        (unsigned)k, val);
            else
                cw_line(c, "        *r%u = %s;", (unsigned)k, val);
        }
        cw_line(c, "    return W2C_OK;");
    } else {
        cw_line(c, "    return (w2c_status)t;");
    }
    cw_line(c, "}");
    cw_raw(c, "\n", 1);
}

/* The table access emit_api_table_protos declares. */
static void
emit_api_table_functions(EmitCtx *e, CWriter *c)
{
    const char *P = e->prefix;

    cw_line(c, "uint32_t");
    cw_line(c, "%s_table_size(const %s_table *t)", P, P);
    cw_line(c, "{");
    cw_line(c, "    return ((const WrtTable *)t)->size;");
    cw_line(c, "}");
    cw_raw(c, "\n", 1);
    cw_line(c, "void *");
    cw_line(c, "%s_table_get(const %s_table *t, uint32_t i)", P, P);
    cw_line(c, "{");
    cw_line(c, "    const WrtTable *w = (const WrtTable *)t;");
    cw_raw(c, "\n", 1);
    cw_line(c, "    return i < w->size ? w->elems[i].ref : NULL;");
    cw_line(c, "}");
    cw_raw(c, "\n", 1);
    cw_line(c, "w2c_status");
    cw_line(c, "%s_table_set(%s_table *t, uint32_t i, void *ref)", P, P);
    cw_line(c, "{");
    cw_line(c, "    WrtTable *w = (WrtTable *)t;");
    cw_raw(c, "\n", 1);
    cw_line(c, "    if (i >= w->size)");
    cw_line(c, "        return W2C_ERROR;");
    cw_line(c, "    wrt_table_put(w, &w->elems[i], ref);");
    cw_line(c, "    return W2C_OK;");
    cw_line(c, "}");
    cw_raw(c, "\n", 1);
}

static void
emit_api_exports(EmitCtx *e, CWriter *c)
{
    const Module *m = e->m;
    const char *P = e->prefix;
    uint32_t i;

    for (i = 0; i < m->nexports; i++) {
        const Export *x = &m->exports[i];
        const Global *g;
        const char *t;

        cw_printf(c, "/* ");
        emit_export_name(c, x);
        if (x->kind == EXT_FUNC)
            cw_printf(c, ": %s_%s runs call%u inside wrt_embed_call", P,
                      x->cname, (unsigned)i);
        cw_printf(c, " */\n");
        switch (x->kind) {
        case EXT_FUNC:
            emit_api_func_export(e, c, i);
            continue;
        case EXT_MEMORY:
            cw_line(c, "uint8_t *");
            cw_line(c, "%s_%s(%s_instance *inst, uint64_t *size)", P,
                    x->cname, P);
            cw_line(c, "{");
            cw_line(c, "    if (size != NULL)");
            cw_line(c, "        *size = inst->mem%u->size;",
                    (unsigned)x->index);
            cw_line(c, "    return inst->mem%u->base;", (unsigned)x->index);
            break;
        case EXT_TABLE:
            cw_line(c, "%s_table *", P);
            cw_line(c, "%s_%s(%s_instance *inst)", P, x->cname, P);
            cw_line(c, "{");
            cw_line(c, "    return (%s_table *)inst->tab%u;", P,
                    (unsigned)x->index);
            break;
        default:
            g = &m->globals[x->index];
            t = emit_pointer_to(e->a, api_type(g->type), !g->is_mutable);
            cw_line(c, "%s", t);
            cw_line(c, "%s_%s(%s_instance *inst)", P, x->cname, P);
            cw_line(c, "{");
            /* funcref: the instance keeps references as void * */
            cw_line(c, "    return %s%sinst->%s;",
                    g->type == VT_FUNCREF ? arena_printf(e->a, "(%s)", t)
                                          : "",
                    g->is_import ? "" : "&", g->cname);
            break;
        }
        cw_line(c, "}");
        cw_raw(c, "\n", 1);
    }
}

/* P_new, P_wasi_*, P_start, ..., P_free and the exports, in that order. */
void
emitapi_functions(EmitCtx *e, CWriter *c)
{
    const Module *m = e->m;
    bool func_exports = false;
    uint32_t i;

    for (i = 0; i < m->nexports; i++)
        if (m->exports[i].kind == EXT_FUNC)
            func_exports = true;
    emit_api_new(e, c);
    emit_api_errors(e, c, has_host_imports(e), func_exports);
    if (e->has_wasi)
        emit_api_wasi(e, c);
    emit_api_start(e, c);
    emit_instance_free(e, c);
    if (exports_table(e->m))
        emit_api_table_functions(e, c);
    emit_api_exports(e, c);
}
