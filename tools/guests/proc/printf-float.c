/* printf of floating-point values as everyday programs use it: %f, %e, %g
 * and %a (and their capital forms) with flags, widths and precisions, float
 * and long double arguments, special values (zeros, subnormals, range ends,
 * infinities, NaNs), and round trips through strtod/strtof/strtold that the
 * program checks itself. Prints everything, then one line with the number of
 * failed round trips; exits with that count (0 when all hold). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double values[] = {
    0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.2, 0.3, 1.0 / 3.0, 2.0 / 3.0, 2.5, -2.5, 0.125, 9.5, 99.95,
    1e-5, 1e-4, 123456.0, 1234567.0, 1e15, 1e16, 1e21, 1e22, 1e23, 1e100, 1e-100, 1e-300,
    4.9e-324, 2.2250738585072014e-308, 2.2250738585072009e-308, 1.7976931348623157e308,
    3.141592653589793, 2.718281828459045, 6.02214076e23, 6.62607015e-34, -1234.5678, 0.000123456,
    9007199254740993.0, 4503599627370495.5, INFINITY, -INFINITY, NAN, -NAN,
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const formats[] = {
    "%f", "%.0f", "%.1f", "%.2f", "%.10f", "%12.3f", "%-12.3f|", "%+f", "% f", "%012.4f", "%#.0f",
    "%F", "%e", "%.0e", "%.3e", "%15.6e", "%-15.2e|", "%+.4e", "%E", "%#.0e", "%g", "%.0g", "%.1g",
    "%.3g", "%.10g", "%.17g", "%#g", "%#.3g", "%12g", "%-12g|", "%+g", "%G", "%a", "%.0a", "%.3a",
    "%A", "%20a", "%-20.2a|", "%+a", "%#a", "%'.2f", "%08.3e", "%*.*f",
};

static void print_double(double x) {
  for (unsigned i = 0; i < COUNT(formats); i++) {
    char buf[512];
    if (strcmp(formats[i], "%*.*f") == 0)
      snprintf(buf, sizeof buf, formats[i], 14, 5, x);
    else
      snprintf(buf, sizeof buf, formats[i], x);
    printf("[%s]", buf);
  }
  putchar('\n');
}

static void print_float(float f) {
  /* float is promoted to double through varargs; print what a program sees. */
  printf("float %.9g %a %e %.3f %g\n", (double)f, (double)f, (double)f, (double)f, (double)f);
}

static void print_long_double(long double x) {
  printf("long double %Lf %.20Le %.36Lg %La %.3LA\n", x, x, x, x, x);
}

static unsigned failures;

static void round_trip_double(double x) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.17g", x);
  double back = strtod(buf, NULL);
  int same = memcmp(&back, &x, sizeof x) == 0 || (isnan(x) && isnan(back));
  snprintf(buf, sizeof buf, "%a", x);
  double hex = strtod(buf, NULL);
  same = same && (memcmp(&hex, &x, sizeof x) == 0 || (isnan(x) && isnan(hex)));
  if (!same) {
    failures++;
    printf("FAIL round trip %a -> %s -> %a / %a\n", x, buf, back, hex);
  }
}

static void round_trip_float(float f) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.9g", (double)f);
  float back = strtof(buf, NULL);
  if (memcmp(&back, &f, sizeof f) != 0 && !(isnan(f) && isnan(back))) {
    failures++;
    printf("FAIL float round trip %a -> %s -> %a\n", (double)f, buf, (double)back);
  }
}

static void round_trip_long_double(long double x) {
  char buf[96];
  snprintf(buf, sizeof buf, "%.36Lg", x);
  long double back = strtold(buf, NULL);
  if (back != x && !(isnan(x) && isnan(back))) {
    failures++;
    printf("FAIL long double round trip %s\n", buf);
  }
}

/* Shortest %.{p}g that reads back as the same double: what printing
 * libraries compute; exercises strtod on many near-miss strings. */
static int shortest_digits(double x) {
  for (int p = 1; p <= 17; p++) {
    char buf[64];
    snprintf(buf, sizeof buf, "%.*g", p, x);
    if (strtod(buf, NULL) == x) return p;
  }
  return -1;
}

int main(void) {
  for (unsigned i = 0; i < COUNT(values); i++) print_double(values[i]);
  for (unsigned i = 0; i < COUNT(values); i++) print_float((float)values[i]);
  print_float(FLT_MIN);
  print_float(FLT_MAX);
  print_float(FLT_TRUE_MIN);
  print_float(FLT_EPSILON);
  print_long_double(0.0L);
  print_long_double(1.0L / 3.0L);
  /* %Lf of LDBL_MAX is 4933 digits of soft-float quad arithmetic: the
   * exponent forms say the same for a fraction of the instructions. */
  printf("long double max %.20Le %La %.3LA\n", LDBL_MAX, LDBL_MAX, LDBL_MAX);
  print_long_double(LDBL_MIN);
  print_long_double(LDBL_EPSILON);
  print_long_double(-3.14159265358979323846264338327950288L);
  print_long_double((long double)INFINITY);
  print_long_double((long double)NAN);

  /* Round trips over fixed values and a deterministic sweep of bit patterns. */
  for (unsigned i = 0; i < COUNT(values); i++) {
    round_trip_double(values[i]);
    round_trip_float((float)values[i]);
    round_trip_long_double((long double)values[i]);
  }
  unsigned long long bits = 0x3ff0000000000001ULL;
  unsigned histogram[18] = {0};
  for (int i = 0; i < 100; i++) {
    bits = bits * 6364136223846793005ULL + 1442695040888963407ULL;
    double x;
    memcpy(&x, &bits, sizeof x);
    round_trip_double(x);
    float f;
    unsigned lo = (unsigned)(bits >> 17);
    memcpy(&f, &lo, sizeof f);
    round_trip_float(f);
    if (isfinite(x)) {
      int p = shortest_digits(x);
      histogram[p < 0 ? 0 : p]++;
    }
  }
  printf("shortest digits:");
  for (int p = 0; p <= 17; p++) printf(" %u", histogram[p]);
  putchar('\n');

  /* strtod of tricky decimal inputs: ties, halfway cases, long mantissas. */
  static const char *const inputs[] = {
      "0.1", "1e23", "8.589973e9", "2.2250738585072011e-308", "4.9406564584124654e-324",
      "2.4703282292062327e-324", "2.4703282292062328e-324", "1.7976931348623158e308",
      "1.7976931348623159e308", "9007199254740993", "0.500000000000000166533453693773481063544750213623046875",
      "123.456e-2", "-0x1.8p+3", "  +7.25e+0end", "inf", "-NaN", "nan(0x123)", "1e-1000", "1e1000", ".5",
      "5.", "e5", "",
  };
  for (unsigned i = 0; i < COUNT(inputs); i++) {
    char *end;
    double d = strtod(inputs[i], &end);
    float f = strtof(inputs[i], NULL);
    long double ld = strtold(inputs[i], NULL);
    printf("strtod(\"%s\") = %.17g %a consumed %ld; strtof %a; strtold %La\n", inputs[i], d, d,
           (long)(end - inputs[i]), (double)f, ld);
  }

  /* Sums whose rounding printf must show exactly. */
  double sum = 0;
  for (int i = 0; i < 10; i++) sum += 0.1;
  printf("sum of ten 0.1 = %.17g (%s 1.0)\n", sum, sum == 1.0 ? "==" : "!=");
  printf("rounding: %.2f %.2f %.2f %.2f %.1f %.1f %.0f %.0f %.0f %.0f\n", 2.675, 1.005, 0.125, 0.375,
         0.25, 0.35, 0.5, 1.5, 2.5, -0.5);

  printf("round-trip failures=%u\n", failures);
  return failures == 0 ? 0 : 1;
}
