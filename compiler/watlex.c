/*
 * watlex.c - the lexical format of WebAssembly text (text: lexical format)
 * and the conversion of number literals to values (text: values).
 *
 * A token is a parenthesis or a maximal run of idchars and strings; such a
 * run is a keyword, an id, a number or a string when it has the shape of
 * one, and a reserved token otherwise (which the parsers report as the spec
 * does, "unknown operator").  Meaning is left to watparse.c and wast.c.
 */
#include "watlex.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
watlex_init(WatLexer *lx, const uint8_t *src, size_t start, size_t end)
{
    memset(lx, 0, sizeof *lx);
    lx->src = src;
    lx->pos = start;
    lx->end = end;
}

static bool
lex_fail(WatLexer *lx, size_t off, const char *msg)
{
    if (!lx->err) {
        lx->err = true;
        lx->err_off = (uint32_t)off;
        snprintf(lx->err_msg, sizeof lx->err_msg, "%s", msg);
    }
    lx->pos = off;
    return false;
}

/* text: idchar */
bool
watlex_is_idchar(int c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
        (c >= 'A' && c <= 'Z'))
        return true;
    return c != 0 && strchr("!#$%&'*+-./:<=>?@\\^_`|~", c) != NULL;
}

static int
hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * Length of the well-formed UTF-8 sequence at p[0..n), or 0 if malformed
 * (shortest form only, no surrogates, nothing above U+10FFFF).
 */
static size_t
utf8_len(const uint8_t *p, size_t n)
{
    uint32_t cp, min;
    size_t k, len;

    if (p[0] < 0x80)
        return 1;
    if ((p[0] & 0xE0) == 0xC0) {
        len = 2, cp = p[0] & 0x1F, min = 0x80;
    } else if ((p[0] & 0xF0) == 0xE0) {
        len = 3, cp = p[0] & 0x0F, min = 0x800;
    } else if ((p[0] & 0xF8) == 0xF0) {
        len = 4, cp = p[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (k = 1; k < len; k++) {
        if ((p[k] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* Skip one character of a comment, checking that it is valid UTF-8. */
static bool
skip_char(WatLexer *lx)
{
    size_t k = utf8_len(lx->src + lx->pos, lx->end - lx->pos);

    if (k == 0)
        return lex_fail(lx, lx->pos, "malformed UTF-8 encoding");
    lx->pos += k;
    return true;
}

/* text: white space, linecomment and nested blockcomment */
static bool
skip_space(WatLexer *lx)
{
    const uint8_t *s = lx->src;

    while (lx->pos < lx->end) {
        uint8_t c = s[lx->pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            lx->pos++;
        } else if (c == ';' && lx->pos + 1 < lx->end &&
                   s[lx->pos + 1] == ';') {
            /* a line comment ends at a newline: LF, or CR (comments.wast) */
            while (lx->pos < lx->end && s[lx->pos] != '\n' &&
                   s[lx->pos] != '\r')
                if (!skip_char(lx))
                    return false;
        } else if (c == '(' && lx->pos + 1 < lx->end &&
                   s[lx->pos + 1] == ';') {
            size_t open = lx->pos, depth = 1;
            lx->pos += 2;
            while (depth > 0) {
                if (lx->pos >= lx->end)
                    return lex_fail(lx, open, "unclosed comment");
                if (s[lx->pos] == '(' && lx->pos + 1 < lx->end &&
                    s[lx->pos + 1] == ';') {
                    depth++;
                    lx->pos += 2;
                } else if (s[lx->pos] == ';' && lx->pos + 1 < lx->end &&
                           s[lx->pos + 1] == ')') {
                    depth--;
                    lx->pos += 2;
                } else if (!skip_char(lx)) {
                    return false;
                }
            }
        } else {
            break;
        }
    }
    return true;
}

/*
 * text: string.  lx->pos is at the opening quote; moves past the closing
 * one.  stringchar excludes control characters, and the escapes are
 * \t \n \r \" \' \\ \hh and \u{hexnum} naming a Unicode scalar value.
 */
static bool
scan_string(WatLexer *lx)
{
    const uint8_t *s = lx->src;
    size_t open = lx->pos;

    lx->pos++;
    for (;;) {
        uint8_t c;
        size_t k;

        if (lx->pos >= lx->end)
            return lex_fail(lx, open, "unclosed string");
        c = s[lx->pos];
        if (c == '"') {
            lx->pos++;
            return true;
        }
        if (c == '\n')
            return lex_fail(lx, open, "unclosed string (newline in string)");
        if (c < 0x20 || c == 0x7F)
            return lex_fail(lx, lx->pos, "illegal control character in "
                            "string");
        if (c != '\\') {
            k = utf8_len(s + lx->pos, lx->end - lx->pos);
            if (k == 0)
                return lex_fail(lx, lx->pos, "malformed UTF-8 encoding");
            lx->pos += k;
            continue;
        }
        if (lx->pos + 1 >= lx->end)
            return lex_fail(lx, open, "unclosed string");
        c = s[lx->pos + 1];
        if (strchr("tnr\"'\\", c) != NULL && c != 0) {
            lx->pos += 2;
        } else if (c == 'u') {
            uint32_t v = 0;
            size_t i = lx->pos + 2;
            bool any = false, big = false;
            if (i >= lx->end || s[i] != '{')
                return lex_fail(lx, lx->pos, "illegal escape");
            i++;
            while (i < lx->end && s[i] != '}') {
                int h = hexval(s[i]);
                if (s[i] == '_' && any && i + 1 < lx->end &&
                    hexval(s[i + 1]) >= 0) {
                    i++;
                    continue;
                }
                if (h < 0)
                    return lex_fail(lx, lx->pos, "illegal escape");
                if (v > 0x10FFFF)
                    big = true;
                else
                    v = v * 16 + (uint32_t)h;
                any = true;
                i++;
            }
            if (i >= lx->end || !any)
                return lex_fail(lx, lx->pos, "illegal escape");
            if (big || v > 0x10FFFF || (v >= 0xD800 && v < 0xE000))
                return lex_fail(lx, lx->pos, "malformed UTF-8 encoding "
                                "(escape is not a Unicode scalar value)");
            lx->pos = i + 1;
        } else if (hexval(c) >= 0 && lx->pos + 2 < lx->end &&
                   hexval(s[lx->pos + 2]) >= 0) {
            lx->pos += 3;
        } else {
            return lex_fail(lx, lx->pos, "illegal escape");
        }
    }
}

/* ---- number syntax -------------------------------------------------- */

/* text: num / hexnum at p[*i]: digit ('_'? digit)*.  Advances *i. */
static bool
scan_digits(const uint8_t *p, size_t n, size_t *i, bool hex)
{
    size_t j = *i;

#define ISDIG(c) (hex ? hexval(c) >= 0 : ((c) >= '0' && (c) <= '9'))
    if (j >= n || !ISDIG(p[j]))
        return false;
    j++;
    while (j < n) {
        if (ISDIG(p[j])) {
            j++;
        } else if (p[j] == '_' && j + 1 < n && ISDIG(p[j + 1])) {
            j += 2;
        } else {
            break;
        }
    }
#undef ISDIG
    *i = j;
    return true;
}

static bool
has_prefix(const uint8_t *p, size_t n, const char *s)
{
    size_t k = strlen(s);

    return n >= k && memcmp(p, s, k) == 0;
}

static bool
is_text(const uint8_t *p, size_t n, const char *s)
{
    return n == strlen(s) && memcmp(p, s, n) == 0;
}

/* text: sN / uN shapes: sign? (num | '0x' hexnum) */
static bool
int_syntax(const uint8_t *p, size_t n)
{
    size_t i = 0;

    if (n > 0 && (p[0] == '+' || p[0] == '-'))
        i++;
    if (has_prefix(p + i, n - i, "0x")) {
        i += 2;
        return scan_digits(p, n, &i, true) && i == n;
    }
    return scan_digits(p, n, &i, false) && i == n;
}

/* text: fN shapes: sign? (float | hexfloat | inf | nan | nan:0x hexnum) */
static bool
float_syntax(const uint8_t *p, size_t n)
{
    size_t i = 0;
    bool hex;

    if (n > 0 && (p[0] == '+' || p[0] == '-'))
        i++;
    if (is_text(p + i, n - i, "inf") || is_text(p + i, n - i, "nan"))
        return true;
    if (has_prefix(p + i, n - i, "nan:0x")) {
        i += 6;
        return scan_digits(p, n, &i, true) && i == n;
    }
    hex = has_prefix(p + i, n - i, "0x");
    if (hex)
        i += 2;
    if (!scan_digits(p, n, &i, hex))
        return false;
    if (i < n && p[i] == '.') {
        i++;
        if (i < n && (hex ? hexval(p[i]) >= 0 : (p[i] >= '0' && p[i] <= '9'))
            && !scan_digits(p, n, &i, hex))
            return false;
    }
    if (i < n && (hex ? (p[i] == 'p' || p[i] == 'P')
                      : (p[i] == 'e' || p[i] == 'E'))) {
        i++;
        if (i < n && (p[i] == '+' || p[i] == '-'))
            i++;
        if (!scan_digits(p, n, &i, false))
            return false;
    }
    return i == n;
}

/* ---- tokens --------------------------------------------------------- */

bool
watlex_next(WatLexer *lx, WatToken *t)
{
    const uint8_t *s = lx->src;
    size_t start, nstr = 0, nother = 0;
    uint8_t c;

    memset(t, 0, sizeof *t);
    if (lx->err)
        return false;
    if (!skip_space(lx))
        return false;
    t->off = (uint32_t)lx->pos;
    if (lx->pos >= lx->end) {
        t->kind = WT_EOF;
        return true;
    }
    c = s[lx->pos];
    if (c == '(' || c == ')') {
        t->kind = c == '(' ? WT_LPAR : WT_RPAR;
        t->len = 1;
        lx->pos++;
        return true;
    }
    if (c != '"' && !watlex_is_idchar(c)) {
        if (c >= 0x80 && utf8_len(s + lx->pos, lx->end - lx->pos) == 0)
            return lex_fail(lx, lx->pos, "malformed UTF-8 encoding");
        return lex_fail(lx, lx->pos, "unexpected character");
    }
    /* a maximal run of idchars and strings (text: tokens, reserved) */
    start = lx->pos;
    while (lx->pos < lx->end) {
        c = s[lx->pos];
        if (c == '"') {
            if (!scan_string(lx))
                return false;
            nstr++;
        } else if (watlex_is_idchar(c)) {
            lx->pos++;
            nother++;
        } else {
            break;
        }
    }
    t->len = (uint32_t)(lx->pos - start);
    if (nstr == 1 && nother == 0)
        t->kind = WT_STRING;
    else if (nstr > 0)
        t->kind = WT_RESERVED;
    else if (s[start] == '$' && t->len > 1)
        t->kind = WT_ID;
    else if (s[start] >= 'a' && s[start] <= 'z')
        t->kind = WT_KEYWORD;
    else if (int_syntax(s + start, t->len) || float_syntax(s + start, t->len))
        t->kind = WT_NUM;
    else
        t->kind = WT_RESERVED;
    return true;
}

size_t
watlex_string(const uint8_t *text, size_t len, uint8_t *out)
{
    size_t i = 1, n = 0;

    while (i + 1 < len) {
        uint8_t c = text[i];
        if (c != '\\') {
            out[n++] = c;
            i++;
            continue;
        }
        c = text[i + 1];
        switch (c) {
        case 't': out[n++] = '\t'; i += 2; break;
        case 'n': out[n++] = '\n'; i += 2; break;
        case 'r': out[n++] = '\r'; i += 2; break;
        case '"': case '\'': case '\\': out[n++] = c; i += 2; break;
        case 'u': {
            uint32_t v = 0;
            i += 3;
            while (text[i] != '}') {
                if (text[i] != '_')
                    v = v * 16 + (uint32_t)hexval(text[i]);
                i++;
            }
            i++;
            /* UTF-8 encoding of the scalar value v */
            if (v < 0x80) {
                out[n++] = (uint8_t)v;
            } else if (v < 0x800) {
                out[n++] = (uint8_t)(0xC0 | v >> 6);
                out[n++] = (uint8_t)(0x80 | (v & 0x3F));
            } else if (v < 0x10000) {
                out[n++] = (uint8_t)(0xE0 | v >> 12);
                out[n++] = (uint8_t)(0x80 | (v >> 6 & 0x3F));
                out[n++] = (uint8_t)(0x80 | (v & 0x3F));
            } else {
                out[n++] = (uint8_t)(0xF0 | v >> 18);
                out[n++] = (uint8_t)(0x80 | (v >> 12 & 0x3F));
                out[n++] = (uint8_t)(0x80 | (v >> 6 & 0x3F));
                out[n++] = (uint8_t)(0x80 | (v & 0x3F));
            }
            break;
        }
        default:
            out[n++] = (uint8_t)(hexval(c) * 16 + hexval(text[i + 2]));
            i += 3;
            break;
        }
    }
    return n;
}

/* ---- literal values ------------------------------------------------- */

/* Magnitude of num | 0x hexnum (syntax already checked); false: > 2^64-1 */
static bool
magnitude(const uint8_t *p, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    unsigned base = 10;
    size_t i = 0;

    if (has_prefix(p, n, "0x")) {
        base = 16;
        i = 2;
    }
    for (; i < n; i++) {
        uint64_t d;
        if (p[i] == '_')
            continue;
        d = (uint64_t)hexval(p[i]);
        if (v > (UINT64_MAX - d) / base)
            return false;
        v = v * base + d;
    }
    *out = v;
    return true;
}

WatNum
watlex_nat(const uint8_t *p, size_t n, uint64_t max, uint64_t *out)
{
    uint64_t v;

    if (n == 0 || p[0] == '+' || p[0] == '-' || !int_syntax(p, n))
        return WNUM_MALFORMED;
    if (!magnitude(p, n, &v) || v > max)
        return WNUM_RANGE;
    *out = v;
    return WNUM_OK;
}

WatNum
watlex_int(const uint8_t *p, size_t n, unsigned bits, uint64_t *out)
{
    uint64_t v, mask = bits == 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;
    bool neg = n > 0 && p[0] == '-';
    size_t i = n > 0 && (p[0] == '+' || p[0] == '-') ? 1 : 0;

    if (!int_syntax(p, n))
        return WNUM_MALFORMED;
    if (!magnitude(p + i, n - i, &v))
        return WNUM_RANGE;
    if (neg) {
        if (v > (uint64_t)1 << (bits - 1))
            return WNUM_RANGE;
        *out = (0 - v) & mask;
    } else {
        if (v > mask)
            return WNUM_RANGE;
        *out = v;
    }
    return WNUM_OK;
}

/*
 * A float literal as an IEEE pattern of mbits mantissa bits (23 or 52).
 * Finite values go through strtof/strtod, which round to nearest even
 * from both decimal and hex text.
 */
static WatNum
parse_float(const uint8_t *p, size_t n, bool is64, uint64_t *out)
{
    unsigned mbits = is64 ? 52 : 23, width = is64 ? 64 : 32;
    uint64_t sign = 0, expo, payload;
    size_t i = 0, k;
    char small[128], *buf;
    WatNum st = WNUM_OK;

    if (!float_syntax(p, n))
        return WNUM_MALFORMED;
    if (p[0] == '+' || p[0] == '-') {
        if (p[0] == '-')
            sign = (uint64_t)1 << (width - 1);
        i = 1;
    }
    expo = (width == 64 ? (uint64_t)0x7FF : 0xFF) << mbits;
    if (is_text(p + i, n - i, "inf")) {
        *out = sign | expo;
        return WNUM_OK;
    }
    if (is_text(p + i, n - i, "nan")) {
        *out = sign | expo | (uint64_t)1 << (mbits - 1);
        return WNUM_OK;
    }
    if (has_prefix(p + i, n - i, "nan:")) {
        /* text: nan:0xN with 1 <= N < 2^mbits */
        if (!magnitude(p + i + 4, n - i - 4, &payload) || payload == 0 ||
            payload >= (uint64_t)1 << mbits)
            return WNUM_RANGE;
        *out = sign | expo | payload;
        return WNUM_OK;
    }
    buf = n < sizeof small ? small : malloc(n + 1);
    if (buf == NULL)
        return WNUM_RANGE;
    for (k = 0; i < n; i++)
        if (p[i] != '_')
            buf[k++] = (char)p[i];
    buf[k] = '\0';
    errno = 0;
    if (is64) {
        double d = strtod(buf, NULL);
        if (isinf(d))
            st = WNUM_RANGE;
        memcpy(out, &d, sizeof d);
    } else {
        float f = strtof(buf, NULL);
        uint32_t b;
        if (isinf(f))
            st = WNUM_RANGE;
        memcpy(&b, &f, sizeof b);
        *out = b;
    }
    *out |= sign;
    if (buf != small)
        free(buf);
    return st;
}

WatNum
watlex_f32(const uint8_t *p, size_t n, uint32_t *out)
{
    uint64_t v = 0;
    WatNum st = parse_float(p, n, false, &v);

    *out = (uint32_t)v;
    return st;
}

WatNum
watlex_f64(const uint8_t *p, size_t n, uint64_t *out)
{
    return parse_float(p, n, true, out);
}

bool
watlex_shape(const uint8_t *p, size_t n, WatShape *shape, unsigned *lanes)
{
    static const struct {
        const char *text;
        WatShape shape;
        unsigned lanes;
    } shapes[] = {
        {"i8x16", WSHAPE_I8X16, 16}, {"i16x8", WSHAPE_I16X8, 8},
        {"i32x4", WSHAPE_I32X4, 4}, {"i64x2", WSHAPE_I64X2, 2},
        {"f32x4", WSHAPE_F32X4, 4}, {"f64x2", WSHAPE_F64X2, 2}
    };
    size_t k;

    for (k = 0; k < sizeof shapes / sizeof shapes[0]; k++)
        if (is_text(p, n, shapes[k].text)) {
            *shape = shapes[k].shape;
            *lanes = shapes[k].lanes;
            return true;
        }
    return false;
}

WatNum
watlex_lane(WatShape shape, unsigned lane, const uint8_t *p, size_t n,
            uint8_t bytes[16])
{
    uint64_t v = 0;
    uint32_t f = 0;
    unsigned width, k;
    WatNum st;

    switch (shape) {
    case WSHAPE_I8X16: width = 1; st = watlex_int(p, n, 8, &v); break;
    case WSHAPE_I16X8: width = 2; st = watlex_int(p, n, 16, &v); break;
    case WSHAPE_I32X4: width = 4; st = watlex_int(p, n, 32, &v); break;
    case WSHAPE_I64X2: width = 8; st = watlex_int(p, n, 64, &v); break;
    case WSHAPE_F32X4:
        width = 4;
        st = watlex_f32(p, n, &f);
        v = f;
        break;
    default:
        width = 8;
        st = watlex_f64(p, n, &v);
        break;
    }
    if (st != WNUM_OK)
        return st;
    /* Wasm lane order is little-endian memory order, whatever the host */
    for (k = 0; k < width; k++)
        bytes[lane * width + k] = (uint8_t)(v >> (8 * k));
    return WNUM_OK;
}
