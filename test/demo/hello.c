/*
 * hello.c - the bundled w2c example: a small WASI command.
 *
 * Greets each command-line argument, then prints a value it computes (the
 * 30th Fibonacci number and a checksum over a table), so the output shows
 * that arguments, stdout, memory and arithmetic all work.  hello.wasm next
 * to this file was built from it with
 *
 *     clang --target=wasm32-wasi -O2 -Wl,--strip-debug -o hello.wasm hello.c
 *
 * and is committed, so `make demo` needs only a C compiler.
 */
#include <stdio.h>
#include <stdint.h>

static uint32_t
fib(uint32_t n)
{
    uint32_t a = 0, b = 1;

    while (n-- > 0) {
        uint32_t t = a + b;
        a = b;
        b = t;
    }
    return a;
}

int
main(int argc, char **argv)
{
    static uint32_t table[256];
    uint32_t sum = 0;
    int i;

    if (argc < 2) {
        printf("hello from WebAssembly! (try: %s world)\n", argv[0]);
    } else {
        for (i = 1; i < argc; i++)
            printf("hello, %s!\n", argv[i]);
    }
    for (i = 0; i < 256; i++)
        table[i] = (uint32_t)i * 2654435761u;
    for (i = 0; i < 256; i++)
        sum ^= table[i] >> (i % 17);
    printf("fib(30) = %u, checksum = 0x%08x\n", (unsigned)fib(30),
           (unsigned)sum);
    return 0;
}
