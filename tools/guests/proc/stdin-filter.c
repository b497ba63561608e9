/* A stdin-to-stdout filter as everyday tools are: reads all of stdin with
 * read(2) in odd-sized chunks, upper-cases letters, numbers the lines, and
 * prints a byte count and a checksum of the input at the end on stderr. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
  unsigned char buf[777];
  uint32_t sum = 2166136261u;
  unsigned long bytes = 0, lines = 0;
  int at_line_start = 1;
  ssize_t n;
  while ((n = read(0, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; i++) {
      unsigned char c = buf[i];
      sum = (sum ^ c) * 16777619u;
      bytes++;
      if (at_line_start) {
        printf("%5lu  ", ++lines);
        at_line_start = 0;
      }
      if (c >= 'a' && c <= 'z') c -= 32;
      putchar(c);
      if (c == '\n') at_line_start = 1;
    }
  }
  if (n < 0) { perror("read"); return 1; }
  fflush(stdout);
  fprintf(stderr, "bytes=%lu lines=%lu fnv1a=%08x\n", bytes, lines, sum);
  return 0;
}
