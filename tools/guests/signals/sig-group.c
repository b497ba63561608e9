/* A process group spread over nodes (processes started through the Cluster
 * API on chosen nodes, then joined with setpgid):
 *   sig-group lead N          the leader: waits for N members to report in
 *                             (sigqueue SIGRTMIN+1), kills its own group with
 *                             SIGUSR1 (itself included, last), collects every
 *                             member's acknowledgement (SIGRTMIN+2), kills the
 *                             group with SIGTERM (blocked for itself) and waits
 *                             until every member is gone (kill(pid, 0) ESRCH).
 *   sig-group member LEADER I joins LEADER's group, reports in, waits for the
 *                             leader's SIGUSR1, acknowledges it, waits to die.
 *   sig-group count [LEADER]  joins LEADER's group (if given), counts SIGUSR1
 *                             and SIGUSR2 in handlers until SIGTERM, prints the
 *                             counts.
 *   sig-group limits PID PGID prlimit64 on PID (set and read back RLIMIT_NOFILE,
 *                             a bad resource), getpriority of group PGID, of a
 *                             group nobody is in and of the caller's user.
 *   sig-group adopt LEADER    forks a counter that joins LEADER's group: the
 *                             forking process, in another group of the same
 *                             session, keeps that group from being orphaned.
 *   sig-group nice PID PGID   setpriority/getpriority of PID, of group PGID, of
 *                             the caller's user (only under a krg init).
 *   sig-group queue N         RLIMIT_SIGPENDING N: sigqueue to itself until
 *                             refused (EAGAIN), then a kill of another RT
 *                             signal (delivered without its sender).
 *   sig-group send PID SIG    kill(PID, SIG) once and prints the result. PID −1
 *                             (every process) only under a krg cluster's init
 *                             (parent pid 1), never on a host.
 * Nothing printed depends on pids or on where each process runs, so a spread
 * run prints what a one-node run prints. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define JOIN (SIGRTMIN + 1)
#define ACK (SIGRTMIN + 2)
#define MEMBERS_MAX 64

static const char *err(int e) {
  switch (e) {
  case 0: return "0";
  case ESRCH: return "ESRCH";
  case EPERM: return "EPERM";
  case EINVAL: return "EINVAL";
  case EAGAIN: return "EAGAIN";
  default: return "other";
  }
}

static int lead(int n) {
  if (n < 1 || n > MEMBERS_MAX) return 2;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, JOIN);
  sigaddset(&set, ACK);
  sigprocmask(SIG_BLOCK, &set, NULL);
  pid_t members[MEMBERS_MAX];
  int seen[MEMBERS_MAX] = {0};
  int bad = 0, joined = 0, acks = 0, self = 0;
  long sum = 0;
  siginfo_t si;
  sigset_t join;
  sigemptyset(&join);
  sigaddset(&join, JOIN);
  while (joined < n) {
    if (sigwaitinfo(&join, &si) != JOIN || si.si_code != SI_QUEUE) { bad++; continue; }
    int i = si.si_value.sival_int;
    if (i < 0 || i >= n || seen[i]) { bad++; continue; }
    seen[i] = 1;
    members[i] = si.si_pid;
    joined++;
  }
  int probe = kill(0, 0) == 0 ? 0 : errno;
  int killed = kill(0, SIGUSR1) == 0 ? 0 : errno;
  sigset_t wait;
  sigemptyset(&wait);
  sigaddset(&wait, SIGUSR1);
  sigaddset(&wait, ACK);
  while (acks < n || !self) {
    int sig = sigwaitinfo(&wait, &si);
    if (sig == SIGUSR1) {
      if (si.si_pid != getpid() || si.si_code != SI_USER || self) bad++;
      self = 1;
    } else if (sig == ACK) {
      int i = si.si_value.sival_int - 1000;
      if (i < 0 || i >= n || si.si_pid != members[i] || seen[i] != 1) bad++;
      else seen[i] = 2;
      sum += si.si_value.sival_int;
      acks++;
    } else bad++;
  }
  int termed = kill(0, SIGTERM) == 0 ? 0 : errno;
  int gone = 0;
  for (int i = 0; i < n; i++) {
    struct timespec ms = {0, 1000000};
    for (int t = 0; t < 10000 && kill(members[i], 0) == 0; t++) nanosleep(&ms, NULL);
    if (kill(members[i], 0) != 0 && errno == ESRCH) gone++;
  }
  /* A member's pid names no group (they all joined the leader's). */
  int nogroup = kill(-members[0], 0) == 0 ? 0 : errno;
  printf("lead: members=%d joined=%d probe=%s usr1=%s acks=%d self=%d sum=%ld term=%s gone=%d "
         "nogroup=%s bad=%d\n",
         n, joined, err(probe), err(killed), acks, self, sum, err(termed), gone, err(nogroup), bad);
  return 0;
}

static int member(pid_t leader, int index) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, NULL);
  int joined = setpgid(0, leader) == 0 ? 0 : errno;
  int same = getpgrp() == leader;
  union sigval v = {.sival_int = index};
  if (sigqueue(leader, JOIN, v) != 0) return 3;
  siginfo_t si;
  int sig = sigwaitinfo(&set, &si);
  int from = sig == SIGUSR1 && si.si_pid == leader && si.si_code == SI_USER;
  printf("member: setpgid=%s in-group=%d usr1-from-leader=%d\n", err(joined), same, from);
  fflush(stdout);
  v.sival_int = 1000 + index;
  if (sigqueue(leader, ACK, v) != 0) return 4;
  for (;;) pause(); /* SIGTERM's default action ends it */
}

static volatile sig_atomic_t usr1, usr2, done;
static void on_signal(int sig) {
  if (sig == SIGUSR1) usr1++;
  else if (sig == SIGUSR2) usr2++;
  else done = 1;
}

static int count(pid_t leader) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGUSR2, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGUSR2);
  sigaddset(&set, SIGTERM);
  sigprocmask(SIG_BLOCK, &set, &old);
  int joined = leader > 0 ? (setpgid(0, leader) == 0 ? 0 : errno) : 0;
  while (!done) sigsuspend(&old);
  printf("count: setpgid=%s usr1=%d usr2=%d\n", err(joined), (int)usr1, (int)usr2);
  return 0;
}

static int adopt(pid_t leader) {
  pid_t c = fork();
  if (c == 0) return count(leader);
  int st;
  if (waitpid(c, &st, 0) != c) return 3;
  printf("adopt: child %s\n", WIFEXITED(st) ? "exited" : "killed");
  return 0;
}

static int nice_mode(pid_t pid, pid_t pgid) {
  /* PRIO_USER renices every process of the user: never on a host. */
  if (getppid() != 1) {
    printf("nice: only runs under a krg cluster's init\n");
    return 2;
  }
  int process = setpriority(PRIO_PROCESS, pid, 5) == 0 ? 0 : errno;
  errno = 0;
  int process_now = getpriority(PRIO_PROCESS, pid);
  int group = setpriority(PRIO_PGRP, pgid, 7) == 0 ? 0 : errno;
  errno = 0;
  int group_now = getpriority(PRIO_PGRP, pgid);
  int nobody = setpriority(PRIO_PROCESS, 0x7ffffff0, 1) == 0 ? 0 : errno;
  int bad = setpriority(9, 0, 1) == 0 ? 0 : errno;
  int clamp = setpriority(PRIO_PROCESS, 0, 100) == 0 ? 0 : errno;
  errno = 0;
  int clamp_now = getpriority(PRIO_PROCESS, 0);
  int user = setpriority(PRIO_USER, 0, -3) == 0 ? 0 : errno;
  errno = 0;
  int user_now = getpriority(PRIO_USER, 0);
  int after = getpriority(PRIO_PROCESS, pid);
  printf("nice: process=%s now=%d group=%s now=%d no-process=%s bad-which=%s clamp=%s now=%d "
         "user=%s now=%d process-now=%d\n",
         err(process), process_now, err(group), group_now, err(nobody), err(bad), err(clamp),
         clamp_now, err(user), user_now, after);
  return 0;
}

static int queue(int limit) {
  struct rlimit r = {(rlim_t)limit, (rlim_t)limit};
  if (setrlimit(RLIMIT_SIGPENDING, &r) != 0) return 3;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGRTMIN);
  sigaddset(&set, SIGRTMIN + 1);
  sigprocmask(SIG_BLOCK, &set, NULL);
  int queued = 0, refused = 0;
  for (int i = 0; i < limit + 2; i++) {
    union sigval v = {.sival_int = i};
    if (sigqueue(getpid(), SIGRTMIN, v) == 0) queued++;
    else refused = errno;
  }
  /* kill(2) is never refused: over the limit its signal comes without its sender. */
  int killed = kill(getpid(), SIGRTMIN + 1) == 0 ? 0 : errno;
  int in_order = 1, sender = -1;
  siginfo_t si;
  for (int i = 0; i < queued; i++)
    if (sigwaitinfo(&set, &si) != SIGRTMIN || si.si_value.sival_int != i) in_order = 0;
  if (sigwaitinfo(&set, &si) == SIGRTMIN + 1) sender = si.si_pid;
  printf("queue: limit=%d queued=%d refused=%s kill=%s in-order=%d kill-sender=%d\n", limit, queued,
         err(refused), err(killed), in_order, sender);
  return 0;
}

static int send(pid_t pid, int sig) {
  if (pid == -1 && getppid() != 1) {
    printf("send: kill(-1) only runs under a krg cluster's init\n");
    return 2;
  }
  int r = kill(pid, sig) == 0 ? 0 : errno;
  printf("send: %s\n", err(r));
  return 0;
}

static int limits(pid_t pid, pid_t pgid) {
  struct rlimit next = {100, 4096}, old, now, bad;
  int set = prlimit(pid, RLIMIT_NOFILE, &next, &old) == 0 ? 0 : errno;
  int get = prlimit(pid, RLIMIT_NOFILE, NULL, &now) == 0 ? 0 : errno;
  int einval = prlimit(pid, 99, NULL, &bad) == 0 ? 0 : errno;
  int esrch = prlimit(0x7ffffff0, RLIMIT_NOFILE, NULL, &bad) == 0 ? 0 : errno;
  printf("limits: set=%s old=%lu/%lu get=%s now=%lu/%lu bad-resource=%s no-process=%s\n", err(set),
         (unsigned long)old.rlim_cur, (unsigned long)old.rlim_max, err(get),
         (unsigned long)now.rlim_cur, (unsigned long)now.rlim_max, err(einval), err(esrch));
  errno = 0;
  int group = getpriority(PRIO_PGRP, pgid);
  int group_errno = errno;
  errno = 0;
  getpriority(PRIO_PGRP, 0x7ffffff0);
  int nobody = errno;
  errno = 0;
  int user = getpriority(PRIO_USER, 0);
  int user_errno = errno;
  printf("priority: group=%d/%s empty-group=%s user=%d/%s\n", group, err(group_errno), err(nobody),
         user, err(user_errno));
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[1], "adopt") == 0) return adopt(atoi(argv[2]));
  if (argc >= 4 && strcmp(argv[1], "nice") == 0) return nice_mode(atoi(argv[2]), atoi(argv[3]));
  if (argc >= 3 && strcmp(argv[1], "queue") == 0) return queue(atoi(argv[2]));
  if (argc >= 4 && strcmp(argv[1], "limits") == 0) return limits(atoi(argv[2]), atoi(argv[3]));
  if (argc >= 3 && strcmp(argv[1], "lead") == 0) return lead(atoi(argv[2]));
  if (argc >= 4 && strcmp(argv[1], "member") == 0) return member(atoi(argv[2]), atoi(argv[3]));
  if (argc >= 2 && strcmp(argv[1], "count") == 0) return count(argc >= 3 ? atoi(argv[2]) : 0);
  if (argc >= 4 && strcmp(argv[1], "send") == 0) return send(atoi(argv[2]), atoi(argv[3]));
  fprintf(stderr, "usage: sig-group lead N | member LEADER I | count [LEADER] | adopt LEADER | "
                  "limits PID PGID | nice PID PGID | queue N | "
                  "send PID SIG\n");
  return 2;
}
