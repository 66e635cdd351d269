/* A chained hash table with string keys: many inserts, lookups, deletes
 * and rehashes; everything freed at the end. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    struct entry *next;
    char *key;
    int64_t value;
};

struct table {
    struct entry **slots;
    size_t nslots, count;
    size_t rehashes;
};

static uint32_t
fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s) {
        h ^= (unsigned char)*s++;
        h *= 16777619u;
    }
    return h;
}

static void *
xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        printf("out of memory\n");
        exit(1);
    }
    return p;
}

static void
grow(struct table *t)
{
    size_t n = t->nslots ? t->nslots * 2 : 8, i;
    struct entry **s = calloc(n, sizeof *s);
    if (!s) {
        printf("out of memory\n");
        exit(1);
    }
    for (i = 0; i < t->nslots; i++) {
        struct entry *e = t->slots[i];
        while (e) {
            struct entry *nx = e->next;
            size_t b = fnv1a(e->key) & (n - 1);
            e->next = s[b];
            s[b] = e;
            e = nx;
        }
    }
    free(t->slots);
    t->slots = s;
    t->nslots = n;
    t->rehashes++;
}

static struct entry *
find(struct table *t, const char *key)
{
    struct entry *e;
    if (!t->nslots)
        return NULL;
    for (e = t->slots[fnv1a(key) & (t->nslots - 1)]; e; e = e->next)
        if (strcmp(e->key, key) == 0)
            return e;
    return NULL;
}

static void
put(struct table *t, const char *key, int64_t v)
{
    struct entry *e = find(t, key);
    size_t b, len;
    if (e) {
        e->value = v;
        return;
    }
    if (t->count + 1 > t->nslots * 3 / 4)
        grow(t);
    e = xmalloc(sizeof *e);
    len = strlen(key) + 1;
    e->key = xmalloc(len);
    memcpy(e->key, key, len);
    e->value = v;
    b = fnv1a(key) & (t->nslots - 1);
    e->next = t->slots[b];
    t->slots[b] = e;
    t->count++;
}

static int
del(struct table *t, const char *key)
{
    struct entry **pp;
    if (!t->nslots)
        return 0;
    for (pp = &t->slots[fnv1a(key) & (t->nslots - 1)]; *pp;
         pp = &(*pp)->next)
        if (strcmp((*pp)->key, key) == 0) {
            struct entry *e = *pp;
            *pp = e->next;
            free(e->key);
            free(e);
            t->count--;
            return 1;
        }
    return 0;
}

int
main(void)
{
    struct table t = {NULL, 0, 0, 0};
    char key[64];
    uint32_t i, x = 7u;
    int64_t sum = 0;
    size_t found = 0, deleted = 0, longest = 0;

    for (i = 0; i < 60000; i++) {
        x = x * 1664525u + 1013904223u;
        snprintf(key, sizeof key, "key-%u-%x", (unsigned)(x % 50000u),
                 (unsigned)(x % 7u));
        put(&t, key, (int64_t)x * 3 - 1000000);
    }
    printf("count=%lu slots=%lu rehashes=%lu\n", (unsigned long)t.count,
           (unsigned long)t.nslots, (unsigned long)t.rehashes);
    for (i = 0; i < 50000; i++) {
        struct entry *e;
        snprintf(key, sizeof key, "key-%u-%x", (unsigned)i, (unsigned)(i % 7));
        e = find(&t, key);
        if (e) {
            found++;
            sum += e->value;
        }
    }
    printf("found=%lu sum=%lld\n", (unsigned long)found, (long long)sum);
    x = 7u;
    for (i = 0; i < 60000; i += 2) {
        x = x * 1664525u + 1013904223u;
        snprintf(key, sizeof key, "key-%u-%x", (unsigned)(x % 50000u),
                 (unsigned)(x % 7u));
        deleted += del(&t, key);
        x = x * 1664525u + 1013904223u;
    }
    printf("deleted=%lu count=%lu\n", (unsigned long)deleted,
           (unsigned long)t.count);
    for (i = 0; i < t.nslots; i++) {
        size_t len = 0;
        struct entry *e;
        for (e = t.slots[i]; e; e = e->next)
            len++;
        if (len > longest)
            longest = len;
    }
    printf("longest chain=%lu\n", (unsigned long)longest);
    /* re-insert and overwrite */
    for (i = 0; i < 20000; i++) {
        snprintf(key, sizeof key, "again-%u", (unsigned)(i % 5000));
        put(&t, key, i);
    }
    {
        struct entry *e = find(&t, "again-4999");
        printf("again-4999=%lld count=%lu missing=%d\n",
               e ? (long long)e->value : -1LL, (unsigned long)t.count,
               find(&t, "no such key") == NULL);
    }
    /* free everything */
    for (i = 0; i < t.nslots; i++) {
        struct entry *e = t.slots[i];
        while (e) {
            struct entry *nx = e->next;
            free(e->key);
            free(e);
            e = nx;
        }
    }
    free(t.slots);
    printf("done\n");
    return 0;
}
