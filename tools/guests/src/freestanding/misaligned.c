/* Misaligned loads and stores of every width at every offset, including
 * accesses that straddle a page boundary: Linux user space sees them work. */
#include "rt.h"

static u8 buf[8192] __attribute__((aligned(4096)));

#define LOAD(op, off)                                                          \
  {                                                                            \
    u64 r;                                                                     \
    __asm__ volatile(#op " %0, 0(%1)" : "=r"(r) : "r"(base + (off)) : "memory"); \
    line3(#op, (u64)(off), 0, r);                                              \
  }
#define STORE(op, off, v)                                                      \
  __asm__ volatile(#op " %0, 0(%1)" : : "r"(v), "r"(base + (off)) : "memory");

static void fill(void) {
  for (int i = 0; i < 8192; i++) buf[i] = (u8)(i * 37 + 0x81);
}

static void dump(u8 *p, int n) {
  u64 w = 0;
  for (int i = 0; i < n; i++) {
    w = (w << 8) | p[i];
    if (i % 8 == 7) {
      line1("  bytes", w);
      w = 0;
    }
  }
}

int guest_main(void) {
  fill();
  u8 *base = buf + 64;
  for (int off = 0; off < 8; off++) {
    LOAD(lb, off) LOAD(lbu, off) LOAD(lh, off) LOAD(lhu, off) LOAD(lw, off) LOAD(lwu, off) LOAD(ld, off)
  }
  base = buf + 4096 - 8; /* the second page starts at base + 8 */
  for (int off = 1; off < 8; off++) {
    LOAD(lh, off) LOAD(lhu, off) LOAD(lw, off) LOAD(lwu, off) LOAD(ld, off)
  }
  base = buf + 128;
  for (int off = 0; off < 8; off++) {
    STORE(sd, off * 24, 0x0102030405060708ul + off)
    STORE(sw, off * 24 + 9, 0xa1b2c3d4u + off)
    STORE(sh, off * 24 + 14, 0xe5f6 + off)
    STORE(sb, off * 24 + 17, 0x77 + off)
  }
  dump(base, 192);
  base = buf + 4096 - 8;
  for (int off = 1; off < 8; off++) {
    STORE(sd, off, 0x1111111111111111ul * off)
    dump(base, 16);
    STORE(sw, off, 0x22222222u * off)
    dump(base, 16);
    STORE(sh, off, 0x3333 * off)
    dump(base, 16);
  }
  return 0;
}
