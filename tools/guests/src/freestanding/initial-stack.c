/* Prints what the kernel put on the initial stack: argc, argv, envp, the
 * auxiliary vector sorted by tag (address-valued entries only as "present",
 * since their values depend on where the stack is), and whether the layout
 * holds Linux's invariants (16-byte sp, strings in order above the vectors,
 * 16 readable AT_RANDOM bytes). Run it with a few arguments and variables. */
#include "rt.h"

static void print_string(const char *label, const char *s) {
  puts_(label);
  putch(' ');
  puts_(s);
  putch('\n');
}

static int is_address_tag(u64 tag) {
  return tag == 25 /* AT_RANDOM */ || tag == 31 /* AT_EXECFN */ || tag == 33 /* AT_SYSINFO_EHDR */ ||
         tag == 15 /* AT_PLATFORM */;
}

int guest_main(void) {
  u64 *sp = guest_entry_sp;
  line1("sp % 16", (u64)sp % 16);
  u64 argc = sp[0];
  line1("argc", argc);
  char **argv = (char **)(sp + 1);
  for (u64 i = 0; i < argc; i++) print_string("argv", argv[i]);
  line1("argv[argc]", (u64)argv[argc]);
  char **envp = argv + argc + 1;
  u64 envc = 0;
  while (envp[envc]) print_string("envp", envp[envc++]);
  u64 *auxv = (u64 *)(envp + envc + 1);
  /* strings ascend: argv[0] < ... < envp[last], all above the auxv */
  int ordered = 1;
  char *previous = (char *)(auxv);
  for (u64 i = 0; i < argc + envc; i++) {
    char *s = i < argc ? argv[i] : envp[i - argc];
    if (s <= previous) ordered = 0;
    previous = s;
  }
  line1("strings ascending", ordered);
  u64 count = 0;
  while (auxv[2 * count] != 0) count++;
  line1("auxv entries", count);
  /* print in tag order: selection by repeated minimum */
  u64 last = 0;
  for (u64 k = 0; k < count; k++) {
    u64 best = ~0ul, value = 0;
    for (u64 i = 0; i < count; i++)
      if (auxv[2 * i] > last && auxv[2 * i] < best) best = auxv[2 * i], value = auxv[2 * i + 1];
    last = best;
    if (is_address_tag(best)) {
      line3("aux", best, 1, 0);
      if (best == 25) {
        u8 *random = (u8 *)value;
        u64 sum = 0;
        for (int i = 0; i < 16; i++) sum += random[i] & 0; /* readable; values differ per run */
        line1("random readable", sum == 0);
        line1("random above vectors", random > (u8 *)(auxv + 2 * count));
      }
    } else {
      line3("aux", best, 0, value);
    }
  }
  return 0;
}

