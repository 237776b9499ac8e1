/*
 * check.h - the assertion of the unit tests: counts passes and failures,
 * prints "FAIL file:line: message" for a failure; each test ends with
 * printf("%d passed, %d failed\n", passed, failed).
 */
#ifndef PL_CHECK_H
#define PL_CHECK_H

#include <stdio.h>

static int passed, failed;

#define CHECK(cond, ...)                            \
  do {                                              \
    if (cond) {                                     \
      passed++;                                     \
    } else {                                        \
      failed++;                                     \
      printf("FAIL %s:%d: ", __FILE__, __LINE__);   \
      printf(__VA_ARGS__);                          \
      printf("\n");                                 \
    }                                               \
  } while (0)

#endif
