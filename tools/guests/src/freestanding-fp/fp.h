/* Shared by the freestanding floating-point guests: the runtime of
 * ../freestanding/rt.h plus fcsr access and instruction wrappers that take
 * and return raw 64-bit register images (moved with fmv.d.x / fmv.x.d, so NaN
 * payloads and NaN-boxing are exactly what the program says). Each result is
 * printed with the fflags it raised, then fflags is cleared. */
#ifndef KRG_GUEST_FP_H
#define KRG_GUEST_FP_H
#include "../freestanding/rt.h"

typedef u64 (*fn1)(u64);
typedef u64 (*fn2)(u64, u64);
typedef u64 (*fn3)(u64, u64, u64);

static inline u64 take_fflags(void) {
  u64 f;
  __asm__ volatile("csrrw %0, fflags, zero" : "=r"(f));
  return f;
}

static inline void set_frm(u64 m) { __asm__ volatile("csrw frm, %0" ::"r"(m)); }

static void putflags(u64 f) {
  out_sum = (out_sum ^ f) * 0x100000001b3ul;
  putch("0123456789abcdef"[(f >> 4) & 15]);
  putch("0123456789abcdef"[f & 15]);
}

/* " r/ff" */
static void result(u64 r) {
  u64 f = take_fflags();
  putch(' ');
  puthex(r);
  putch('/');
  putflags(f);
}

static const char *const MODE_NAMES[] = {"rne", "rtz", "rdn", "rup", "rmm"};

/* Wrappers for one instruction in each static rounding mode and in the
 * dynamic mode: NAME##_modes[0..4] use the rm field, NAME##_modes[5] uses
 * "dyn" (frm). */
#define F1(fn, insn, rm)                                                        \
  static u64 fn(u64 a) {                                                        \
    u64 r;                                                                      \
    __asm__ volatile("fmv.d.x ft0, %1\n\t" insn " ft2, ft0, " rm "\n\tfmv.x.d %0, ft2" \
                     : "=r"(r) : "r"(a) : "ft0", "ft2");                        \
    return r;                                                                   \
  }
#define F2(fn, insn, rm)                                                        \
  static u64 fn(u64 a, u64 b) {                                                 \
    u64 r;                                                                      \
    __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t" insn " ft2, ft0, ft1, " rm \
                     "\n\tfmv.x.d %0, ft2"                                      \
                     : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1", "ft2");         \
    return r;                                                                   \
  }
#define F3(fn, insn, rm)                                                        \
  static u64 fn(u64 a, u64 b, u64 c) {                                          \
    u64 r;                                                                      \
    __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\tfmv.d.x ft2, %3\n\t" insn \
                     " ft3, ft0, ft1, ft2, " rm "\n\tfmv.x.d %0, ft3"           \
                     : "=r"(r) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3"); \
    return r;                                                                   \
  }
/* float -> integer register */
#define FX(fn, insn, rm)                                                        \
  static u64 fn(u64 a) {                                                        \
    u64 r;                                                                      \
    __asm__ volatile("fmv.d.x ft0, %1\n\t" insn " %0, ft0, " rm : "=r"(r) : "r"(a) : "ft0"); \
    return r;                                                                   \
  }
/* integer register -> float */
#define XF(fn, insn, rm)                                                        \
  static u64 fn(u64 a) {                                                        \
    u64 r;                                                                      \
    __asm__ volatile(insn " ft0, %1, " rm "\n\tfmv.x.d %0, ft0" : "=r"(r) : "r"(a) : "ft0"); \
    return r;                                                                   \
  }

#define ALL_MODES(kind, t, name, insn)                                          \
  kind(name##_rne, insn, "rne") kind(name##_rtz, insn, "rtz")                   \
  kind(name##_rdn, insn, "rdn") kind(name##_rup, insn, "rup")                   \
  kind(name##_rmm, insn, "rmm") kind(name##_dyn, insn, "dyn")                   \
  static const t name##_modes[6] = {name##_rne, name##_rtz, name##_rdn,         \
                                    name##_rup, name##_rmm, name##_dyn};

/* Every static mode, then the dynamic mode under each frm value. */
static void modes1(const char *name, const fn1 *f, u64 a) {
  puts_(name);
  putch(' ');
  puthex(a);
  putch(':');
  for (int m = 0; m < 5; m++) result(f[m](a));
  for (int m = 0; m < 5; m++) {
    set_frm(m);
    result(f[5](a));
  }
  set_frm(0);
  putch('\n');
}

static void modes2(const char *name, const fn2 *f, u64 a, u64 b) {
  puts_(name);
  putch(' ');
  puthex(a);
  putch(' ');
  puthex(b);
  putch(':');
  for (int m = 0; m < 5; m++) result(f[m](a, b));
  for (int m = 0; m < 5; m++) {
    set_frm(m);
    result(f[5](a, b));
  }
  set_frm(0);
  putch('\n');
}

/* Fused multiply-adds: every static mode, and dyn under frm = rup. */
static void modes3(const char *name, const fn3 *f, u64 a, u64 b, u64 c) {
  puts_(name);
  putch(' ');
  puthex(a);
  putch(' ');
  puthex(b);
  putch(' ');
  puthex(c);
  putch(':');
  for (int m = 0; m < 5; m++) result(f[m](a, b, c));
  set_frm(3);
  result(f[5](a, b, c));
  set_frm(0);
  putch('\n');
}

/* Instructions without a rounding mode: one result. */
#define PLAIN2(fn, insn)                                                        \
  static u64 fn(u64 a, u64 b) {                                                 \
    u64 r;                                                                      \
    __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t" insn " ft2, ft0, ft1\n\tfmv.x.d %0, ft2" \
                     : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1", "ft2");         \
    return r;                                                                   \
  }
#define CMP2(fn, insn)                                                          \
  static u64 fn(u64 a, u64 b) {                                                 \
    u64 r;                                                                      \
    __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t" insn " %0, ft0, ft1" \
                     : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1");                \
    return r;                                                                   \
  }
#define CLASS1(fn, insn)                                                        \
  static u64 fn(u64 a) {                                                        \
    u64 r;                                                                      \
    __asm__ volatile("fmv.d.x ft0, %1\n\t" insn " %0, ft0" : "=r"(r) : "r"(a) : "ft0"); \
    return r;                                                                   \
  }

static void plain2(const char *name, fn2 f, u64 a, u64 b) {
  puts_(name);
  putch(' ');
  puthex(a);
  putch(' ');
  puthex(b);
  putch(':');
  result(f(a, b));
  putch('\n');
}

static void plain1(const char *name, fn1 f, u64 a) {
  puts_(name);
  putch(' ');
  puthex(a);
  putch(':');
  result(f(a));
  putch('\n');
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#endif
