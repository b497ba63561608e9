/* File-I/O load for the kernel's fs benchmark (argv: DIR MIB CHUNK FILES):
 * writes MIB MiB to one file in CHUNK-byte writes, reads it back in CHUNK
 * pieces, then creates, stats and unlinks FILES small files. Prints a
 * checksum of what it read and the counts, so a run that did less work
 * shows. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 5 || chdir(argv[1]) != 0) {
    printf("usage: fs-bench DIR MIB CHUNK FILES\n");
    return 100;
  }
  long total = atol(argv[2]) * 1024 * 1024;
  long chunk = atol(argv[3]);
  int files = atoi(argv[4]);
  char *buf = malloc(chunk);
  for (long i = 0; i < chunk; i++) buf[i] = (char)(i * 7 + 3);
  int fd = open("bench.dat", O_CREAT | O_TRUNC | O_RDWR, 0644);
  for (long done = 0; done < total; done += chunk) write(fd, buf, chunk);
  lseek(fd, 0, SEEK_SET);
  uint64_t h = 0;
  ssize_t n;
  while ((n = read(fd, buf, chunk)) > 0)
    for (ssize_t i = 0; i < n; i += 64) h = h * 31 + (unsigned char)buf[i];
  close(fd);
  unlink("bench.dat");
  char name[32];
  struct stat st;
  int made = 0;
  for (int i = 0; i < files; i++) {
    snprintf(name, sizeof name, "f%05d", i);
    int f = open(name, O_CREAT | O_WRONLY, 0644);
    write(f, name, 6);
    close(f);
    made += stat(name, &st) == 0 && st.st_size == 6;
    unlink(name);
  }
  printf("checksum %016llx, %d files\n", (unsigned long long)h, made);
  return 0;
}
