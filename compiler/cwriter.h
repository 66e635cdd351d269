/*
 * cwriter.h - buffered C text output that owns indentation.
 * Text accumulates in memory; main.c writes it to a file only after the
 * whole compile succeeded, so a failed run leaves no half-written output.
 */
#ifndef COMPILER_CWRITER_H
#define COMPILER_CWRITER_H

#include <stddef.h>

typedef struct CWriter {
    char *buf;
    size_t len;
    size_t cap;
    int indent;         /* current depth, 4 spaces each */
} CWriter;

void cw_init(CWriter *w);
void cw_free(CWriter *w);
/* One line at the current indentation, newline added. */
void cw_line(CWriter *w, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A line, then indent one level ("if (x) {"). */
void cw_open(CWriter *w, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Dedent one level, then a line ("}"). */
void cw_close(CWriter *w, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Raw text, no indentation or newline added. */
void cw_raw(CWriter *w, const char *s, size_t n);
void cw_printf(CWriter *w, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif /* COMPILER_CWRITER_H */
