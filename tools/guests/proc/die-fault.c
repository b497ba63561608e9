/* Dies by a CPU fault chosen by argv[1]: "segv" (store to an unmapped
 * address), "ill" (an illegal instruction), "fpe-free" (integer division by
 * zero, which on RISC-V does NOT trap: it prints the architectural result),
 * "bus" is not produced by riscv64 Linux user space for misaligned accesses,
 * so it is left out. With "child" as argv[2] the fault happens in a child and
 * the parent prints the wait status. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile long zero = 0;
static volatile int *volatile bad_pointer = (int *)16;

static void fault(const char *kind) {
  if (strcmp(kind, "segv") == 0) {
    *bad_pointer = 1;
  } else if (strcmp(kind, "ill") == 0) {
    __asm__ volatile(".word 0x00000000");
  } else if (strcmp(kind, "fpe-free") == 0) {
    long q = 42 / zero, r = 42 % zero;
    printf("42/0=%ld 42%%0=%ld\n", q, r);
  }
}

int main(int argc, char **argv) {
  const char *kind = argc > 1 ? argv[1] : "segv";
  if (argc > 2 && strcmp(argv[2], "child") == 0) {
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
      fault(kind);
      fflush(stdout);
      _exit(0);
    }
    int status;
    waitpid(c, &status, 0);
    if (WIFSIGNALED(status))
      printf("child %s: signaled sig=%d core=%d\n", kind, WTERMSIG(status), WCOREDUMP(status) ? 1 : 0);
    else
      printf("child %s: exited %d\n", kind, WEXITSTATUS(status));
    return 0;
  }
  printf("faulting: %s\n", kind);
  fflush(stdout);
  fault(kind);
  return 0;
}
