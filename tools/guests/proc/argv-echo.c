/* Prints argc, every argv entry and the environment, each with its length, so
 * a loader that gets the initial stack wrong shows it byte for byte. */
#include <stdio.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 0; i < argc; i++) printf("argv[%d]=\"%s\" (%zu)\n", i, argv[i], strlen(argv[i]));
  if (argv[argc] != NULL) {
    printf("FAIL: argv[argc] is not NULL\n");
    return 1;
  }
  int n = 0;
  for (char **e = environ; *e != NULL; e++, n++) printf("env[%d]=\"%s\"\n", n, *e);
  printf("envc=%d\n", n);
  return argc - 1;
}
