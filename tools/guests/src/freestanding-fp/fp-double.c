/* D extension: arithmetic, fused multiply-adds, square root, conversions,
 * compares, min/max, classify and sign injection over corner values (zeros,
 * subnormals, the range ends, infinities, NaNs with payloads, signalling
 * NaNs, integer limits, ties), each in every static rounding mode and in the
 * dynamic mode under every frm, printed with the fflags each raised. */
#include "fp.h"

static const u64 values[] = {
    0x0000000000000000, /* +0 */
    0x8000000000000000, /* -0 */
    0x3ff0000000000000, /* 1 */
    0xbff0000000000000, /* -1 */
    0x3ff8000000000000, /* 1.5 */
    0x4008000000000000, /* 3 */
    0x3ff0000000000001, /* 1 + ulp */
    0x3fefffffffffffff, /* 1 - ulp/2 */
    0x3fb999999999999a, /* 0.1 */
    0x3fd5555555555555, /* 1/3 */
    0xc004000000000000, /* -2.5 */
    0x0010000000000000, /* smallest normal */
    0x0000000000000001, /* smallest subnormal */
    0x000fffffffffffff, /* largest subnormal */
    0x8008000000000000, /* negative subnormal */
    0x7fefffffffffffff, /* largest finite */
    0xffefffffffffffff, /* most negative finite */
    0x7fe1ccf385ebc8a0, /* 1e308 */
    0x7ff0000000000000, /* +inf */
    0xfff0000000000000, /* -inf */
    0x7ff8000000000000, /* canonical qNaN */
    0xfff8dead00000001, /* qNaN, payload, sign */
    0x7ff0000000000001, /* sNaN */
    0x41e0000000000000, /* 2^31 */
    0x43e0000000000000, /* 2^63 */
    0x4340000000000001, /* 2^53 + 2 */
};

/* Values for the fused multiply-adds (cubed, so fewer). */
static const u64 fma_values[] = {
    0x0000000000000000, 0x8000000000000000, 0x3ff0000000000001, 0xbff0000000000000,
    0x3fb999999999999a, 0x0010000000000000, 0x7fefffffffffffff, 0x7ff0000000000000,
    0x7ff0000000000001, 0x3cb0000000000000, /* 2^-52 */
};

/* Float -> integer inputs: around every integer limit, ties, specials. */
static const u64 to_int[] = {
    0x41dfffffffc00000, /* 2^31 - 1 */
    0x41dfffffffe00000, /* 2^31 - 0.5 */
    0x41e0000000000000, /* 2^31 */
    0xc1e0000000000000, /* -2^31 */
    0xc1e0000000100000, /* -2^31 - 0.5 */
    0xc1e0000000200000, /* -2^31 - 1 */
    0x41efffffffe00000, /* 2^32 - 1 */
    0x41effffffff00000, /* 2^32 - 0.5 */
    0x41f0000000000000, /* 2^32 */
    0x43dfffffffffffff, /* 2^63 - 1024 */
    0x43e0000000000000, /* 2^63 */
    0xc3e0000000000000, /* -2^63 */
    0xc3e0000000000001, /* -2^63 - 2048 */
    0x43efffffffffffff, /* 2^64 - 2048 */
    0x43f0000000000000, /* 2^64 */
    0x3fe0000000000000, /* 0.5 */
    0xbfe0000000000000, /* -0.5 */
    0x3fdfffffffffffff, /* 0.49999999999999994 */
    0x3ff8000000000000, /* 1.5 */
    0x4004000000000000, /* 2.5 */
    0xc004000000000000, /* -2.5 */
    0xbff0000000000000, /* -1 */
    0x8000000000000000, /* -0 */
    0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000, 0x7ff0000000000001,
};

/* Integer -> float inputs. */
static const u64 from_int[] = {
    0,
    1,
    0xffffffffffffffff,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    0xffffffff80000000,
    0x20000000000001, /* 2^53 + 1 */
    0x20000000000003,
    0x7fffffffffffffff,
    0x8000000000000000,
    0x8000000000000401,
    0x002bdc545d6b4b87, /* 12345678901234567 */
    0x0000000001000001, /* 2^24 + 1 */
};

ALL_MODES(F2, fn2, fadd, "fadd.d")
ALL_MODES(F2, fn2, fsub, "fsub.d")
ALL_MODES(F2, fn2, fmul, "fmul.d")
ALL_MODES(F2, fn2, fdiv, "fdiv.d")
ALL_MODES(F1, fn1, fsqrt, "fsqrt.d")
ALL_MODES(F3, fn3, fmadd, "fmadd.d")
ALL_MODES(F3, fn3, fmsub, "fmsub.d")
ALL_MODES(F3, fn3, fnmsub, "fnmsub.d")
ALL_MODES(F3, fn3, fnmadd, "fnmadd.d")
ALL_MODES(FX, fn1, fcvt_w, "fcvt.w.d")
ALL_MODES(FX, fn1, fcvt_wu, "fcvt.wu.d")
ALL_MODES(FX, fn1, fcvt_l, "fcvt.l.d")
ALL_MODES(FX, fn1, fcvt_lu, "fcvt.lu.d")
ALL_MODES(XF, fn1, fcvt_d_l, "fcvt.d.l")
ALL_MODES(XF, fn1, fcvt_d_lu, "fcvt.d.lu")
ALL_MODES(F1, fn1, fcvt_s_d, "fcvt.s.d")
PLAIN2(fmin, "fmin.d")
PLAIN2(fmax, "fmax.d")
PLAIN2(fsgnj, "fsgnj.d")
PLAIN2(fsgnjn, "fsgnjn.d")
PLAIN2(fsgnjx, "fsgnjx.d")
CMP2(feq, "feq.d")
CMP2(flt, "flt.d")
CMP2(fle, "fle.d")
CLASS1(fclass, "fclass.d")

static u64 fcvt_d_w(u64 a) {
  u64 r;
  __asm__ volatile("fcvt.d.w ft0, %1\n\tfmv.x.d %0, ft0" : "=r"(r) : "r"(a) : "ft0");
  return r;
}
static u64 fcvt_d_wu(u64 a) {
  u64 r;
  __asm__ volatile("fcvt.d.wu ft0, %1\n\tfmv.x.d %0, ft0" : "=r"(r) : "r"(a) : "ft0");
  return r;
}

/* A loop the compiler writes itself (it contracts a * b + c into fmadd.d). */
static u64 series(void) {
  double x = 0.5, sum = 0, term = 1;
  for (int k = 1; k < 60; k++) {
    term = term * x / k;
    sum = sum * 0.999 + term;
  }
  union { double d; u64 u; } v = {sum};
  return v.u;
}

int guest_main(void) {
  take_fflags();
  for (unsigned i = 0; i < COUNT(values); i++)
    for (unsigned j = 0; j < COUNT(values); j++) {
      u64 a = values[i], b = values[j];
      modes2("fadd.d", fadd_modes, a, b);
      modes2("fsub.d", fsub_modes, a, b);
      modes2("fmul.d", fmul_modes, a, b);
      modes2("fdiv.d", fdiv_modes, a, b);
      plain2("fmin.d", fmin, a, b);
      plain2("fmax.d", fmax, a, b);
      plain2("fsgnj.d", fsgnj, a, b);
      plain2("fsgnjn.d", fsgnjn, a, b);
      plain2("fsgnjx.d", fsgnjx, a, b);
      plain2("feq.d", feq, a, b);
      plain2("flt.d", flt, a, b);
      plain2("fle.d", fle, a, b);
    }
  for (unsigned i = 0; i < COUNT(values); i++) {
    modes1("fsqrt.d", fsqrt_modes, values[i]);
    modes1("fcvt.s.d", fcvt_s_d_modes, values[i]);
    plain1("fclass.d", fclass, values[i]);
  }
  for (unsigned i = 0; i < COUNT(fma_values); i++)
    for (unsigned j = 0; j < COUNT(fma_values); j++)
      for (unsigned k = 0; k < COUNT(fma_values); k++) {
        u64 a = fma_values[i], b = fma_values[j], c = fma_values[k];
        modes3("fmadd.d", fmadd_modes, a, b, c);
        modes3("fmsub.d", fmsub_modes, a, b, c);
        modes3("fnmsub.d", fnmsub_modes, a, b, c);
        modes3("fnmadd.d", fnmadd_modes, a, b, c);
      }
  for (unsigned i = 0; i < COUNT(to_int); i++) {
    modes1("fcvt.w.d", fcvt_w_modes, to_int[i]);
    modes1("fcvt.wu.d", fcvt_wu_modes, to_int[i]);
    modes1("fcvt.l.d", fcvt_l_modes, to_int[i]);
    modes1("fcvt.lu.d", fcvt_lu_modes, to_int[i]);
  }
  for (unsigned i = 0; i < COUNT(from_int); i++) {
    modes1("fcvt.d.l", fcvt_d_l_modes, from_int[i]);
    modes1("fcvt.d.lu", fcvt_d_lu_modes, from_int[i]);
    plain1("fcvt.d.w", fcvt_d_w, from_int[i]);
    plain1("fcvt.d.wu", fcvt_d_wu, from_int[i]);
  }
  line1("series", series());
  /* fflags accrue until cleared: 1/3 then sqrt(-1) then 1/0. */
  fdiv_rne(0x3ff0000000000000, 0x4008000000000000);
  fsqrt_rne(0xbff0000000000000);
  fdiv_rne(0x3ff0000000000000, 0);
  line1("accrued", take_fflags());
  return 0;
}
