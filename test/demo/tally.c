/*
 * tally - a small file-processing program for the README's capability
 * example: counts the lines, words and bytes of every regular file in the
 * directory named on the command line, prints a table, and writes the
 * same table to DIR/summary.txt.  Built with clang for wasm32-wasi, it can
 * only see the directories its executable was granted.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
count(const char *path, long *lines, long *words, long *bytes)
{
    FILE *f = fopen(path, "rb");
    int c, in_word = 0;

    if (f == NULL)
        return -1;
    *lines = *words = *bytes = 0;
    while ((c = getc(f)) != EOF) {
        (*bytes)++;
        if (c == '\n')
            (*lines)++;
        if (isspace(c)) {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            (*words)++;
        }
    }
    fclose(f);
    return 0;
}

static int
by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
    char path[4096], *names[1024];
    size_t n = 0, i;
    struct dirent *e;
    FILE *out;
    DIR *d;

    if (argc != 2) {
        fprintf(stderr, "usage: tally DIR\n");
        return 2;
    }
    d = opendir(argv[1]);
    if (d == NULL) {
        fprintf(stderr, "tally: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    while ((e = readdir(d)) != NULL && n < 1024)
        if (e->d_type == DT_REG && strcmp(e->d_name, "summary.txt") != 0)
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], by_name);
    snprintf(path, sizeof path, "%s/summary.txt", argv[1]);
    out = fopen(path, "w");
    if (out == NULL) {
        fprintf(stderr, "tally: %s: %s\n", path, strerror(errno));
        return 1;
    }
    for (i = 0; i < n; i++) {
        long lines, words, bytes;

        snprintf(path, sizeof path, "%s/%s", argv[1], names[i]);
        if (count(path, &lines, &words, &bytes) != 0)
            continue;
        printf("%6ld %6ld %8ld %s\n", lines, words, bytes, names[i]);
        fprintf(out, "%6ld %6ld %8ld %s\n", lines, words, bytes, names[i]);
        free(names[i]);
    }
    fclose(out);
    return 0;
}
