/*
 * bytes.h - a bounded, sticky-error cursor over a byte buffer.
 *
 * Reads bytes, LEB128 integers, IEEE bit patterns and names the way the
 * binary format of WebAssembly 2.0 defines them.  A read past the current
 * bound, or a malformed encoding, records one error (the first) and from
 * then on every read returns 0 without moving, so decoding loops end by
 * themselves and the caller checks `err` once per section (STYLE.md 3).
 *
 * Error messages contain the specification's phrase ("unexpected end",
 * "integer representation too long", "integer too large", "length out of
 * bounds", "malformed UTF-8 encoding"); the caller prefixes where it was.
 */
#ifndef COMPILER_BYTES_H
#define COMPILER_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasm.h"

typedef struct Bytes {
    const uint8_t *buf; /* the whole input; offsets are relative to it */
    size_t len;         /* length of the whole input */
    size_t pos;         /* next byte to read */
    size_t end;         /* current bound (section or body end), <= len */
    bool in_section;    /* the bound is a section or body end, even when
                           it is also the input's end (affects wording) */
    const char *ctx;    /* prefix for error messages ("type section"), or
                           NULL; read when an error is recorded */
    bool err;           /* sticky: set by the first failure */
    size_t err_off;     /* offset of the offending byte */
    char err_msg[320];  /* "ctx: what went wrong", with the spec's phrase */
} Bytes;

/* Cursor over buf[0..len), positioned at 0 with the whole buffer as bound. */
void bytes_init(Bytes *c, const uint8_t *buf, size_t len);

/* Bytes left before the current bound (0 after an error). */
size_t bytes_left(const Bytes *c);

/*
 * Record an error at offset off unless one is already recorded.  Always
 * returns false.  The message is printf-formatted into c->err_msg, after
 * "ctx: " when c->ctx is set.
 */
bool bytes_fail(Bytes *c, size_t off, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

uint8_t bytes_u8(Bytes *c);
/* LEB128 integers with the spec's length and unused-bit rules. */
uint32_t bytes_u32(Bytes *c);
int32_t bytes_s32(Bytes *c);
int64_t bytes_s33(Bytes *c);
uint64_t bytes_u64(Bytes *c);
int64_t bytes_s64(Bytes *c);
/* Little-endian IEEE 754 bit patterns (no conversion to float). */
uint32_t bytes_f32(Bytes *c);
uint64_t bytes_f64(Bytes *c);

/*
 * n raw bytes: returns a pointer into the buffer and advances, or NULL
 * ("unexpected end") if fewer than n are left before the bound.
 */
const uint8_t *bytes_take(Bytes *c, size_t n);

/*
 * A byte vector: u32 length, then that many bytes.  Sets *p and *n; a
 * length past the bound is "unexpected end" (as the reference decoder
 * reports it inside a section).
 */
bool bytes_vec(Bytes *c, const uint8_t **p, uint32_t *n);

/* A name: a byte vector that must be valid UTF-8 (binary: names). */
bool bytes_name(Bytes *c, Str *s);

/*
 * Whether p[0..n) is well-formed UTF-8 as the spec's `utf8` grammar
 * defines it: shortest form only, no surrogates, nothing above U+10FFFF.
 */
bool bytes_utf8_valid(const uint8_t *p, size_t n);

#endif /* COMPILER_BYTES_H */
