/*
 * watlex.h - tokens and literals of the WebAssembly text format.
 *
 * The lexer splits text into parentheses, keywords, $ids, numbers and
 * strings, skipping white space and comments (text: lexical format).  It
 * checks what the lexical grammar decides: string escapes and characters,
 * UTF-8 of the source, unterminated comments, and which runs of characters
 * form reserved tokens.  What a number means (its type and range) depends
 * on where it appears, so the literal converters below are separate and
 * called by the parsers with the token text.
 */
#ifndef COMPILER_WATLEX_H
#define COMPILER_WATLEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum WatTokKind {
    WT_EOF,
    WT_LPAR,
    WT_RPAR,
    WT_KEYWORD,     /* starts with a..z: i32.add, offset=4, nan:0x1, inf */
    WT_ID,          /* $name */
    WT_NUM,         /* starts with a digit or a sign and is a number */
    WT_STRING,      /* "..." with the quotes; escapes already checked */
    WT_RESERVED     /* any other run of idchars and strings */
} WatTokKind;

typedef struct WatToken {
    WatTokKind kind;
    uint32_t off;   /* offset of the token's first byte in the source */
    uint32_t len;   /* the token's text is src[off..off+len) */
} WatToken;

typedef struct WatLexer {
    const uint8_t *src;
    size_t pos, end;
    bool err;
    uint32_t err_off;
    char err_msg[160];  /* contains the spec's phrase */
} WatLexer;

/* Lex src[start..end); offsets in tokens and errors are offsets into src. */
void watlex_init(WatLexer *lx, const uint8_t *src, size_t start, size_t end);

/*
 * The next token into *t (WT_EOF at the end).  Returns false after a
 * lexical error ("unclosed string", "malformed UTF-8 encoding", ...), with
 * err_off and err_msg set; the lexer then stays at the error.
 */
bool watlex_next(WatLexer *lx, WatToken *t);

/* Whether c is an idchar (text: tokens) */
bool watlex_is_idchar(int c);

/*
 * Decode a WT_STRING token's text (quotes included) into out, which needs
 * room for len bytes.  Returns the decoded length.  The token was checked
 * by the lexer, so this cannot fail.
 */
size_t watlex_string(const uint8_t *text, size_t len, uint8_t *out);

typedef enum WatNum {
    WNUM_OK,
    WNUM_MALFORMED,     /* not a literal of the requested kind */
    WNUM_RANGE          /* well-formed but out of range */
} WatNum;

/* An unsigned literal (text: uN) no greater than max: decimal or 0x hex. */
WatNum watlex_nat(const uint8_t *p, size_t n, uint64_t max, uint64_t *out);

/*
 * An integer literal of bits 8, 16, 32 or 64 (text: iN), signed or unsigned:
 * -2^(N-1) .. 2^N-1, returned as its N-bit two's complement pattern.
 */
WatNum watlex_int(const uint8_t *p, size_t n, unsigned bits, uint64_t *out);

/*
 * Float literals (text: fN), decimal or hex, inf, nan, nan:0xN, rounded to
 * nearest even; out of range only when the value rounds past the largest
 * finite value.  The result is the IEEE bit pattern.
 */
WatNum watlex_f32(const uint8_t *p, size_t n, uint32_t *out);
WatNum watlex_f64(const uint8_t *p, size_t n, uint64_t *out);

/* The lane shapes of v128.const (text: vector instructions). */
typedef enum WatShape {
    WSHAPE_I8X16,
    WSHAPE_I16X8,
    WSHAPE_I32X4,
    WSHAPE_I64X2,
    WSHAPE_F32X4,
    WSHAPE_F64X2
} WatShape;

/*
 * Whether p[0..n) names a shape ("i8x16" ... "f64x2"); sets *shape and
 * *lanes, the number of lane literals v128.const takes in that shape.
 */
bool watlex_shape(const uint8_t *p, size_t n, WatShape *shape,
                  unsigned *lanes);

/*
 * One lane literal of v128.const in shape: integer lanes take iN literals
 * (-2^(N-1) .. 2^N-1), float lanes fN literals.  On success the lane's
 * bits are stored at its little-endian position in bytes[16] (lane k of
 * an N-bit shape occupies bytes k*N/8 .. (k+1)*N/8-1).
 */
WatNum watlex_lane(WatShape shape, unsigned lane, const uint8_t *p, size_t n,
                   uint8_t bytes[16]);

#endif /* COMPILER_WATLEX_H */
