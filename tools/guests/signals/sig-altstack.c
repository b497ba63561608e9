/* The alternate signal stack and the ucontext a handler sees: SA_ONSTACK
 * runs the handler on the sigaltstack (SS_ONSTACK reported inside, EPERM for
 * changing it there), SS_DISABLE turns it off, ENOMEM for a too-small stack;
 * a stack overflow's SIGSEGV is caught on the alternate stack; a SIGSEGV
 * handler that edits uc_mcontext to skip the faulting instruction and to
 * set a register, which the program then sees; si_addr of the fault;
 * SIGILL and SIGTRAP handlers with si_addr at the instruction. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ucontext.h>
#include <unistd.h>

static char *alt;
static size_t alt_size = 64 * 1024;
static volatile int on_alt, flags_inside, eperm_inside;

static void on_usr1(int sig) {
  (void)sig;
  char local;
  on_alt = (uintptr_t)&local >= (uintptr_t)alt && (uintptr_t)&local < (uintptr_t)alt + alt_size;
  stack_t cur, other = {.ss_sp = alt, .ss_size = alt_size, .ss_flags = 0};
  sigaltstack(NULL, &cur);
  flags_inside = cur.ss_flags;
  eperm_inside = sigaltstack(&other, NULL) == -1 && errno == EPERM;
}

static volatile uintptr_t fault_addr;
static volatile int fault_code, overflow_on_alt;

static void on_overflow(int sig, siginfo_t *si, void *uc) {
  (void)sig;
  (void)uc;
  char local;
  overflow_on_alt =
      (uintptr_t)&local >= (uintptr_t)alt && (uintptr_t)&local < (uintptr_t)alt + alt_size;
  fault_code = si->si_code;
  /* Not the si_code: Linux says SEGV_MAPERR (the stack cannot grow),
   * qemu-riscv64 SEGV_ACCERR (its guard page). */
  printf("overflow caught: on alt stack=%d\n", overflow_on_alt);
  _exit(0);
}

#pragma GCC diagnostic ignored "-Winfinite-recursion"
static int depth(int n) {
  volatile char pad[4096];
  pad[0] = (char)n;
  return depth(n + 1) + pad[0];
}

/* Skips the faulting 4-byte load and sets a1 (x11) to 77. */
static void on_segv_skip(int sig, siginfo_t *si, void *ucv) {
  (void)sig;
  ucontext_t *uc = ucv;
  fault_addr = (uintptr_t)si->si_addr;
  fault_code = si->si_code;
  uc->uc_mcontext.__gregs[REG_PC] += 4;
  uc->uc_mcontext.__gregs[11] = 77;
}

static volatile uintptr_t trap_pc, trap_addr;
static void on_ill_or_trap(int sig, siginfo_t *si, void *ucv) {
  ucontext_t *uc = ucv;
  trap_pc = uc->uc_mcontext.__gregs[REG_PC];
  trap_addr = (uintptr_t)si->si_addr;
  fault_code = si->si_code;
  printf("%s: si_addr==pc %d code=%d\n", sig == SIGILL ? "SIGILL" : "SIGTRAP", trap_pc == trap_addr,
         fault_code);
  uc->uc_mcontext.__gregs[REG_PC] += 4; /* both test instructions are 4 bytes */
}

static void act(int sig, void (*h)(int, siginfo_t *, void *), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = h;
  sa.sa_flags = SA_SIGINFO | flags;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  alt = malloc(alt_size);
  stack_t ss = {.ss_sp = alt, .ss_size = alt_size, .ss_flags = 0}, old;
  printf("sigaltstack: %d\n", sigaltstack(&ss, &old));
  printf("old flags: %s\n", old.ss_flags == SS_DISABLE ? "SS_DISABLE" : "?");
  stack_t small = {.ss_sp = alt, .ss_size = 100, .ss_flags = 0};
  errno = 0;
  printf("too small: %d %s\n", sigaltstack(&small, NULL), errno == ENOMEM ? "ENOMEM" : "?");
  stack_t bad = {.ss_sp = alt, .ss_size = alt_size, .ss_flags = 0x1234};
  errno = 0;
  printf("bad flags: %d %s\n", sigaltstack(&bad, NULL), errno == EINVAL ? "EINVAL" : "?");

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sa.sa_flags = SA_ONSTACK;
  sigaction(SIGUSR1, &sa, NULL);
  raise(SIGUSR1);
  printf("SA_ONSTACK: on alt=%d flags inside=%s EPERM inside=%d\n", on_alt,
         flags_inside == SS_ONSTACK ? "SS_ONSTACK" : "?", eperm_inside);
  sa.sa_flags = 0;
  sigaction(SIGUSR1, &sa, NULL);
  raise(SIGUSR1);
  printf("without SA_ONSTACK: on alt=%d flags inside=%d\n", on_alt, flags_inside);

  /* A handler that edits its ucontext: skip the faulting load, set a1. */
  act(SIGSEGV, on_segv_skip, 0);
  long result;
  __asm__ volatile(".option push\n\t.option norvc\n\tli a1, 5\n\tlw a0, 0(%1)\n\tmv %0, a1\n\t.option pop"
                   : "=r"(result)
                   : "r"(16)
                   : "a0", "a1");
  printf("ucontext edit: a1=%ld si_addr=%#lx code=%s\n", result, (unsigned long)fault_addr,
         fault_code == SEGV_MAPERR ? "SEGV_MAPERR" : "?");

  act(SIGILL, on_ill_or_trap, 0);
  __asm__ volatile(".word 0xffffffff");
  act(SIGTRAP, on_ill_or_trap, 0);
  __asm__ volatile(".option push\n\t.option norvc\n\tebreak\n\t.option pop");

  ss.ss_flags = SS_DISABLE;
  sigaltstack(&ss, NULL);
  sigaltstack(NULL, &old);
  printf("disabled: %s\n", old.ss_flags == SS_DISABLE ? "SS_DISABLE" : "?");

  /* Stack overflow: only an alternate stack lets the SIGSEGV handler run. */
  ss.ss_flags = 0;
  sigaltstack(&ss, NULL);
  act(SIGSEGV, on_overflow, SA_ONSTACK);
  return depth(0);
}
