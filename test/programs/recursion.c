/* clang: -Wl,-z,stack-size=8388608 */
/* Deep recursion (depth 50000 with a small frame), Ackermann, mutual
 * recursion, and recursion through a function pointer.  The wasm build
 * asks for an 8 MB shadow stack so that -O0 frames fit too. */
#include <stdint.h>
#include <stdio.h>

static volatile int32_t sink;

static int32_t
depth(int32_t n)
{
    if (n == 0)
        return 0;
    return 1 + depth(n - 1);
}

/* a recursion with a tiny array in the frame, so it uses the shadow stack */
static uint32_t
deep_frame(int32_t n, uint32_t acc)
{
    volatile uint32_t local[2];
    local[0] = acc;
    local[1] = (uint32_t)n;
    if (n == 0)
        return acc;
    return deep_frame(n - 1, local[0] * 31u + local[1]) ^ local[1];
}

static uint32_t
ack(uint32_t m, uint32_t n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

static int is_odd(uint32_t n);

static int
is_even(uint32_t n)
{
    return n == 0 ? 1 : is_odd(n - 1);
}

static int
is_odd(uint32_t n)
{
    return n == 0 ? 0 : is_even(n - 1);
}

static uint64_t
fib(uint32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

typedef int64_t (*step_fn)(int32_t, int64_t);

static int64_t step_b(int32_t n, int64_t acc);

static int64_t
step_a(int32_t n, int64_t acc)
{
    volatile step_fn next = step_b;
    if (n <= 0)
        return acc;
    return next(n - 1, acc + n);
}

static int64_t
step_b(int32_t n, int64_t acc)
{
    volatile step_fn next = step_a;
    if (n <= 0)
        return acc;
    return next(n - 1, acc * 3 % 1000003);
}

static void
hanoi(int n, int from, int to, int via, uint32_t *moves, uint32_t *h)
{
    if (n == 0)
        return;
    hanoi(n - 1, from, via, to, moves, h);
    ++*moves;
    *h = *h * 7u + (uint32_t)(from * 3 + to);
    hanoi(n - 1, via, to, from, moves, h);
}

int
main(void)
{
    uint32_t m, n, moves = 0, h = 0;
    volatile int32_t big = 50000;

    printf("depth(%d)=%d\n", (int)big, (int)depth(big));
    printf("deep_frame=%08x\n", (unsigned)deep_frame(big, 1));
    for (m = 0; m <= 3; m++)
        for (n = 0; n <= 5; n++)
            printf("ack(%u,%u)=%u\n", (unsigned)m, (unsigned)n,
                   (unsigned)ack(m, n));
    printf("ack(2,300)=%u\n", (unsigned)ack(2, 300));
    printf("even(10001)=%d odd(20001)=%d even(40000)=%d\n", is_even(10001),
           is_odd(20001), is_even(40000));
    printf("fib(27)=%llu\n", (unsigned long long)fib(27));
    printf("ptr chain=%lld\n", (long long)step_a(30000, 1));
    hanoi(16, 1, 3, 2, &moves, &h);
    printf("hanoi moves=%u hash=%08x\n", (unsigned)moves, (unsigned)h);
    sink = 0;
    return 0;
}
