/* RVC: every compressed instruction that RV64 has (except c.ebreak), written
 * explicitly, each followed by a dump of the registers it touched. */
#include "rt.h"

static u64 mem[8] __attribute__((aligned(16))) = {
    0x1111111111111111, 0x8222222282222222, 0x3333333333333333, 0xf444444444444444,
    0x5555555555555555, 0x6666666666666666, 0x7777777777777777, 0x8888888888888888,
};

/* Operands go through a0/a1 explicitly: the compressed forms need x8-x15. */
#define RVC(insn) ".option push\n.option rvc\n" insn "\n.option pop\n"
#define C1(insn, init)                                                         \
  {                                                                            \
    u64 r;                                                                     \
    __asm__ volatile("mv a0, %1\n" RVC(insn) "mv %0, a0" : "=r"(r) : "r"((u64)(init)) : "a0"); \
    line1(insn, r);                                                            \
  }
#define C2(insn, init, other)                                                  \
  {                                                                            \
    u64 r;                                                                     \
    __asm__ volatile("mv a0, %1\nmv a1, %2\n" RVC(insn) "mv %0, a0"            \
                     : "=r"(r)                                                 \
                     : "r"((u64)(init)), "r"((u64)(other))                     \
                     : "a0", "a1");                                            \
    line3(insn, (init), (other), r);                                           \
  }
#define CMEM(insn, base, value)                                                \
  {                                                                            \
    u64 r;                                                                     \
    __asm__ volatile("mv a1, %1\nmv a0, %2\n" RVC(insn) "mv %0, a0"            \
                     : "=r"(r)                                                 \
                     : "r"(base), "r"((u64)(value))                            \
                     : "a0", "a1", "memory");                                  \
    line1(insn, r);                                                            \
  }

static const u64 values[] = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x8000000000000000,
                             0xffffffffffffffff, 0x123456789abcdef0};
#define N (sizeof values / sizeof values[0])

int guest_main(void) {
  for (unsigned i = 0; i < N; i++) {
    u64 v = values[i];
    C1("c.li a0, -32", v) C1("c.li a0, 31", v) C1("c.lui a0, 1", v) C1("c.lui a0, 0xfffe0", v)
    C1("c.lui a0, 31", v) C1("c.addi a0, -32", v) C1("c.addi a0, 31", v) C1("c.addiw a0, -1", v)
    C1("c.addiw a0, 0", v) C1("c.slli a0, 1", v) C1("c.slli a0, 63", v) C1("c.srli a0, 1", v)
    C1("c.srli a0, 63", v) C1("c.srai a0, 1", v) C1("c.srai a0, 63", v) C1("c.andi a0, -1", v)
    C1("c.andi a0, 15", v) C1("c.andi a0, -32", v) C1("c.nop", v)
    for (unsigned j = 0; j < N; j += 3) {
      u64 w = values[j];
      C2("c.add a0, a1", v, w) C2("c.mv a0, a1", v, w) C2("c.sub a0, a1", v, w)
      C2("c.xor a0, a1", v, w) C2("c.or a0, a1", v, w) C2("c.and a0, a1", v, w)
      C2("c.subw a0, a1", v, w) C2("c.addw a0, a1", v, w)
    }
  }
  /* loads and stores through a register base and through sp */
  u64 r;
  CMEM("c.lw a0, 4(a1)", mem, 0)
  CMEM("c.lw a0, 124(a1)", (u8 *)mem - 120, 0)
  CMEM("c.ld a0, 24(a1)", mem, 0)
  CMEM("c.ld a0, 248(a1)", (u8 *)mem - 192, 0)
  CMEM("c.sw a0, 8(a1)", mem, 0xdeadbeefcafef00d)
  CMEM("c.sd a0, 48(a1)", mem, 0xdeadbeefcafef00d)
  for (int i = 0; i < 8; i++) line1("mem", mem[i]);
  __asm__ volatile(".option push\n.option rvc\n"
                   "c.addi16sp sp, -64\n"
                   "c.sdsp %1, 8(sp)\n"
                   "c.swsp %1, 20(sp)\n"
                   "c.lwsp a0, 8(sp)\n"
                   "c.ldsp a1, 16(sp)\n"
                   "c.add a0, a1\n"
                   "c.addi4spn a1, sp, 24\n"
                   "c.mv a2, sp\n"
                   "c.sub a1, a2\n"
                   "c.add a0, a1\n"
                   "c.ldsp a1, 8(sp)\n"
                   "c.add a0, a1\n"
                   "c.addi16sp sp, 64\n"
                   "mv %0, a0\n"
                   ".option pop"
                   : "=r"(r)
                   : "r"(0x89abcdef01234567ul)
                   : "a0", "a1", "a2", "memory");
  line1("sp forms", r);
  /* jumps and branches */
  __asm__ volatile(".option push\n.option rvc\n"
                   "li a0, 0\n"
                   "c.j 1f\n"
                   "c.addi a0, 1\n"
                   "1: c.addi a0, 2\n"
                   "c.beqz a0, 2f\n"
                   "c.addi a0, 4\n"
                   "2: c.bnez a0, 3f\n"
                   "c.addi a0, 8\n"
                   "3: la a1, 4f\n"
                   "c.jr a1\n"
                   "c.addi a0, 16\n"
                   "4: la a1, 5f\n"
                   "c.jalr a1\n"
                   "5: sub a1, a1, ra\n"
                   "c.add a0, a1\n"
                   "li a1, 0\n"
                   "c.beqz a1, 6f\n"
                   "c.addi a0, 16\n"
                   "6: mv %0, a0\n"
                   ".option pop"
                   : "=r"(r)
                   :
                   : "a0", "a1", "ra", "memory");
  line1("control", r);
  return 0;
}
