/* glibc's floating point as programs use it: printf of floats in every
 * conversion, strtod/strtof of decimal and hex strings (ties, subnormals,
 * overflow), libm (sin, cos, exp, log, pow, sqrt, fma, and friends) over a
 * range of arguments, and all of it again under each rounding mode set with
 * fesetround. Prints everything; the output must match qemu-riscv64 byte for
 * byte. */
#include <fenv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double values[] = {
    0.0, -0.0, 1.0, -1.0, 0.1, 1.0 / 3.0, 2.5, -2.5, 1e-300, 4.9e-324, 2.2250738585072014e-308,
    1.7976931348623157e308, 123456789.125, 6.02214076e23, 3.141592653589793, 1e22, 1e23, 0.5e-323,
    INFINITY, -INFINITY, NAN,
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const strings[] = {
    "0", "-0", "1", "0.1", "3.14159265358979323846264338327950288", "1e308", "1.8e308", "-1e400",
    "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "1e-400",
    "9007199254740993", "9007199254740992.5", "0x1.fffffffffffff8p0", "0x1p-1074", "0x1.8p-1075",
    "nan", "-inf", "infinity", "1.00000000000000011102230246251565404236316680908203125",
    "123456789012345678901234567890", "  42.5xyz", "", "2.2250738585072011e-308",
};

static const int modes[] = {FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD};
static const char *const mode_names[] = {"nearest", "towardzero", "downward", "upward"};

static void print_formats(double x) {
  printf("%.17g | %a | %e | %.3f | %g | %.0f | %.30e\n", x, x, x, x, x, x, x);
}

static void print_libm(double x) {
  printf("sin %a cos %a tan %a exp %a log %a log2 %a log10 %a\n", sin(x), cos(x), tan(x), exp(x), log(x),
         log2(x), log10(x));
  printf("sqrt %a cbrt %a pow %a pow2 %a atan2 %a hypot %a fma %a\n", sqrt(x), cbrt(x), pow(x, 0.5),
         pow(2.0, x), atan2(x, 1.5), hypot(x, 3.0), fma(x, x, -1.0));
  printf("floor %a ceil %a round %a rint %a nearbyint %a trunc %a lrint %ld fmod %a\n", floor(x), ceil(x),
         round(x), rint(x), nearbyint(x), trunc(x), (x == x && fabs(x) < 1e18) ? lrint(x) : 0L, fmod(x, 0.7));
  float f = (float)x;
  printf("float %a sinf %a expf %a sqrtf %a powf %a\n", (double)f, (double)sinf(f), (double)expf(f),
         (double)sqrtf(f), (double)powf(f, 1.5f));
}

int main(void) {
  for (unsigned m = 0; m < COUNT(modes); m++) {
    fesetround(modes[m]);
    printf("== %s\n", mode_names[m]);
    for (unsigned i = 0; i < COUNT(values); i++) print_formats(values[i]);
    for (unsigned i = 0; i < COUNT(strings); i++) {
      char *end;
      double d = strtod(strings[i], &end);
      float f = strtof(strings[i], NULL);
      printf("strtod(\"%s\") = %a (%.17g) end+%ld strtof %a\n", strings[i], d, d, (long)(end - strings[i]),
             (double)f);
    }
    for (double x = -7.25; x < 8; x += 1.375) print_libm(x);
    print_libm(1e-310);
    print_libm(700.5);
    print_libm(1e300);
    /* arithmetic the compiler writes, exceptions as fetestexcept sees them */
    feclearexcept(FE_ALL_EXCEPT);
    volatile double a = 1.0, b = 3.0, z = 0.0;
    volatile double q = a / b;
    printf("1/3 %a inexact %d\n", q, fetestexcept(FE_INEXACT) != 0);
    feclearexcept(FE_ALL_EXCEPT);
    q = a / z;
    printf("1/0 %a divbyzero %d\n", q, fetestexcept(FE_DIVBYZERO) != 0);
    feclearexcept(FE_ALL_EXCEPT);
    q = z / z;
    printf("0/0 %a invalid %d\n", q, fetestexcept(FE_INVALID) != 0);
    feclearexcept(FE_ALL_EXCEPT);
    q = 1e308 * b * b;
    printf("overflow %a %d\n", q, fetestexcept(FE_OVERFLOW) != 0);
    feclearexcept(FE_ALL_EXCEPT);
    q = 1e-308 / 1e10;
    printf("underflow %a %d\n", q, fetestexcept(FE_UNDERFLOW) != 0);
  }
  fesetround(FE_TONEAREST);
  /* a sum whose every step rounds */
  double s = 0;
  for (int k = 1; k <= 100000; k++) s += 1.0 / ((double)k * k);
  printf("basel %.17g\n", s);
  char buf[64];
  snprintf(buf, sizeof buf, "%.20Lg", (long double)1 / 3);
  printf("long double %s\n", buf);
  return 0;
}
