/* mmap of a file the program also writes (argv[1]: a scratch directory):
 * MAP_PRIVATE of a file opened O_RDWR shows its contents, a private copy
 * takes writes without changing the file, MAP_SHARED read-only works, and
 * MAP_SHARED|PROT_WRITE prints its errno (krg answers ENODEV: writes
 * through a shared mapping are not written back to the file yet; Linux maps
 * it). Prints contents and errno names, never addresses. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) {
    printf("usage: fs-mmap DIR\n");
    return 100;
  }
  int fd = open("mapped", O_CREAT | O_TRUNC | O_RDWR, 0644);
  write(fd, "written before the mapping\n", 27);
  char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) {
    printf("MAP_PRIVATE: errno %d\n", errno);
    return 1;
  }
  printf("private: %.27s", p);
  memcpy(p, "WRITTEN", 7);
  char buf[32] = {0};
  pread(fd, buf, 7, 0);
  printf("private copy %.7s, file still %.7s\n", p, buf);
  munmap(p, 4096);
  char *r = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
  printf("shared read-only: %s\n", r == MAP_FAILED ? "failed" : "ok");
  if (r != MAP_FAILED) {
    printf("shared sees: %.27s", r);
    munmap(r, 4096);
  }
  // The file changes under a mapping nobody touched yet, then is mapped
  // again: both mappings show the new contents (Linux maps the page cache).
  char *keep = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
  pwrite(fd, "CHANGED", 7, 0);
  char *again = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
  if (keep == MAP_FAILED || again == MAP_FAILED) {
    printf("remap: failed\n");
    return 1;
  }
  printf("after a write, new mapping: %.7s, untouched older one: %.7s\n", again, keep);
  munmap(keep, 4096);
  munmap(again, 4096);
  char *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  printf("shared writable: %s\n",
         w != MAP_FAILED ? "mapped" : errno == ENODEV ? "ENODEV" : "other error");
  close(fd);
  unlink("mapped");
  return 0;
}
