/* A pipeline inside one program: the parent writes numbered lines into a pipe
 * to the first child; each of STAGES children adds its stage number to every
 * value and passes it on; the parent reads the last pipe and checks every
 * line. Tests pipe2, dup2, close-on-exit of unused ends, EOF propagation and
 * wait statuses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define STAGES 3
#define LINES 500

int main(void) {
  int pipes[STAGES + 1][2];
  for (int i = 0; i <= STAGES; i++)
    if (pipe(pipes[i]) != 0) { perror("pipe"); return 1; }
  pid_t kids[STAGES];
  for (int s = 0; s < STAGES; s++) {
    kids[s] = fork();
    if (kids[s] < 0) { perror("fork"); return 1; }
    if (kids[s] == 0) {
      dup2(pipes[s][0], 0);
      dup2(pipes[s + 1][1], 1);
      for (int i = 0; i <= STAGES; i++) { close(pipes[i][0]); close(pipes[i][1]); }
      char line[64];
      long v;
      while (fgets(line, sizeof line, stdin)) {
        v = strtol(line, NULL, 10);
        printf("%ld\n", v + s + 1);
      }
      fflush(stdout);
      _exit(s);
    }
  }
  for (int i = 0; i <= STAGES; i++) {
    if (i != 0) close(pipes[i][1]);
    if (i != STAGES) close(pipes[i][0]);
  }
  FILE *out = fdopen(pipes[0][1], "w");
  for (int i = 0; i < LINES; i++) fprintf(out, "%d\n", i * 7);
  fclose(out);
  FILE *in = fdopen(pipes[STAGES][0], "r");
  char line[64];
  int n = 0, bad = 0;
  long sum = 0;
  const int add = STAGES * (STAGES + 1) / 2;
  while (fgets(line, sizeof line, in)) {
    long v = strtol(line, NULL, 10);
    if (v != (long)n * 7 + add) bad++;
    sum += v;
    n++;
  }
  fclose(in);
  int exits = 0;
  for (int s = 0; s < STAGES; s++) {
    int status;
    if (waitpid(kids[s], &status, 0) == kids[s] && WIFEXITED(status) && WEXITSTATUS(status) == s) exits++;
  }
  printf("lines=%d bad=%d sum=%ld exits=%d\n", n, bad, sum, exits);
  printf("%s\n", n == LINES && bad == 0 && exits == STAGES ? "PASS" : "FAIL");
  return n == LINES && bad == 0 ? 0 : 1;
}
