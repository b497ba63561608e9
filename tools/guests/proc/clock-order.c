/* Time as processes see it across a pipe: a reader blocked on a pipe must
 * never observe a clock earlier than the writer's reading just before its
 * write, and each process's CLOCK_MONOTONIC never goes back. The writer makes
 * many cheap calls (getpid, clock_gettime) between writes, so a kernel that
 * batches their cost must still order the write after them. Also checks
 * clock_getres, gettimeofday against CLOCK_REALTIME, nanosleep's minimum
 * duration and CLOCK_PROCESS_CPUTIME_ID's progress. Prints PASS/FAIL lines
 * without raw times; exits with the number of failures. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 200

static int64_t now_ns(clockid_t clock) {
  struct timespec ts;
  if (clock_gettime(clock, &ts) != 0) return -1;
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int failures;

static void check(int ok, const char *what) {
  printf("%s %s\n", ok ? "PASS" : "FAIL", what);
  if (!ok) failures++;
}

int main(void) {
  int to_child[2], to_parent[2];
  if (pipe(to_child) != 0 || pipe(to_parent) != 0) return 100;
  pid_t pid = fork();
  if (pid < 0) return 101;
  if (pid == 0) {
    close(to_child[1]);
    close(to_parent[0]);
    int64_t last = 0, stamp;
    int early = 0, back = 0, got = 0;
    while (read(to_child[0], &stamp, sizeof stamp) == (ssize_t)sizeof stamp) {
      int64_t seen = now_ns(CLOCK_MONOTONIC);
      if (seen < stamp) early++;
      if (seen < last) back++;
      last = seen;
      got++;
      /* Answer with our own reading: the parent checks the other direction. */
      if (write(to_parent[1], &seen, sizeof seen) != (ssize_t)sizeof seen) return 102;
    }
    printf("child: messages=%d read-before-write=%d clock-back=%d\n", got, early, back);
    return early + back != 0;
  }
  close(to_child[0]);
  close(to_parent[1]);
  int early = 0, back = 0;
  int64_t last = 0;
  for (int i = 0; i < ROUNDS; i++) {
    /* A burst of calls that return at once, then the write. */
    int64_t t = 0;
    for (int k = 0; k < 1 + i % 17; k++) {
      getpid();
      t = now_ns(CLOCK_MONOTONIC);
      if (t < last) back++;
      last = t;
    }
    if (write(to_child[1], &t, sizeof t) != (ssize_t)sizeof t) return 103;
    int64_t answer;
    if (read(to_parent[0], &answer, sizeof answer) != (ssize_t)sizeof answer) return 104;
    int64_t after = now_ns(CLOCK_MONOTONIC);
    if (after < answer) early++;
    if (after < last) back++;
    last = after;
  }
  close(to_child[1]);
  int status;
  if (waitpid(pid, &status, 0) != pid) return 105;
  check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child saw no time before the writer's");
  check(early == 0, "parent saw no time before the child's answer");
  check(back == 0, "parent's CLOCK_MONOTONIC never went back");

  struct timespec res;
  check(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0 &&
            res.tv_nsec <= 1000000,
        "clock_getres(CLOCK_MONOTONIC) is at most 1 ms");
  struct timeval tv;
  int64_t before = now_ns(CLOCK_REALTIME);
  gettimeofday(&tv, NULL);
  int64_t tv_ns = (int64_t)tv.tv_sec * 1000000000 + (int64_t)tv.tv_usec * 1000;
  int64_t after = now_ns(CLOCK_REALTIME);
  check(before / 1000 * 1000 <= tv_ns && tv_ns <= after, "gettimeofday lies between two CLOCK_REALTIME readings");

  int64_t start = now_ns(CLOCK_MONOTONIC);
  struct timespec nap = {0, 2000000};
  nanosleep(&nap, NULL);
  check(now_ns(CLOCK_MONOTONIC) - start >= 2000000, "nanosleep(2 ms) lasts at least 2 ms");

  int64_t cpu0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
  volatile uint64_t x = 1;
  for (int i = 0; i < 200000; i++) x = x * 6364136223846793005ULL + 1;
  int64_t cpu1 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
  check(cpu1 > cpu0, "CLOCK_PROCESS_CPUTIME_ID advances while computing");
  printf("failures=%d\n", failures);
  return failures;
}
