/*
 * binread.h - decode a .wasm binary into a Module (structure only).
 */
#ifndef COMPILER_BINREAD_H
#define COMPILER_BINREAD_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "wasm.h"

/*
 * Decode buf[0..len).  Returns the Module (in a, pointing into buf), or NULL
 * after recording a located diagnostic in d.  Never reads past len, never
 * allocates more than a small multiple of len.
 */
Module *binread_module(Arena *a, const uint8_t *buf, size_t len, Diag *d);

#endif /* COMPILER_BINREAD_H */
