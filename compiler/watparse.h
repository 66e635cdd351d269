/*
 * watparse.h - the WebAssembly text format (.wat) into the same Module the
 * binary reader produces.  Locations are byte offsets into the source; a
 * Diag made with the source text prints them as line:col.
 */
#ifndef COMPILER_WATPARSE_H
#define COMPILER_WATPARSE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "wasm.h"

/*
 * Parse the module text in src[start..end): either one `(module ...)` form
 * or a sequence of module fields (the abbreviation a .wat file may use).
 * Offsets in the Module and in diagnostics are offsets into src, so pass the
 * whole file as src when parsing a module that sits inside a script.
 * `(module binary ...)` is decoded with binread; `(module quote ...)` is
 * parsed as text.  Returns NULL after recording one located diagnostic.
 * Strings that need decoding (escapes) are copied into a; others point
 * into src, which must outlive the Module.
 */
Module *watparse_module(Arena *a, const uint8_t *src, size_t start,
                        size_t end, Diag *d);

#endif /* COMPILER_WATPARSE_H */
