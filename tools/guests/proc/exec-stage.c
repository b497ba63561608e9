/* Exec of another guest: stage 1 prints its pid relation and execs
 * /bin/argv-echo (or argv[1]) with a fixed argv and envp; stage 2 is that
 * program. Under qemu-riscv64 without binfmt_misc the exec cannot follow, so
 * tests compare the stages separately; under krg the whole chain runs. With
 * "--fork" the exec happens in a child and the parent reports its status. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  const char *target = "/bin/argv-echo";
  int in_child = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--fork") == 0) in_child = 1;
    else target = argv[i];
  }
  char *args[] = {(char *)target, "from-exec", "two words", NULL};
  char *envp[] = {"STAGE=2", "EMPTY=", NULL};
  printf("stage 1: exec %s%s\n", target, in_child ? " in a child" : "");
  fflush(stdout);
  if (in_child) {
    pid_t c = fork();
    if (c == 0) {
      execve(target, args, envp);
      perror("execve");
      _exit(127);
    }
    int status;
    waitpid(c, &status, 0);
    printf("stage 1: child exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 0;
  }
  execve(target, args, envp);
  perror("execve");
  return 127;
}
