/* flock(2) between a parent and a forked child (argv[1]: a scratch
 * directory): a lock belongs to the open file description, so the child
 * shares the parent's through the inherited descriptor but not through its
 * own open; LOCK_NB answers EWOULDBLOCK; a blocked LOCK_SH wakes when the
 * holder unlocks; conversions, LOCK_UN, a close dropping the lock, and the
 * errnos of a bad descriptor and a bad operation. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void say(const char *who, const char *what, int r) {
  const char *e = errno == EWOULDBLOCK ? "EWOULDBLOCK"
                  : errno == EBADF     ? "EBADF"
                  : errno == EINVAL    ? "EINVAL"
                                       : "other";
  printf("%s: %s: %s\n", who, what, r == 0 ? "ok" : e);
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) {
    printf("usage: fs-flock DIR\n");
    return 100;
  }
  setvbuf(stdout, NULL, _IONBF, 0);
  int fd = open("lockfile", O_CREAT | O_RDWR, 0644);
  say("parent", "LOCK_EX", flock(fd, LOCK_EX));
  say("parent", "LOCK_EX again (same description)", flock(fd, LOCK_EX));
  int p[2];
  pipe(p);
  pid_t child = fork();
  if (child == 0) {
    close(p[1]);
    say("child", "LOCK_EX|LOCK_NB through the inherited descriptor", flock(fd, LOCK_EX | LOCK_NB));
    int own = open("lockfile", O_RDWR);
    say("child", "LOCK_SH|LOCK_NB through its own open", flock(own, LOCK_SH | LOCK_NB));
    char c;
    read(p[0], &c, 1); /* the parent is about to unlock */
    say("child", "LOCK_SH (waits for the parent)", flock(own, LOCK_SH));
    say("child", "LOCK_UN", flock(own, LOCK_UN));
    close(own);
    return 0;
  }
  close(p[0]);
  struct timespec nap = {0, 5000000};
  nanosleep(&nap, NULL);
  /* the inherited description is the same one: unlocking it frees the file for the child's own open */
  write(p[1], "u", 1);
  nanosleep(&nap, NULL);
  int unlocked = flock(fd, LOCK_UN);
  int status;
  waitpid(child, &status, 0);
  say("parent", "LOCK_UN (after the child's wait)", unlocked);
  printf("child exited %d\n", WEXITSTATUS(status));
  int second = open("lockfile", O_RDONLY);
  say("parent", "LOCK_SH on a second open", flock(second, LOCK_SH));
  say("parent", "LOCK_SH|LOCK_NB on the first", flock(fd, LOCK_SH | LOCK_NB));
  say("parent", "convert the first to LOCK_EX|LOCK_NB", flock(fd, LOCK_EX | LOCK_NB));
  close(second);
  say("parent", "LOCK_EX|LOCK_NB after closing the second", flock(fd, LOCK_EX | LOCK_NB));
  say("parent", "bad descriptor", flock(99, LOCK_SH));
  say("parent", "bad operation", flock(fd, 0));
  close(fd);
  unlink("lockfile");
  return 0;
}
