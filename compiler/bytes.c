/*
 * bytes.c - bounded, sticky-error cursor: u8, LEB128, f32/f64 bit patterns,
 * byte vectors and UTF-8 names, as the binary format defines them
 * (spec 5.2 "Values").  What the values mean is left to binread.c.
 */
#include "bytes.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
bytes_init(Bytes *c, const uint8_t *buf, size_t len)
{
    memset(c, 0, sizeof *c);
    c->buf = buf;
    c->len = len;
    c->end = len;
}

size_t
bytes_left(const Bytes *c)
{
    if (c->err || c->pos >= c->end)
        return 0;
    return c->end - c->pos;
}

bool
bytes_fail(Bytes *c, size_t off, const char *fmt, ...)
{
    char body[256];
    va_list ap;

    if (c->err)
        return false;
    c->err = true;
    c->err_off = off;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    if (c->ctx != NULL && c->ctx[0] != '\0')
        snprintf(c->err_msg, sizeof c->err_msg, "%s: %s", c->ctx, body);
    else
        snprintf(c->err_msg, sizeof c->err_msg, "%s", body);
    return false;
}

/*
 * Running into the bound: the reference interpreter says "unexpected end"
 * at the end of the input and "unexpected end of section or function"
 * inside a section or a function body.
 */
static void
fail_end(Bytes *c)
{
    if (!c->in_section && c->end >= c->len)
        bytes_fail(c, c->pos, "unexpected end");
    else
        bytes_fail(c, c->pos, "unexpected end of section or function");
}

uint8_t
bytes_u8(Bytes *c)
{
    if (c->err)
        return 0;
    if (c->pos >= c->end) {
        fail_end(c);
        return 0;
    }
    return c->buf[c->pos++];
}

/*
 * binary: integers.  An N-bit LEB128 has at most ceil(N/7) bytes; in the
 * last possible byte, the bits beyond N must be zero (unsigned) or copies
 * of the sign bit (signed).  Too many bytes is "integer representation too
 * long"; wrong unused bits is "integer too large".  Signed results are sign
 * extended to 64 bits.
 */
static uint64_t
read_leb(Bytes *c, unsigned bits, bool is_signed)
{
    unsigned maxbytes = (bits + 6) / 7;
    unsigned used_last = bits - 7 * (maxbytes - 1); /* bits in last byte */
    size_t start = c->pos;
    uint64_t result = 0;
    unsigned shift = 0;
    unsigned i;
    uint8_t b = 0;

    if (c->err)
        return 0;
    for (i = 0; i < maxbytes; i++) {
        if (c->pos >= c->end) {
            fail_end(c);
            return 0;
        }
        b = c->buf[c->pos++];
        if (i == maxbytes - 1) {
            uint8_t rest;
            if (b & 0x80) {
                bytes_fail(c, start, "integer representation too long "
                           "(more than %u bytes for a %s%u)", maxbytes,
                           is_signed ? "s" : "u", bits);
                return 0;
            }
            /* bits at and above used_last; for signed, include the sign */
            if (is_signed) {
                rest = (uint8_t)(b & (0x7F & ~((1u << (used_last - 1)) - 1)));
                if (rest != 0 &&
                    rest != (uint8_t)(0x7F & ~((1u << (used_last - 1)) - 1))) {
                    bytes_fail(c, start, "integer too large (%s%u out of "
                               "range)", "s", bits);
                    return 0;
                }
            } else {
                rest = (uint8_t)(b & 0x7F & ~((1u << used_last) - 1));
                if (rest != 0) {
                    bytes_fail(c, start, "integer too large (%s%u out of "
                               "range)", "u", bits);
                    return 0;
                }
            }
        }
        result |= (uint64_t)(b & 0x7F) << shift;
        shift += 7;
        if (!(b & 0x80))
            break;
    }
    if (is_signed && shift < 64 && (b & 0x40))
        result |= ~(uint64_t)0 << shift;
    return result;
}

uint32_t
bytes_u32(Bytes *c)
{
    return (uint32_t)read_leb(c, 32, false);
}

int32_t
bytes_s32(Bytes *c)
{
    uint64_t v = read_leb(c, 32, true);
    /* two's complement conversion without implementation-defined casts */
    return (int32_t)(v & 0x80000000u ? -(int64_t)(~(uint32_t)v) - 1
                                     : (int64_t)(uint32_t)v);
}

int64_t
bytes_s33(Bytes *c)
{
    uint64_t v = read_leb(c, 33, true);
    return v >> 63 ? -(int64_t)(~v) - 1 : (int64_t)v;
}

uint64_t
bytes_u64(Bytes *c)
{
    return read_leb(c, 64, false);
}

int64_t
bytes_s64(Bytes *c)
{
    uint64_t v = read_leb(c, 64, true);
    return v >> 63 ? -(int64_t)(~v) - 1 : (int64_t)v;
}

const uint8_t *
bytes_take(Bytes *c, size_t n)
{
    const uint8_t *p;

    if (c->err)
        return NULL;
    if (n > c->end - c->pos) {
        fail_end(c);
        return NULL;
    }
    p = c->buf + c->pos;
    c->pos += n;
    return p;
}

/* binary: floating-point values are their IEEE 754 bytes, little-endian. */
uint32_t
bytes_f32(Bytes *c)
{
    const uint8_t *p = bytes_take(c, 4);

    if (p == NULL)
        return 0;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

uint64_t
bytes_f64(Bytes *c)
{
    const uint8_t *p = bytes_take(c, 8);
    uint64_t v = 0;
    int i;

    if (p == NULL)
        return 0;
    for (i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

bool
bytes_vec(Bytes *c, const uint8_t **p, uint32_t *n)
{
    uint32_t len = bytes_u32(c);

    *p = bytes_take(c, len);
    *n = *p != NULL ? len : 0;
    if (*p == NULL)
        *p = c->buf;    /* never NULL, so callers may use it as empty */
    return !c->err;
}

/*
 * binary: names.  UTF-8 as the spec's grammar defines it: a lead byte,
 * then continuation bytes 10xxxxxx; the decoded value must need the number
 * of bytes used (no overlong forms), must not be a surrogate (D800-DFFF)
 * and must not exceed 10FFFF.
 */
bool
bytes_utf8_valid(const uint8_t *p, size_t n)
{
    size_t i = 0;

    while (i < n) {
        uint8_t b = p[i];
        uint32_t cp, min;
        size_t k, len;

        if (b < 0x80) {
            i++;
            continue;
        } else if ((b & 0xE0) == 0xC0) {
            len = 2;
            cp = b & 0x1F;
            min = 0x80;
        } else if ((b & 0xF0) == 0xE0) {
            len = 3;
            cp = b & 0x0F;
            min = 0x800;
        } else if ((b & 0xF8) == 0xF0) {
            len = 4;
            cp = b & 0x07;
            min = 0x10000;
        } else {
            return false;   /* stray continuation byte or 0xF8..0xFF */
        }
        if (len > n - i)
            return false;
        for (k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (p[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

bool
bytes_name(Bytes *c, Str *s)
{
    const uint8_t *p;
    uint32_t n;
    size_t start;

    s->ptr = "";
    s->len = 0;
    if (c->err)
        return false;
    start = c->pos;
    if (!bytes_vec(c, &p, &n))
        return false;
    if (!bytes_utf8_valid(p, n))
        return bytes_fail(c, start, "malformed UTF-8 encoding");
    s->ptr = (const char *)p;
    s->len = n;
    return true;
}
