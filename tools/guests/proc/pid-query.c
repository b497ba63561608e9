/* Asks about other processes by PID, as ps-like tools do: getpgid, getsid
 * and getpriority(PRIO_PROCESS) for every PID given on the command line.
 * Under krg the PIDs may name processes on other nodes; the answers must be
 * those of the process wherever it runs, and ESRCH for none. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

static void report(const char *what, long value, int err) {
  if (err == 0) printf(" %s=%ld", what, value);
  else printf(" %s=%s", what, err == ESRCH ? "ESRCH" : "error");
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    pid_t pid = (pid_t)strtol(argv[i], NULL, 10);
    printf("%d:", (int)pid);
    errno = 0;
    long pgid = getpgid(pid);
    report("pgid", pgid, pgid < 0 ? errno : 0);
    errno = 0;
    long sid = getsid(pid);
    report("sid", sid, sid < 0 ? errno : 0);
    errno = 0;
    long nice = getpriority(PRIO_PROCESS, (id_t)pid);
    report("nice", nice, nice == -1 && errno != 0 ? errno : 0);
    printf("\n");
  }
  return 0;
}
