/* Dies by abort(): glibc blocks nothing, raises SIGABRT with tgkill, and the
 * parent sees a death by signal 6 without the core bit (RLIMIT_CORE is 0).
 * With an argument, it runs the abort in a child and reports the wait status
 * itself. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  (void)argv;
  if (argc > 1) {
    pid_t c = fork();
    if (c == 0) abort();
    int status;
    waitpid(c, &status, 0);
    printf("child: signaled=%d sig=%d core=%d\n", WIFSIGNALED(status), WTERMSIG(status), WCOREDUMP(status) ? 1 : 0);
    return 0;
  }
  printf("about to abort\n");
  fflush(stdout);
  abort();
}
