/*
 * arena.h - region allocator for the compiler.
 * Everything a compile allocates lives in one Arena and is freed at once.
 * Allocation failure is fatal (BUG-style message, exit 2): inputs are bounded
 * before anything is sized from them, so running out means the host is out.
 */
#ifndef COMPILER_ARENA_H
#define COMPILER_ARENA_H

#include <stddef.h>

typedef struct Arena Arena;

Arena *arena_new(void);
/* Zero-filled, aligned for any type.  Never returns NULL. */
void *arena_alloc(Arena *a, size_t size);
/* n elements of size each, with the multiplication checked for overflow. */
void *arena_array(Arena *a, size_t n, size_t size);
/* Copy of s[0..len) plus a terminating NUL. */
char *arena_strndup(Arena *a, const char *s, size_t len);
/* printf into the arena. */
char *arena_printf(Arena *a, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Forget everything allocated, keep the first block for reuse. */
void arena_reset(Arena *a);
void arena_free(Arena *a);

#endif /* COMPILER_ARENA_H */
