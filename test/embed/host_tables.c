/*
 * host_tables.c - exported tables through the embedding API
 * (test_embed.py): tables_table_size, _get and _set on the funcref table
 * "funcs", checked by calling through it with call_at, and on the
 * externref table "things", whose entries come back through thing_at.
 * Prints "ok" and exits 0, or prints the first check that failed and
 * exits 1.
 *   cc -std=c99 host_tables.c libtables.a
 */
#include <stdio.h>
#include <stdlib.h>

#include "tables.h"

#define CHECK(cond)                                                         \
    do {                                                                    \
        if (!(cond)) {                                                      \
            printf("failed at line %d: %s\n", __LINE__, #cond);            \
            exit(1);                                                        \
        }                                                                   \
    } while (0)

/* call_at(i): its status, and its result in *r. */
static w2c_status
call_at(tables_instance *inst, uint32_t i, uint32_t *r)
{
    *r = 0;
    return tables_call_at(inst, i, r);
}

int
main(void)
{
    tables_instance *inst = tables_new(NULL, NULL);
    tables_table *funcs, *things;
    void *seven, *eleven, *wrong, *got;
    int host_a, host_b;
    uint32_t r;

    CHECK(inst != NULL);
    funcs = tables_table_funcs(inst);
    things = tables_table_things(inst);
    CHECK(funcs != NULL && things != NULL);
    /* before start: no entries */
    CHECK(tables_table_size(funcs) == 0 && tables_table_get(funcs, 0) == NULL);
    CHECK(tables_table_set(funcs, 0, NULL) == W2C_ERROR);
    CHECK(tables_start(inst) == W2C_OK);

    /* what the element segment wrote */
    CHECK(tables_table_size(funcs) == 4 && tables_table_size(things) == 2);
    seven = tables_table_get(funcs, 0);
    eleven = tables_table_get(funcs, 1);
    wrong = tables_table_get(funcs, 2);
    CHECK(seven != NULL && eleven != NULL && wrong != NULL);
    CHECK(seven != eleven && tables_table_get(funcs, 3) == NULL);
    CHECK(tables_table_get(funcs, 4) == NULL);
    CHECK(call_at(inst, 0, &r) == W2C_OK && r == 7);
    CHECK(call_at(inst, 1, &r) == W2C_OK && r == 11);
    CHECK(call_at(inst, 2, &r) == W2C_TRAP_INDIRECT_CALL_TYPE);
    CHECK(call_at(inst, 3, &r) == W2C_TRAP_UNINITIALIZED_ELEMENT);
    CHECK(call_at(inst, 4, &r) == W2C_TRAP_UNDEFINED_ELEMENT);

    /* the host moves references around; calls follow */
    CHECK(tables_table_set(funcs, 3, seven) == W2C_OK);
    CHECK(tables_table_set(funcs, 0, eleven) == W2C_OK);
    CHECK(tables_table_get(funcs, 0) == eleven);
    CHECK(call_at(inst, 0, &r) == W2C_OK && r == 11);
    CHECK(call_at(inst, 3, &r) == W2C_OK && r == 7);
    CHECK(tables_table_set(funcs, 1, wrong) == W2C_OK);
    CHECK(call_at(inst, 1, &r) == W2C_TRAP_INDIRECT_CALL_TYPE);
    CHECK(tables_table_set(funcs, 3, NULL) == W2C_OK);
    CHECK(tables_table_get(funcs, 3) == NULL);
    CHECK(call_at(inst, 3, &r) == W2C_TRAP_UNINITIALIZED_ELEMENT);
    CHECK(tables_table_set(funcs, 4, seven) == W2C_ERROR);

    /* the module grows the table; the handle stays good */
    CHECK(tables_grow_funcs(inst, 2, &r) == W2C_OK && r == 4);
    CHECK(tables_table_size(funcs) == 6 && tables_table_get(funcs, 5) == NULL);
    CHECK(tables_table_set(funcs, 5, seven) == W2C_OK);
    CHECK(call_at(inst, 5, &r) == W2C_OK && r == 7);
    CHECK(call_at(inst, 0, &r) == W2C_OK && r == 11);

    /* externref: the host's pointers, handed back as they are */
    CHECK(tables_table_get(things, 0) == NULL);
    CHECK(tables_table_set(things, 0, &host_a) == W2C_OK);
    CHECK(tables_table_set(things, 1, &host_b) == W2C_OK);
    CHECK(tables_table_set(things, 2, &host_a) == W2C_ERROR);
    got = NULL;
    CHECK(tables_thing_at(inst, 1, &got) == W2C_OK && got == &host_b);
    CHECK(tables_thing_at(inst, 0, &got) == W2C_OK && got == &host_a);
    CHECK(tables_thing_at(inst, 2, &got) == W2C_TRAP_TABLE_OUT_OF_BOUNDS);
    tables_free(inst);
    printf("ok\n");
    return 0;
}
