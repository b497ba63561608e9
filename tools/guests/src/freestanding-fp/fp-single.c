/* F extension: the same coverage as fp-double.c for single precision, plus
 * NaN-boxing: operands are 64-bit register images, most of them properly
 * boxed (upper 32 bits all ones), some not (read as the canonical NaN), and
 * every result is printed as the full 64-bit register (boxed). */
#include "fp.h"

#define B(x) (0xffffffff00000000ul | (x))

static const u64 values[] = {
    B(0x00000000), /* +0 */
    B(0x80000000), /* -0 */
    B(0x3f800000), /* 1 */
    B(0xbf800000), /* -1 */
    B(0x3fc00000), /* 1.5 */
    B(0x40400000), /* 3 */
    B(0x3f800001), /* 1 + ulp */
    B(0x3f7fffff), /* 1 - ulp/2 */
    B(0x3dcccccd), /* 0.1 */
    B(0x3eaaaaab), /* 1/3 */
    B(0xc0200000), /* -2.5 */
    B(0x00800000), /* smallest normal */
    B(0x00000001), /* smallest subnormal */
    B(0x007fffff), /* largest subnormal */
    B(0x80400000), /* negative subnormal */
    B(0x7f7fffff), /* largest finite */
    B(0xff7fffff), /* most negative finite */
    B(0x7f800000), /* +inf */
    B(0xff800000), /* -inf */
    B(0x7fc00000), /* canonical qNaN */
    B(0xffc0dead), /* qNaN, payload, sign */
    B(0x7f800001), /* sNaN */
    B(0x4f000000), /* 2^31 */
    B(0x5f000000), /* 2^63 */
    0x000000003f800000, /* not boxed: canonical NaN */
    0x3ff0000000000000, /* a double 1.0: not boxed */
};

static const u64 fma_values[] = {
    B(0x00000000), B(0x80000000), B(0x3f800001), B(0xbf800000), B(0x3dcccccd),
    B(0x00800000), B(0x7f7fffff), B(0x7f800000), B(0x7f800001), B(0x34000000), /* 2^-23 */
    0x3ff0000000000000,
};

static const u64 to_int[] = {
    B(0x4effffff), /* 2^31 - 128 */
    B(0x4f000000), /* 2^31 */
    B(0xcf000000), /* -2^31 */
    B(0xcf000001), /* -2^31 - 256 */
    B(0x4f7fffff), /* 2^32 - 256 */
    B(0x4f800000), /* 2^32 */
    B(0x5effffff), /* 2^63 - 2^39 */
    B(0x5f000000), /* 2^63 */
    B(0xdf000000), /* -2^63 */
    B(0xdf000001), /* below -2^63 */
    B(0x5f7fffff), /* 2^64 - 2^40 */
    B(0x5f800000), /* 2^64 */
    B(0x3f000000), /* 0.5 */
    B(0xbf000000), /* -0.5 */
    B(0x3effffff), /* 0.49999997 */
    B(0x3fc00000), /* 1.5 */
    B(0x40200000), /* 2.5 */
    B(0xc0200000), /* -2.5 */
    B(0xbf800000), /* -1 */
    B(0x80000000), /* -0 */
    B(0x7f800000), B(0xff800000), B(0x7fc00000), B(0x7f800001),
    0x0000000040000000, /* not boxed */
};

static const u64 from_int[] = {
    0,
    1,
    0xffffffffffffffff,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    0xffffffff80000000,
    0x1000001, /* 2^24 + 1 */
    0x1000003,
    0x7fffffffffffffff,
    0x8000000000000000,
    0x8000008000000001,
    0x002bdc545d6b4b87,
    0x7fffff80,
};

/* Doubles to narrow. */
static const u64 narrow[] = {
    0x3ff0000010000000, /* 1 + 2^-24: a tie */
    0x3ff0000010000001,
    0x47efffffe0000000, /* just above the largest single */
    0x47f0000000000000, /* 2^128 */
    0x36a0000000000000, /* 2^-149 */
    0x3690000000000000, /* 2^-150: a tie with zero */
    0x3690000000000001,
    0x380fffffe0000000, /* just below the smallest normal single */
    0x7ff0000000000001, /* sNaN */
    0xfff8000000001234, /* qNaN payload */
    0xc00921fb54442d18, /* -pi */
};

ALL_MODES(F2, fn2, fadd, "fadd.s")
ALL_MODES(F2, fn2, fsub, "fsub.s")
ALL_MODES(F2, fn2, fmul, "fmul.s")
ALL_MODES(F2, fn2, fdiv, "fdiv.s")
ALL_MODES(F1, fn1, fsqrt, "fsqrt.s")
ALL_MODES(F3, fn3, fmadd, "fmadd.s")
ALL_MODES(F3, fn3, fmsub, "fmsub.s")
ALL_MODES(F3, fn3, fnmsub, "fnmsub.s")
ALL_MODES(F3, fn3, fnmadd, "fnmadd.s")
ALL_MODES(FX, fn1, fcvt_w, "fcvt.w.s")
ALL_MODES(FX, fn1, fcvt_wu, "fcvt.wu.s")
ALL_MODES(FX, fn1, fcvt_l, "fcvt.l.s")
ALL_MODES(FX, fn1, fcvt_lu, "fcvt.lu.s")
ALL_MODES(XF, fn1, fcvt_s_l, "fcvt.s.l")
ALL_MODES(XF, fn1, fcvt_s_lu, "fcvt.s.lu")
ALL_MODES(XF, fn1, fcvt_s_w, "fcvt.s.w")
ALL_MODES(XF, fn1, fcvt_s_wu, "fcvt.s.wu")
ALL_MODES(F1, fn1, fcvt_s_d, "fcvt.s.d")
PLAIN2(fmin, "fmin.s")
PLAIN2(fmax, "fmax.s")
PLAIN2(fsgnj, "fsgnj.s")
PLAIN2(fsgnjn, "fsgnjn.s")
PLAIN2(fsgnjx, "fsgnjx.s")
CMP2(feq, "feq.s")
CMP2(flt, "flt.s")
CMP2(fle, "fle.s")
CLASS1(fclass, "fclass.s")

static u64 fcvt_d_s(u64 a) {
  u64 r;
  __asm__ volatile("fmv.d.x ft0, %1\n\tfcvt.d.s ft1, ft0\n\tfmv.x.d %0, ft1" : "=r"(r) : "r"(a) : "ft0", "ft1");
  return r;
}

static u64 series(void) {
  float x = 0.5f, sum = 0, term = 1;
  for (int k = 1; k < 30; k++) {
    term = term * x / k;
    sum = sum * 0.999f + term;
  }
  union { float f; u32 u; } v = {sum};
  return v.u;
}

int guest_main(void) {
  take_fflags();
  for (unsigned i = 0; i < COUNT(values); i++)
    for (unsigned j = 0; j < COUNT(values); j++) {
      u64 a = values[i], b = values[j];
      modes2("fadd.s", fadd_modes, a, b);
      modes2("fsub.s", fsub_modes, a, b);
      modes2("fmul.s", fmul_modes, a, b);
      modes2("fdiv.s", fdiv_modes, a, b);
      plain2("fmin.s", fmin, a, b);
      plain2("fmax.s", fmax, a, b);
      plain2("fsgnj.s", fsgnj, a, b);
      plain2("fsgnjn.s", fsgnjn, a, b);
      plain2("fsgnjx.s", fsgnjx, a, b);
      plain2("feq.s", feq, a, b);
      plain2("flt.s", flt, a, b);
      plain2("fle.s", fle, a, b);
    }
  for (unsigned i = 0; i < COUNT(values); i++) {
    modes1("fsqrt.s", fsqrt_modes, values[i]);
    plain1("fcvt.d.s", fcvt_d_s, values[i]);
    plain1("fclass.s", fclass, values[i]);
  }
  for (unsigned i = 0; i < COUNT(fma_values); i++)
    for (unsigned j = 0; j < COUNT(fma_values); j++)
      for (unsigned k = 0; k < COUNT(fma_values); k++) {
        u64 a = fma_values[i], b = fma_values[j], c = fma_values[k];
        modes3("fmadd.s", fmadd_modes, a, b, c);
        modes3("fmsub.s", fmsub_modes, a, b, c);
        modes3("fnmsub.s", fnmsub_modes, a, b, c);
        modes3("fnmadd.s", fnmadd_modes, a, b, c);
      }
  for (unsigned i = 0; i < COUNT(to_int); i++) {
    modes1("fcvt.w.s", fcvt_w_modes, to_int[i]);
    modes1("fcvt.wu.s", fcvt_wu_modes, to_int[i]);
    modes1("fcvt.l.s", fcvt_l_modes, to_int[i]);
    modes1("fcvt.lu.s", fcvt_lu_modes, to_int[i]);
  }
  for (unsigned i = 0; i < COUNT(from_int); i++) {
    modes1("fcvt.s.l", fcvt_s_l_modes, from_int[i]);
    modes1("fcvt.s.lu", fcvt_s_lu_modes, from_int[i]);
    modes1("fcvt.s.w", fcvt_s_w_modes, from_int[i]);
    modes1("fcvt.s.wu", fcvt_s_wu_modes, from_int[i]);
  }
  for (unsigned i = 0; i < COUNT(narrow); i++) modes1("fcvt.s.d", fcvt_s_d_modes, narrow[i]);
  line1("series", series());
  return 0;
}
