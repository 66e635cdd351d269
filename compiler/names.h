/*
 * names.h - legal, unique C identifiers for functions, globals and exports,
 * from the name section where there is one.  Sets Func.cname, Global.cname
 * and Export.cname (all arena strings).  Deterministic.
 */
#ifndef COMPILER_NAMES_H
#define COMPILER_NAMES_H

#include <stdbool.h>

#include "arena.h"
#include "diag.h"
#include "wasm.h"

bool names_assign(Arena *a, Module *m, Diag *d) WARN_UNUSED;

#endif /* COMPILER_NAMES_H */
