/*
 * test_bytes.c - unit test for compiler/bytes.c: LEB128 limits (length and
 * unused bits), overlong encodings, sticky errors, IEEE bit patterns and
 * the UTF-8 rules for names.  Exits 0 when every check passes.
 *
 * Build: cc -Icompiler test/unit/test_bytes.c compiler/bytes.c
 */
#include <stdio.h>
#include <string.h>

#include "bytes.h"

static int failures;

#define CHECK(cond) check((cond) ? 1 : 0, #cond, __LINE__)

static void
check(int ok, const char *what, int line)
{
    if (!ok) {
        fprintf(stderr, "test_bytes.c:%d: check failed: %s\n", line, what);
        failures++;
    }
}

/* Run one LEB read over exactly the bytes given. */
enum { U32, S32, S33, U64, S64 };

typedef struct Result {
    bool err;
    const char *msg;        /* copy of the error message */
    uint64_t value;         /* raw bits of the result */
    size_t pos;
} Result;

static char msgbuf[400];

static Result
read_one(int kind, const char *bytes, size_t n)
{
    Bytes c;
    Result r;

    bytes_init(&c, (const uint8_t *)bytes, n);
    switch (kind) {
    case U32: r.value = bytes_u32(&c); break;
    case S32: r.value = (uint64_t)(int64_t)bytes_s32(&c); break;
    case S33: r.value = (uint64_t)bytes_s33(&c); break;
    case U64: r.value = bytes_u64(&c); break;
    default: r.value = (uint64_t)bytes_s64(&c); break;
    }
    r.err = c.err;
    memcpy(msgbuf, c.err_msg, sizeof c.err_msg);
    r.msg = msgbuf;
    r.pos = c.pos;
    return r;
}

static bool
ok_value(int kind, const char *bytes, size_t n, uint64_t want)
{
    Result r = read_one(kind, bytes, n);
    return !r.err && r.value == want && r.pos == n;
}

static bool
fails_with(int kind, const char *bytes, size_t n, const char *phrase)
{
    Result r = read_one(kind, bytes, n);
    return r.err && r.value == 0 && strstr(r.msg, phrase) != NULL;
}

static void
test_unsigned(void)
{
    CHECK(ok_value(U32, "\x00", 1, 0));
    CHECK(ok_value(U32, "\x7f", 1, 127));
    CHECK(ok_value(U32, "\x80\x01", 2, 128));
    /* padded but within 5 bytes is allowed */
    CHECK(ok_value(U32, "\x80\x80\x80\x80\x00", 5, 0));
    CHECK(ok_value(U32, "\x83\x80\x80\x80\x00", 5, 3));
    CHECK(ok_value(U32, "\xff\xff\xff\xff\x0f", 5, 0xFFFFFFFFu));
    /* bits above 32 in the last byte */
    CHECK(fails_with(U32, "\xff\xff\xff\xff\x1f", 5, "integer too large"));
    CHECK(fails_with(U32, "\x80\x80\x80\x80\x10", 5, "integer too large"));
    CHECK(fails_with(U32, "\x80\x80\x80\x80\x70", 5, "integer too large"));
    /* six bytes */
    CHECK(fails_with(U32, "\x80\x80\x80\x80\x80\x00", 6,
                     "integer representation too long"));
    /* runs out */
    CHECK(fails_with(U32, "\x80\x80", 2, "unexpected end"));
    CHECK(fails_with(U32, "", 0, "unexpected end"));

    CHECK(ok_value(U64, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10,
                   0xFFFFFFFFFFFFFFFFull));
    CHECK(ok_value(U64, "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00", 10, 0));
    CHECK(fails_with(U64, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 10,
                     "integer too large"));
    CHECK(fails_with(U64, "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00",
                     11, "integer representation too long"));
}

static void
test_signed(void)
{
    CHECK(ok_value(S32, "\x7f", 1, (uint64_t)-1));
    CHECK(ok_value(S32, "\x40", 1, (uint64_t)-64));
    CHECK(ok_value(S32, "\x3f", 1, 63));
    CHECK(ok_value(S32, "\xc0\x00", 2, 64));
    CHECK(ok_value(S32, "\xff\x7f", 2, (uint64_t)-1));
    /* INT32_MIN and INT32_MAX */
    CHECK(ok_value(S32, "\x80\x80\x80\x80\x78", 5,
                   (uint64_t)(-(int64_t)2147483647 - 1)));
    CHECK(ok_value(S32, "\xff\xff\xff\xff\x07", 5, 2147483647));
    /* padded forms with correct sign bits */
    CHECK(ok_value(S32, "\xff\xff\xff\xff\x7f", 5, (uint64_t)-1));
    CHECK(ok_value(S32, "\x80\x80\x80\x80\x00", 5, 0));
    /* unused bits must copy the sign bit (bit 3 of the fifth byte) */
    CHECK(fails_with(S32, "\xff\xff\xff\xff\x0f", 5, "integer too large"));
    CHECK(fails_with(S32, "\x80\x80\x80\x80\x70", 5, "integer too large"));
    CHECK(fails_with(S32, "\x80\x80\x80\x80\x08", 5, "integer too large"));
    CHECK(fails_with(S32, "\xff\xff\xff\xff\xff\x7f", 6,
                     "integer representation too long"));

    /* s33 (block types): 33 bits, sign bit 4 of the fifth byte */
    CHECK(ok_value(S33, "\x40", 1, (uint64_t)-64));
    CHECK(ok_value(S33, "\xff\xff\xff\xff\x0f", 5, 0xFFFFFFFFull));
    CHECK(ok_value(S33, "\x80\x80\x80\x80\x70", 5,
                   (uint64_t)-(int64_t)0x100000000ll));
    CHECK(fails_with(S33, "\xff\xff\xff\xff\x1f", 5, "integer too large"));
    CHECK(fails_with(S33, "\x80\x80\x80\x80\x60", 5, "integer too large"));
    CHECK(fails_with(S33, "\x80\x80\x80\x80\x80\x00", 6,
                     "integer representation too long"));

    /* s64: only bit 0 of the tenth byte is used, bits 1..6 copy it */
    CHECK(ok_value(S64, "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x7f", 10,
                   0x8000000000000000ull));
    CHECK(ok_value(S64, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00", 10,
                   0x7FFFFFFFFFFFFFFFull));
    CHECK(ok_value(S64, "\x7f", 1, (uint64_t)-1));
    CHECK(fails_with(S64, "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", 10,
                     "integer too large"));
    CHECK(fails_with(S64, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7e", 10,
                     "integer too large"));
    CHECK(fails_with(S64, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f",
                     11, "integer representation too long"));
}

static void
test_sticky_and_bounds(void)
{
    static const uint8_t buf[] = {0x05, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
                                  0x02};
    Bytes c;
    const uint8_t *p;
    uint32_t n;

    bytes_init(&c, buf, sizeof buf);
    CHECK(bytes_u8(&c) == 5);
    CHECK(bytes_u32(&c) == 0);      /* too long: fails at offset 1 */
    CHECK(c.err && c.err_off == 1);
    CHECK(strstr(c.err_msg, "integer representation too long") != NULL);
    /* every later read returns 0 and does not move */
    n = (uint32_t)c.pos;
    CHECK(bytes_u8(&c) == 0 && bytes_u64(&c) == 0 && bytes_f64(&c) == 0);
    CHECK(bytes_take(&c, 1) == NULL);
    CHECK(c.pos == n);
    CHECK(bytes_left(&c) == 0);
    /* the first message is kept */
    bytes_fail(&c, 7, "later");
    CHECK(c.err_off == 1);

    /* a narrowed bound is honoured, with the section wording */
    bytes_init(&c, buf, sizeof buf);
    c.end = 1;
    c.in_section = true;
    CHECK(bytes_u8(&c) == 5);
    CHECK(bytes_u8(&c) == 0 && c.err);
    CHECK(strstr(c.err_msg, "unexpected end of section or function"));

    /* a byte vector longer than what is left */
    bytes_init(&c, (const uint8_t *)"\x04" "abc", 4);
    CHECK(!bytes_vec(&c, &p, &n) && n == 0);
    CHECK(strstr(c.err_msg, "unexpected end") != NULL);
    /* huge length must not wrap around */
    bytes_init(&c, (const uint8_t *)"\xff\xff\xff\xff\x0f" "abc", 8);
    CHECK(!bytes_vec(&c, &p, &n));
    bytes_init(&c, (const uint8_t *)"\x03" "abc", 4);
    CHECK(bytes_vec(&c, &p, &n) && n == 3 && memcmp(p, "abc", 3) == 0);

    /* context prefix */
    bytes_init(&c, (const uint8_t *)"", 0);
    c.ctx = "type section";
    bytes_u8(&c);
    CHECK(strcmp(c.err_msg, "type section: unexpected end") == 0);
}

static void
test_floats(void)
{
    Bytes c;

    bytes_init(&c, (const uint8_t *)"\x00\x00\x80\x3f" "\x01\x00\x00\x00"
               "\x00\x00\xf8\x7f", 16);
    CHECK(bytes_f32(&c) == 0x3F800000u);
    CHECK(bytes_f64(&c) == 0x7FF8000000000001ull);
    CHECK(!c.err);
    bytes_init(&c, (const uint8_t *)"\x00\x00\x80", 3);
    CHECK(bytes_f32(&c) == 0 && c.err);
}

static bool
name_ok(const char *bytes, size_t n)
{
    Bytes c;
    Str s;

    bytes_init(&c, (const uint8_t *)bytes, n);
    return bytes_name(&c, &s) && !c.err;
}

#define U8(s) ((const uint8_t *)(s))

static void
test_utf8(void)
{
    CHECK(bytes_utf8_valid(U8(""), 0));
    CHECK(bytes_utf8_valid(U8("plain ascii"), 11));
    CHECK(bytes_utf8_valid(U8("\xc2\x80"), 2));             /* U+0080 */
    CHECK(bytes_utf8_valid(U8("\xdf\xbf"), 2));             /* U+07FF */
    CHECK(bytes_utf8_valid(U8("\xe0\xa0\x80"), 3));         /* U+0800 */
    CHECK(bytes_utf8_valid(U8("\xed\x9f\xbf"), 3));         /* U+D7FF */
    CHECK(bytes_utf8_valid(U8("\xee\x80\x80"), 3));         /* U+E000 */
    CHECK(bytes_utf8_valid(U8("\xef\xbf\xbf"), 3));         /* U+FFFF */
    CHECK(bytes_utf8_valid(U8("\xf0\x90\x80\x80"), 4));     /* U+10000 */
    CHECK(bytes_utf8_valid(U8("\xf4\x8f\xbf\xbf"), 4));     /* U+10FFFF */
    CHECK(bytes_utf8_valid(U8("\0"), 1));                   /* NUL is ok */

    /* overlong forms */
    CHECK(!bytes_utf8_valid(U8("\xc0\x80"), 2));
    CHECK(!bytes_utf8_valid(U8("\xc1\xbf"), 2));
    CHECK(!bytes_utf8_valid(U8("\xe0\x9f\xbf"), 3));
    CHECK(!bytes_utf8_valid(U8("\xf0\x8f\xbf\xbf"), 4));
    /* surrogates */
    CHECK(!bytes_utf8_valid(U8("\xed\xa0\x80"), 3));
    CHECK(!bytes_utf8_valid(U8("\xed\xbf\xbf"), 3));
    /* above U+10FFFF, and lead bytes that cannot start anything */
    CHECK(!bytes_utf8_valid(U8("\xf4\x90\x80\x80"), 4));
    CHECK(!bytes_utf8_valid(U8("\xf5\x80\x80\x80"), 4));
    CHECK(!bytes_utf8_valid(U8("\xf8\x88\x80\x80\x80"), 5));
    CHECK(!bytes_utf8_valid(U8("\xff"), 1));
    /* stray or missing continuation bytes, truncation */
    CHECK(!bytes_utf8_valid(U8("\x80"), 1));
    CHECK(!bytes_utf8_valid(U8("\xc2"), 1));
    CHECK(!bytes_utf8_valid(U8("\xc2\x41"), 2));
    CHECK(!bytes_utf8_valid(U8("\xe0\xa0"), 2));
    CHECK(!bytes_utf8_valid(U8("\xf0\x90\x80\xc0"), 4));

    CHECK(name_ok("\x03" "abc", 4));
    CHECK(!name_ok("\x02" "\xc0\x80", 3));
    {
        Bytes c;
        Str s;
        bytes_init(&c, U8("\x03" "\xed\xa0\x80"), 4);
        CHECK(!bytes_name(&c, &s));
        CHECK(strstr(c.err_msg, "malformed UTF-8 encoding") != NULL);
        CHECK(c.err_off == 0 && s.len == 0);
    }
}

int
main(void)
{
    test_unsigned();
    test_signed();
    test_sticky_and_bounds();
    test_floats();
    test_utf8();
    if (failures != 0) {
        fprintf(stderr, "test_bytes: %d checks failed\n", failures);
        return 1;
    }
    printf("test_bytes: ok\n");
    return 0;
}
