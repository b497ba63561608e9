/* printf of integers in every common format, width and sign. */
#include <inttypes.h>
#include <stdio.h>

int main(int argc, char **argv) {
  static const int64_t values[] = {0, 1, -1, 42, -42, 2147483647, -2147483647 - 1,
                                   4294967295LL, INT64_MAX, INT64_MIN, 1234567890123LL};
  for (unsigned i = 0; i < sizeof values / sizeof values[0]; i++) {
    int64_t v = values[i];
    printf("%d|%ld|%lu|%lx|%lX|%lo|%+ld|%20ld|%-20ld|%020ld|%#lx|%hd|%hhu\n", (int)v, (long)v,
           (unsigned long)v, (unsigned long)v, (unsigned long)v, (unsigned long)v, (long)v, (long)v,
           (long)v, (long)v, (unsigned long)v, (short)v, (unsigned char)v);
  }
  printf("argc=%d argv0-len=%zu\n", argc, argc > 0 ? (size_t)0 + (argv[0] != 0) : 0);
  return 3;
}
