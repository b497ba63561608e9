/* waitid(2): P_PID, P_PGID and P_ALL; WEXITED, WSTOPPED, WCONTINUED, WNOHANG
 * and WNOWAIT; the siginfo it fills (si_signo, si_code, si_pid, si_uid,
 * si_status) and its errors. Children stop and continue under the parent's
 * eye (a process that stops itself would stop qemu itself). Prints no pids:
 * only whether si_pid names the expected child. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *err(int e) {
  switch (e) {
  case 0: return "0";
  case ECHILD: return "ECHILD";
  case EINVAL: return "EINVAL";
  case EFAULT: return "EFAULT";
  case EBADF: return "EBADF";
  default: return "other";
  }
}

static const char *code(int c) {
  switch (c) {
  case 0: return "0";
  case CLD_EXITED: return "CLD_EXITED";
  case CLD_KILLED: return "CLD_KILLED";
  case CLD_DUMPED: return "CLD_DUMPED";
  case CLD_STOPPED: return "CLD_STOPPED";
  case CLD_CONTINUED: return "CLD_CONTINUED";
  default: return "other";
  }
}

/* One waitid call, printed: result, and the siginfo fields it filled. */
static void show(const char *what, idtype_t type, id_t id, int options, pid_t child) {
  siginfo_t si;
  memset(&si, 0x5a, sizeof si);
  int r = waitid(type, id, &si, options) == 0 ? 0 : errno;
  if (r != 0) {
    printf("%s: %s\n", what, err(r));
    return;
  }
  const char *who = si.si_pid == child ? "child" : si.si_pid == 0 ? "0" : "other";
  printf("%s: 0 signo=%d code=%s pid=%s uid=%d", what, si.si_signo, code(si.si_code), who,
         (int)si.si_uid);
  /* Nothing to report (WNOHANG): Linux zeroes si_status too, qemu 7.2 leaves it. */
  if (si.si_signo != 0) printf(" status=%d", si.si_status);
  printf("\n");
}

static void idle(void) {
  for (;;) pause();
}

static void settle(void) {
  /* Lets a signalled child act on its signal (stop, continue) before the next wait. */
  struct timespec ms = {0, 20000000};
  nanosleep(&ms, NULL);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  siginfo_t si;
  show("no children", P_ALL, 0, WEXITED, 0);
  printf("no options: %s\n", waitid(P_ALL, 0, &si, 0) == 0 ? "0" : err(errno));
  printf("bad idtype: %s\n", waitid((idtype_t)7, 0, &si, WEXITED) == 0 ? "0" : err(errno));
  printf("P_PID 0: %s\n", waitid(P_PID, 0, &si, WEXITED) == 0 ? "0" : err(errno));
  printf("bad option: %s\n", waitid(P_ALL, 0, &si, WEXITED | 0x100) == 0 ? "0" : err(errno));

  /* An exit, seen twice with WNOWAIT, then reaped. */
  pid_t a = fork();
  if (a == 0) _exit(3);
  show("exit nowait", P_PID, a, WEXITED | WNOWAIT, a);
  show("exit nowait again", P_ALL, 0, WEXITED | WNOWAIT, a);
  show("exit", P_PID, a, WEXITED, a);
  show("exit reaped", P_PID, a, WEXITED | WNOHANG, a);

  /* A stop, a continue and a death by signal. */
  pid_t b = fork();
  if (b == 0) idle();
  show("running, nohang", P_PID, b, WEXITED | WSTOPPED | WCONTINUED | WNOHANG, b);
  kill(b, SIGSTOP);
  show("stopped nowait", P_PID, b, WSTOPPED | WNOWAIT, b);
  show("stopped", P_PID, b, WSTOPPED, b);
  show("stopped reported", P_PID, b, WSTOPPED | WNOHANG, b);
  kill(b, SIGCONT);
  show("continued", P_PID, b, WCONTINUED, b);
  show("continued reported", P_PID, b, WCONTINUED | WNOHANG, b);
  kill(b, SIGTERM);
  show("killed", P_ALL, 0, WEXITED, b);

  /* A child in its own process group. */
  pid_t c = fork();
  if (c == 0) {
    setpgid(0, 0);
    idle();
  }
  setpgid(c, c); /* whichever runs first, the child is in its group before the waits */
  show("own group, nohang", P_PGID, c, WEXITED | WNOHANG, c);
  show("caller's group", P_PGID, 0, WEXITED | WNOHANG, c);
  kill(c, SIGKILL);
  show("group killed", P_PGID, c, WEXITED, c);

  /* A stopped child waited for with WEXITED only stays unreported; then it dies. */
  pid_t d = fork();
  if (d == 0) idle();
  kill(d, SIGSTOP);
  settle();
  show("stopped, exits only", P_PID, d, WEXITED | WNOHANG, d);
  kill(d, SIGKILL);
  show("stopped then killed", P_PID, d, WEXITED, d);
  show("all gone", P_ALL, 0, WEXITED | WNOHANG, 0);
  return 0;
}
