/* bintrees.c - build and walk many binary trees: malloc/free and recursion
 * (after the well-known binary-trees benchmark). */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct Node Node;
struct Node {
    Node *left, *right;
};

static Node *
make(int depth)
{
    Node *n = malloc(sizeof *n);

    if (!n) {
        fputs("out of memory\n", stderr);
        exit(1);
    }
    if (depth > 0) {
        n->left = make(depth - 1);
        n->right = make(depth - 1);
    } else {
        n->left = n->right = NULL;
    }
    return n;
}

static uint32_t
check(const Node *n)
{
    return n->left ? 1 + check(n->left) + check(n->right) : 1;
}

static void
release(Node *n)
{
    if (n->left) {
        release(n->left);
        release(n->right);
    }
    free(n);
}

int
main(void)
{
    const int max_depth = 17;
    Node *longlived = make(max_depth);
    uint64_t total = 0;
    int d;

    for (d = 4; d <= max_depth; d += 2) {
        int iters = 1 << (max_depth - d + 4), i;
        uint32_t sum = 0;
        for (i = 0; i < iters; i++) {
            Node *t = make(d);
            sum += check(t);
            release(t);
        }
        printf("%d trees of depth %d check %u\n", iters, d, (unsigned)sum);
        total += sum;
    }
    printf("long lived tree of depth %d check %u; total %llu\n", max_depth,
           (unsigned)check(longlived), (unsigned long long)total);
    release(longlived);
    return 0;
}
