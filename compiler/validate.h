/*
 * validate.h - the specification's validation rules over a decoded Module.
 */
#ifndef COMPILER_VALIDATE_H
#define COMPILER_VALIDATE_H

#include <stdbool.h>

#include "arena.h"
#include "diag.h"
#include "wasm.h"

/*
 * Validate m completely (types, imports, functions, tables, memories,
 * globals, exports, start, elements, data, every body).  Errors are recorded
 * in d, located at the offending instruction, with the function as context.
 * Returns true when valid.  Leaves m unchanged.
 */
bool validate_module(Arena *a, const Module *m, Diag *d) WARN_UNUSED;

#endif /* COMPILER_VALIDATE_H */
