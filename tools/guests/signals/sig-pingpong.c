/* Handler ping-pong between a parent and its child: each round the parent
 * sends SIGUSR1 with sigqueue (the round number as the value), the child's
 * SA_SIGINFO handler checks the value and answers SIGUSR2 with the round
 * times 3; each side waits with sigsuspend, with both signals blocked
 * outside it, so no signal is lost. Both sides keep a checksum of every
 * value they received and print it; the child exits with its round count. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static volatile int value, from_peer;
static volatile pid_t peer;

static void on_sig(int sig, siginfo_t *si, void *uc) {
  (void)sig;
  (void)uc;
  value = si->si_value.sival_int;
  from_peer = si->si_pid == peer && si->si_code == SI_QUEUE;
  got = 1;
}

static unsigned long mix(unsigned long h, int v) { return (h ^ (unsigned)v) * 1099511628211UL; }

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 200;
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sig;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGUSR2, &sa, NULL);
  sigset_t both, wait_mask;
  sigemptyset(&both);
  sigaddset(&both, SIGUSR1);
  sigaddset(&both, SIGUSR2);
  sigprocmask(SIG_BLOCK, &both, &wait_mask);

  pid_t parent = getpid();
  pid_t child = fork();
  if (child == 0) {
    peer = parent;
    unsigned long h = 14695981039346656037UL;
    int bad = 0, n = 0;
    for (;;) {
      while (!got) sigsuspend(&wait_mask);
      got = 0;
      if (value < 0) break;
      bad += !from_peer || value != n + 1;
      h = mix(h, value);
      n++;
      union sigval v = {.sival_int = value * 3};
      sigqueue(parent, SIGUSR2, v);
    }
    printf("child: rounds=%d bad=%d checksum=%016lx\n", n, bad, h);
    _exit(n & 0xff);
  }
  peer = child;
  unsigned long h = 14695981039346656037UL;
  int bad = 0;
  for (int r = 1; r <= rounds; r++) {
    union sigval v = {.sival_int = r};
    sigqueue(child, SIGUSR1, v);
    while (!got) sigsuspend(&wait_mask);
    got = 0;
    bad += !from_peer || value != r * 3;
    h = mix(h, value);
  }
  union sigval stop = {.sival_int = -1};
  sigqueue(child, SIGUSR1, stop);
  int st;
  waitpid(child, &st, 0);
  printf("parent: rounds=%d bad=%d checksum=%016lx child exit=%d\n", rounds, bad, h,
         WEXITSTATUS(st));
  return 0;
}
