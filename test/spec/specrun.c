/*
 * specrun.c - w2c-spec, the runner of the official testsuite's .wast
 * scripts.
 *
 *     w2c-spec SCRIPT.wast [--keep DIR] [-O0..-O3] [--cc=CC]
 *              [--target=TRIPLE] [--run=CMD] [--bounds=guard|check] [-v]
 *
 * Every module of the script goes through w2c's own pipeline (text parser
 * or binary reader, validator, names, emitter) into m<k>.c / m<k>.h, and
 * the commands that run code become one generated main.c, built with the
 * driver into ONE program that performs them in script order and prints a
 * line per command (spechost.c).  assert_malformed and assert_invalid are
 * decided here, at translation time: the module must be rejected by the
 * reader or text parser (malformed) or by the validator (invalid), exactly
 * as the script classifies it.
 *
 * Linking ("modules: instantiation", "import matching"): which module a
 * registered name stands for is known statically, so every import is
 * resolved here, and the checks that need no run time (unknown names,
 * kinds, function and global types, element types, maxima) are made here.
 * Minimum sizes of tables and memories are compared with the exporting
 * instance's current size by the program when it instantiates.
 *
 * Cross targets: --target=TRIPLE builds the program for TRIPLE as w2c's
 * --target does (TRIPLE-gcc unless --cc is given; $CC is then ignored),
 * and --run=CMD puts CMD, split on blanks, in front of the program, e.g.
 * --run=qemu-aarch64; the environment (QEMU_LD_PREFIX) is inherited.
 *
 * Output: a line per failed command (every command with -v), then the
 * total "N passed, N failed".  Exit status 0 when every command passed,
 * 1 when one failed, 2 for usage and setup errors.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "binread.h"
#include "cwriter.h"
#include "diag.h"
#include "driver.h"
#include "emit.h"
#include "emitfn.h"
#include "names.h"
#include "validate.h"
#include "wasm.h"
#include "wast.h"
#include "watparse.h"

#ifndef SPEC_SUPPORT_DIR
#define SPEC_SUPPORT_DIR "test/spec"
#endif

/* ---- the state of one run ----------------------------------------------- */

/* The actual type of a table or memory: element type and maximum. */
typedef struct ExtLim {
    ValType elem;           /* tables */
    bool has_max;
    uint64_t max;
} ExtLim;

/* One instance the script creates (module commands and the assertions on
 * modules that instantiate): module k, prefix m<k>, variable I<k>. */
typedef struct Inst {
    Module *m;              /* NULL when it did not compile */
    bool declared;          /* the program has I<k> (it may stay NULL) */
    ExtLim *tabs;           /* per table index */
    ExtLim *mems;           /* per memory index */
} Inst;

typedef struct Binding {
    Str name;
    int inst;               /* index into insts; SPECTEST for spectest */
} Binding;

#define SPECTEST (-2)

typedef enum Status {
    ST_RUNTIME,             /* the program reports it */
    ST_OK,
    ST_FAIL
} Status;

typedef struct Result {
    Status st;
    const char *why;        /* ST_FAIL */
} Result;

typedef struct Run {
    Arena *a;
    const char *path;       /* the script */
    const char *base;       /* its file name, for messages */
    const uint8_t *src;
    size_t len;
    Script *script;
    Result *res;
    bool verbose;
    bool guard;             /* --bounds=guard (the target's default) */
    bool stack_guard;       /* the target has the fault handler */

    Inst *insts;
    uint32_t ninsts;
    Binding *ids;           /* module $ids, latest last */
    uint32_t nids, capids;
    Binding *regs;          /* registered names, latest last */
    uint32_t nregs, capregs;
    int cur;                /* the most recent module, -1 if none */

    const char *dir;        /* where the C goes */
    CWriter out;            /* main.c, before main() */
    CWriter calls;          /* main()'s body */
    uint32_t nruntime;      /* commands the program reports */
    bool io_error;
} Run;

/* ---- small helpers ------------------------------------------------------ */

static bool
str_eq(Str a, Str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static bool
str_is(Str s, const char *c)
{
    return s.len == strlen(c) && memcmp(s.ptr, c, s.len) == 0;
}

static unsigned
line_of(const Run *r, uint32_t off)
{
    unsigned line = 1;
    size_t i;

    for (i = 0; i < off && i < r->len; i++)
        if (r->src[i] == '\n')
            line++;
    return line;
}

static void
set_result(Run *r, uint32_t n, Status st, const char *why)
{
    r->res[n].st = st;
    r->res[n].why = why;
}

static void fail(Run *r, uint32_t n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void
fail(Run *r, uint32_t n, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    set_result(r, n, ST_FAIL, arena_strndup(r->a, buf, strlen(buf)));
}

/* The first recorded diagnostic, without the path prefix. */
static const char *
first_diag(const Diag *d)
{
    const char *m, *p;

    if (d->nmsgs == 0)
        return "rejected (no message)";
    m = d->msgs[0];
    p = strstr(m, ": error: ");
    return p ? p + 2 : m;
}

/* s as a C string literal (printable ASCII kept, the rest escaped). */
static void
c_string(CWriter *w, const char *s, size_t n)
{
    size_t i;

    cw_raw(w, "\"", 1);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\' || c == '?')
            cw_printf(w, "\\%c", c);
        else if (c >= 0x20 && c < 0x7F)
            cw_raw(w, (const char *)&c, 1);
        else
            cw_printf(w, "\\%03o", c);
    }
    cw_raw(w, "\"", 1);
}

static const char *
valtype_name(ValType t)
{
    switch (t) {
    case VT_I32: return "i32";
    case VT_I64: return "i64";
    case VT_F32: return "f32";
    case VT_F64: return "f64";
    case VT_V128: return "v128";
    case VT_FUNCREF: return "funcref";
    case VT_EXTERNREF: return "externref";
    default: return "?";
    }
}

/* C types as the generated headers spell them. */
static const char *
std_type(ValType t)
{
    switch (t) {
    case VT_I32: return "uint32_t";
    case VT_I64: return "uint64_t";
    case VT_F32: return "float";
    case VT_F64: return "double";
    case VT_V128: return "wrt_v128";
    default: return "void *";
    }
}

static char
sig_letter(ValType t)
{
    switch (t) {
    case VT_I32: return 'i';
    case VT_I64: return 'I';
    case VT_F32: return 'f';
    case VT_F64: return 'F';
    case VT_V128: return 'v';
    case VT_FUNCREF: return 'r';
    case VT_EXTERNREF: return 'e';
    default: return '?';
    }
}

static bool
same_results(const FuncType *a, const FuncType *b)
{
    uint32_t i;

    if (a->nresults != b->nresults)
        return false;
    for (i = 0; i < a->nresults; i++)
        if (sig_letter(a->results[i]) != sig_letter(b->results[i]))
            return false;
    return true;
}

static bool
same_type(const FuncType *a, const FuncType *b)
{
    uint32_t i;

    if (a->nparams != b->nparams || !same_results(a, b))
        return false;
    for (i = 0; i < a->nparams; i++)
        if (a->params[i] != b->params[i])
            return false;
    return true;
}

/*
 * The return type of type ti of module k in the header: void, a scalar, or
 * m<k>_ret<n>.  The emitter numbers the distinct result lists of two or
 * more values in type-section order (emit.c, plan_types); so does this.
 */
static const char *
ret_type(Run *r, uint32_t k, uint32_t ti)
{
    const Module *m = r->insts[k].m;
    const FuncType *ft = &m->types[ti];
    uint32_t i, j, n = 0;

    if (ft->nresults == 0)
        return "void";
    if (ft->nresults == 1)
        return std_type(ft->results[0]);
    for (i = 0; i <= ti; i++) {
        bool seen = false;
        if (m->types[i].nresults < 2)
            continue;
        for (j = 0; j < i && !seen; j++)
            seen = m->types[j].nresults >= 2 &&
                   same_results(&m->types[j], &m->types[i]);
        if (same_results(&m->types[i], ft)) {
            if (!seen)
                break;
            continue;
        }
        if (!seen)
            n++;
    }
    return arena_printf(r->a, "m%u_ret%u", (unsigned)k, (unsigned)n);
}

static const Export *
find_export(const Module *m, Str name)
{
    uint32_t i;

    for (i = 0; i < m->nexports; i++)
        if (str_eq(m->exports[i].name, name))
            return &m->exports[i];
    return NULL;
}

static void
bind(Run *r, Binding **v, uint32_t *n, uint32_t *cap, Str name, int inst)
{
    if (*n == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 16;
        Binding *p = arena_array(r->a, nc, sizeof *p);
        if (*n)
            memcpy(p, *v, *n * sizeof *p);
        *v = p;
        *cap = nc;
    }
    (*v)[*n].name = name;
    (*v)[*n].inst = inst;
    (*n)++;
}

/* The latest binding of name, or -1. */
static int
lookup(const Binding *v, uint32_t n, Str name)
{
    while (n-- > 0)
        if (str_eq(v[n].name, name))
            return v[n].inst;
    return -1;
}

/* The module an action or register names: $id, else the current one. */
static int
module_of(Run *r, Str id)
{
    return id.len ? lookup(r->ids, r->nids, id) : r->cur;
}

/* ---- reading and emitting modules --------------------------------------- */

typedef enum LoadResult {
    LOAD_OK,
    LOAD_MALFORMED,         /* the reader or the text parser rejected it */
    LOAD_INVALID            /* the validator rejected it */
} LoadResult;

static LoadResult
load_module(Run *r, const WastModule *wm, Module **out, Diag *d)
{
    Module *m;

    switch (wm->kind) {
    case WMOD_TEXT:
        diag_init(d, r->base, r->src, r->len);
        m = watparse_module(r->a, r->src, wm->start, wm->end, d);
        break;
    case WMOD_BINARY:
        diag_init(d, r->base, NULL, 0);
        m = binread_module(r->a, wm->bytes, wm->len, d);
        break;
    default:
        diag_init(d, "quote", wm->bytes, wm->len);
        m = watparse_module(r->a, wm->bytes, 0, wm->len, d);
        break;
    }
    *out = m;
    if (m == NULL)
        return LOAD_MALFORMED;
    if (!validate_module(r->a, m, d))
        return LOAD_INVALID;
    return LOAD_OK;
}

static bool
write_file(Run *r, const char *name, const char *buf, size_t len)
{
    char *path = arena_printf(r->a, "%s/%s", r->dir, name);
    FILE *f = fopen(path, "w");
    bool ok;

    if (f == NULL) {
        fprintf(stderr, "w2c-spec: cannot write %s: %s\n", path,
                strerror(errno));
        r->io_error = true;
        return false;
    }
    ok = fwrite(buf ? buf : "", 1, len, f) == len;
    ok = fclose(f) == 0 && ok;
    if (!ok) {
        fprintf(stderr, "w2c-spec: cannot write %s\n", path);
        r->io_error = true;
    }
    return ok;
}

/* names, emit m<k>.c / m<k>.h; false with a reason in *why. */
static bool
emit_inst(Run *r, uint32_t k, Module *m, const char **why)
{
    EmitOpts eo;
    CWriter c, h;
    Diag d;
    bool ok;

    diag_init(&d, r->base, NULL, 0);
    memset(&eo, 0, sizeof eo);
    eo.mode = EMIT_RAW;
    eo.prefix = arena_printf(r->a, "m%u", (unsigned)k);
    eo.header_name = arena_printf(r->a, "m%u.h", (unsigned)k);
    eo.guard = r->guard;
    eo.stack_guard = r->stack_guard;
    cw_init(&c);
    cw_init(&h);
    ok = names_assign(r->a, m, &d) && emit_module(r->a, m, &eo, &c, &h, &d);
    if (!ok)
        *why = arena_printf(r->a, "emit: %s", first_diag(&d));
    else if (!write_file(r, eo.header_name, h.buf, h.len) ||
             !write_file(r, arena_printf(r->a, "m%u.c", (unsigned)k), c.buf,
                         c.len)) {
        ok = false;
        *why = "cannot write the generated C";
    }
    cw_free(&c);
    cw_free(&h);
    diag_free(&d);
    return ok;
}

/* ---- the spectest module ------------------------------------------------ */

typedef struct HostFunc {
    const char *name;
    const char *params;     /* signature letters */
} HostFunc;

static const HostFunc spectest_funcs[] = {
    {"print", ""}, {"print_i32", "i"}, {"print_i64", "I"},
    {"print_f32", "f"}, {"print_f64", "F"}, {"print_i32_f32", "if"},
    {"print_f64_f64", "FF"}
};

typedef struct HostGlobal {
    const char *name;
    ValType type;
} HostGlobal;

static const HostGlobal spectest_globals[] = {
    {"global_i32", VT_I32}, {"global_i64", VT_I64},
    {"global_f32", VT_F32}, {"global_f64", VT_F64}
};

/* ---- instantiation ------------------------------------------------------ */

typedef enum Expect {
    EXPECT_OK,              /* module */
    EXPECT_UNLINKABLE,      /* assert_unlinkable */
    EXPECT_TRAP             /* assert_uninstantiable, assert_trap module */
} Expect;

static const char *
import_text(Run *r, const Import *im)
{
    return arena_printf(r->a, "import \"%.*s\" \"%.*s\"",
                        (int)im->module.len, im->module.ptr,
                        (int)im->name.len, im->name.ptr);
}

/* "limits: match": the actual maximum within the import's. */
static bool
max_matches(const Limits *want, const ExtLim *have)
{
    return !want->has_max || (have->has_max && have->max <= want->max);
}

/*
 * Resolve every import of instance k and write the binding code into body
 * (inst is the new instance, link_ok the flag of the runtime checks).
 * Returns NULL when everything matched statically, else why not.
 */
static const char *
link_imports(Run *r, uint32_t k, CWriter *pre, CWriter *body, int report)
{
    Inst *in = &r->insts[k];
    const Module *m = in->m;
    uint32_t i, p;

    for (i = 0; i < m->nimports; i++) {
        const Import *im = &m->imports[i];
        const char *what = import_text(r, im);
        int src = lookup(r->regs, r->nregs, im->module);
        const Module *xm;
        const Export *x;

        if (src == -1)
            return arena_printf(r->a, "unknown import: %s: no module "
                                "registered as \"%.*s\"", what,
                                (int)im->module.len, im->module.ptr);
        if (src == SPECTEST) {
            size_t j;
            bool found = false;
            switch (im->kind) {
            case EXT_FUNC: {
                const Func *f = &m->funcs[im->index];
                const FuncType *ft = func_type(m, f);
                for (j = 0; j < sizeof spectest_funcs /
                                sizeof spectest_funcs[0]; j++) {
                    const HostFunc *hf = &spectest_funcs[j];
                    if (!str_is(im->name, hf->name))
                        continue;
                    found = true;
                    if (ft->nresults != 0 ||
                        ft->nparams != strlen(hf->params))
                        return arena_printf(r->a, "incompatible import "
                                            "type: %s", what);
                    for (p = 0; p < ft->nparams; p++)
                        if (sig_letter(ft->params[p]) != hf->params[p])
                            return arena_printf(r->a, "incompatible import "
                                                "type: %s", what);
                    cw_line(body, "    inst->%s = spectest_%s;", f->cname,
                            hf->name);
                    cw_line(body, "    inst->%s_ctx = NULL;", f->cname);
                }
                break;
            }
            case EXT_GLOBAL: {
                const Global *g = &m->globals[im->index];
                for (j = 0; j < sizeof spectest_globals /
                                sizeof spectest_globals[0]; j++) {
                    const HostGlobal *hg = &spectest_globals[j];
                    if (!str_is(im->name, hg->name))
                        continue;
                    found = true;
                    if (g->type != hg->type || g->is_mutable)
                        return arena_printf(r->a, "incompatible import "
                                            "type: %s", what);
                    cw_line(body, "    inst->%s = &spectest_%s;", g->cname,
                            hg->name);
                }
                break;
            }
            case EXT_TABLE: {
                const Table *t = &m->tables[im->index];
                ExtLim have = { VT_FUNCREF, true, 20 };
                if (!str_is(im->name, "table"))
                    break;
                found = true;
                if (t->elem != VT_FUNCREF || !max_matches(&t->lim, &have))
                    return arena_printf(r->a, "incompatible import type: "
                                        "%s", what);
                in->tabs[im->index] = have;
                cw_line(body, "    inst->tab%u = &spectest_table;",
                        (unsigned)im->index);
                cw_line(body, "    link_ok = link_ok && spec_link_min(N, ");
                c_string(body, what, strlen(what));
                cw_printf(body, ", spectest_table.size, %lluu, %d);\n",
                          (unsigned long long)t->lim.min, report);
                break;
            }
            case EXT_MEMORY: {
                const Memory *mem = &m->mems[im->index];
                ExtLim have = { VT_NONE, true, 2 };
                if (!str_is(im->name, "memory"))
                    break;
                found = true;
                if (!max_matches(&mem->lim, &have))
                    return arena_printf(r->a, "incompatible import type: "
                                        "%s", what);
                in->mems[im->index] = have;
                cw_line(body, "    inst->mem%u = &spectest_memory;",
                        (unsigned)im->index);
                cw_line(body, "    link_ok = link_ok && spec_link_min(N, ");
                c_string(body, what, strlen(what));
                cw_printf(body, ", wrt_memory_size(&spectest_memory), "
                          "%lluu, %d);\n", (unsigned long long)mem->lim.min,
                          report);
                break;
            }
            }
            if (!found)
                return arena_printf(r->a, "unknown import: %s", what);
            continue;
        }

        /* an export of an earlier instance */
        xm = r->insts[src].m;
        if (!r->insts[src].declared)
            return arena_printf(r->a, "%s: module %d was not instantiated",
                                what, src);
        x = find_export(xm, im->name);
        if (x == NULL)
            return arena_printf(r->a, "unknown import: %s", what);
        if (x->kind != im->kind)
            return arena_printf(r->a, "incompatible import type: %s: "
                                "wrong kind", what);
        cw_line(body, "    if (I%d == NULL) {", src);
        cw_line(body, "        spec_fail(N, \"unlinkable: module %d was not "
                "instantiated\");", src);
        cw_line(body, "        return;");
        cw_line(body, "    }");
        switch (im->kind) {
        case EXT_FUNC: {
            const Func *f = &m->funcs[im->index];
            const FuncType *ft = func_type(m, f);
            const Func *xf = &xm->funcs[x->index];
            const FuncType *xft = func_type(xm, xf);
            const char *rt = ret_type(r, k, f->type);
            const char *xrt = ret_type(r, (uint32_t)src, xf->type);
            if (!same_type(ft, xft))
                return arena_printf(r->a, "incompatible import type: %s: "
                                    "function type", what);
            /* a wrapper with the import field's exact type */
            cw_printf(pre, "static %s%s\nx%u_%u(void *ctx",
                      emitfn_has_float(ft) ? "WRT_FPCALL " : "", rt, (unsigned)k,
                      (unsigned)i);
            for (p = 0; p < ft->nparams; p++)
                cw_printf(pre, ", %s a%u", std_type(ft->params[p]),
                          (unsigned)p);
            cw_printf(pre, ")\n{\n");
            if (ft->nresults >= 2)
                cw_printf(pre, "    %s r;\n    %s o;\n\n    r = ", xrt, rt);
            else
                cw_printf(pre, "    %s", ft->nresults ? "return " : "");
            cw_printf(pre, "m%d_%s((m%d_instance *)ctx", src, x->cname, src);
            for (p = 0; p < ft->nparams; p++)
                cw_printf(pre, ", a%u", (unsigned)p);
            cw_printf(pre, ");\n");
            if (ft->nresults >= 2) {
                for (p = 0; p < ft->nresults; p++)
                    cw_printf(pre, "    o.v%u = r.v%u;\n", (unsigned)p,
                              (unsigned)p);
                cw_printf(pre, "    return o;\n");
            }
            cw_printf(pre, "}\n\n");
            cw_line(body, "    inst->%s = x%u_%u;", f->cname, (unsigned)k,
                    (unsigned)i);
            cw_line(body, "    inst->%s_ctx = I%d;", f->cname, src);
            break;
        }
        case EXT_GLOBAL: {
            const Global *g = &m->globals[im->index];
            const Global *xg = &xm->globals[x->index];
            if (g->type != xg->type || g->is_mutable != xg->is_mutable)
                return arena_printf(r->a, "incompatible import type: %s: "
                                    "global type", what);
            cw_line(body, "    inst->%s = m%d_%s(I%d);", g->cname, src,
                    x->cname, src);
            break;
        }
        case EXT_TABLE: {
            const Table *t = &m->tables[im->index];
            const ExtLim *have = &r->insts[src].tabs[x->index];
            if (t->elem != have->elem || !max_matches(&t->lim, have))
                return arena_printf(r->a, "incompatible import type: %s: "
                                    "table type", what);
            in->tabs[im->index] = *have;
            cw_line(body, "    inst->tab%u = m%d_%s(I%d);",
                    (unsigned)im->index, src, x->cname, src);
            cw_line(body, "    link_ok = link_ok && spec_link_min(N, ");
            c_string(body, what, strlen(what));
            cw_printf(body, ", inst->tab%u->size, %lluu, %d);\n",
                      (unsigned)im->index, (unsigned long long)t->lim.min,
                      report);
            break;
        }
        case EXT_MEMORY: {
            const Memory *mem = &m->mems[im->index];
            const ExtLim *have = &r->insts[src].mems[x->index];
            if (!max_matches(&mem->lim, have))
                return arena_printf(r->a, "incompatible import type: %s: "
                                    "memory type", what);
            in->mems[im->index] = *have;
            cw_line(body, "    inst->mem%u = m%d_%s(I%d);",
                    (unsigned)im->index, src, x->cname, src);
            cw_line(body, "    link_ok = link_ok && spec_link_min(N, ");
            c_string(body, what, strlen(what));
            cw_printf(body, ", wrt_memory_size(inst->mem%u), %lluu, %d);\n",
                      (unsigned)im->index, (unsigned long long)mem->lim.min,
                      report);
            break;
        }
        }
    }
    return NULL;
}

/* The tables and memories the instance defines have their declared types. */
static void
own_types(Run *r, uint32_t k)
{
    Inst *in = &r->insts[k];
    const Module *m = in->m;
    uint32_t i;

    in->tabs = arena_array(r->a, m->ntables ? m->ntables : 1,
                           sizeof *in->tabs);
    in->mems = arena_array(r->a, m->nmems ? m->nmems : 1, sizeof *in->mems);
    for (i = 0; i < m->ntables; i++) {
        in->tabs[i].elem = m->tables[i].elem;
        in->tabs[i].has_max = m->tables[i].lim.has_max;
        in->tabs[i].max = m->tables[i].lim.max;
    }
    for (i = 0; i < m->nmems; i++) {
        in->mems[i].elem = VT_NONE;
        in->mems[i].has_max = m->mems[i].lim.has_max;
        in->mems[i].max = m->mems[i].lim.max;
    }
}

static uint32_t
new_inst(Run *r, Module *m)
{
    Inst *v = arena_array(r->a, (size_t)r->ninsts + 1, sizeof *v);

    if (r->ninsts)
        memcpy(v, r->insts, r->ninsts * sizeof *v);
    r->insts = v;
    v[r->ninsts].m = m;
    return r->ninsts++;
}

/*
 * A command that instantiates a module: compile it as instance k, link it
 * and generate the command's code.  Returns k, or -1 when the module could
 * not even be compiled (the command has then failed).
 */
static int
cmd_instance(Run *r, uint32_t n, const WastCommand *c, Expect ex)
{
    Module *m;
    Diag d;
    LoadResult lr = load_module(r, &c->module, &m, &d);
    const char *why = NULL;
    const char *unlinked;
    uint32_t k;
    CWriter pre, body;

    if (lr != LOAD_OK) {
        fail(r, n, "module %s: %s", lr == LOAD_MALFORMED ? "malformed"
                                                         : "invalid",
             first_diag(&d));
        diag_free(&d);
        return -1;
    }
    diag_free(&d);
    k = new_inst(r, NULL);
    if (!emit_inst(r, k, m, &why)) {
        fail(r, n, "%s", why);
        return (int)k;
    }
    r->insts[k].m = m;
    own_types(r, k);

    cw_init(&pre);
    cw_init(&body);
    unlinked = link_imports(r, k, &pre, &body, ex != EXPECT_UNLINKABLE);
    if (unlinked != NULL) {
        cw_free(&pre);
        cw_free(&body);
        if (ex == EXPECT_UNLINKABLE)
            set_result(r, n, ST_OK, NULL);
        else
            fail(r, n, "unlinkable: %s", unlinked);
        return (int)k;
    }

    r->nruntime++;
    r->insts[k].declared = true;
    set_result(r, n, ST_RUNTIME, NULL);
    cw_printf(&r->out, "/* command %u: instance %u */\n", (unsigned)n,
              (unsigned)k);
    cw_printf(&r->out, "static m%u_instance *I%u;\n", (unsigned)k,
              (unsigned)k);
    cw_printf(&r->out, "static m%u_instance *J%u;\n\n", (unsigned)k,
              (unsigned)k);
    cw_raw(&r->out, pre.buf ? pre.buf : "", pre.len);
    cw_printf(&r->out, "static void\nn%u(void)\n{\n    (void)m%u_instantiate"
              "(J%u);\n}\n\n", (unsigned)k, (unsigned)k, (unsigned)k);
    cw_printf(&r->out, "#define N %u\n", (unsigned)n);
    cw_printf(&r->out, "static void\nc%u(void)\n{\n", (unsigned)n);
    cw_printf(&r->out, "    m%u_instance *inst = m%u_new();\n", (unsigned)k,
              (unsigned)k);
    cw_printf(&r->out, "    int link_ok = 1;\n    WrtTrap t;\n\n");
    cw_printf(&r->out, "    if (inst == NULL) {\n        spec_fail(N, \"out "
              "of memory\");\n        return;\n    }\n");
    cw_printf(&r->out, "    spec_add_rt(&inst->rt);\n");
    cw_raw(&r->out, body.buf ? body.buf : "", body.len);
    cw_printf(&r->out, "    if (!link_ok) {\n");
    if (ex == EXPECT_UNLINKABLE)
        cw_printf(&r->out, "        spec_ok(N);\n");
    cw_printf(&r->out, "        return;\n    }\n");
    if (ex == EXPECT_UNLINKABLE)
        cw_printf(&r->out, "    spec_fail(N, \"module linked\");\n"
                  "    return;\n");
    cw_printf(&r->out, "    J%u = inst;\n    t = spec_call(&inst->rt, "
              "n%u);\n", (unsigned)k, (unsigned)k);
    if (ex == EXPECT_OK) {
        cw_printf(&r->out, "    if (t != WRT_TRAP_NONE) {\n        "
                  "spec_fail(N, \"instantiation trapped: %%s\", "
                  "wrt_trap_message(t));\n        return;\n    }\n");
        cw_printf(&r->out, "    I%u = inst;\n    spec_ok(N);\n", (unsigned)k);
    } else if (ex == EXPECT_TRAP) {
        cw_printf(&r->out, "    spec_trap_result(N, t, ");
        c_string(&r->out, c->text.ptr, c->text.len);
        cw_printf(&r->out, ");\n");
    }
    if (ex == EXPECT_UNLINKABLE)
        cw_printf(&r->out, "    (void)t;\n");
    cw_printf(&r->out, "}\n#undef N\n\n");
    cw_line(&r->calls, "    c%u();", (unsigned)n);
    cw_free(&pre);
    cw_free(&body);
    return (int)k;
}

/* ---- actions ------------------------------------------------------------ */

/* b[0..7] of a v128 as the little-endian uint64_t they spell. */
static unsigned long long
v128_half(const uint8_t *b)
{
    unsigned long long x = 0;
    int k;

    for (k = 7; k >= 0; k--)
        x = x << 8 | b[k];
    return x;
}

/* An argument as a C expression; NULL for a value the C cannot express. */
static const char *
arg_expr(Run *r, const WastValue *v)
{
    switch (v->type) {
    case VT_I32:
        return arena_printf(r->a, "%luu", (unsigned long)(uint32_t)v->bits);
    case VT_I64:
        return arena_printf(r->a, "%lluull", (unsigned long long)v->bits);
    case VT_F32:
        return arena_printf(r->a, "WRT_F32(0x%08lxu)",
                            (unsigned long)(uint32_t)v->bits);
    case VT_F64:
        return arena_printf(r->a, "WRT_F64(0x%016llxull)",
                            (unsigned long long)v->bits);
    case VT_V128:
        /* the runtime's constructor: bytes 0..7, bytes 8..15 */
        return arena_printf(r->a, "wrt_v128_make(0x%016llxull, "
                            "0x%016llxull)", v128_half(v->v128),
                            v128_half(v->v128 + 8));
    case VT_FUNCREF:
        return v->is_null ? "NULL" : NULL;
    case VT_EXTERNREF:
        return v->is_null ? "NULL"
                          : arena_printf(r->a, "SPEC_EXTERN(%lluu)",
                                         (unsigned long long)v->bits);
    default:
        return NULL;
    }
}

static bool
has_v128(const WastValue *v, uint32_t n)
{
    uint32_t i;

    for (i = 0; i < n; i++)
        if (v[i].type == VT_V128)
            return true;
    return false;
}

/*
 * Whether any command passes or expects a v128: the program then needs
 * the v128 checks of spechost.c (SPEC_SIMD), which use the runtime's
 * wrt_v128.
 */
static bool
script_uses_v128(const Script *sc)
{
    uint32_t n;

    for (n = 0; n < sc->ncmds; n++) {
        const WastCommand *c = &sc->cmds[n];
        if ((c->has_action && has_v128(c->action.args, c->action.nargs)) ||
            has_v128(c->expected, c->nexpected))
            return true;
    }
    return false;
}

/*
 * Generate a<n>(), which performs command n's action and stores its
 * results in r<n>_<i>.  Returns the instance, or -1 after failing n.
 * *types receives the result types.
 */
static int
gen_action(Run *r, uint32_t n, const WastAction *act, const ValType **types,
           uint32_t *ntypes)
{
    int k = module_of(r, act->module_id);
    const Module *m;
    const Export *x;
    uint32_t i;

    if (k < 0) {
        fail(r, n, "no module %s%.*s", act->module_id.len ? "" : "defined",
             (int)act->module_id.len, act->module_id.ptr);
        return -1;
    }
    m = r->insts[k].m;
    if (!r->insts[k].declared) {
        fail(r, n, "the module was not instantiated");
        return -1;
    }
    x = find_export(m, act->name);
    if (x == NULL || x->kind != (act->is_get ? EXT_GLOBAL : EXT_FUNC)) {
        fail(r, n, "no %s export \"%.*s\"", act->is_get ? "global"
                                                       : "function",
             (int)act->name.len, act->name.ptr);
        return -1;
    }
    if (act->is_get) {
        const Global *g = &m->globals[x->index];
        *types = &g->type;
        *ntypes = 1;
        cw_printf(&r->out, "static %s r%u_0;\n\n", std_type(g->type),
                  (unsigned)n);
        cw_printf(&r->out, "static void\na%u(void)\n{\n    r%u_0 = "
                  "*m%d_%s(I%d);\n}\n\n", (unsigned)n, (unsigned)n, k,
                  x->cname, k);
        return k;
    } else {
        const Func *f = &m->funcs[x->index];
        const FuncType *ft = func_type(m, f);
        const char **args = arena_array(r->a, act->nargs + 1, sizeof *args);

        if (ft->nparams != act->nargs) {
            fail(r, n, "\"%.*s\" takes %u arguments, the script gives %u",
                 (int)act->name.len, act->name.ptr, (unsigned)ft->nparams,
                 (unsigned)act->nargs);
            return -1;
        }
        for (i = 0; i < act->nargs; i++) {
            if (act->args[i].type != ft->params[i]) {
                fail(r, n, "argument %u: expected %s, the script gives %s",
                     (unsigned)i, valtype_name(ft->params[i]),
                     valtype_name(act->args[i].type));
                return -1;
            }
            args[i] = arg_expr(r, &act->args[i]);
            if (args[i] == NULL) {
                fail(r, n, "argument %u: cannot be passed", (unsigned)i);
                return -1;
            }
        }
        *types = ft->results;
        *ntypes = ft->nresults;
        for (i = 0; i < ft->nresults; i++)
            cw_printf(&r->out, "static %s r%u_%u;\n",
                      std_type(ft->results[i]), (unsigned)n, (unsigned)i);
        cw_printf(&r->out, "\nstatic void\na%u(void)\n{\n", (unsigned)n);
        if (ft->nresults >= 2)
            cw_printf(&r->out, "    %s r;\n\n    r = ",
                      ret_type(r, (uint32_t)k, f->type));
        else if (ft->nresults == 1)
            cw_printf(&r->out, "    r%u_0 = ", (unsigned)n);
        else
            cw_printf(&r->out, "    ");
        cw_printf(&r->out, "m%d_%s(I%d", k, x->cname, k);
        for (i = 0; i < act->nargs; i++)
            cw_printf(&r->out, ", %s", args[i]);
        cw_printf(&r->out, ");\n");
        if (ft->nresults >= 2)
            for (i = 0; i < ft->nresults; i++)
                cw_printf(&r->out, "    r%u_%u = r.v%u;\n", (unsigned)n,
                          (unsigned)i, (unsigned)i);
        cw_printf(&r->out, "}\n\n");
        return k;
    }
}

/* The check of result i against v, a C expression of type int. */
static const char *
check_expr(Run *r, uint32_t n, uint32_t i, const WastValue *v)
{
    const char *got = arena_printf(r->a, "r%u_%u", (unsigned)n, (unsigned)i);
    int nan = v->nan == WNAN_CANONICAL ? 1
            : v->nan == WNAN_ARITHMETIC ? 2 : 0;

    switch (v->type) {
    case VT_I32:
        return arena_printf(r->a, "spec_i32(N, %u, %s, %luu)", (unsigned)i,
                            got, (unsigned long)(uint32_t)v->bits);
    case VT_I64:
        return arena_printf(r->a, "spec_i64(N, %u, %s, %lluull)",
                            (unsigned)i, got, (unsigned long long)v->bits);
    case VT_F32:
        return arena_printf(r->a, "spec_f32(N, %u, %s, 0x%08lxu, %d)",
                            (unsigned)i, got,
                            (unsigned long)(uint32_t)v->bits, nan);
    case VT_F64:
        return arena_printf(r->a, "spec_f64(N, %u, %s, 0x%016llxull, %d)",
                            (unsigned)i, got, (unsigned long long)v->bits,
                            nan);
    case VT_V128: {
        /* per float lane: '-' exact, 'c' nan:canonical, 'a' arithmetic */
        char nans[5];
        unsigned k, nl = v->lane_float ? 128u / v->lane_bits : 0;
        for (k = 0; k < nl; k++)
            nans[k] = v->lane_nan[k] == WNAN_CANONICAL ? 'c'
                    : v->lane_nan[k] == WNAN_ARITHMETIC ? 'a' : '-';
        nans[nl] = '\0';
        return arena_printf(r->a, "spec_v128(N, %u, %s, 0x%016llxull, "
                            "0x%016llxull, %u, %d, \"%s\")", (unsigned)i,
                            got, v128_half(v->v128), v128_half(v->v128 + 8),
                            (unsigned)v->lane_bits, v->lane_float ? 1 : 0,
                            nans);
    }
    case VT_FUNCREF:
        return arena_printf(r->a, "spec_ref(N, %u, %s, %d, NULL)",
                            (unsigned)i, got, v->is_null ? 0 : 1);
    default:
        if (v->is_null || v->any_ref)
            return arena_printf(r->a, "spec_ref(N, %u, %s, %d, NULL)",
                                (unsigned)i, got, v->is_null ? 0 : 1);
        return arena_printf(r->a, "spec_ref(N, %u, %s, 2, "
                            "SPEC_EXTERN(%lluu))", (unsigned)i, got,
                            (unsigned long long)v->bits);
    }
}

static void
cmd_action(Run *r, uint32_t n, const WastCommand *c)
{
    const ValType *types = NULL;
    uint32_t ntypes = 0, i;
    int k;

    k = gen_action(r, n, &c->action, &types, &ntypes);
    if (k < 0)
        return;
    if (c->kind == WCMD_ASSERT_RETURN) {
        if (c->nexpected != ntypes) {
            fail(r, n, "the function returns %u values, the script expects "
                 "%u", (unsigned)ntypes, (unsigned)c->nexpected);
            return;
        }
        for (i = 0; i < ntypes; i++)
            if (c->expected[i].type != types[i]) {
                fail(r, n, "result %u: the function returns %s, the "
                     "script expects %s", (unsigned)i,
                     valtype_name(types[i]),
                     valtype_name(c->expected[i].type));
                return;
            }
    }
    r->nruntime++;
    set_result(r, n, ST_RUNTIME, NULL);
    cw_printf(&r->out, "#define N %u\nstatic void\nc%u(void)\n{\n",
              (unsigned)n, (unsigned)n);
    switch (c->kind) {
    case WCMD_ASSERT_TRAP:
    case WCMD_ASSERT_EXHAUSTION:
        cw_printf(&r->out, "    spec_act_trap(N, I%d ? &I%d->rt : NULL, "
                  "a%u, ", k, k, (unsigned)n);
        c_string(&r->out, c->text.ptr, c->text.len);
        cw_printf(&r->out, ");\n");
        break;
    case WCMD_ASSERT_RETURN:
        cw_printf(&r->out, "    if (!spec_act(N, I%d ? &I%d->rt : NULL, "
                  "a%u))\n        return;\n", k, k, (unsigned)n);
        cw_printf(&r->out, "    if (1");
        for (i = 0; i < ntypes; i++)
            cw_printf(&r->out, " &&\n        %s",
                      check_expr(r, n, i, &c->expected[i]));
        cw_printf(&r->out, ")\n        spec_ok(N);\n");
        break;
    default:
        cw_printf(&r->out, "    if (spec_act(N, I%d ? &I%d->rt : NULL, "
                  "a%u))\n        spec_ok(N);\n", k, k, (unsigned)n);
        break;
    }
    cw_printf(&r->out, "}\n#undef N\n\n");
    cw_line(&r->calls, "    c%u();", (unsigned)n);
}

/* ---- the other commands ------------------------------------------------- */

/* assert_malformed, assert_invalid: decided here. */
static void
cmd_reject(Run *r, uint32_t n, const WastCommand *c)
{
    bool want_malformed = c->kind == WCMD_ASSERT_MALFORMED;
    Module *m;
    Diag d;
    LoadResult lr = load_module(r, &c->module, &m, &d);

    if (lr == LOAD_OK)
        fail(r, n, "module accepted, expected %s (\"%.*s\")",
             want_malformed ? "malformed" : "invalid", (int)c->text.len,
             c->text.ptr);
    else if ((lr == LOAD_MALFORMED) != want_malformed)
        fail(r, n, "rejected as %s, expected %s (\"%.*s\"): %s",
             lr == LOAD_MALFORMED ? "malformed" : "invalid",
             want_malformed ? "malformed" : "invalid", (int)c->text.len,
             c->text.ptr, first_diag(&d));
    else
        set_result(r, n, ST_OK, r->verbose ? arena_strndup(r->a,
                   first_diag(&d), strlen(first_diag(&d))) : NULL);
    diag_free(&d);
}

static void
cmd_register(Run *r, uint32_t n, const WastCommand *c)
{
    int k = module_of(r, c->register_id);

    if (k < 0) {
        fail(r, n, "register: no such module");
        return;
    }
    bind(r, &r->regs, &r->nregs, &r->capregs, c->text, k);
    if (!r->insts[k].declared) {
        fail(r, n, "register: the module was not instantiated");
        return;
    }
    r->nruntime++;
    set_result(r, n, ST_RUNTIME, NULL);
    cw_printf(&r->out, "static void\nc%u(void)\n{\n    if (I%d != NULL)\n"
              "        spec_ok(%u);\n    else\n        spec_fail(%u, \"the "
              "module was not instantiated\");\n}\n\n", (unsigned)n, k,
              (unsigned)n, (unsigned)n);
    cw_line(&r->calls, "    c%u();", (unsigned)n);
}

static void
translate(Run *r)
{
    uint32_t n;
    int k;

    cw_line(&r->out, "/* Generated by w2c-spec from %s: do not edit. */",
            r->base);
    if (script_uses_v128(r->script))
        cw_line(&r->out, "#define SPEC_SIMD 1");
    cw_line(&r->out, "#include \"spechost.c\"");
    cw_raw(&r->out, "\n", 1);
    for (n = 0; n < r->script->ncmds; n++) {
        const WastCommand *c = &r->script->cmds[n];
        switch (c->kind) {
        case WCMD_MODULE:
            k = cmd_instance(r, n, c, EXPECT_OK);
            /* a module that fails still becomes the current one */
            if (k < 0)
                k = (int)new_inst(r, NULL);
            r->cur = k;
            if (c->module.id.len)
                bind(r, &r->ids, &r->nids, &r->capids, c->module.id, k);
            break;
        case WCMD_REGISTER:
            cmd_register(r, n, c);
            break;
        case WCMD_ACTION:
        case WCMD_ASSERT_RETURN:
        case WCMD_ASSERT_EXHAUSTION:
            cmd_action(r, n, c);
            break;
        case WCMD_ASSERT_TRAP:
            if (c->has_module)
                (void)cmd_instance(r, n, c, EXPECT_TRAP);
            else
                cmd_action(r, n, c);
            break;
        case WCMD_ASSERT_MALFORMED:
        case WCMD_ASSERT_INVALID:
            cmd_reject(r, n, c);
            break;
        case WCMD_ASSERT_UNLINKABLE:
            (void)cmd_instance(r, n, c, EXPECT_UNLINKABLE);
            break;
        case WCMD_ASSERT_UNINSTANTIABLE:
            (void)cmd_instance(r, n, c, EXPECT_TRAP);
            break;
        }
    }
}

/* The header includes must come before the code that uses them. */
static bool
write_main(Run *r)
{
    CWriter w;
    uint32_t k;
    bool ok;
    const char *marker = "#include \"spechost.c\"\n";
    char *p = strstr(r->out.buf, marker);
    size_t head = (size_t)(p - r->out.buf) + strlen(marker);

    cw_init(&w);
    cw_raw(&w, r->out.buf, head);
    for (k = 0; k < r->ninsts; k++)
        if (r->insts[k].m != NULL && r->insts[k].tabs != NULL)
            cw_line(&w, "#include \"m%u.h\"", (unsigned)k);
    cw_raw(&w, r->out.buf + head, r->out.len - head);
    cw_line(&w, "int");
    cw_line(&w, "main(void)");
    cw_line(&w, "{");
    cw_line(&w, "    spec_init();");
    cw_raw(&w, r->calls.buf ? r->calls.buf : "", r->calls.len);
    cw_line(&w, "    return 0;");
    cw_line(&w, "}");
    ok = write_file(r, "main.c", w.buf, w.len);
    cw_free(&w);
    return ok;
}

/* ---- building and running the program ----------------------------------- */

/* gcc folds x - 0.0, x * 1.0 ... on signalling NaNs unless told not to. */
static bool
cc_is_gcc(Run *r, const char *cc)
{
    char *cmd = arena_printf(r->a, "%s -dM -E -x c /dev/null 2>/dev/null",
                             cc);
    FILE *p = popen(cmd, "r");
    char line[512];
    bool gnu = false, clang = false;

    if (p == NULL)
        return false;
    while (fgets(line, sizeof line, p) != NULL) {
        if (strncmp(line, "#define __GNUC__ ", 17) == 0)
            gnu = true;
        if (strncmp(line, "#define __clang__ ", 18) == 0)
            clang = true;
    }
    pclose(p);
    return gnu && !clang;
}

static bool
build(Run *r, const char *argv0, const char *target, const char *cc,
      const char *opt, const char *prog)
{
    DriverOpts o;
    const char **cflags = arena_array(r->a, 8, sizeof *cflags);
    const char **ldflags = arena_array(r->a, r->ninsts + 1,
                                       sizeof *ldflags);
    size_t nc = 0, nl = 0;
    uint32_t k;
    DriverStatus s;

    memset(&o, 0, sizeof o);
    o.runtime_dir = driver_find_runtime(argv0);
    if (o.runtime_dir == NULL)
        return false;
    cflags[nc++] = arena_printf(r->a, "-I%s", SPEC_SUPPORT_DIR);
    cflags[nc++] = arena_printf(r->a, "-I%s/rt", o.runtime_dir);
    if (cc_is_gcc(r, cc != NULL ? cc
                            : arena_printf(r->a, "%s-gcc", target)))
        cflags[nc++] = "-fsignaling-nans";
    if (r->guard)       /* spechost.c's memory is a guard memory too */
        cflags[nc++] = "-DSPEC_GUARD=1";
    o.target = target;
    o.cc = cc;
    o.opt = opt;
    o.cflags = cflags;
    o.ncflags = nc;
    o.tmpdir = r->dir;
    o.verbose = false;
    /* each module compiles as w2c compiles one (the target's flags
       included), then links into the program with main.c */
    o.mode = DRIVER_OBJ;
    s = DRIVER_OK;
    for (k = 0; k < r->ninsts && s == DRIVER_OK; k++) {
        if (r->insts[k].m != NULL && r->insts[k].tabs != NULL) {
            const char *obj = arena_printf(r->a, "%s/m%u.o", r->dir,
                                           (unsigned)k);
            s = driver_build(&o, arena_printf(r->a, "%s/m%u.c", r->dir,
                                              (unsigned)k), obj);
            ldflags[nl++] = obj;
        }
    }
    o.mode = DRIVER_EXE;
    o.ldflags = ldflags;
    o.nldflags = nl;
    if (s == DRIVER_OK)
        s = driver_build(&o, arena_printf(r->a, "%s/main.c", r->dir),
                         prog);
    free((char *)o.runtime_dir);
    return s == DRIVER_OK;
}

/*
 * Run prog, behind the words of wrapper (blank-separated, may be NULL);
 * results from its output.  Returns its wait status.
 */
static int
run_program(Run *r, const char *wrapper, const char *prog)
{
    int fds[2], status = 0;
    pid_t pid;
    FILE *f;
    char line[4096];
    char **argv;
    size_t nw = 0, wlen = wrapper ? strlen(wrapper) : 0, i = 0;

    /* at most wlen / 2 + 1 words, then prog and the NULL */
    argv = arena_array(r->a, wlen / 2 + 3, sizeof *argv);
    while (i < wlen) {
        size_t start;
        while (i < wlen && (wrapper[i] == ' ' || wrapper[i] == '\t'))
            i++;
        start = i;
        while (i < wlen && wrapper[i] != ' ' && wrapper[i] != '\t')
            i++;
        if (i > start)
            argv[nw++] = arena_strndup(r->a, wrapper + start, i - start);
    }
    argv[nw++] = (char *)prog;
    argv[nw] = NULL;

    if (pipe(fds) != 0)
        return -1;
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execvp(argv[0], argv);
        fprintf(stderr, "w2c-spec: cannot run %s: %s\n", argv[0],
                strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    f = fdopen(fds[0], "r");
    if (f == NULL) {
        close(fds[0]);
    } else {
        while (fgets(line, sizeof line, f) != NULL) {
            unsigned long n;
            char *end;
            size_t len = strlen(line);
            if (len && line[len - 1] == '\n')
                line[--len] = '\0';
            if (strncmp(line, "ok ", 3) == 0) {
                n = strtoul(line + 3, &end, 10);
                if (n < r->script->ncmds && r->res[n].st == ST_RUNTIME)
                    set_result(r, (uint32_t)n, ST_OK, NULL);
            } else if (strncmp(line, "FAIL ", 5) == 0) {
                n = strtoul(line + 5, &end, 10);
                if (*end == ' ')
                    end++;
                if (n < r->script->ncmds && r->res[n].st == ST_RUNTIME)
                    set_result(r, (uint32_t)n, ST_FAIL,
                               arena_strndup(r->a, end, strlen(end)));
            } else if (r->verbose) {
                printf("  | %s\n", line);
            }
        }
        fclose(f);
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return status;
}

static const char *
kind_name(WastCmdKind k)
{
    switch (k) {
    case WCMD_MODULE: return "module";
    case WCMD_REGISTER: return "register";
    case WCMD_ACTION: return "action";
    case WCMD_ASSERT_RETURN: return "assert_return";
    case WCMD_ASSERT_TRAP: return "assert_trap";
    case WCMD_ASSERT_EXHAUSTION: return "assert_exhaustion";
    case WCMD_ASSERT_MALFORMED: return "assert_malformed";
    case WCMD_ASSERT_INVALID: return "assert_invalid";
    case WCMD_ASSERT_UNLINKABLE: return "assert_unlinkable";
    case WCMD_ASSERT_UNINSTANTIABLE: return "assert_uninstantiable";
    }
    return "command";
}

/* ---- main --------------------------------------------------------------- */

static uint8_t *
read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0;

    if (f == NULL)
        return NULL;
    for (;;) {
        size_t got;
        if (n == cap) {
            uint8_t *p;
            cap = cap ? cap * 2 : 65536;
            p = realloc(buf, cap);
            if (p == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

static void
usage(void)
{
    fprintf(stderr, "usage: w2c-spec SCRIPT.wast [--keep DIR] [-O0..-O3] "
            "[--cc=CC]\n"
            "                [--target=TRIPLE] [--run=CMD] "
            "[--bounds=guard|check] [-v]\n");
    exit(2);
}

int
main(int argc, char **argv)
{
    Run r;
    Diag d;
    const char *keep = NULL, *cc = NULL, *opt = "-O0";
    const char *target = NULL, *wrapper = NULL, *bounds = NULL;
    char tmpl[] = "/tmp/w2c-spec-XXXXXX";
    const char *slash;
    uint8_t *buf;
    uint32_t n, passed = 0, failed = 0;
    int i, status = 0;
    bool built = false;

    memset(&r, 0, sizeof r);
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--keep") == 0 && i + 1 < argc)
            keep = argv[++i];
        else if (strncmp(argv[i], "--cc=", 5) == 0)
            cc = argv[i] + 5;
        else if (strncmp(argv[i], "--target=", 9) == 0 && argv[i][9])
            target = argv[i] + 9;
        else if (strncmp(argv[i], "--run=", 6) == 0)
            wrapper = argv[i] + 6;
        else if (strcmp(argv[i], "--bounds=guard") == 0 ||
                 strcmp(argv[i], "--bounds=check") == 0)
            bounds = argv[i] + 9;
        else if (strncmp(argv[i], "-O", 2) == 0 && strlen(argv[i]) == 3)
            opt = argv[i];
        else if (strcmp(argv[i], "-v") == 0)
            r.verbose = true;
        else if (argv[i][0] == '-' || r.path != NULL)
            usage();
        else
            r.path = argv[i];
    }
    if (r.path == NULL)
        usage();
    if (driver_target_freestanding(target)) {
        fprintf(stderr, "w2c-spec: --target=%s: a freestanding target has "
                "no executables\n", target);
        return 2;
    }
    /* as in w2c: guard where the target has it, unless told otherwise */
    r.stack_guard = driver_target_guard(target);
    r.guard = bounds != NULL ? strcmp(bounds, "guard") == 0
                             : r.stack_guard;
    if (r.guard && !driver_target_guard(target)) {
        fprintf(stderr, "w2c-spec: --bounds=guard needs a hosted 64-bit "
                "target\n");
        return 2;
    }
    /* as in w2c: a cross build ignores $CC (the driver picks TRIPLE-gcc) */
    if (cc == NULL && target == NULL)
        cc = getenv("CC") && *getenv("CC") ? getenv("CC") : "cc";
    slash = strrchr(r.path, '/');
    r.base = slash ? slash + 1 : r.path;
    buf = read_all(r.path, &r.len);
    if (buf == NULL) {
        fprintf(stderr, "w2c-spec: cannot read %s: %s\n", r.path,
                strerror(errno));
        return 2;
    }
    r.src = buf;
    r.a = arena_new();
    r.cur = -1;
    bind(&r, &r.regs, &r.nregs, &r.capregs, (Str){ "spectest", 8 },
         SPECTEST);

    diag_init(&d, r.path, buf, r.len);
    r.script = wast_parse(r.a, buf, r.len, &d);
    if (r.script == NULL || r.script->ncmds == 0) {
        if (r.script == NULL)
            diag_print(&d, stdout);
        else
            printf("%s: error: the script has no commands\n", r.path);
        printf("0 passed, 1 failed\n");
        diag_free(&d);
        free(buf);
        arena_free(r.a);
        return 1;
    }
    diag_free(&d);
    r.res = arena_array(r.a, r.script->ncmds, sizeof *r.res);

    if (keep != NULL) {
        if (mkdir(keep, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "w2c-spec: cannot create %s: %s\n", keep,
                    strerror(errno));
            return 2;
        }
        r.dir = keep;
    } else {
        const char *t = getenv("TMPDIR");
        char *dir = t && *t ? arena_printf(r.a, "%s/w2c-spec-XXXXXX", t)
                            : tmpl;
        if (mkdtemp(dir) == NULL) {
            fprintf(stderr, "w2c-spec: cannot create a temporary "
                    "directory: %s\n", strerror(errno));
            return 2;
        }
        r.dir = dir;
    }

    cw_init(&r.out);
    cw_init(&r.calls);
    translate(&r);
    if (r.nruntime > 0 && !r.io_error && write_main(&r)) {
        const char *prog = arena_printf(r.a, "%s/prog", r.dir);
        built = build(&r, argv[0], target, cc, opt, prog);
        if (built) {
            status = run_program(&r, wrapper, prog);
            if (WIFSIGNALED(status) && r.verbose)
                printf("%s: the program died of signal %d\n", r.base,
                       WTERMSIG(status));
        }
    }
    for (n = 0; n < r.script->ncmds; n++) {
        const WastCommand *c = &r.script->cmds[n];
        Result *res = &r.res[n];
        if (res->st == ST_RUNTIME) {
            res->st = ST_FAIL;
            if (!built)
                res->why = "the test program did not build";
            else if (WIFSIGNALED(status))
                res->why = arena_printf(r.a, "the test program died of "
                                        "signal %d before reporting",
                                        WTERMSIG(status));
            else
                res->why = arena_printf(r.a, "the test program exited "
                                        "(status %d) before reporting",
                                        WIFEXITED(status)
                                            ? WEXITSTATUS(status) : -1);
        }
        if (res->st == ST_OK) {
            passed++;
            if (r.verbose)
                printf("ok   %s:%u: %s%s%s\n", r.base,
                       line_of(&r, c->offset), kind_name(c->kind),
                       res->why ? ": " : "", res->why ? res->why : "");
        } else {
            failed++;
            printf("FAIL %s:%u: %s: %s\n", r.base, line_of(&r, c->offset),
                   kind_name(c->kind), res->why);
        }
    }
    printf("%u passed, %u failed\n", (unsigned)passed, (unsigned)failed);
    if (keep == NULL)
        driver_remove_dir(r.dir);
    cw_free(&r.out);
    cw_free(&r.calls);
    free(buf);
    arena_free(r.a);
    return failed ? 1 : 0;
}
