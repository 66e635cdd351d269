/*
 * arena.c - region allocator: a chain of blocks, bump allocation, one free.
 * Large requests get a block of their own.
 */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK (64 * 1024)
#define ARENA_ALIGN 16

typedef struct Block {
    struct Block *next;
    size_t size;
    size_t used;
    /* data follows, aligned */
} Block;

struct Arena {
    Block *head;
};

static void
out_of_memory(size_t size)
{
    fprintf(stderr, "w2c: fatal: out of memory allocating %zu bytes\n", size);
    exit(2);
}

static size_t
header_size(void)
{
    return (sizeof(Block) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
}

static Block *
block_new(size_t size)
{
    Block *b;

    if (size > SIZE_MAX - header_size())
        out_of_memory(size);
    b = malloc(header_size() + size);
    if (b == NULL)
        out_of_memory(size);
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

Arena *
arena_new(void)
{
    Arena *a = malloc(sizeof *a);

    if (a == NULL)
        out_of_memory(sizeof *a);
    a->head = block_new(ARENA_BLOCK);
    return a;
}

void *
arena_alloc(Arena *a, size_t size)
{
    Block *b = a->head;
    void *p;

    if (size == 0)
        size = 1;
    if (size > SIZE_MAX - ARENA_ALIGN)
        out_of_memory(size);
    size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (size > b->size - b->used) {
        if (size > ARENA_BLOCK / 4) {
            /* A big request gets its own block behind the current one, so
             * the space left in the current block stays usable. */
            Block *big = block_new(size);
            big->next = b->next;
            b->next = big;
            big->used = size;
            p = (char *)big + header_size();
            memset(p, 0, size);
            return p;
        }
        b = block_new(ARENA_BLOCK);
        b->next = a->head;
        a->head = b;
    }
    p = (char *)b + header_size() + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

void *
arena_array(Arena *a, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        out_of_memory(SIZE_MAX);
    return arena_alloc(a, n * size);
}

char *
arena_strndup(Arena *a, const char *s, size_t len)
{
    char *p = arena_alloc(a, len + 1);

    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *
arena_printf(Arena *a, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void
arena_reset(Arena *a)
{
    Block *b = a->head, *next;

    /* Keep the oldest block (the one arena_new made), free the rest. */
    while (b->next != NULL) {
        next = b->next;
        free(b);
        b = next;
    }
    b->used = 0;
    a->head = b;
}

void
arena_free(Arena *a)
{
    Block *b, *next;

    if (a == NULL)
        return;
    for (b = a->head; b != NULL; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}
