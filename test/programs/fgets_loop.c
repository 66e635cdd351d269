/* fgets loop on stdin with a small buffer (long lines arrive in pieces),
 * a CSV-ish parse of each line with strtok and strtod, and totals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(void)
{
    char buf[48];
    unsigned long pieces = 0, lines = 0, partial = 0;
    double total = 0;
    long long itotal = 0;
    char line[1024];
    size_t llen = 0;

    while (fgets(buf, sizeof buf, stdin)) {
        size_t n = strlen(buf);
        int complete = n > 0 && buf[n - 1] == '\n';
        pieces++;
        if (llen + n < sizeof line) {
            memcpy(line + llen, buf, n + 1);
            llen += n;
        }
        if (!complete && !feof(stdin)) {
            partial++;
            continue;
        }
        /* a whole line */
        if (llen && line[llen - 1] == '\n')
            line[--llen] = 0;
        lines++;
        {
            char *tok, *save;
            int field = 0;
            double rowsum = 0;
            printf("%3lu (%3u):", lines, (unsigned)llen);
            for (tok = strtok_r(line, ",", &save); tok;
                 tok = strtok_r(NULL, ",", &save), field++) {
                char *end;
                double v = strtod(tok, &end);
                if (end != tok && *end == 0) {
                    rowsum += v;
                    itotal += (long long)v;
                    printf(" %g", v);
                } else {
                    printf(" <%s>", tok);
                }
            }
            printf(" | fields=%d sum=%.6f\n", field, rowsum);
            total += rowsum;
        }
        llen = 0;
    }
    printf("lines=%lu pieces=%lu partial=%lu total=%.6f itotal=%lld eof=%d"
           " error=%d\n", lines, pieces, partial, total, itotal,
           feof(stdin) != 0, ferror(stdin) != 0);
    return 0;
}
