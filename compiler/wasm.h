/*
 * wasm.h - the in-memory WebAssembly module shared by every compiler stage.
 *
 * Data and tiny inline helpers only.  binread.c (and later the text parser)
 * fill a Module; validate.c checks it; names.c and the emitter read it.
 * Nothing after the readers knows whether the module came from .wasm or .wat.
 *
 * Ownership: everything hangs off one Arena.  Str values point into the input
 * buffer wherever possible, so the input buffer must outlive the Module.
 */
#ifndef COMPILER_WASM_H
#define COMPILER_WASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Value types carry their binary encoding as their value. */
typedef enum ValType {
    VT_NONE = 0x00,       /* "no value": empty block type, unset */
    VT_I32 = 0x7F,
    VT_I64 = 0x7E,
    VT_F32 = 0x7D,
    VT_F64 = 0x7C,
    VT_V128 = 0x7B,
    VT_FUNCREF = 0x70,
    VT_EXTERNREF = 0x6F
} ValType;

static inline bool
valtype_is_ref(ValType t)
{
    return t == VT_FUNCREF || t == VT_EXTERNREF;
}

/* Bytes that are not NUL-terminated: names, data.  See the ownership note. */
typedef struct Str {
    const char *ptr;
    uint32_t len;
} Str;

/* Instruction opcodes: one enumerator per row of opcodes.def. */
typedef enum Opcode {
#define OP(name, prefix, code, text, params, results, imm, tmpl) OP_##name,
#include "opcodes.def"
#undef OP
    OP_COUNT_
} Opcode;

/* Immediate kinds, the "imm" column of opcodes.def (see there). */
typedef enum ImmKind {
    IMM_NONE,
    IMM_BLOCK,          /* blocktype: imm.block */
    IMM_LABEL,          /* label index: imm.idx */
    IMM_BR_TABLE,       /* imm.br_table */
    IMM_FUNC,           /* function index: imm.idx */
    IMM_CALL_INDIRECT,  /* imm.idx2: a = type index, b = table index */
    IMM_LOCAL,          /* imm.idx */
    IMM_GLOBAL,         /* imm.idx */
    IMM_TABLE,          /* table index: imm.idx */
    IMM_MEMARG,         /* imm.mem */
    IMM_MEM,            /* memory index (a zero byte in 2.0): imm.idx */
    IMM_I32,            /* imm.i32 */
    IMM_I64,            /* imm.i64 */
    IMM_F32,            /* bit pattern: imm.f32 */
    IMM_F64,            /* bit pattern: imm.f64 */
    IMM_SELECT_T,       /* vec(valtype), exactly one in 2.0: imm.type */
    IMM_REFTYPE,        /* ref.null: imm.type */
    IMM_MEMORY_INIT,    /* imm.idx2: a = data index, b = memory index */
    IMM_DATA,           /* data index: imm.idx */
    IMM_MEMORY_COPY,    /* imm.idx2: a = dst memory, b = src memory */
    IMM_TABLE_INIT,     /* imm.idx2: a = elem index, b = table index */
    IMM_ELEM,           /* elem index: imm.idx */
    IMM_TABLE_COPY,     /* imm.idx2: a = dst table, b = src table */
    IMM_V128,           /* v128.const: imm.v128 */
    IMM_SHUFFLE,        /* i8x16.shuffle lane indices: imm.v128 */
    IMM_LANE,           /* lane index byte: imm.idx */
    IMM_MEMARG_LANE     /* memarg then lane byte: imm.mem (with .lane) */
} ImmKind;

/*
 * A block type: BLOCK_EMPTY, a single result (a ValType value, >= 0x6F), or a
 * type index (>= 0, stored as-is; the binary s33 form is non-negative there).
 * To tell them apart the reader stores type indices as BLOCK_TYPEIDX(i).
 */
#define BLOCK_EMPTY ((int64_t)-64)
#define BLOCK_TYPEIDX(i) ((int64_t)(i) + 0x100000000LL)  /* never a ValType */
#define BLOCK_IS_TYPEIDX(b) ((b) >= 0x100000000LL)
#define BLOCK_TYPEIDX_OF(b) ((uint32_t)((b) - 0x100000000LL))

typedef struct Instr {
    uint16_t op;        /* Opcode */
    uint32_t offset;    /* source location of the opcode (see Diag) */
    union {
        uint32_t idx;
        struct { uint32_t a, b; } idx2;
        /* memarg; lane is the lane index of v128.loadN_lane/storeN_lane */
        struct {
            uint64_t offset;
            uint32_t align;
            uint32_t mem;
            uint8_t lane;
        } mem;
        int64_t block;
        uint32_t i32;
        uint64_t i64;
        uint32_t f32;   /* IEEE bit pattern */
        uint64_t f64;   /* IEEE bit pattern */
        /* targets[0..n-1] are the cases, targets[n] is the default */
        struct { uint32_t *targets; uint32_t n; } br_table;
        ValType type;
        /* v128.const: the 16 bytes in memory (little-endian) order;
           i8x16.shuffle: the 16 lane indices */
        uint8_t v128[16];
    } imm;
} Instr;

/* A sequence of instructions; bodies and constant expressions end in OP_END. */
typedef struct Expr {
    Instr *code;
    uint32_t n;
} Expr;

typedef struct FuncType {
    ValType *params;
    uint32_t nparams;
    ValType *results;
    uint32_t nresults;
} FuncType;

typedef struct Limits {
    uint64_t min;
    uint64_t max;
    bool has_max;
} Limits;

typedef enum ExternKind {
    EXT_FUNC = 0,
    EXT_TABLE = 1,
    EXT_MEMORY = 2,
    EXT_GLOBAL = 3
} ExternKind;

typedef struct Import {
    Str module;
    Str name;
    ExternKind kind;
    uint32_t index;     /* index in the module's funcs/tables/mems/globals */
    uint32_t offset;    /* source location */
} Import;

typedef struct Func {
    uint32_t type;      /* type index */
    bool is_import;
    uint32_t import;    /* index into Module.imports when is_import */
    ValType *locals;    /* declared locals, expanded, parameters excluded */
    uint32_t nlocals;
    Expr body;          /* ends with OP_END; empty for imports */
    uint32_t offset;    /* source location of the body (or the import) */
    Str name;           /* from the name section / $id; len 0 if none */
    Str *local_names;   /* nparams + nlocals entries, or NULL */
    const char *cname;  /* C identifier, set by names.c */
} Func;

typedef struct Table {
    ValType elem;       /* VT_FUNCREF or VT_EXTERNREF */
    Limits lim;
    bool is_import;
    uint32_t import;
    uint32_t offset;
} Table;

typedef struct Memory {
    Limits lim;         /* in 64 KiB pages */
    bool is_import;
    uint32_t import;
    uint32_t offset;
} Memory;

typedef struct Global {
    ValType type;
    bool is_mutable;
    bool is_import;
    uint32_t import;
    Expr init;          /* constant expression; empty for imports */
    uint32_t offset;
    Str name;
    const char *cname;
} Global;

typedef struct Export {
    Str name;
    ExternKind kind;
    uint32_t index;
    uint32_t offset;
    const char *cname;  /* C identifier suffix, set by names.c */
} Export;

typedef enum SegMode {
    SEG_ACTIVE,
    SEG_PASSIVE,
    SEG_DECLARATIVE     /* element segments only */
} SegMode;

typedef struct Elem {
    SegMode mode;
    ValType type;       /* VT_FUNCREF or VT_EXTERNREF */
    uint32_t table;     /* active only */
    Expr offset_expr;   /* active only */
    Expr *inits;        /* one constant expression per element; a function
                           index vector is stored as ref.func expressions */
    uint32_t ninits;
    uint32_t offset;
} Elem;

typedef struct Data {
    SegMode mode;
    uint32_t mem;       /* active only */
    Expr offset_expr;   /* active only */
    const uint8_t *bytes;
    uint32_t len;
    uint32_t offset;
} Data;

typedef struct Custom {
    Str name;
    const uint8_t *bytes;
    uint32_t len;
    uint32_t offset;
} Custom;

/*
 * The module.  In each index space the imported entries come first, as the
 * specification orders them: funcs[0..nimported_funcs-1] are imports, etc.
 */
typedef struct Module {
    FuncType *types;
    uint32_t ntypes;

    Import *imports;
    uint32_t nimports;

    Func *funcs;
    uint32_t nfuncs;
    uint32_t nimported_funcs;

    Table *tables;
    uint32_t ntables;
    uint32_t nimported_tables;

    Memory *mems;
    uint32_t nmems;
    uint32_t nimported_mems;

    Global *globals;
    uint32_t nglobals;
    uint32_t nimported_globals;

    Export *exports;
    uint32_t nexports;

    bool has_start;
    uint32_t start;

    Elem *elems;
    uint32_t nelems;

    Data *datas;
    uint32_t ndatas;

    bool has_datacount;
    uint32_t datacount;

    Custom *customs;
    uint32_t ncustoms;

    Str name;           /* module name from the name section; len 0 if none */
} Module;

/* One row of opcodes.def, indexed by Opcode. */
typedef struct OpInfo {
    uint8_t prefix;     /* 0 for single-byte opcodes, else 0xFC / 0xFD */
    uint32_t code;
    const char *text;   /* mnemonic, as in the text format */
    const char *params; /* operand types, see opcodes.def; NULL: custom rule */
    const char *results;
    ImmKind imm;
    const char *tmpl;   /* C template for the emitter; NULL: custom emitter */
} OpInfo;

extern const OpInfo op_info[OP_COUNT_];

/*
 * A function's type.  The bound is checked by validate.c (an unknown type
 * index is a validation error), so only stages after validation may call
 * this without checking f->type < m->ntypes themselves.
 */
static inline const FuncType *
func_type(const Module *m, const Func *f)
{
    return &m->types[f->type];
}

#endif /* COMPILER_WASM_H */
