/*
 * diag.c - collect located diagnostics and print them in compiler form.
 * Binary inputs are located by hex byte offset, text inputs by line:col.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void
diag_init(Diag *d, const char *path, const uint8_t *text_src, size_t srclen)
{
    memset(d, 0, sizeof *d);
    d->path = path;
    d->src = text_src;
    d->srclen = srclen;
}

static void
record(Diag *d, const char *loc, const char *fmt, va_list ap)
{
    char body[1024];
    char *msg;
    size_t n;

    d->nerrors++;
    if (d->nmsgs >= DIAG_MAX_ERRORS)
        return;
    vsnprintf(body, sizeof body, fmt, ap);
    n = strlen(d->path) + strlen(loc) + strlen(body) + 64 +
        (d->context ? strlen(d->context) : 0);
    msg = malloc(n);
    if (msg == NULL)
        return;
    if (d->context != NULL)
        snprintf(msg, n, "%s%s: error: %s (%s)", d->path, loc, body,
                 d->context);
    else
        snprintf(msg, n, "%s%s: error: %s", d->path, loc, body);
    d->msgs[d->nmsgs++] = msg;
}

bool
diag_error_at(Diag *d, uint32_t off, const char *fmt, ...)
{
    char loc[48];
    va_list ap;

    if (d->src != NULL) {
        size_t i, end = off < d->srclen ? off : d->srclen;
        unsigned line = 1, col = 1;
        for (i = 0; i < end; i++) {
            if (d->src[i] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        snprintf(loc, sizeof loc, ":%u:%u", line, col);
    } else {
        snprintf(loc, sizeof loc, ":0x%08x", (unsigned)off);
    }
    va_start(ap, fmt);
    record(d, loc, fmt, ap);
    va_end(ap);
    return false;
}

bool
diag_error(Diag *d, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    record(d, "", fmt, ap);
    va_end(ap);
    return false;
}

void
diag_print(const Diag *d, FILE *f)
{
    unsigned i;

    for (i = 0; i < d->nmsgs; i++)
        fprintf(f, "%s\n", d->msgs[i]);
    if (d->nerrors > d->nmsgs)
        fprintf(f, "%s: note: %u more errors not shown\n", d->path,
                d->nerrors - d->nmsgs);
}

void
diag_free(Diag *d)
{
    unsigned i;

    for (i = 0; i < d->nmsgs; i++)
        free(d->msgs[i]);
    d->nmsgs = 0;
}

void
diag_bug(const char *file, int line, const char *msg)
{
    fprintf(stderr, "w2c: internal error at %s:%d: %s\n", file, line, msg);
    abort();
}
