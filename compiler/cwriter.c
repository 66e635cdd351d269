/*
 * cwriter.c - buffered C text output that owns indentation.
 * Text grows in one heap buffer (doubling, so appending is amortised
 * linear); the caller decides when and where to write it out.  Allocation
 * failure is fatal, as for the arena: the compiler cannot continue.
 */
#include "cwriter.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
cw_init(CWriter *w)
{
    w->buf = NULL;
    w->len = 0;
    w->cap = 0;
    w->indent = 0;
}

void
cw_free(CWriter *w)
{
    free(w->buf);
    cw_init(w);
}

/* Make room for n more bytes plus a terminating NUL. */
static void
reserve(CWriter *w, size_t n)
{
    size_t cap;
    char *p;

    if (w->len + n + 1 <= w->cap)
        return;
    cap = w->cap ? w->cap : 4096;
    while (cap < w->len + n + 1) {
        if (cap > (size_t)-1 / 2) {
            fputs("w2c: out of memory\n", stderr);
            exit(2);
        }
        cap *= 2;
    }
    p = realloc(w->buf, cap);
    if (p == NULL) {
        fputs("w2c: out of memory\n", stderr);
        exit(2);
    }
    w->buf = p;
    w->cap = cap;
}

void
cw_raw(CWriter *w, const char *s, size_t n)
{
    reserve(w, n);
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

/*
 * Whether every conversion in fmt is one that fast_print handles: %s %u
 * %d %c %x %% %.*s %llu %lld %zu.  Anything else (widths, flags, floats)
 * goes to vsnprintf.
 */
static bool
is_simple(const char *fmt)
{
    const char *p;

    for (p = fmt; (p = strchr(p, '%')) != NULL; p++) {
        p++;
        if (strncmp(p, ".*s", 3) == 0 || strncmp(p, "llu", 3) == 0 ||
            strncmp(p, "lld", 3) == 0)
            p += 2;
        else if (strncmp(p, "zu", 2) == 0)
            p += 1;
        else if (*p == '\0' || strchr("sudcx%", *p) == NULL)
            return false;
    }
    return true;
}

/* The decimal digits of v, written backwards ending at end; returns the
   first. */
static char *
utoa_back(unsigned long long v, char *end)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    return end;
}

/*
 * printf for the formats is_simple accepts, without vsnprintf's cost:
 * generated C is almost all short lines of names and numbers, and
 * formatting them was most of the translation's time.
 */
static void
fast_print(CWriter *w, const char *fmt, va_list ap)
{
    char num[24];
    char *const end = num + sizeof num;
    const char *p = fmt, *q, *str;
    char *d;
    unsigned long long u;
    long long v;
    int n;

    while ((q = strchr(p, '%')) != NULL) {
        if (q > p)
            cw_raw(w, p, (size_t)(q - p));
        q++;
        switch (*q) {
        case 's':
            str = va_arg(ap, const char *);
            cw_raw(w, str, strlen(str));
            break;
        case '.':       /* .*s */
            n = va_arg(ap, int);
            str = va_arg(ap, const char *);
            cw_raw(w, str, n > 0 ? (size_t)n : 0);
            q += 2;
            break;
        case 'u':
            d = utoa_back(va_arg(ap, unsigned), end);
            cw_raw(w, d, (size_t)(end - d));
            break;
        case 'x':
            u = va_arg(ap, unsigned);
            d = end;
            do {
                *--d = "0123456789abcdef"[u & 15];
                u >>= 4;
            } while (u != 0);
            cw_raw(w, d, (size_t)(end - d));
            break;
        case 'c':
            num[0] = (char)va_arg(ap, int);
            cw_raw(w, num, 1);
            break;
        case 'z':       /* zu */
            d = utoa_back(va_arg(ap, size_t), end);
            cw_raw(w, d, (size_t)(end - d));
            q += 1;
            break;
        case 'd':
        case 'l':       /* llu, lld */
            if (*q == 'd') {
                v = va_arg(ap, int);
            } else if (q[2] == 'u') {
                q += 2;
                d = utoa_back(va_arg(ap, unsigned long long), end);
                cw_raw(w, d, (size_t)(end - d));
                break;
            } else {
                q += 2;
                v = va_arg(ap, long long);
            }
            u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
            d = utoa_back(u, end);
            if (v < 0)
                *--d = '-';
            cw_raw(w, d, (size_t)(end - d));
            break;
        default:        /* %% */
            cw_raw(w, "%", 1);
            break;
        }
        p = q + 1;
    }
    cw_raw(w, p, strlen(p));
}

static void
vprint(CWriter *w, const char *fmt, va_list ap)
{
    char small[256];
    va_list ap2;
    int n;

    if (is_simple(fmt)) {
        fast_print(w, fmt, ap);
        return;
    }
    va_copy(ap2, ap);
    n = vsnprintf(small, sizeof small, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        cw_raw(w, small, (size_t)n);
        return;
    }
    reserve(w, (size_t)n);
    vsnprintf(w->buf + w->len, (size_t)n + 1, fmt, ap);
    w->len += (size_t)n;
}

static void
indent(CWriter *w)
{
    static const char spaces[] = "                                "
                                 "                                ";
    size_t n = (size_t)w->indent * 4;

    while (n > 0) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        cw_raw(w, spaces, k);
        n -= k;
    }
}

static void
vline(CWriter *w, const char *fmt, va_list ap)
{
    if (fmt[0] != '\0')
        indent(w);
    vprint(w, fmt, ap);
    cw_raw(w, "\n", 1);
}

void
cw_line(CWriter *w, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vline(w, fmt, ap);
    va_end(ap);
}

void
cw_open(CWriter *w, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vline(w, fmt, ap);
    va_end(ap);
    w->indent++;
}

void
cw_close(CWriter *w, const char *fmt, ...)
{
    va_list ap;

    if (w->indent > 0)
        w->indent--;
    va_start(ap, fmt);
    vline(w, fmt, ap);
    va_end(ap);
}

void
cw_printf(CWriter *w, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprint(w, fmt, ap);
    va_end(ap);
}
