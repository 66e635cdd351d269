/*
 * emit.h - C emitter entry points (emit.c: module level; emitfn.c: bodies).
 * Input: a validated Module whose C names were assigned by names.c.
 * Output: the text of one .c file and one .h file in CWriters.
 */
#ifndef COMPILER_EMIT_H
#define COMPILER_EMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "cwriter.h"
#include "diag.h"
#include "wasm.h"

typedef enum EmitMode {
    EMIT_EXE,   /* module + generated main() binding WASI imports */
    EMIT_OBJ,   /* module only: instance API and exports, no main() */
    EMIT_C      /* like EMIT_OBJ, C sources and header only */
} EmitMode;

typedef struct EmitOpts {
    EmitMode mode;
    const char *prefix;         /* --name: C identifier prefixing exports */
    const char *header_name;    /* file name the .c includes, "app.h" */
    /* Capabilities baked into an executable (EMIT_EXE only). */
    const char *const *env;     /* --env: "NAME=VALUE" */
    uint32_t nenv;
    const char *const *pass_env; /* --pass-env: host variable names */
    uint32_t npass_env;
    const char *const *dirs;    /* --dir: host, guest, host, guest, ... */
    uint32_t ndirs;             /* strings in dirs (twice the grants) */
    const char *const *listen;  /* --listen: "ADDR:PORT" */
    uint32_t nlisten;
    uint64_t max_memory_pages;  /* --max-memory in pages; 0: no limit */
    uint32_t max_call_depth;    /* --max-call-depth; 0: runtime default */
    bool offsets;               /* --offsets: a comment per instruction */
} EmitOpts;

/*
 * Check that every import can be bound in this mode: in EMIT_EXE each import
 * must be a wasi_snapshot_preview1 function listed in wasi.def with the same
 * signature; errors name the import and say why.
 */
bool emit_check_imports(const Module *m, const EmitOpts *o, Diag *d)
    WARN_UNUSED;

/* Write the module's C into c and its header into h. */
bool emit_module(Arena *a, const Module *m, const EmitOpts *o, CWriter *c,
                 CWriter *h, Diag *d) WARN_UNUSED;

#endif /* COMPILER_EMIT_H */
