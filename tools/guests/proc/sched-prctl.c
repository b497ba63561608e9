// The scheduler and prctl questions programs ask at start-up: policy and
// priorities, the affinity mask, the task's name, resolved ids. Without
// arguments it prints what is the same on any Linux (and under qemu); with
// "details" it also prints what depends on the machine (CPU count, whether
// a real-time policy is granted, seccomp), which krg answers as one CPU per
// node, time-shared only. With "hold" it renames itself and waits for EOF
// on stdin (for ps from another node).
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SHOW(what, expr)                                                   \
  do {                                                                     \
    errno = 0;                                                             \
    long r_ = (long)(expr);                                                \
    printf("%-40s r=%ld%s%s\n", what, r_, r_ < 0 ? " errno=" : "",          \
           r_ < 0 ? strerror(errno) : "");                                 \
  } while (0)

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "hold") == 0) {
    // Renamed, then wait for stdin to close: ps elsewhere shows the new name.
    prctl(PR_SET_NAME, "renamed-task", 0, 0, 0);
    char c;
    while (read(0, &c, 1) > 0) {}
    return 0;
  }
  int details = argc > 1 && strcmp(argv[1], "details") == 0;
  struct sched_param sp = {0};
  SHOW("sched_getscheduler(0)", sched_getscheduler(0));
  SHOW("sched_getscheduler(-1)", sched_getscheduler(-1));
  SHOW("sched_getscheduler(no such pid)", sched_getscheduler(999999));
  sp.sched_priority = 42;
  SHOW("sched_getparam(0)", sched_getparam(0, &sp));
  printf("  priority=%d\n", sp.sched_priority);
  SHOW("sched_getparam(0, NULL)", syscall(SYS_sched_getparam, 0, NULL));
  const int policies[] = {SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_IDLE, 4, 77};
  for (unsigned i = 0; i < sizeof policies / sizeof policies[0]; i++) {
    char what[64];
    snprintf(what, sizeof what, "priority max/min of policy %d", policies[i]);
    errno = 0;
    int hi = sched_get_priority_max(policies[i]);
    int e1 = errno;
    int lo = sched_get_priority_min(policies[i]);
    printf("%-40s %d %d%s\n", what, hi, lo, e1 ? " EINVAL" : "");
  }
  sp.sched_priority = 0;
  SHOW("sched_setscheduler(0, OTHER, 0)", sched_setscheduler(0, SCHED_OTHER, &sp));
  sp.sched_priority = 5;
  SHOW("sched_setscheduler(0, OTHER, 5)", sched_setscheduler(0, SCHED_OTHER, &sp));
  SHOW("sched_setparam(0, 5)", sched_setparam(0, &sp));
  sp.sched_priority = 0;
  SHOW("sched_setscheduler(0, FIFO, 0)", sched_setscheduler(0, SCHED_FIFO, &sp));
  SHOW("sched_setscheduler(0, 77, 0)", sched_setscheduler(0, 77, &sp));
  SHOW("sched_setscheduler(-3, OTHER, 0)", sched_setscheduler(-3, SCHED_OTHER, &sp));

  cpu_set_t set;
  CPU_ZERO(&set);
  long n = syscall(SYS_sched_getaffinity, 0, sizeof set, &set);
  printf("sched_getaffinity: ok=%d cpu0=%d\n", n > 0 && n % 8 == 0, CPU_ISSET(0, &set));
  SHOW("sched_getaffinity(len 3)", syscall(SYS_sched_getaffinity, 0, 3, &set));
  SHOW("sched_getaffinity(no such pid)", syscall(SYS_sched_getaffinity, 999999, sizeof set, &set));
  cpu_set_t none;
  CPU_ZERO(&none);
  SHOW("sched_setaffinity(empty mask)", sched_setaffinity(0, sizeof none, &none));
  cpu_set_t zero;
  CPU_ZERO(&zero);
  CPU_SET(0, &zero);
  SHOW("sched_setaffinity({0})", sched_setaffinity(0, sizeof zero, &zero));
  struct timespec ts;
  SHOW("sched_rr_get_interval(-1)", sched_rr_get_interval(-1, &ts));

  char name[32];
  memset(name, 'x', sizeof name);
  SHOW("prctl(PR_SET_NAME, long name)", prctl(PR_SET_NAME, "a-rather-long-task-name", 0, 0, 0));
  SHOW("prctl(PR_GET_NAME)", prctl(PR_GET_NAME, name, 0, 0, 0));
  printf("  name=\"%s\" byte16=%s\n", name, name[16] == 'x' ? "untouched" : "written");
  SHOW("prctl(PR_SET_NAME, \"short\")", prctl(PR_SET_NAME, "short", 0, 0, 0));
  prctl(PR_GET_NAME, name, 0, 0, 0);
  printf("  name=\"%s\"\n", name);
  SHOW("prctl(PR_SET_NAME, bad pointer)", prctl(PR_SET_NAME, (char *)8, 0, 0, 0));
  SHOW("prctl(PR_CAPBSET_READ, 1000)", prctl(PR_CAPBSET_READ, 1000, 0, 0, 0));
  SHOW("prctl(12345)", prctl(12345, 0, 0, 0, 0));

  uid_t r, e, s;
  SHOW("getresuid", getresuid(&r, &e, &s));
  printf("  %u %u %u\n", r, e, s);
  gid_t gr, ge, gs;
  SHOW("getresgid", getresgid(&gr, &ge, &gs));
  printf("  %u %u %u\n", gr, ge, gs);
  SHOW("getresuid(bad pointer)", syscall(SYS_getresuid, (void *)8, &e, &s));
  SHOW("getgroups(-1)", syscall(SYS_getgroups, -1, NULL));

  if (details) {
    printf("details: cpus=%d\n", CPU_COUNT(&set));
    SHOW("details: sched_setscheduler(FIFO, 10)",
         (sp.sched_priority = 10, sched_setscheduler(0, SCHED_FIFO, &sp)));
    SHOW("details: sched_setscheduler(BATCH, 0)",
         (sp.sched_priority = 0, sched_setscheduler(0, SCHED_BATCH, &sp)));
    SHOW("details: sched_getscheduler(0)", sched_getscheduler(0));
    SHOW("details: prctl(PR_CAPBSET_READ, 0)", prctl(PR_CAPBSET_READ, 0, 0, 0, 0));
    SHOW("details: prctl(PR_GET_SECCOMP)", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
    SHOW("details: getgroups(0)", getgroups(0, NULL));
    SHOW("details: sched_rr_get_interval(0)", sched_rr_get_interval(0, &ts));
    printf("  %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
    SHOW("details: getcpu", sched_getcpu());
  }
  return 0;
}
