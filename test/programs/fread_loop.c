/* fread loop on stdin in odd-sized chunks, treating the input as binary:
 * byte histogram, CRC-32, longest run, and the sum of all little-endian
 * 32-bit words; then stdin is at EOF and stays there. */
#include <stdint.h>
#include <stdio.h>

int
main(void)
{
    unsigned char chunk[333];
    unsigned long hist[256] = {0}, total = 0, reads = 0, run = 0, best = 0;
    uint32_t crc = 0xffffffffu, word = 0, wsum = 0;
    int prev = -1, k, i;
    size_t n;

    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
        size_t j;
        reads++;
        for (j = 0; j < n; j++) {
            unsigned char c = chunk[j];
            hist[c]++;
            crc ^= c;
            for (k = 0; k < 8; k++)
                crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
            run = c == prev ? run + 1 : 1;
            if (run > best)
                best = run;
            prev = c;
            word |= (uint32_t)c << (8 * (total % 4));
            if (total % 4 == 3) {
                wsum += word;
                word = 0;
            }
            total++;
        }
    }
    wsum += word;
    printf("bytes=%lu reads>0=%d crc32=%08x longest_run=%lu wordsum=%08x\n",
           total, reads > 0, (unsigned)~crc, best, (unsigned)wsum);
    for (i = 0; i < 256; i++)
        if (hist[i] && (i < 32 || i >= 127))
            printf("byte %02x x%lu\n", i, hist[i]);
    printf("eof=%d getchar=%d fread=%u\n", feof(stdin) != 0, getchar(),
           (unsigned)fread(chunk, 1, 10, stdin));
    return 0;
}
