/* Freestanding runtime for guest programs: no libc. _start calls
 * guest_main(); output goes through the write syscall, line-buffered, and
 * the program ends with exit(guest_main()). Every guest prints its results in
 * hex so that a difference between two machines is visible line by line. */
#ifndef KRG_GUEST_RT_H
#define KRG_GUEST_RT_H

typedef unsigned long u64;
typedef long i64;
typedef unsigned int u32;
typedef int i32;
typedef unsigned char u8;

#define SYS_write 64
#define SYS_exit 93

static inline i64 sys3(i64 n, i64 a, i64 b, i64 c) {
  register i64 a0 __asm__("a0") = a;
  register i64 a1 __asm__("a1") = b;
  register i64 a2 __asm__("a2") = c;
  register i64 a7 __asm__("a7") = n;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
  return a0;
}

static char out_buf[256];
static u32 out_len;
/* Folded over every printed value: the exit status (low 7 bits). */
static u64 out_sum;

static void flush(void) {
  if (out_len) sys3(SYS_write, 1, (i64)out_buf, out_len);
  out_len = 0;
}

static void putch(char c) {
  out_buf[out_len++] = c;
  if (c == '\n' || out_len == sizeof out_buf) flush();
}

static void puts_(const char *s) {
  while (*s) putch(*s++);
}

static void puthex(u64 v) {
  out_sum = (out_sum ^ v) * 0x100000001b3ul;
  for (int i = 60; i >= 0; i -= 4) putch("0123456789abcdef"[(v >> i) & 15]);
}

/* "name a b -> r" */
static void line3(const char *name, u64 a, u64 b, u64 r) {
  puts_(name);
  putch(' ');
  puthex(a);
  putch(' ');
  puthex(b);
  puts_(" -> ");
  puthex(r);
  putch('\n');
}

static void line1(const char *name, u64 r) {
  puts_(name);
  putch(' ');
  puthex(r);
  putch('\n');
}

/* gcc may emit calls to these even when freestanding. */
void *memset(void *d, int c, unsigned long n) {
  u8 *p = d;
  while (n--) *p++ = (u8)c;
  return d;
}
void *memcpy(void *d, const void *s, unsigned long n) {
  u8 *p = d;
  const u8 *q = s;
  while (n--) *p++ = *q++;
  return d;
}

int guest_main(void);

__attribute__((noreturn)) void guest_exit(int status) {
  flush();
  sys3(SYS_exit, status, 0, 0);
  __builtin_unreachable();
}

/* The stack pointer the kernel started the program with (argc is there). */
static unsigned long *guest_entry_sp;

void guest_start_c(unsigned long *sp) {
  guest_entry_sp = sp;
  guest_exit(guest_main() + (int)(out_sum & 0x7f));
}

__asm__(".section .text._start,\"ax\",@progbits\n"
        ".globl _start\n"
        "_start:\n"
        ".option push\n.option norelax\n"
        "  la gp, __global_pointer$\n"
        ".option pop\n"
        "  mv a0, sp\n"
        "  andi sp, sp, -16\n"
        "  call guest_start_c\n"
        "1: j 1b\n");

#endif
