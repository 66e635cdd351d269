/*
 * opinfo.c - the instruction table of opcodes.def as data (op_info).
 */
#include "wasm.h"

const OpInfo op_info[OP_COUNT_] = {
#define OP(name, prefix, code, text, params, results, imm, tmpl) \
    {prefix, code, text, params, results, imm, tmpl},
#include "opcodes.def"
#undef OP
};
