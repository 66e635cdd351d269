/* fib.c - naive doubly recursive Fibonacci: call overhead. */
#include <stdio.h>
#include <stdint.h>

static uint32_t
fib(uint32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int
main(void)
{
    volatile uint32_t n = 42;   /* volatile: keep the call at run time */
    uint32_t r = fib(n);

    printf("fib(%u) = %u\n", (unsigned)n, (unsigned)r);
    return 0;
}
