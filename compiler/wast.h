/*
 * wast.h - the WebAssembly script format (.wast) of the official testsuite:
 * commands over modules, actions and assertions.  Parsing a script does not
 * parse its modules: each command keeps its module's source so the runner
 * can read and validate it and see whether that fails the expected way.
 */
#ifndef COMPILER_WAST_H
#define COMPILER_WAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "wasm.h"

typedef enum WastModKind {
    WMOD_TEXT,      /* (module ...) text: src[start..end) of the script */
    WMOD_BINARY,    /* (module binary "..."): bytes decoded from strings */
    WMOD_QUOTE      /* (module quote "..."): text concatenated from strings */
} WastModKind;

typedef struct WastModule {
    WastModKind kind;
    Str id;                 /* $name, len 0 if none */
    size_t start, end;      /* WMOD_TEXT: span of the (module ...) form */
    const uint8_t *bytes;   /* WMOD_BINARY / WMOD_QUOTE: arena copy */
    size_t len;
    uint32_t offset;
} WastModule;

typedef enum WastNan {
    WNAN_NONE,              /* an exact value */
    WNAN_CANONICAL,         /* nan:canonical */
    WNAN_ARITHMETIC         /* nan:arithmetic */
} WastNan;

/* An argument or expected result. */
typedef struct WastValue {
    ValType type;           /* i32 i64 f32 f64 v128 funcref externref */
    uint64_t bits;          /* integer value or float bit pattern; for
                               ref.extern N the N */
    WastNan nan;
    bool is_null;           /* ref.null */
    bool any_ref;           /* result (ref.func) / (ref.extern) with no index:
                               any non-null reference of that type */
    /*
     * v128: the 16 bytes in Wasm lane order (little-endian memory order),
     * the shape the script wrote it in (lanes of lane_bits bits, floats
     * when lane_float), and for expected results in f32x4 / f64x2 each
     * lane's nan kind; a lane with a nan pattern has zero bytes.
     */
    uint8_t v128[16];
    uint8_t lane_bits;      /* 8, 16, 32 or 64 */
    bool lane_float;
    WastNan lane_nan[4];
} WastValue;

typedef struct WastAction {
    bool is_get;            /* (get ...) rather than (invoke ...) */
    Str module_id;          /* len 0: the most recent module */
    Str name;               /* export name (decoded) */
    WastValue *args;
    uint32_t nargs;
    uint32_t offset;
} WastAction;

typedef enum WastCmdKind {
    WCMD_MODULE,            /* module */
    WCMD_REGISTER,          /* register "name" $id? */
    WCMD_ACTION,            /* a bare invoke/get */
    WCMD_ASSERT_RETURN,
    WCMD_ASSERT_TRAP,       /* action or module */
    WCMD_ASSERT_EXHAUSTION,
    WCMD_ASSERT_MALFORMED,
    WCMD_ASSERT_INVALID,
    WCMD_ASSERT_UNLINKABLE,
    WCMD_ASSERT_UNINSTANTIABLE
} WastCmdKind;

typedef struct WastCommand {
    WastCmdKind kind;
    uint32_t offset;        /* of the command's '(' in the script */
    bool has_module;        /* module, malformed, invalid, unlinkable,
                               uninstantiable, assert_trap on a module */
    WastModule module;
    bool has_action;
    WastAction action;
    WastValue *expected;    /* assert_return results */
    uint32_t nexpected;
    /* assert_return results given as (either v1 v2 ...) alternatives are
       not in Wasm 2.0 scripts; not represented. */
    Str text;               /* expected failure message; register: name */
    Str register_id;        /* register: module $id, len 0 = most recent */
} WastCommand;

typedef struct Script {
    WastCommand *cmds;
    uint32_t ncmds;
} Script;

/*
 * Parse a whole .wast file.  Returns NULL after one located diagnostic
 * (line:col, with d made over src).  An empty script is not an error here;
 * the runner treats it as a failure.
 */
Script *wast_parse(Arena *a, const uint8_t *src, size_t len, Diag *d);

#endif /* COMPILER_WAST_H */
