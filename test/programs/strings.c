/* String and memory functions: strlen, strcpy, strcat, strcmp, strncmp,
 * strstr, strchr, strrchr, strtok, memcmp, memmove (overlapping),
 * memchr, strspn, toupper/tolower and friends. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
sgn(int v)
{
    return (v > 0) - (v < 0);
}

int
main(void)
{
    char buf[256], buf2[256];
    const char *hay = "the quick brown fox jumps over the lazy dog";
    const char *p;
    char *tok, *save;
    unsigned i;

    printf("strlen=%u empty=%u\n", (unsigned)strlen(hay),
           (unsigned)strlen(""));
    strcpy(buf, "Hello");
    strcat(buf, ", ");
    strcat(buf, "World");
    strncat(buf, "!!!???", 3);
    printf("built: [%s] len=%u\n", buf, (unsigned)strlen(buf));
    strncpy(buf2, "abc", 6);
    printf("strncpy pads: %d %d %d\n", buf2[3], buf2[4], buf2[5]);

    {
        static const char *pairs[][2] = {
            {"abc", "abd"}, {"abc", "abc"}, {"abc", "ab"}, {"", "a"},
            {"\xff", "\x01"}, {"Apple", "apple"}, {"zeta", "alpha"},
        };
        for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
            printf("cmp(%s,%s)=%d n2=%d casecmp=%d\n", pairs[i][0],
                   pairs[i][1], sgn(strcmp(pairs[i][0], pairs[i][1])),
                   sgn(strncmp(pairs[i][0], pairs[i][1], 2)),
                   sgn(strcasecmp(pairs[i][0], pairs[i][1])));
    }

    p = strstr(hay, "fox");
    printf("strstr fox at %d\n", p ? (int)(p - hay) : -1);
    p = strstr(hay, "the");
    printf("strstr the at %d\n", p ? (int)(p - hay) : -1);
    p = strstr(hay, "cat");
    printf("strstr cat %s\n", p ? "found" : "absent");
    p = strstr(hay, "");
    printf("strstr empty at %d\n", (int)(p - hay));
    p = strchr(hay, 'o');
    printf("strchr o at %d\n", (int)(p - hay));
    p = strrchr(hay, 'o');
    printf("strrchr o at %d\n", (int)(p - hay));
    p = strchr(hay, '\0');
    printf("strchr nul at %d\n", (int)(p - hay));
    printf("strchr z: %s\n", strchr(hay, 'Z') ? "yes" : "no");
    printf("strspn=%u strcspn=%u\n", (unsigned)strspn(hay, "the "),
           (unsigned)strcspn(hay, "xyz"));
    p = strpbrk(hay, "qz");
    printf("strpbrk at %d\n", (int)(p - hay));
    p = memchr(hay, 'j', strlen(hay));
    printf("memchr j at %d\n", (int)(p - hay));

    /* strtok and strtok_r */
    strcpy(buf, "  alpha,beta;;gamma , delta,,epsilon  ");
    for (tok = strtok(buf, " ,;"), i = 0; tok; tok = strtok(NULL, " ,;"), i++)
        printf("tok%u=[%s]\n", i, tok);
    strcpy(buf, "k1=v1&k2=v2&&k3=");
    for (tok = strtok_r(buf, "&", &save); tok;
         tok = strtok_r(NULL, "&", &save)) {
        char *s2, *k = strtok_r(tok, "=", &s2), *v = strtok_r(NULL, "=", &s2);
        printf("pair %s -> %s\n", k, v ? v : "(none)");
    }

    /* memcmp, memmove with overlap, memset, memcpy */
    {
        unsigned char a[16], b[16];
        for (i = 0; i < 16; i++) {
            a[i] = (unsigned char)i;
            b[i] = (unsigned char)i;
        }
        b[10] = 200;
        printf("memcmp=%d %d %d\n", sgn(memcmp(a, b, 16)),
               sgn(memcmp(b, a, 16)), memcmp(a, b, 10));
    }
    for (i = 0; i < 64; i++)
        buf[i] = (char)('A' + i % 26);
    buf[64] = 0;
    memmove(buf + 5, buf, 30);      /* forward overlap */
    printf("fwd: %s\n", buf);
    memmove(buf, buf + 7, 40);      /* backward overlap */
    printf("bwd: %s\n", buf);
    memmove(buf + 1, buf, 0);
    memset(buf + 10, '-', 5);
    printf("memset: %s\n", buf);
    {
        /* large overlapping moves, every alignment */
        static unsigned char big[5000];
        unsigned sum = 0, k;
        for (k = 0; k < 8; k++) {
            for (i = 0; i < sizeof big; i++)
                big[i] = (unsigned char)(i * 7 + k);
            memmove(big + k, big + 13, 4000);
            memmove(big + 500 + k, big + 3, 3000);
            for (i = 0; i < sizeof big; i++)
                sum = sum * 3u + big[i];
        }
        printf("big memmove sum=%08x\n", sum);
    }

    /* ctype */
    strcpy(buf, "Mixed Case 123 text_with-PUNCT! \t end");
    for (i = 0; buf[i]; i++)
        buf2[i] = (char)toupper((unsigned char)buf[i]);
    buf2[i] = 0;
    printf("upper: %s\n", buf2);
    for (i = 0; buf[i]; i++)
        buf2[i] = (char)tolower((unsigned char)buf[i]);
    printf("lower: %s\n", buf2);
    {
        int al = 0, di = 0, sp = 0, pu = 0, up = 0, xd = 0;
        for (i = 0; buf[i]; i++) {
            unsigned char c = (unsigned char)buf[i];
            al += isalpha(c) != 0;
            di += isdigit(c) != 0;
            sp += isspace(c) != 0;
            pu += ispunct(c) != 0;
            up += isupper(c) != 0;
            xd += isxdigit(c) != 0;
        }
        printf("alpha=%d digit=%d space=%d punct=%d upper=%d xdigit=%d\n",
               al, di, sp, pu, up, xd);
    }

    /* a string reversal and palindrome check */
    {
        const char *words[] = {"racecar", "level", "w2c", "abba", "a", ""};
        for (i = 0; i < 6; i++) {
            size_t n = strlen(words[i]), j;
            for (j = 0; j < n; j++)
                buf[j] = words[i][n - 1 - j];
            buf[n] = 0;
            printf("rev(%s)=%s pal=%d\n", words[i], buf,
                   strcmp(buf, words[i]) == 0);
        }
    }
    {
        char *d = strndup("truncate me", 8);
        printf("strndup=[%s] strnlen=%u\n", d, (unsigned)strnlen(d, 4));
        free(d);
    }
    return 0;
}
