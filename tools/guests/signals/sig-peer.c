/* Two processes that are not parent and child, for running on two nodes
 * (started through the Cluster API): `sig-peer serve N` takes N SIGUSR1s
 * with sigwaitinfo and answers each sender with sigqueue(SIGUSR2, value*3);
 * `sig-peer ask PID N` sends N sigqueue(SIGUSR1, round) to PID and waits for
 * each answer. Both print how many values they got, how many were wrong and
 * a checksum of them, so a run on two nodes can be compared with a run on one. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned long mix(unsigned long h, int v) { return (h ^ (unsigned)v) * 1099511628211UL; }

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGUSR2);
  sigprocmask(SIG_BLOCK, &set, NULL);
  unsigned long h = 14695981039346656037UL;
  int bad = 0;
  siginfo_t si;
  if (strcmp(argv[1], "serve") == 0) {
    int n = atoi(argv[2]);
    for (int r = 1; r <= n; r++) {
      if (sigwaitinfo(&set, &si) != SIGUSR1 || si.si_code != SI_QUEUE) bad++;
      bad += si.si_value.sival_int != r;
      h = mix(h, si.si_value.sival_int);
      union sigval v = {.sival_int = si.si_value.sival_int * 3};
      sigqueue(si.si_pid, SIGUSR2, v);
    }
    printf("serve: rounds=%d bad=%d checksum=%016lx\n", n, bad, h);
    return 0;
  }
  pid_t peer = atoi(argv[2]);
  int n = atoi(argv[3]);
  for (int r = 1; r <= n; r++) {
    union sigval v = {.sival_int = r};
    if (sigqueue(peer, SIGUSR1, v) != 0) bad++;
    if (sigwaitinfo(&set, &si) != SIGUSR2 || si.si_pid != peer) bad++;
    bad += si.si_value.sival_int != r * 3;
    h = mix(h, si.si_value.sival_int);
  }
  printf("ask: rounds=%d bad=%d checksum=%016lx\n", n, bad, h);
  return 0;
}
