/* Default actions as a parent sees them through wait4 and SIGCHLD: children
 * killed by SIGTERM, SIGKILL, SIGUSR1, SIGQUIT and SIGSEGV (core actions
 * leave no core bit: RLIMIT_CORE is 0), SIGALRM from alarm(), SIGPIPE from a
 * write to a pipe without readers, an ignored SIGCHLD-like default (SIGURG)
 * that does nothing; a child that stops itself twice (SIGSTOP, by raise
 * and by kill; not SIGTSTP, which Linux discards when the process group is
 * orphaned — it depends on how the test runner started qemu) and is continued: WUNTRACED and WCONTINUED statuses, and the parent's SIGCHLD
 * handler sees CLD_EXITED / CLD_KILLED / CLD_STOPPED / CLD_CONTINUED with
 * the status. Prints no pids. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int chld_codes[16], chld_status[16], chld_from_child[16];
static volatile int nchld;
static volatile pid_t current_child;

static void on_chld(int sig, siginfo_t *si, void *uc) {
  (void)sig;
  (void)uc;
  if (nchld < 16) {
    chld_codes[nchld] = si->si_code;
    chld_status[nchld] = si->si_status;
    chld_from_child[nchld] = si->si_pid == current_child;
    nchld++;
  }
}

static const char *cld(int code) {
  switch (code) {
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    case CLD_DUMPED: return "CLD_DUMPED";
    case CLD_STOPPED: return "CLD_STOPPED";
    case CLD_CONTINUED: return "CLD_CONTINUED";
    default: return "?";
  }
}

static void describe(const char *what, int st) {
  if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
  else if (WIFSIGNALED(st))
    printf("%s: killed by %d (%s) core=%d\n", what, WTERMSIG(st), strsignal(WTERMSIG(st)),
           WCOREDUMP(st) ? 1 : 0);
  else if (WIFSTOPPED(st)) printf("%s: stopped by %d\n", what, WSTOPSIG(st));
  else if (WIFCONTINUED(st)) printf("%s: continued\n", what);
}

static void report_chld(void) {
  /* SIGCHLD is blocked around this, so the handler does not race it. */
  for (int i = 0; i < nchld; i++)
    printf("  SIGCHLD %s status=%d from child=%d\n", cld(chld_codes[i]), chld_status[i],
           chld_from_child[i]);
  nchld = 0;
}

static void pause_forever(void) {
  for (;;) pause();
}

static sigset_t chld_set;

static void run(const char *what, int how) {
  int p[2];
  pipe(p);
  pid_t c = fork();
  if (c == 0) {
    sigprocmask(SIG_UNBLOCK, &chld_set, NULL);
    close(p[0]);
    switch (how) {
      case 0: pause_forever(); break;
      case 1: raise(SIGQUIT); break;
      case 2: {
        int *volatile bad = (int *)8;
        *bad = 1;
        break;
      }
      case 3: alarm(1); pause_forever(); break;
      case 4:
        close(p[1]);
        pipe(p);
        close(p[0]);
        write(p[1], "x", 1);
        break;
      case 5: raise(SIGURG); _exit(3);
    }
    _exit(99);
  }
  current_child = c;
  close(p[1]);
  close(p[0]);
  if (how == 0) {
    usleep(20000);
    kill(c, what[0] == 'T' ? SIGTERM : what[0] == 'K' ? SIGKILL : SIGUSR1);
  }
  int st;
  waitpid(c, &st, 0);
  describe(what, st);
  sigprocmask(SIG_UNBLOCK, &chld_set, NULL);
  sigprocmask(SIG_BLOCK, &chld_set, NULL);
  report_chld();
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_chld;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGCHLD, &sa, NULL);
  sigemptyset(&chld_set);
  sigaddset(&chld_set, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld_set, NULL);

  run("TERM", 0);
  run("KILL", 0);
  run("USR1", 0);
  run("QUIT (core action)", 1);
  run("SEGV (core action)", 2);
  run("ALRM from alarm", 3);
  run("PIPE", 4);
  run("URG ignored, then exit 3", 5);

  /* Stop and continue. */
  pid_t c = fork();
  if (c == 0) {
    raise(SIGSTOP);
    kill(getpid(), SIGSTOP);
    _exit(7);
  }
  current_child = c;
  int st;
  waitpid(c, &st, WUNTRACED);
  describe("stop 1", st);
  kill(c, SIGCONT);
  waitpid(c, &st, WCONTINUED);
  describe("cont 1", st);
  waitpid(c, &st, WUNTRACED);
  describe("stop 2", st);
  kill(c, SIGCONT);
  waitpid(c, &st, 0);
  describe("end", st);
  sigprocmask(SIG_UNBLOCK, &chld_set, NULL);
  sigprocmask(SIG_BLOCK, &chld_set, NULL);
  report_chld();
  return 0;
}
