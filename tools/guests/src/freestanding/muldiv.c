/* RV64M: multiplication high parts and the division corner cases (divide by
 * zero, overflow of the most negative value by -1), 64-bit and W forms. */
#include "rt.h"

static const u64 values[] = {
    0,
    1,
    2,
    3,
    7,
    0xffffffffffffffff,
    0xfffffffffffffffe,
    0xfffffffffffffff9,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    0xffffffff80000000,
    0x100000000,
    0x7fffffffffffffff,
    0x8000000000000000,
    0x123456789abcdef0,
    0xfedcba9876543210,
};
#define N (sizeof values / sizeof values[0])

#define RR(op)                                                                 \
  static u64 op##_(u64 a, u64 b) {                                             \
    u64 r;                                                                     \
    __asm__ volatile(#op " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));            \
    return r;                                                                  \
  }
RR(mul) RR(mulh) RR(mulhsu) RR(mulhu) RR(mulw) RR(div) RR(divu) RR(rem) RR(remu)
RR(divw) RR(divuw) RR(remw) RR(remuw)

typedef u64 (*binop)(u64, u64);
static const struct {
  const char *name;
  binop f;
} ops[] = {
    {"mul", mul_},   {"mulh", mulh_},   {"mulhsu", mulhsu_}, {"mulhu", mulhu_},
    {"mulw", mulw_}, {"div", div_},     {"divu", divu_},     {"rem", rem_},
    {"remu", remu_}, {"divw", divw_},   {"divuw", divuw_},   {"remw", remw_},
    {"remuw", remuw_},
};

int guest_main(void) {
  for (unsigned o = 0; o < sizeof ops / sizeof ops[0]; o++)
    for (unsigned i = 0; i < N; i++)
      for (unsigned j = 0; j < N; j++) line3(ops[o].name, values[i], values[j], ops[o].f(values[i], values[j]));
  /* a multiply-accumulate loop the compiler writes itself */
  u64 acc = 1;
  for (u64 k = 1; k < 1000; k++) acc = acc * 0x9e3779b97f4a7c15ul + k / 3 - (k % 7);
  line1("mac loop", acc);
  return 0;
}
