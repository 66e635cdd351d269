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

/*
 * For output split across C files (after names_assign): every defined
 * function's cname becomes "<prefix>_w2c_<cname>", a name that can link
 * between the module's files and clashes neither with an export
 * ("<prefix>_<suffix>", never "w2c_...") nor with another module's
 * functions.  Imported functions keep theirs: they are instance fields.
 */
void names_split(Arena *a, Module *m, const char *prefix);

#endif /* COMPILER_NAMES_H */
