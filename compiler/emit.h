/*
 * emit.h - C emitter entry points (emit.c: module level and dispatch;
 * emitapi.c: the public embedding API; emitfn.c: function bodies).
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

/*
 * What the output is for.  EMIT_OBJ, EMIT_C and EMIT_LIB produce the same
 * C: the public embedding API (a self-contained header with an opaque
 * instance, typed export wrappers returning a w2c_status; the instance
 * struct and everything else static in the .c).  They differ only in what
 * main.c does with it.
 */
typedef enum EmitMode {
    EMIT_EXE,   /* module + generated main() binding WASI imports */
    EMIT_OBJ,   /* public API, compiled to an object file */
    EMIT_C,     /* public API, C sources and header only */
    EMIT_LIB,   /* public API, archived with its own prefixed runtime */
    EMIT_RAW    /* internal (spec runner): the instance struct in the
                   header, P_new(void), P_instantiate, exports that must
                   run inside wrt_call */
} EmitMode;

/* The --emit= spelling of mode ("exe", "lib", ...), for messages. */
const char *emit_mode_name(EmitMode mode);

/* Whether mode produces the public embedding API. */
static inline bool
emit_mode_is_public(EmitMode mode)
{
    return mode == EMIT_OBJ || mode == EMIT_C || mode == EMIT_LIB;
}

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
    /* Limits; in the public API modes only defaults that the host's
       w2c_limits override. */
    uint64_t max_memory_pages;  /* --max-memory in pages; 0: no limit */
    uint32_t max_call_depth;    /* --max-call-depth; 0: runtime default */
    bool offsets;               /* --offsets: a comment per instruction */
    /*
     * --part-size: when the module's code (the bytes of its function
     * bodies, as emit_code_size counts them) exceeds this, its functions
     * are split across several C files of about this much code each
     * (emit_begin); 0 keeps one file whatever the size.
     */
    uint64_t part_size;
    bool guard;                 /* --bounds=guard: unchecked accesses into
                                   guard reservations (WRT_GUARD) */
    bool stack_guard;           /* the target has the fault handler (64-bit
                                   POSIX): outside the API modes and with
                                   no --max-call-depth, calls are not
                                   counted, the stack's guard page stops
                                   runaway recursion */
    bool freestanding;          /* for a bare-metal --target: no WASI */
} EmitOpts;

/*
 * Check that every import can be bound in this mode: in EMIT_EXE each import
 * must be a wasi_snapshot_preview1 function listed in wasi.def with the same
 * signature.  The public API modes take functions and globals from the host
 * and WASI functions (checked the same way) from the instance's own
 * context; they reject imported memories and tables.  WASI imports that
 * reach memory need it exported as "memory".  Errors name the import and
 * say why.  EMIT_RAW accepts everything (its user binds imports itself).
 */
bool emit_check_imports(const Module *m, const EmitOpts *o, Diag *d)
    WARN_UNUSED;

/*
 * Why prefix cannot be the --name in mode, as the end of a message ("is
 * reserved for the runtime"), or NULL when it can.  main.c avoids these
 * names when it makes up a default.
 */
const char *emit_prefix_problem(const char *prefix, EmitMode mode);

/*
 * Write the module's C into c and its header into h, as one C file
 * (EmitOpts.part_size is ignored).
 */
bool emit_module(Arena *a, const Module *m, const EmitOpts *o, CWriter *c,
                 CWriter *h, Diag *d) WARN_UNUSED;

/*
 * Output that may be split across several C files:
 *
 *     em = emit_begin(a, m, o, d);          plan, choose the parts
 *     if (emit_nparts(em) > 0)
 *         names_split(a, m, o->prefix);     names that link across files
 *     emit_main(em, c, h);                  the main .c and the header
 *     emit_part(em, 1, c1); ...             any order, any process
 *
 * The main file has the instance's life cycle, exports, data and tables;
 * with parts (emit_nparts > 0) the Wasm functions are all in parts
 * 1..nparts, each a self-contained C file (it includes the same headers and
 * repeats the declarations it needs).  Parts are balanced by code size:
 * each function, largest first, goes to the part with the least code so
 * far.  A function called from another file, and the signature strings
 * and data segments, are shared under "<prefix>_w2c_..." names with hidden
 * visibility where the compiler has it; everything else stays static.
 * Everything is deterministic.
 */
typedef struct Emitter Emitter;

/*
 * Check the prefix and plan the output (in a); NULL after a diagnostic.
 * The module must have its names (names_assign).
 */
Emitter *emit_begin(Arena *a, const Module *m, const EmitOpts *o, Diag *d)
    WARN_UNUSED;
/* The number of part files: 0 when the output is one file. */
uint32_t emit_nparts(const Emitter *em);
/* The code bytes and number of functions of part k (1..nparts), for -v. */
uint64_t emit_part_code(const Emitter *em, uint32_t k);
uint32_t emit_part_funcs(const Emitter *em, uint32_t k);
/* The code bytes of the whole module. */
uint64_t emit_code_total(const Emitter *em);
/* Write the main .c into c and the header into h.  Call it once, first. */
bool emit_main(Emitter *em, CWriter *c, CWriter *h) WARN_UNUSED;
/* Write part k (1..nparts) into c; only after emit_main. */
bool emit_part(Emitter *em, uint32_t k, CWriter *c) WARN_UNUSED;
/* Free what the Emitter holds outside the arena. */
void emit_finish(Emitter *em);

/*
 * The size of function f's body as the binary format encodes it (opcodes
 * and immediates, shortest LEB128), whichever format the module came in.
 */
uint64_t emit_code_size(const Func *f);

#endif /* COMPILER_EMIT_H */
