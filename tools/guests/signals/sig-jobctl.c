/* Stop signals and orphaned process groups: SIGTSTP, SIGTTIN and SIGTTOU
 * with their default action are discarded for a process whose group is
 * orphaned (here: a child that made its own session with setsid), while a
 * handler for them still runs; the same signals stop a child in a group that
 * its parent, in another group of the same session, keeps from orphanhood.
 * SIGSTOP stops either. Children stop under the parent's eye (a process that
 * stops itself would stop qemu itself). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t handled;
static void on_tstp(int sig) { handled = sig; }

static void report(const char *who, pid_t pid, int options) {
  int st;
  if (waitpid(pid, &st, options) != pid) {
    printf("%s: wait failed\n", who);
    return;
  }
  if (WIFEXITED(st)) printf("%s: exited %d\n", who, WEXITSTATUS(st));
  else if (WIFSTOPPED(st)) printf("%s: stopped by %d\n", who, WSTOPSIG(st));
  else if (WIFSIGNALED(st)) printf("%s: killed by %d\n", who, WTERMSIG(st));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pid_t a = fork();
  if (a == 0) {
    setsid();
    kill(getpid(), SIGTSTP);
    kill(getpid(), SIGTTIN);
    kill(getpid(), SIGTTOU);
    printf("orphaned: still running after SIGTSTP, SIGTTIN, SIGTTOU\n");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_tstp;
    sigaction(SIGTSTP, &sa, NULL);
    kill(getpid(), SIGTSTP);
    printf("orphaned: handler ran for %d\n", (int)handled);
    kill(getpid(), SIGSTOP);
    printf("orphaned: continued after SIGSTOP\n");
    _exit(0);
  }
  report("orphaned child", a, WUNTRACED);
  kill(a, SIGCONT);
  report("orphaned child", a, 0);

  pid_t b = fork();
  if (b == 0) {
    setpgid(0, 0);
    kill(getpid(), SIGTSTP);
    printf("anchored: continued after SIGTSTP\n");
    kill(getpid(), SIGTTOU);
    printf("anchored: continued after SIGTTOU\n");
    _exit(0);
  }
  setpgid(b, b);
  report("anchored child", b, WUNTRACED);
  kill(b, SIGCONT);
  report("anchored child", b, WUNTRACED);
  kill(b, SIGCONT);
  report("anchored child", b, 0);
  return 0;
}
