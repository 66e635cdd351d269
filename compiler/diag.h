/*
 * diag.h - located diagnostics.
 *
 * A Diag belongs to one input file.  Locations are byte offsets into that
 * input: binary input prints them as 0x%08x, text input as line:col computed
 * from the source buffer.  Messages follow STYLE.md section 3: lowercase,
 * no final period, where first, then expected against found.
 */
#ifndef COMPILER_DIAG_H
#define COMPILER_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define DIAG_MAX_ERRORS 20

typedef struct Diag {
    const char *path;       /* as given on the command line */
    const uint8_t *src;     /* text input for line:col, NULL for binary */
    size_t srclen;
    unsigned nerrors;
    /* Recorded messages, printed by diag_print; the first DIAG_MAX_ERRORS */
    char *msgs[DIAG_MAX_ERRORS];
    unsigned nmsgs;
    /* Context added to messages, e.g. function 12 "parse"; may be NULL. */
    const char *context;
} Diag;

#if defined(__GNUC__)
#define DIAG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define WARN_UNUSED __attribute__((warn_unused_result))
#else
#define DIAG_PRINTF(f, a)
#define WARN_UNUSED
#endif

void diag_init(Diag *d, const char *path, const uint8_t *text_src,
               size_t srclen);
/* Record "path:loc: error: msg[ (context)]" and return false. */
bool diag_error_at(Diag *d, uint32_t off, const char *fmt, ...)
    DIAG_PRINTF(3, 4);
/* Same, with no location (whole-file problems such as I/O). */
bool diag_error(Diag *d, const char *fmt, ...) DIAG_PRINTF(2, 3);
/* Print every recorded message to f, one per line. */
void diag_print(const Diag *d, FILE *f);
void diag_free(Diag *d);

/* Internal invariant broken: print file:line and abort.  Never for input. */
#define BUG(msg) diag_bug(__FILE__, __LINE__, (msg))
void diag_bug(const char *file, int line, const char *msg);

#endif /* COMPILER_DIAG_H */
