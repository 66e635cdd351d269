/*
 * emitfn.h - private interface between the module-level emitters (emit.c,
 * and emitapi.c for the public embedding API) and emitfn.c (function
 * bodies).  Not for other stages: they use emit.h.
 */
#ifndef COMPILER_EMITFN_H
#define COMPILER_EMITFN_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "cwriter.h"
#include "diag.h"
#include "emit.h"
#include "wasm.h"

/*
 * What emit.c (and, for the public API, emitapi_plan) has decided about
 * the module, shared with the body emitter.
 */
typedef struct EmitCtx {
    Arena *a;
    const Module *m;
    const EmitOpts *o;
    const char *prefix;         /* EmitOpts.prefix, validated */
    bool api;                   /* the public embedding API (EMIT_OBJ, _C,
                                   _LIB): v128 globals are w2c_v128 */
    bool has_wasi;              /* api: wasi_snapshot_preview1 imports */
    const char **import_names;  /* api: imports struct fields (names.c) */
    /*
     * api: what the C refers to, so that nothing unused is defined (its
     * users compile it with their own warnings): functions reachable from
     * exports, the start function and references; the types whose SIG_<n>
     * is used; the data segments whose bytes are used.  NULL otherwise.
     */
    const bool *func_live;
    const bool *type_used;
    const bool *data_used;
    Diag *d;
    /*
     * Per type index: the number n of the canonical signature string
     * SIG_<n> (equal signatures share one), and the C return type: "void",
     * a scalar, or "<prefix>_ret<n>" for several results.
     */
    uint32_t *type_sig;
    const char **type_ret;      /* in .c spelling (u32, f64, ...) */
    const char **type_ret_std;  /* in header spelling (uint32_t, ...) */
    /*
     * The calling convention of the module's own function types, written
     * before the return type or the '*' of a pointer: "WRT_FPCALL " for a
     * type with an f32 or f64 parameter or result (floats pass in float
     * registers, wrt.h), else "".  Functions of the public header keep
     * the plain C convention.
     */
    const char **type_cc;
    CWriter scratch;            /* reused by emitfn for one body at a time */
    /*
     * What a function definition starts with: NULL for "static " (one C
     * file), else the linkage the caller chose for output split across
     * files (e.g. a hidden-visibility attribute).
     */
    const char *fn_linkage;
    /*
     * Per function index: a call to it may grow a memory (it is imported,
     * it runs memory.grow or call_indirect, or it calls one that may), so
     * the caller reloads its memory views after the call.  emitfn_plan
     * works it out.
     */
    uint8_t *may_grow;
    uint8_t *has_calls;         /* per function: it calls (not a leaf) */
    uint8_t *indirect_may_grow; /* per type: a call_indirect of it may
                                   grow a memory */
    const char **mem_struct;    /* per memory, per table, per global: C */
    const char **table_ptr;     /* text emitfn.c makes once */
    const char **global_get;
} EmitCtx;

/* C type of a value in generated .c files: u32 u64 f32 f64 "void *". */
const char *emitfn_ctype(ValType t);
/* The same in the header, which avoids the short typedefs. */
const char *emitfn_stdtype(ValType t);
/* Type letter of the canonical signature strings (wrt.h): i I f F r e. */
char emitfn_sigletter(ValType t);

/*
 * Print "f<i>_name(<prefix>_instance *, u32, ...)" style parameter lists:
 * the parameter types of type ti after first (e.g. "P_instance *inst" or
 * "void *ctx"), each named "<pfx><k>" when pfx is not NULL.
 */
void emitfn_params(const EmitCtx *e, CWriter *w, uint32_t ti,
                   const char *first, const char *pfx, bool std);

/*
 * Whether type ft has an f32 or f64 parameter or result: the module's
 * functions of that type are WRT_FPCALL (EmitCtx.type_cc).
 */
bool emitfn_has_float(const FuncType *ft);

/* "i32", "funcref", ... */
const char *emitfn_valtype_text(ValType t);
/* "(i32 i32) -> f64" for comments and messages, appended to w. */
void emitfn_type_text(CWriter *w, const FuncType *ft);
/* s for inside a C comment or message: unsafe bytes become '?'-free '_'. */
void emitfn_comment_str(CWriter *w, Str s);

/*
 * A constant expression ("validation: constant expressions") as one C
 * expression over inst, in *out (arena).  Handles the 2.0 forms plus the
 * extended-const add/sub/mul.  Returns false after recording a diagnostic.
 */
bool emitfn_const_expr(EmitCtx *e, const Expr *x, const char **out);

/*
 * Plan what every function body needs from the whole module (which calls
 * may grow a memory, the C text of memories, tables and globals), once,
 * before the first emitfn_body; before forking translators, so that each
 * part does not work it out again.
 */
void emitfn_plan(EmitCtx *e);

/*
 * Write the C definition of defined function fidx (not an import) to c:
 * comment, signature, slot and local declarations, body.  Returns false
 * after recording a diagnostic for an instruction it cannot translate.
 */
bool emitfn_body(EmitCtx *e, CWriter *c, uint32_t fidx);

#endif /* COMPILER_EMITFN_H */
