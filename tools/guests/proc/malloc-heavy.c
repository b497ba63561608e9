/* Exercises both of glibc's allocation paths: many small blocks from the brk
 * heap and large blocks (above the mmap threshold) from anonymous mmap. Every
 * block is filled with a pattern derived from its index and checked before it
 * is freed, so a page lost or aliased by the kernel shows up as a mismatch. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SMALL_COUNT 4000
#define LARGE_COUNT 24

static uint32_t pattern(uint32_t i, uint32_t j) { return (i * 2654435761u) ^ (j * 40503u); }

static int fill_check(unsigned char *p, size_t n, uint32_t seed, int check) {
  for (size_t j = 0; j < n; j++) {
    unsigned char v = (unsigned char)pattern(seed, (uint32_t)j);
    if (check) {
      if (p[j] != v) return 0;
    } else {
      p[j] = v;
    }
  }
  return 1;
}

int main(void) {
  static unsigned char *small[SMALL_COUNT];
  static size_t small_size[SMALL_COUNT];
  unsigned long bad = 0, bytes = 0;
  for (uint32_t i = 0; i < SMALL_COUNT; i++) {
    small_size[i] = 1 + pattern(i, 7) % 700;
    small[i] = malloc(small_size[i]);
    if (!small[i]) { printf("FAIL: small malloc %u\n", i); return 1; }
    fill_check(small[i], small_size[i], i, 0);
    bytes += small_size[i];
  }
  /* Free every third block and reallocate some bigger, to stir the heap. */
  for (uint32_t i = 0; i < SMALL_COUNT; i += 3) {
    if (!fill_check(small[i], small_size[i], i, 1)) bad++;
    free(small[i]);
    small_size[i] = 1 + pattern(i, 11) % 1500;
    small[i] = malloc(small_size[i]);
    fill_check(small[i], small_size[i], i, 0);
  }
  void *brk_before = sbrk(0);
  unsigned char *large[LARGE_COUNT];
  for (uint32_t i = 0; i < LARGE_COUNT; i++) {
    size_t n = (256u << 10) + i * 4096u * 3u + 123u;
    large[i] = malloc(n);
    if (!large[i]) { printf("FAIL: large malloc %u\n", i); return 1; }
    fill_check(large[i], n, 1000 + i, 0);
    bytes += n;
  }
  for (uint32_t i = 0; i < LARGE_COUNT; i++) {
    size_t n = (256u << 10) + i * 4096u * 3u + 123u;
    if (!fill_check(large[i], n, 1000 + i, 1)) bad++;
    large[i] = realloc(large[i], n * 2);
    if (!large[i] || !fill_check(large[i], n, 1000 + i, 1)) bad++;
    free(large[i]);
  }
  for (uint32_t i = 0; i < SMALL_COUNT; i++) {
    if (!fill_check(small[i], small_size[i], i, 1)) bad++;
    free(small[i]);
  }
  /* calloc must return zeroed memory even when it reuses freed blocks. */
  unsigned char *z = calloc(100000, 1);
  unsigned long nonzero = 0;
  for (int j = 0; j < 100000; j++) nonzero += z[j] != 0;
  free(z);
  printf("bytes=%lu bad=%lu calloc_nonzero=%lu brk_moved=%s\n", bytes, bad, nonzero,
         sbrk(0) >= brk_before ? "yes" : "no");
  printf("%s\n", bad == 0 && nonzero == 0 ? "PASS" : "FAIL");
  return bad == 0 && nonzero == 0 ? 0 : 1;
}
