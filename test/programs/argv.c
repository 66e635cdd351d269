/* Print argc and every argument (argv[0] excluded: its spelling differs
 * between hosts), with lengths and a hex dump of the non-ASCII ones. */
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
    int i;
    printf("argc=%d\n", argc);
    printf("argv[0] %s\n", argv[0] && argv[0][0] ? "present" : "empty");
    for (i = 1; i < argc; i++) {
        const unsigned char *p = (const unsigned char *)argv[i];
        size_t n = strlen(argv[i]);
        int ascii = 1;
        printf("argv[%d] len=%u [%s]", i, (unsigned)n, argv[i]);
        for (; *p; p++)
            if (*p >= 0x80)
                ascii = 0;
        if (!ascii) {
            printf(" hex=");
            for (p = (const unsigned char *)argv[i]; *p; p++)
                printf("%02x", *p);
        }
        printf("\n");
    }
    printf("argv[argc] is %s\n", argv[argc] == NULL ? "NULL" : "not NULL");
    return 0;
}
