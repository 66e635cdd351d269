/*
 * names.h - legal, unique C identifiers for functions, globals, exports and
 * imports, from the name section where there is one.  Sets Func.cname,
 * Global.cname and Export.cname (all arena strings).  Deterministic.
 */
#ifndef COMPILER_NAMES_H
#define COMPILER_NAMES_H

#include <stdbool.h>

#include "arena.h"
#include "diag.h"
#include "wasm.h"

bool names_assign(Arena *a, Module *m, Diag *d) WARN_UNUSED;

/*
 * Field names for the imports of m in the public API's imports struct, one
 * per import (arena array): "<module>_<field>" reduced to [A-Za-z0-9_],
 * starting with a letter, unique (a clash gets "_2", "_3", ...); a
 * function's name also leaves "<name>_ctx" free for its context.  Imports
 * from skip_module (may be NULL) get NULL and take no name.
 */
const char **names_imports(Arena *a, const Module *m,
                           const char *skip_module);

#endif /* COMPILER_NAMES_H */
