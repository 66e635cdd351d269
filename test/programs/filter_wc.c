/* A stdin-to-stdout filter: read all of stdin with getchar, count lines,
 * words, bytes and letter frequencies, echo every line in rot13 with a
 * line number and an upper-cased copy of every fifth line, then stats. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
rot13(int c)
{
    if (c >= 'a' && c <= 'z')
        return 'a' + (c - 'a' + 13) % 26;
    if (c >= 'A' && c <= 'Z')
        return 'A' + (c - 'A' + 13) % 26;
    return c;
}

int
main(void)
{
    size_t cap = 1024, len = 0, i, start;
    char *data = malloc(cap);
    unsigned long lines = 0, words = 0, longest = 0, nonascii = 0;
    unsigned long freq[26] = {0};
    int c, inword = 0;

    if (!data)
        return 1;
    while ((c = getchar()) != EOF) {
        if (len + 1 >= cap) {
            cap *= 2;
            data = realloc(data, cap);
            if (!data)
                return 1;
        }
        data[len++] = (char)c;
    }
    data[len] = 0;

    for (i = 0; i < len; i++) {
        unsigned char u = (unsigned char)data[i];
        if (u == '\n')
            lines++;
        if (isspace(u)) {
            inword = 0;
        } else if (!inword) {
            inword = 1;
            words++;
        }
        if (isalpha(u))
            freq[tolower(u) - 'a']++;
        if (u >= 0x80)
            nonascii++;
    }
    for (start = 0, i = 0; start < len; i = ++start) {
        unsigned long n = (unsigned long)start; /* line's byte offset */
        while (i < len && data[i] != '\n')
            i++;
        if (i - start > longest)
            longest = (unsigned long)(i - start);
        printf("%6lu: ", n);
        {
            size_t k;
            for (k = start; k < i; k++)
                putchar(rot13((unsigned char)data[k]));
        }
        putchar('\n');
        start = i;
    }
    /* upper-case every fifth line using strtok on a copy */
    {
        char *copy = malloc(len + 1), *line;
        unsigned long ln = 0;
        memcpy(copy, data, len + 1);
        for (line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
            if (ln++ % 5 == 0) {
                char *q;
                for (q = line; *q; q++)
                    *q = (char)toupper((unsigned char)*q);
                printf("U> %s\n", line);
            }
        }
        free(copy);
    }
    printf("lines=%lu words=%lu bytes=%lu longest=%lu nonascii=%lu\n", lines,
           words, (unsigned long)len, longest, nonascii);
    for (i = 0; i < 26; i++)
        if (freq[i])
            printf("%c=%lu%s", (int)('a' + i), freq[i],
                   i % 13 == 12 ? "\n" : " ");
    printf("\n");
    free(data);
    return 0;
}
