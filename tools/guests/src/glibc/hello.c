/* The smallest glibc program: one line through stdio. */
#include <stdio.h>

int main(void) {
  puts("hello from riscv64");
  return 0;
}
