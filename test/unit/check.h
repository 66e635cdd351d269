/*
 * check.h - CHECK for the standalone unit tests: a condition that does not
 * hold is reported with its file and line and counted in `failures`, and
 * the test carries on; main returns failures != 0.
 */
#ifndef W2C_UNIT_CHECK_H
#define W2C_UNIT_CHECK_H

#include <stdio.h>

static int failures;

#define CHECK(cond)                                                         \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,          \
                    __LINE__, #cond);                                       \
            failures++;                                                     \
        }                                                                   \
    } while (0)

#endif
