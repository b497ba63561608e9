/* Bad input to the signal calls, made through syscall(2) so glibc's own
 * checks do not hide the kernel's answer: invalid signal numbers, bad
 * pointers and sizes, uncatchable signals, impersonating kill(2) towards
 * another process with rt_sigqueueinfo, invalid timeouts; then handlers
 * that break their return: one returns with sp on an unmapped page, so
 * rt_sigreturn cannot read its frame (the process dies of SIGSEGV, which the
 * parent reports). With the argument `corrupt`, another sets the reserved
 * words at the end of the frame's FP state, which Linux's rt_sigreturn
 * rejects with SIGSEGV; qemu-riscv64 7.2 does not check them, so the
 * differential tests run without the argument. */
#define _GNU_SOURCE
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void check(const char *what, long r) {
  printf("%-40s %ld %s\n", what, r, r < 0 ? strerrorname_np(errno) : "");
}

static void nop(int s) { (void)s; }

/* Returns to the trampoline with sp on page 0: rt_sigreturn cannot read the frame. */
__attribute__((naked)) static void bad_sp_handler(int s, siginfo_t *si, void *uc) {
  __asm__ volatile("li sp, 16\n\tret");
}

static void corrupting_handler(int s, siginfo_t *si, void *ucv) {
  (void)s;
  (void)si;
  ucontext_t *uc = ucv;
  uc->uc_mcontext.__fpregs.__q.__glibc_reserved[2] = 0x1234;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pid_t me = getpid();
  struct {
    void *handler;
    unsigned long flags;
    unsigned long mask;
  } ksa = {(void *)nop, 0, 0};
  unsigned long set = 0;
  check("kill(self, 65)", syscall(SYS_kill, me, 65));
  check("kill(self, -1)", syscall(SYS_kill, me, -1));
  check("kill(self, 0)", syscall(SYS_kill, me, 0));
  check("tgkill(self, self, 100)", syscall(SYS_tgkill, me, me, 100));
  check("tkill(0, SIGUSR1)", syscall(SYS_tkill, 0, SIGUSR1));
  check("rt_sigaction(0)", syscall(SYS_rt_sigaction, 0, &ksa, NULL, 8));
  check("rt_sigaction(65)", syscall(SYS_rt_sigaction, 65, &ksa, NULL, 8));
  check("rt_sigaction(SIGKILL)", syscall(SYS_rt_sigaction, SIGKILL, &ksa, NULL, 8));
  check("rt_sigaction(SIGSTOP, query)", syscall(SYS_rt_sigaction, SIGSTOP, NULL, &ksa, 8));
  check("rt_sigaction(bad ptr)", syscall(SYS_rt_sigaction, SIGUSR1, (void *)8, NULL, 8));
  check("rt_sigaction(size 16)", syscall(SYS_rt_sigaction, SIGUSR1, &ksa, NULL, 16));
  check("rt_sigprocmask(how 7)", syscall(SYS_rt_sigprocmask, 7, &set, NULL, 8));
  check("rt_sigprocmask(size 4)", syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4));
  check("rt_sigprocmask(bad ptr)", syscall(SYS_rt_sigprocmask, SIG_BLOCK, (void *)8, NULL, 8));
  check("rt_sigpending(bad ptr)", syscall(SYS_rt_sigpending, (void *)8, 8));
  check("rt_sigsuspend(size 4)", syscall(SYS_rt_sigsuspend, &set, 4));
  check("rt_sigsuspend(bad ptr)", syscall(SYS_rt_sigsuspend, (void *)8, 8));
  struct timespec bad_ts = {0, 2000000000L}, zero = {0, 0};
  unsigned long usr1 = 1UL << (SIGUSR1 - 1);
  check("rt_sigtimedwait(bad timeout)", syscall(SYS_rt_sigtimedwait, &usr1, NULL, &bad_ts, 8));
  check("rt_sigtimedwait(nothing, 0)", syscall(SYS_rt_sigtimedwait, &usr1, NULL, &zero, 8));
  check("rt_sigtimedwait(size 9)", syscall(SYS_rt_sigtimedwait, &usr1, NULL, &zero, 9));
  siginfo_t si;
  memset(&si, 0, sizeof si);
  si.si_code = SI_USER;
  check("rt_sigqueueinfo(ppid, SI_USER)", syscall(SYS_rt_sigqueueinfo, getppid(), SIGUSR1, &si));
  check("rt_sigqueueinfo(bad ptr)", syscall(SYS_rt_sigqueueinfo, me, SIGUSR1, (void *)8));
  si.si_code = SI_QUEUE;
  check("rt_sigqueueinfo(self, 77)", syscall(SYS_rt_sigqueueinfo, me, 77, &si));
  check("rt_sigqueueinfo(no such pid)", syscall(SYS_rt_sigqueueinfo, 0x3ffffe, SIGUSR1, &si));
  check("sigaltstack(bad ptr)", syscall(SYS_sigaltstack, (void *)8, NULL));
  check("sigaltstack(NULL, bad out)", syscall(SYS_sigaltstack, NULL, (void *)8));
  check("getitimer(3)", syscall(SYS_getitimer, 3, &zero));

  /* Handlers that break their own return. */
  for (int how = 0; how < (argc > 1 && strcmp(argv[1], "corrupt") == 0 ? 2 : 1); how++) {
    pid_t c = fork();
    if (c == 0) {
      struct sigaction sa;
      memset(&sa, 0, sizeof sa);
      sa.sa_sigaction = how == 0 ? bad_sp_handler : corrupting_handler;
      sa.sa_flags = SA_SIGINFO;
      sigaction(SIGUSR1, &sa, NULL);
      raise(SIGUSR1);
      printf("survived a broken frame\n");
      _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    printf("%s: %s %d\n", how == 0 ? "unreadable frame" : "corrupted frame",
           WIFEXITED(st) ? "exited" : "killed by", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
  }
  return 0;
}
