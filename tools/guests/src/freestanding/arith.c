/* RV64I integer arithmetic: every register-register and immediate ALU
 * instruction, the W forms and their sign extension, over corner values. */
#include "rt.h"

static const u64 values[] = {
    0,
    1,
    2,
    0x7f,
    0x800,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    0x100000000,
    0x7fffffffffffffff,
    0x8000000000000000,
    0xffffffffffffffff,
    0xfffffffffffff800,
    0x123456789abcdef0,
    0xfedcba9876543210,
    63,
    31,
    32,
};
#define N (sizeof values / sizeof values[0])

#define RR(op)                                                                 \
  static u64 op##_(u64 a, u64 b) {                                             \
    u64 r;                                                                     \
    __asm__ volatile(#op " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));            \
    return r;                                                                  \
  }
RR(add) RR(sub) RR(and) RR(or) RR(xor) RR(sll) RR(srl) RR(sra) RR(slt) RR(sltu)
RR(addw) RR(subw) RR(sllw) RR(srlw) RR(sraw)

#define RI(op, imm)                                                            \
  {                                                                            \
    u64 r;                                                                     \
    __asm__ volatile(#op " %0, %1, " #imm : "=r"(r) : "r"(a));                 \
    line3(#op " " #imm, a, 0, r);                                              \
  }

typedef u64 (*binop)(u64, u64);
static const struct {
  const char *name;
  binop f;
} ops[] = {
    {"add", add_},   {"sub", sub_},   {"and", and_},   {"or", or_},
    {"xor", xor_},   {"sll", sll_},   {"srl", srl_},   {"sra", sra_},
    {"slt", slt_},   {"sltu", sltu_}, {"addw", addw_}, {"subw", subw_},
    {"sllw", sllw_}, {"srlw", srlw_}, {"sraw", sraw_},
};

int guest_main(void) {
  for (unsigned o = 0; o < sizeof ops / sizeof ops[0]; o++)
    for (unsigned i = 0; i < N; i++)
      for (unsigned j = 0; j < N; j++) line3(ops[o].name, values[i], values[j], ops[o].f(values[i], values[j]));
  for (unsigned i = 0; i < N; i++) {
    u64 a = values[i];
    RI(addi, -1) RI(addi, 2047) RI(addi, -2048) RI(slti, -1) RI(slti, 5) RI(sltiu, -1)
    RI(sltiu, 1) RI(xori, -1) RI(xori, 0x555) RI(ori, -2048) RI(ori, 0x7f0) RI(andi, -16)
    RI(andi, 0x7ff) RI(slli, 0) RI(slli, 1) RI(slli, 63) RI(srli, 1) RI(srli, 63) RI(srai, 1)
    RI(srai, 63) RI(addiw, 0) RI(addiw, -1) RI(addiw, 2047) RI(slliw, 1) RI(slliw, 31)
    RI(srliw, 0) RI(srliw, 31) RI(sraiw, 0) RI(sraiw, 31)
  }
  u64 r;
  __asm__ volatile("lui %0, 0x80000" : "=r"(r));
  line1("lui 0x80000", r);
  __asm__ volatile("lui %0, 0x7ffff" : "=r"(r));
  line1("lui 0x7ffff", r);
  u64 here, there;
  __asm__ volatile("1: auipc %0, 0\n auipc %1, 0x12345\n sub %1, %1, %0" : "=&r"(here), "=&r"(there));
  line1("auipc delta", there);
  /* branches: taken / not taken for each comparison */
  for (unsigned i = 0; i < N; i++)
    for (unsigned j = 0; j < N; j += 3) {
      u64 a = values[i], b = values[j], m = 0;
#define BR(op, bit)                                                            \
  __asm__ volatile(#op " %1, %2, 1f\n ori %0, %0, " #bit "\n1:" : "+r"(m) : "r"(a), "r"(b));
      BR(beq, 1) BR(bne, 2) BR(blt, 4) BR(bge, 8) BR(bltu, 16) BR(bgeu, 32)
      line3("branches", a, b, m);
    }
  return 0;
}
