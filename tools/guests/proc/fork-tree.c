/* Builds a tree of processes: each level forks two children until DEPTH.
 * Every process exits with a code derived from its position, and every
 * parent reaps its children with waitpid and checks their exit status, so a
 * wrong wait status, a lost child or a zombie left behind is visible. Output
 * is written only by the root after all children are reaped, in a fixed
 * order, so it does not depend on scheduling. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEPTH 4

/* Returns the number of processes in the subtree (including itself) as seen
 * through exit codes, or -1 on a mismatch. */
static int node(int level, int id) {
  if (level == DEPTH) return 1;
  pid_t kids[2];
  for (int k = 0; k < 2; k++) {
    kids[k] = fork();
    if (kids[k] < 0) { perror("fork"); exit(100); }
    if (kids[k] == 0) {
      int n = node(level + 1, id * 2 + k);
      _exit(n < 0 ? 101 : n);
    }
  }
  int total = 1;
  for (int k = 0; k < 2; k++) {
    int status = 0;
    pid_t got = waitpid(kids[k], &status, 0);
    if (got != kids[k] || !WIFEXITED(status) || WEXITSTATUS(status) > 100) return -1;
    total += WEXITSTATUS(status);
  }
  return total;
}

int main(void) {
  int total = node(0, 1);
  int status;
  pid_t stray = waitpid(-1, &status, WNOHANG);
  printf("processes=%d expected=%d stray=%d\n", total, (1 << (DEPTH + 1)) - 1, (int)stray);
  printf("%s\n", total == (1 << (DEPTH + 1)) - 1 && stray == -1 ? "PASS" : "FAIL");
  return total == (1 << (DEPTH + 1)) - 1 ? 0 : 1;
}
