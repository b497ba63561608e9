/* Blocks forever: reads from a pipe whose only write end it holds itself.
 * Under krg this is the deadlock `krg exec` reports (every process blocked,
 * nothing pending); do not run it under qemu, it never returns. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
  int p[2];
  char c;
  if (pipe(p) != 0) return 1;
  printf("waiting on a pipe nobody writes\n");
  fflush(stdout);
  return (int)read(p[0], &c, 1);
}
