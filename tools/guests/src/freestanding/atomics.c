/* RV64A: LR/SC success and failure paths, and every AMO in its W and D
 * forms (with aq/rl orderings), printing the old value and the memory after. */
#include "rt.h"

static volatile u64 cell[2] __attribute__((aligned(16)));
static volatile u64 far_cell[2] __attribute__((aligned(4096)));

static const u64 values[] = {
    0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x7fffffffffffffff, 0x8000000000000000,
    0xffffffffffffffff, 0x123456789abcdef0,
};
#define N (sizeof values / sizeof values[0])

#define AMO(id, op)                                                            \
  static void id(const char *name, u64 m, u64 v) {                             \
    u64 old;                                                                   \
    cell[0] = m;                                                               \
    cell[1] = 0x5a5a5a5a5a5a5a5a;                                              \
    __asm__ volatile(op " %0, %2, (%1)" : "=&r"(old) : "r"(cell), "r"(v) : "memory"); \
    line3(name, m, v, old);                                                    \
    line3("  mem", cell[0], cell[1], 0);                                       \
  }
AMO(amoswap_w, "amoswap.w")
AMO(amoadd_w, "amoadd.w")
AMO(amoxor_w, "amoxor.w")
AMO(amoand_w, "amoand.w")
AMO(amoor_w, "amoor.w")
AMO(amomin_w, "amomin.w")
AMO(amomax_w, "amomax.w")
AMO(amominu_w, "amominu.w")
AMO(amomaxu_w, "amomaxu.w")
AMO(amoswap_d, "amoswap.d")
AMO(amoadd_d, "amoadd.d")
AMO(amoxor_d, "amoxor.d")
AMO(amoand_d, "amoand.d")
AMO(amoor_d, "amoor.d")
AMO(amomin_d, "amomin.d")
AMO(amomax_d, "amomax.d")
AMO(amominu_d, "amominu.d")
AMO(amomaxu_d, "amomaxu.d")
AMO(amoadd_w_aq, "amoadd.w.aq")
AMO(amoadd_d_rl, "amoadd.d.rl")
AMO(amoswap_w_aqrl, "amoswap.w.aqrl")
AMO(amomaxu_d_aqrl, "amomaxu.d.aqrl")

typedef void (*amo)(const char *, u64, u64);
static const struct {
  const char *name;
  amo f;
} amos[] = {
    {"amoswap.w", amoswap_w},
    {"amoadd.w", amoadd_w},
    {"amoxor.w", amoxor_w},
    {"amoand.w", amoand_w},
    {"amoor.w", amoor_w},
    {"amomin.w", amomin_w},
    {"amomax.w", amomax_w},
    {"amominu.w", amominu_w},
    {"amomaxu.w", amomaxu_w},
    {"amoswap.d", amoswap_d},
    {"amoadd.d", amoadd_d},
    {"amoxor.d", amoxor_d},
    {"amoand.d", amoand_d},
    {"amoor.d", amoor_d},
    {"amomin.d", amomin_d},
    {"amomax.d", amomax_d},
    {"amominu.d", amominu_d},
    {"amomaxu.d", amomaxu_d},
    {"amoadd.w.aq", amoadd_w_aq},
    {"amoadd.d.rl", amoadd_d_rl},
    {"amoswap.w.aqrl", amoswap_w_aqrl},
    {"amomaxu.d.aqrl", amomaxu_d_aqrl},
};

int guest_main(void) {
  for (unsigned o = 0; o < sizeof amos / sizeof amos[0]; o++)
    for (unsigned i = 0; i < N; i++)
      for (unsigned j = 0; j < N; j += 2) amos[o].f(amos[o].name, values[i], values[j]);

  u64 loaded, status;
  for (unsigned i = 0; i < N; i++) {
    /* lr.w sign-extends; sc.w stores the low word and succeeds (0) */
    cell[0] = values[i];
    __asm__ volatile("lr.w %0, (%2)\n sc.w %1, %3, (%2)"
                     : "=&r"(loaded), "=&r"(status)
                     : "r"(cell), "r"(values[N - 1 - i])
                     : "memory");
    line3("lr.w/sc.w", loaded, status, cell[0]);
    cell[0] = values[i];
    __asm__ volatile("lr.d.aq %0, (%2)\n sc.d.rl %1, %3, (%2)"
                     : "=&r"(loaded), "=&r"(status)
                     : "r"(cell), "r"(values[N - 1 - i])
                     : "memory");
    line3("lr.d/sc.d", loaded, status, cell[0]);
  }
  /* sc without a reservation fails and writes nothing */
  cell[0] = 7;
  __asm__ volatile("lr.d %0, (%2)\n sc.d %1, %3, (%2)\n sc.d %1, %3, (%2)"
                   : "=&r"(loaded), "=&r"(status)
                   : "r"(cell), "r"(99ul)
                   : "memory");
  line3("second sc.d", loaded, status != 0, cell[0]);
  /* sc to another address than the reservation fails */
  far_cell[0] = 5;
  __asm__ volatile("lr.d %0, (%2)\n sc.d %1, %4, (%3)"
                   : "=&r"(loaded), "=&r"(status)
                   : "r"(cell), "r"(far_cell), "r"(42ul)
                   : "memory");
  line3("sc.d elsewhere", loaded, status != 0, far_cell[0]);
  /* a store between lr and sc to the same address: both qemu and Linux on
   * hardware may keep the reservation, so only the loaded value is printed */
  /* a CAS loop as compilers write it */
  cell[0] = 0;
  for (int k = 0; k < 100; k++) __atomic_fetch_add(&cell[0], k, __ATOMIC_SEQ_CST);
  u64 expected = cell[0];
  int swapped = __atomic_compare_exchange_n(&cell[0], &expected, 12345, 0, __ATOMIC_SEQ_CST,
                                            __ATOMIC_SEQ_CST);
  line3("cas", expected, (u64)swapped, cell[0]);
  u32 word = 0xfffffff0;
  for (int k = 0; k < 40; k++) __atomic_fetch_add(&word, 1, __ATOMIC_RELAXED);
  line1("w wrap", word);
  return 0;
}
