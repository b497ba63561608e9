/* setsid / setpgid / getpgid / getsid as a shell uses them: a child becomes a
 * session leader, another child is moved into a new process group and back,
 * and error cases return the errno Linux gives (EPERM for setsid of a group
 * leader, ESRCH for an unknown pid). Prints relations, not raw pids, so the
 * output does not depend on pid numbering. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *rel(pid_t v, pid_t self, pid_t parent) {
  if (v == self) return "self";
  if (v == parent) return "parent";
  return "other";
}

int main(void) {
  pid_t me = getpid();
  /* Whoever started us (a shell, a test runner, krg) may have put us in its
   * own group: become a group leader first so the rest is deterministic. */
  int r = setpgid(0, 0);
  printf("setpgid(0,0)=%d pgid=%s\n", r, rel(getpgid(0), me, getppid()));
  errno = 0;
  r = setsid();
  printf("setsid as group leader=%d errno=%s\n", r, errno == EPERM ? "EPERM" : strerror(errno));
  errno = 0;
  r = getpgid(0x3fffff);
  printf("getpgid(unknown)=%d errno=%s\n", r, errno == ESRCH ? "ESRCH" : strerror(errno));

  fflush(stdout); /* fork duplicates stdio buffers: flush before forking */
  pid_t a = fork();
  if (a == 0) {
    pid_t self = getpid();
    pid_t sid = setsid();
    printf("child a: setsid=%s pgid=%s sid=%s\n", rel(sid, self, getppid()), rel(getpgid(0), self, getppid()),
           rel(getsid(0), self, getppid()));
    fflush(stdout);
    _exit(0);
  }
  int status;
  waitpid(a, &status, 0);

  int sync_pipe[2];
  pipe(sync_pipe);
  fflush(stdout);
  pid_t b = fork();
  if (b == 0) {
    char c;
    close(sync_pipe[1]);
    read(sync_pipe[0], &c, 1);
    pid_t self = getpid();
    printf("child b: pgid=%s sid=%s\n", rel(getpgid(0), self, getppid()), rel(getsid(0), self, getppid()));
    fflush(stdout);
    _exit(0);
  }
  close(sync_pipe[0]);
  r = setpgid(b, b);
  printf("setpgid(b,b)=%d getpgid(b)==b: %s\n", r, getpgid(b) == b ? "yes" : "no");
  r = setpgid(b, me);
  printf("setpgid(b,me)=%d getpgid(b)==me: %s\n", r, getpgid(b) == me ? "yes" : "no");
  write(sync_pipe[1], "x", 1);
  close(sync_pipe[1]);
  waitpid(b, &status, 0);
  printf("sid(me)==sid(parent): %s\n", getsid(0) == getsid(getppid()) ? "yes" : "no");
  return 0;
}
