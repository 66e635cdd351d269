/*
 * emitfn.h - private interface between emit.c (module level) and emitfn.c
 * (function bodies).  Not for other stages: they use emit.h.
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

/* What emit.c has decided about the module, shared with the body emitter. */
typedef struct EmitCtx {
    Arena *a;
    const Module *m;
    const EmitOpts *o;
    const char *prefix;         /* EmitOpts.prefix, validated */
    Diag *d;
    /*
     * Per type index: the number n of the canonical signature string
     * SIG_<n> (equal signatures share one), and the C return type: "void",
     * a scalar, or "<prefix>_ret<n>" for several results.
     */
    uint32_t *type_sig;
    const char **type_ret;      /* in .c spelling (u32, f64, ...) */
    const char **type_ret_std;  /* in header spelling (uint32_t, ...) */
    CWriter scratch;            /* reused by emitfn for one body at a time */
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
 * Write the C definition of defined function fidx (not an import) to c:
 * comment, signature, slot and local declarations, body.  Returns false
 * after recording a diagnostic for an instruction it cannot translate.
 */
bool emitfn_body(EmitCtx *e, CWriter *c, uint32_t fidx);

#endif /* COMPILER_EMITFN_H */
