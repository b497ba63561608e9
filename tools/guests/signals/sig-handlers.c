/* Handlers as glibc programs use them, on one process: SA_SIGINFO with the
 * siginfo of kill, raise (tgkill) and sigqueue; sa_mask and the signal's own
 * blocking while the handler runs; SA_NODEFER and SA_RESETHAND; a handler
 * that raises another signal (nested frames); FP registers and fcsr kept
 * across a handler that changes them; standard signals coalesced and
 * real-time ones queued in order with their values. Prints what it saw, never
 * raw pids.
 *
 * With the argument `mask`, the first handler's sa_mask holds SIGUSR2, so the
 * SIGUSR2 it raises waits until it returns ("[h][inner]", as on Linux).
 * qemu-riscv64 7.2 does not apply sa_mask while a handler runs and prints
 * "[h[inner]]": the differential tests run without the argument. */
#define _GNU_SOURCE
#include <errno.h>
#include <fenv.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile sig_atomic_t hits;
static int seen_signo, seen_code, seen_pid_is_self, seen_uid, seen_value;
/* Volatile: handlers append to it behind the compiler's back. */
static volatile char trace[256];
static volatile size_t trace_len;

static void note(const char *s) {
  for (; *s && trace_len + 1 < sizeof trace; s++) trace[trace_len++] = *s;
}

static void trace_reset(void) {
  for (size_t i = 0; i < sizeof trace; i++) trace[i] = 0;
  trace_len = 0;
}

static int blocked_now(int sig) {
  sigset_t cur;
  sigprocmask(SIG_BLOCK, NULL, &cur);
  return sigismember(&cur, sig);
}

static void on_info(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  hits++;
  seen_signo = si->si_signo == sig ? sig : -1;
  seen_code = si->si_code;
  seen_pid_is_self = si->si_pid == getpid();
  seen_uid = (int)si->si_uid;
  seen_value = si->si_value.sival_int;
}

static void on_mask(int sig) {
  hits++;
  note("[h");
  raise(SIGUSR2); /* in sa_mask: waits until the handler returns */
  printf("  in handler: self blocked=%d, INT blocked=%d\n", blocked_now(sig), blocked_now(SIGINT));
  note("]");
}

static void on_nested_inner(int sig) {
  (void)sig;
  note("[inner]");
}

static void on_nested_outer(int sig) {
  (void)sig;
  note("[outer>");
  raise(SIGUSR2);
  note("<outer]");
}

static void on_order(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  char buf[32];
  snprintf(buf, sizeof buf, "%s%d:%d", trace_len ? " " : "", sig - SIGRTMIN, si->si_value.sival_int);
  note(buf);
}

static void on_fp(int sig) {
  (void)sig;
  volatile double clobber = 1.0;
  for (int i = 0; i < 10; i++) clobber = clobber * 3.0 + 0.5;
  fesetround(FE_UPWARD);
  feraiseexcept(FE_INEXACT | FE_OVERFLOW);
  hits++;
}

static void install(int sig, void (*h)(int), int flags, const int *mask_sigs) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = h;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  for (; mask_sigs && *mask_sigs; mask_sigs++) sigaddset(&sa.sa_mask, *mask_sigs);
  if (sigaction(sig, &sa, NULL) != 0) perror("sigaction");
}

static void install_info(int sig, void (*h)(int, siginfo_t *, void *)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = h;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  if (sigaction(sig, &sa, NULL) != 0) perror("sigaction");
}

static void report(const char *what) {
  printf("%s: hits=%d signo=%d code=%d pid=%s uid=%d\n", what, (int)hits, seen_signo, seen_code,
         seen_pid_is_self ? "self" : "other", seen_uid);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);

  /* SA_SIGINFO: kill gives SI_USER, raise (tgkill) SI_TKILL, sigqueue SI_QUEUE + value. */
  install_info(SIGUSR1, on_info);
  kill(getpid(), SIGUSR1);
  report("kill");
  raise(SIGUSR1);
  report("raise");
  union sigval v = {.sival_int = 4242};
  sigqueue(getpid(), SIGUSR1, v);
  report("sigqueue");
  printf("sigqueue value=%d\n", seen_value);

  /* sa_mask and the signal itself are blocked in the handler, restored after. */
  hits = 0;
  static const int usr2[] = {SIGUSR2, 0};
  install(SIGUSR2, on_nested_inner, 0, NULL);
  install(SIGUSR1, on_mask, 0, argc > 1 && strcmp(argv[1], "mask") == 0 ? usr2 : NULL);
  raise(SIGUSR1);
  printf("after: USR1 blocked=%d USR2 blocked=%d hits=%d order=%s\n", blocked_now(SIGUSR1),
         blocked_now(SIGUSR2), (int)hits, (const char *)trace);
  trace_reset();
  install(SIGUSR1, on_mask, SA_NODEFER, NULL);
  raise(SIGUSR1);

  /* SA_RESETHAND: the second delivery finds SIG_DFL (checked, not delivered). */
  install(SIGUSR1, on_mask, SA_RESETHAND, NULL);
  raise(SIGUSR1);
  printf("handlers ran: %s\n", (const char *)trace);
  trace_reset();
  struct sigaction now;
  sigaction(SIGUSR1, NULL, &now);
  printf("after SA_RESETHAND: handler is %s\n", now.sa_handler == SIG_DFL ? "SIG_DFL" : "still set");

  /* Nested: the outer handler raises USR2, whose handler runs inside it. */
  install(SIGUSR2, on_nested_inner, 0, NULL);
  install(SIGUSR1, on_nested_outer, 0, NULL);
  raise(SIGUSR1);
  printf("nested: %s\n", (const char *)trace);

  /* Standard signals coalesce while blocked; real-time ones queue in order. */
  trace_reset();
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigaddset(&block, SIGRTMIN);
  sigaddset(&block, SIGRTMIN + 1);
  sigprocmask(SIG_BLOCK, &block, &old);
  hits = 0;
  install_info(SIGUSR1, on_info);
  for (int i = 0; i < 3; i++) raise(SIGUSR1);
  install_info(SIGRTMIN, on_order);
  install_info(SIGRTMIN + 1, on_order);
  for (int i = 1; i <= 3; i++) {
    v.sival_int = i;
    sigqueue(getpid(), SIGRTMIN + 1, v);
  }
  v.sival_int = 9;
  sigqueue(getpid(), SIGRTMIN, v);
  sigset_t pend;
  sigpending(&pend);
  printf("pending: USR1=%d RTMIN=%d RTMIN+1=%d USR2=%d\n", sigismember(&pend, SIGUSR1),
         sigismember(&pend, SIGRTMIN), sigismember(&pend, SIGRTMIN + 1), sigismember(&pend, SIGUSR2));
  sigprocmask(SIG_SETMASK, &old, NULL);
  printf("coalesced USR1 hits=%d; rt order: %s\n", (int)hits, (const char *)trace);

  /* FP state: the handler changes f registers, rounding mode and flags; all come back. */
  install(SIGUSR1, on_fp, 0, NULL);
  feclearexcept(FE_ALL_EXCEPT);
  fesetround(FE_TOWARDZERO);
  volatile double a = 1.0 / 3.0, b = 2.5;
  register double keep asm("fs1") = a * b;
  raise(SIGUSR1);
  __asm__ volatile("" : "+f"(keep));
  printf("fp: rounding=%s flags=%#x keep-ok=%d\n",
         fegetround() == FE_TOWARDZERO ? "towardzero" : "changed", fetestexcept(FE_ALL_EXCEPT),
         keep == a * b);

  /* A handled signal interrupting nothing leaves errno alone. */
  errno = 1234;
  raise(SIGUSR1);
  printf("errno kept=%d\n", errno == 1234);
  return 0;
}
