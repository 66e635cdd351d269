/*
 * emitapi.h - private interface between emit.c (the module level every
 * output mode shares, and the dispatch) and emitapi.c (the public
 * embedding API of EMIT_OBJ, EMIT_C and EMIT_LIB).  Not for other stages:
 * they use emit.h.
 *
 * emitapi_* are defined in emitapi.c; emit.c calls them, in this order, at
 * the points its layout comment marks [api].  emit_* are the few helpers
 * of emit.c that both halves use.
 */
#ifndef COMPILER_EMITAPI_H
#define COMPILER_EMITAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "cwriter.h"
#include "emitfn.h"
#include "wasm.h"

/* The WASI module, whose function imports the runtime's WASI serves. */
#define WASI_MODULE "wasi_snapshot_preview1"

/* ---- emitapi.c ----------------------------------------------------------- */

/*
 * Before anything is printed, fill the EmitCtx fields only the API uses:
 * has_wasi, import_names, and func_live, type_used and data_used (what
 * the C refers to; nothing else is defined).  refd marks the functions
 * that can become references.  Allocates in e->a.
 */
void emitapi_plan(EmitCtx *e, const bool *refd);

/* After the short type names: the check that the header's w2c_status
   numbers are the runtime's trap codes. */
void emitapi_status_check(CWriter *c);

/* The whole public header P.h: self-contained, usable from C and C++. */
void emitapi_header(EmitCtx *e, CWriter *h);

/* After the instance struct: getv128/putv128, when v128 globals need them
   (they are kept as the header's w2c_v128; emitfn.c reads and writes
   them through these). */
void emitapi_v128_helpers(EmitCtx *e, CWriter *c);

/* After the descriptor table: the adapters host<i> between the instance
   and host functions whose C type differs from the instance's. */
void emitapi_adapters(EmitCtx *e, CWriter *c);

/* After instantiate(): every function the public header declares. */
void emitapi_functions(EmitCtx *e, CWriter *c);

/* ---- emit.c: helpers both use -------------------------------------------- */

/* The first export named name of this kind, or NULL. */
const Export *emit_find_export(const Module *m, const char *name,
                               ExternKind kind);

/* Whether im is a function imported from WASI_MODULE. */
bool emit_is_wasi_func(const Import *im);

/* text as one C string literal, quotes included (arena string). */
const char *emit_c_literal(Arena *a, const char *text);

/*
 * "T *" or, when is_const, "const T *", spelled right for pointer types
 * too ("void *const *").  Arena string.
 */
const char *emit_pointer_to(Arena *a, const char *t, bool is_const);

/* "T name" with the space that pointer types do without (arena string). */
const char *emit_declare(Arena *a, const char *t, const char *name);

/* 'import "module" "name"' and 'export "name"', inside a comment. */
void emit_import_name(CWriter *w, const Module *m, uint32_t import);
void emit_export_name(CWriter *w, const Export *x);

/* The include guard of P's header, "W2C_<P in uppercase>_H", in buf. */
void emit_header_guard(char *buf, size_t cap, const char *prefix);

/*
 * A call of function fidx from C code over the instance expression inst,
 * with the arguments args after it (", a0, a1" or ""): an import goes
 * through its field and gets its ctx first.  Arena string.
 */
const char *emit_call_text(EmitCtx *e, uint32_t fidx, const char *inst,
                           const char *args);

/* The memory WASI works on, over inst: the one exported as "memory"
   ("inst->mem0"), or "NULL".  Arena string. */
const char *emit_wasi_memory(EmitCtx *e, const char *inst);

/* Lines inside P_new (4 spaces in): point inst->mem<i> and inst->tab<i>
   at the instance's own storage. */
void emit_storage_pointers(EmitCtx *e, CWriter *c);

/* P_free (every mode): the memories, tables and element segments, the
   WASI context of the public API, the instance. */
void emit_instance_free(EmitCtx *e, CWriter *c);

#endif /* COMPILER_EMITAPI_H */
