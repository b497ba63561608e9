/* One process whose state is mostly signals, for checkpoint/restart at
 * random instructions: handlers on an alternate stack doing FP work (so a
 * freeze often lands inside a handler), a periodic ITIMER_REAL waited for
 * with sigsuspend (a freeze there saves the mask sigsuspend replaced),
 * real-time signals queued with values while blocked, a standard signal
 * pending across the whole run. Prints a summary that does not depend on
 * timing. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static volatile sig_atomic_t alarms;
static volatile double acc;
static volatile int on_alt_count;
static volatile int rt_order[8], rt_count;
static char *alt;
static const size_t alt_size = 32 * 1024;

static void on_alrm(int sig) {
  (void)sig;
  char local;
  on_alt_count += (uintptr_t)&local >= (uintptr_t)alt && (uintptr_t)&local < (uintptr_t)alt + alt_size;
  double x = acc;
  for (int i = 1; i <= 3000; i++) x = x * 0.999 + 1.0 / (double)(i + alarms);
  acc = x;
  alarms++;
}

static void on_rt(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  if (rt_count < 8) rt_order[rt_count++] = (sig - SIGRTMIN) * 100 + si->si_value.sival_int;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  alt = malloc(alt_size);
  stack_t ss = {.ss_sp = alt, .ss_size = alt_size, .ss_flags = 0};
  sigaltstack(&ss, NULL);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alrm;
  sa.sa_flags = SA_ONSTACK | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGALRM, &sa, NULL);
  sa.sa_sigaction = on_rt;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGRTMIN, &sa, NULL);
  sigaction(SIGRTMIN + 2, &sa, NULL);

  sigset_t block, wait_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGALRM);
  sigaddset(&block, SIGRTMIN);
  sigaddset(&block, SIGRTMIN + 2);
  sigaddset(&block, SIGUSR2);
  sigprocmask(SIG_BLOCK, &block, &wait_mask);
  sigaddset(&wait_mask, SIGRTMIN);
  sigaddset(&wait_mask, SIGRTMIN + 2);
  sigaddset(&wait_mask, SIGUSR2);
  raise(SIGUSR2); /* stays pending (blocked) for the whole run */
  for (int i = 1; i <= 3; i++) {
    union sigval v = {.sival_int = i};
    sigqueue(getpid(), SIGRTMIN + 2, v);
    v.sival_int = 10 + i;
    sigqueue(getpid(), SIGRTMIN, v);
  }
  struct itimerval it = {{0, 3000}, {0, 3000}};
  setitimer(ITIMER_REAL, &it, NULL);
  while (alarms < 8) sigsuspend(&wait_mask);
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  sigset_t rt;
  sigemptyset(&rt);
  sigaddset(&rt, SIGRTMIN);
  sigaddset(&rt, SIGRTMIN + 2);
  sigprocmask(SIG_UNBLOCK, &rt, NULL);
  sigset_t pend;
  sigpending(&pend);
  printf("alarms=%d on-alt=%d acc=%.9f\n", (int)alarms, (int)on_alt_count, acc);
  printf("rt:");
  for (int i = 0; i < rt_count; i++) printf(" %d", rt_order[i]);
  printf("\nUSR2 still pending=%d\n", sigismember(&pend, SIGUSR2));
  return 0;
}
