/* A file writer for checkpoint/restart at any instruction (argv[1]: a
 * scratch directory): appends numbered lines to one file through an
 * O_APPEND descriptor, keeps a table of 64-bit values in another through
 * its offset (patched now and then with pwrite), lists a directory a few entries at a time
 * while it writes, and now and then reads everything back through a fresh
 * descriptor and prints a checksum. A restart must continue every
 * descriptor where it was: the output is the same as an uninterrupted run. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static uint64_t checksum_of(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return 0;
  uint64_t h = 1469598103934665603ull;
  char buf[512];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0)
    for (ssize_t i = 0; i < n; i++) h = (h ^ (unsigned char)buf[i]) * 1099511628211ull;
  close(fd);
  return h;
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) {
    printf("usage: fs-ckpt DIR\n");
    return 100;
  }
  mkdir("ck", 0755);
  char name[64];
  for (int i = 0; i < 12; i++) {
    snprintf(name, sizeof name, "ck/entry%02d", i);
    close(open(name, O_CREAT | O_WRONLY, 0644));
  }
  int out = open("ck/out", O_CREAT | O_TRUNC | O_WRONLY | O_APPEND, 0644);
  int table = open("ck/table", O_CREAT | O_TRUNC | O_RDWR, 0600);
  int dir = open("ck", O_RDONLY | O_DIRECTORY);
  int listed = 0;
  uint64_t h = 7;
  for (int i = 0; i < 120; i++) {
    h = h * 6364136223846793005ull + 1442695040888963407ull;
    char line[64];
    int n = snprintf(line, sizeof line, "line %03d %016llx\n", i, (unsigned long long)h);
    if (write(out, line, n) != n) printf("short write at %d\n", i);
    /* the table through the descriptor's own offset; every 7th entry patched in place with pwrite */
    if (write(table, &h, sizeof h) != sizeof h) printf("short write at %d\n", i);
    if (i % 7 == 6 && pwrite(table, &i, sizeof i, (off_t)(i - 3) * 8) != sizeof i)
      printf("short pwrite at %d\n", i);
    if (i % 10 == 0) {
      /* a few more names of the listing in progress (at most two records per call) */
      static char buf[512] __attribute__((aligned(8)));
      long got = syscall(SYS_getdents64, dir, buf, 80);
      for (long at = 0; at < got;) {
        struct dirent64 *e = (struct dirent64 *)(buf + at);
        if (e->d_name[0] != '.') listed++;
        at += e->d_reclen;
      }
    }
    if (i % 40 == 39) {
      struct stat st;
      fstat(out, &st);
      printf("after %d lines: size %ld, checksum %016llx, table %016llx, listed %d\n", i + 1,
             (long)st.st_size, (unsigned long long)checksum_of("ck/out"),
             (unsigned long long)checksum_of("ck/table"), listed);
    }
  }
  uint64_t first = 0;
  long end = (long)lseek(table, 0, SEEK_CUR);
  pread(table, &first, sizeof first, 0);
  printf("first table value %016llx, offset at the end %ld\n", (unsigned long long)first, end);
  close(out);
  close(table);
  close(dir);
  return 0;
}
