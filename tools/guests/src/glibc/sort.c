/* qsort of a pseudo-random array (malloc'd, so brk/mmap are exercised),
 * then a few elements and a checksum of the sorted order. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int compare(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

int main(void) {
  enum { COUNT = 20000 };
  int64_t *items = malloc(COUNT * sizeof *items);
  if (!items) return 1;
  uint64_t state = 0x853c49e6748fea9bULL;
  for (int i = 0; i < COUNT; i++) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    items[i] = (int64_t)(state >> 11) - (1LL << 52);
  }
  qsort(items, COUNT, sizeof *items, compare);
  uint64_t sum = 0;
  for (int i = 0; i < COUNT; i++) {
    if (i > 0 && items[i - 1] > items[i]) {
      printf("not sorted at %d\n", i);
      return 2;
    }
    sum = sum * 31 + (uint64_t)items[i];
  }
  printf("first %ld\nmiddle %ld\nlast %ld\nsum %016lx\n", (long)items[0], (long)items[COUNT / 2],
         (long)items[COUNT - 1], (unsigned long)sum);
  free(items);
  return 0;
}
