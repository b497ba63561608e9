/* A syscall-heavy loop for the kernel benchmark: N rounds of cheap system
 * calls (getppid, getuid, clock_gettime, sched_yield-free), checking each
 * answer, then one line with the count. N is argv[1] (default 100000). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(int argc, char **argv) {
  long rounds = argc > 1 ? atol(argv[1]) : 100000;
  long calls = 0, bad = 0;
  pid_t parent = getppid();
  struct timespec last = {0, 0}, now;
  for (long i = 0; i < rounds; i++) {
    if (syscall(SYS_getppid) != parent) bad++;
    if (syscall(SYS_getuid) < 0) bad++;
    if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &now) != 0) bad++;
    if (now.tv_sec < last.tv_sec || (now.tv_sec == last.tv_sec && now.tv_nsec < last.tv_nsec)) bad++;
    last = now;
    calls += 3;
  }
  printf("syscalls=%ld bad=%ld\n", calls, bad);
  return bad != 0;
}
