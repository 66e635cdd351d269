/*
 * cwriter.c - buffered C text output that owns indentation.
 * Text grows in one heap buffer (doubling, so appending is amortised
 * linear); the caller decides when and where to write it out.  Allocation
 * failure is fatal, as for the arena: the compiler cannot continue.
 */
#include "cwriter.h"

#include <stdarg.h>
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

static void
vprint(CWriter *w, const char *fmt, va_list ap)
{
    char small[256];
    va_list ap2;
    int n;

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
    static const char spaces[] = "                                ";
    int i;

    for (i = 0; i < w->indent; i++)
        cw_raw(w, spaces, 4);
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
