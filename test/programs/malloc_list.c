/* malloc-heavy work: singly and doubly linked lists, thousands of small
 * allocations of varied sizes, realloc growth, calloc, freeing everything. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
    struct node *next;
    uint32_t value;
    char tag[12];
};

struct dnode {
    struct dnode *prev, *next;
    int key;
};

static uint32_t seed = 12345u;

static uint32_t
rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) & 0xffffffu;
}

static struct node *
push(struct node *head, uint32_t v)
{
    struct node *n = malloc(sizeof *n);
    if (!n) {
        printf("out of memory\n");
        exit(1);
    }
    n->next = head;
    n->value = v;
    snprintf(n->tag, sizeof n->tag, "n%u", (unsigned)(v % 100000u));
    return n;
}

static struct node *
reverse(struct node *h)
{
    struct node *prev = NULL;
    while (h) {
        struct node *nx = h->next;
        h->next = prev;
        prev = h;
        h = nx;
    }
    return prev;
}

/* merge sort for a linked list */
static struct node *
lsort(struct node *h)
{
    struct node *a, *b, *slow, *fast, head, *t;
    if (!h || !h->next)
        return h;
    slow = h;
    fast = h->next;
    while (fast && fast->next) {
        slow = slow->next;
        fast = fast->next->next;
    }
    b = slow->next;
    slow->next = NULL;
    a = lsort(h);
    b = lsort(b);
    t = &head;
    while (a && b) {
        if (a->value <= b->value) {
            t->next = a;
            a = a->next;
        } else {
            t->next = b;
            b = b->next;
        }
        t = t->next;
    }
    t->next = a ? a : b;
    return head.next;
}

int
main(void)
{
    struct node *list = NULL, *p;
    uint32_t i, sum = 0, count = 0, prev = 0;
    int sorted = 1;
    void *blocks[4000];
    size_t total = 0;

    for (i = 0; i < 20000; i++)
        list = push(list, rnd());
    list = reverse(list);
    for (p = list, i = 0; p && i < 5; p = p->next, i++)
        printf("first %u: %u %s\n", (unsigned)i, (unsigned)p->value, p->tag);
    list = lsort(list);
    for (p = list; p; p = p->next) {
        if (p->value < prev)
            sorted = 0;
        prev = p->value;
        sum = sum * 31u + p->value;
        count++;
    }
    printf("sorted=%d count=%u hash=%08x min=%u max=%u\n", sorted,
           (unsigned)count, (unsigned)sum, (unsigned)list->value,
           (unsigned)prev);
    /* delete every third node */
    {
        struct node **pp = &list;
        i = 0;
        while (*pp) {
            if (i++ % 3 == 0) {
                struct node *d = *pp;
                *pp = d->next;
                free(d);
            } else {
                pp = &(*pp)->next;
            }
        }
        for (count = 0, p = list; p; p = p->next)
            count++;
        printf("after delete: %u\n", (unsigned)count);
    }
    while (list) {
        p = list->next;
        free(list);
        list = p;
    }

    /* doubly linked ring with insertions and removals */
    {
        struct dnode ring, *d;
        int k, removed = 0;
        long long ksum = 0;
        ring.prev = ring.next = &ring;
        for (k = 0; k < 10000; k++) {
            d = malloc(sizeof *d);
            d->key = k;
            if (k % 2) { /* append */
                d->prev = ring.prev;
                d->next = &ring;
            } else { /* prepend */
                d->prev = &ring;
                d->next = ring.next;
            }
            d->prev->next = d;
            d->next->prev = d;
        }
        for (d = ring.next; d != &ring;) {
            struct dnode *nx = d->next;
            if (d->key % 7 == 0) {
                d->prev->next = d->next;
                d->next->prev = d->prev;
                free(d);
                removed++;
            }
            d = nx;
        }
        for (d = ring.next, k = 0; d != &ring; d = d->next, k++)
            ksum += (long long)d->key * (k + 1);
        printf("ring: removed=%d left=%d weighted=%lld first=%d last=%d\n",
               removed, k, ksum, ring.next->key, ring.prev->key);
        for (d = ring.next; d != &ring;) {
            struct dnode *nx = d->next;
            free(d);
            d = nx;
        }
    }

    /* many blocks of varied sizes, freed in a scrambled order, thrice */
    {
        int round;
        uint32_t chk = 0;
        for (round = 0; round < 3; round++) {
            for (i = 0; i < 4000; i++) {
                size_t sz = 1 + rnd() % (i % 50 == 0 ? 20000 : 200);
                unsigned char *b = malloc(sz);
                if (!b) {
                    printf("malloc failed\n");
                    return 1;
                }
                memset(b, (int)(i & 0xff), sz);
                b[sz - 1] = (unsigned char)(sz & 0xff);
                blocks[i] = b;
                total += sz;
            }
            for (i = 0; i < 4000; i++) {
                uint32_t j = (i * 2654435761u) % 4000u;
                unsigned char *b = blocks[j];
                chk = chk * 33u + b[0];
            }
            for (i = 0; i < 4000; i += 2)
                free(blocks[i]);
            for (i = 1; i < 4000; i += 2)
                free(blocks[i]);
        }
        printf("blocks: total=%lu chk=%08x\n", (unsigned long)total,
               (unsigned)chk);
    }

    /* realloc growth keeps the contents */
    {
        uint32_t *arr = NULL;
        size_t cap = 0, len = 0;
        uint32_t h = 0;
        for (i = 0; i < 300000; i++) {
            if (len == cap) {
                cap = cap ? cap * 2 : 4;
                arr = realloc(arr, cap * sizeof *arr);
                if (!arr) {
                    printf("realloc failed\n");
                    return 1;
                }
            }
            arr[len++] = i * 7u;
        }
        for (i = 0; i < len; i++)
            if (arr[i] != i * 7u)
                h++;
        printf("realloc: len=%lu cap=%lu bad=%u\n", (unsigned long)len,
               (unsigned long)cap, (unsigned)h);
        arr = realloc(arr, 10 * sizeof *arr);
        printf("shrunk: %u %u\n", (unsigned)arr[0], (unsigned)arr[9]);
        free(arr);
    }

    /* calloc is zeroed; strdup; free(NULL) */
    {
        unsigned char *z = calloc(100000, 1);
        uint32_t nz = 0;
        char *s;
        for (i = 0; i < 100000; i++)
            nz += z[i] != 0;
        free(z);
        s = strdup("duplicated string");
        printf("calloc nonzero=%u strdup=%s\n", (unsigned)nz, s);
        free(s);
        free(NULL);
    }
    return 0;
}
