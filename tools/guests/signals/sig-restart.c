/* Blocking calls and handlers: a read on an empty pipe and a nanosleep, each
 * interrupted by a signal a child sends, with and without SA_RESTART (read
 * restarts and gets the data with it, fails with EINTR without it; a sleep
 * always fails with EINTR and reports the time left); sigprocmask + pending
 * + sigsuspend; pause; sigwaitinfo and sigtimedwait (with a timeout that
 * expires); a signal that is ignored does not interrupt a read. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t hits;
static void on_usr1(int sig) {
  (void)sig;
  hits++;
}

static void install(int sig, void (*h)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = h;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

static void nap_ms(int ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

/* A child that signals the parent after `ms`, then (if `data`) writes to fd. */
static pid_t helper(int sig, int ms, int fd, const char *data) {
  pid_t p = fork();
  if (p == 0) {
    nap_ms(ms);
    kill(getppid(), sig);
    if (data) {
      nap_ms(ms);
      write(fd, data, strlen(data));
    }
    _exit(0);
  }
  return p;
}

static const char *err(int e) {
  return e == EINTR ? "EINTR" : e == EAGAIN ? "EAGAIN" : e == 0 ? "0" : strerror(e);
}

static void read_case(int flags, const char *name) {
  int fds[2];
  pipe(fds);
  install(SIGUSR1, on_usr1, flags);
  hits = 0;
  pid_t c = helper(SIGUSR1, 50, fds[1], "data");
  char buf[16] = {0};
  errno = 0;
  ssize_t n = read(fds[0], buf, sizeof buf - 1);
  int e = errno;
  printf("read %s: n=%zd errno=%s hits=%d buf=%s\n", name, n, err(n < 0 ? e : 0), (int)hits, buf);
  waitpid(c, NULL, 0);
  close(fds[0]);
  close(fds[1]);
}

static void sleep_case(int flags, const char *name) {
  install(SIGUSR1, on_usr1, flags);
  hits = 0;
  pid_t c = helper(SIGUSR1, 50, -1, NULL);
  struct timespec req = {5, 0}, rem = {0, 0};
  errno = 0;
  int r = nanosleep(&req, &rem);
  int e = errno;
  printf("nanosleep %s: r=%d errno=%s hits=%d rem-in-range=%d\n", name, r, err(r < 0 ? e : 0),
         (int)hits, rem.tv_sec >= 1 && rem.tv_sec < 5);
  waitpid(c, NULL, 0);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  read_case(SA_RESTART, "SA_RESTART");
  read_case(0, "no SA_RESTART");
  sleep_case(SA_RESTART, "SA_RESTART");
  sleep_case(0, "no SA_RESTART");

  /* An ignored signal does not interrupt a blocked read. */
  {
    int fds[2];
    pipe(fds);
    signal(SIGUSR2, SIG_IGN);
    pid_t c = helper(SIGUSR2, 50, fds[1], "late");
    char buf[16] = {0};
    ssize_t n = read(fds[0], buf, sizeof buf - 1);
    printf("read with ignored signal: n=%zd buf=%s\n", n, buf);
    waitpid(c, NULL, 0);
    close(fds[0]);
    close(fds[1]);
  }

  /* Block, let it become pending, then sigsuspend with it unblocked. */
  install(SIGUSR1, on_usr1, 0);
  sigset_t block, old, pend;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, &old);
  hits = 0;
  pid_t c = helper(SIGUSR1, 20, -1, NULL);
  waitpid(c, NULL, 0);
  sigpending(&pend);
  printf("pending while blocked: USR1=%d hits=%d\n", sigismember(&pend, SIGUSR1), (int)hits);
  errno = 0;
  int r = sigsuspend(&old);
  int e = errno;
  sigset_t now;
  sigprocmask(SIG_BLOCK, NULL, &now);
  printf("sigsuspend: r=%d errno=%s hits=%d mask restored=%d\n", r, err(e), (int)hits,
         sigismember(&now, SIGUSR1));

  /* sigsuspend that waits for a signal still to come. */
  hits = 0;
  c = helper(SIGUSR1, 50, -1, NULL);
  r = sigsuspend(&old);
  printf("sigsuspend (waits): r=%d hits=%d\n", r, (int)hits);
  waitpid(c, NULL, 0);
  sigprocmask(SIG_SETMASK, &old, NULL);

  /* pause() is rt_sigsuspend with the current mask on riscv64 glibc. */
  hits = 0;
  c = helper(SIGUSR1, 50, -1, NULL);
  errno = 0;
  r = pause();
  printf("pause: r=%d errno=%s hits=%d\n", r, err(errno), (int)hits);
  waitpid(c, NULL, 0);

  /* sigwaitinfo takes a blocked signal without running its handler. */
  sigprocmask(SIG_BLOCK, &block, &old);
  hits = 0;
  c = helper(SIGUSR1, 50, -1, NULL);
  siginfo_t si;
  memset(&si, 0, sizeof si);
  r = sigwaitinfo(&block, &si);
  printf("sigwaitinfo: r=%d signo=%d code=%d from-child=%d hits=%d\n", r, si.si_signo, si.si_code,
         si.si_pid == c, (int)hits);
  waitpid(c, NULL, 0);
  struct timespec tmo = {0, 30 * 1000000L};
  errno = 0;
  r = sigtimedwait(&block, &si, &tmo);
  printf("sigtimedwait timeout: r=%d errno=%s\n", r, err(errno));
  struct timespec zero = {0, 0};
  raise(SIGUSR1);
  r = sigtimedwait(&block, &si, &zero);
  printf("sigtimedwait pending: r=%d code=%d\n", r, si.si_code);
  int sig = 0;
  raise(SIGUSR1);
  r = sigwait(&block, &sig);
  printf("sigwait: r=%d sig=%d hits=%d\n", r, sig, (int)hits);
  sigprocmask(SIG_SETMASK, &old, NULL);
  return 0;
}
