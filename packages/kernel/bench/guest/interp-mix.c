/*
 * interp-mix: a guest with the instruction mix of a script interpreter, for
 * the kernel's CPU benchmark (bench/interp.bench.ts). No third-party code:
 *   - a bytecode loop: a small stack machine (switch dispatch) running a
 *     counting loop with arithmetic and a call-free inner body;
 *   - a hash table of strings: keys built with snprintf, malloc'd, chained,
 *     looked up and freed;
 *   - recursion: fib(n) through the C stack;
 *   - qsort of malloc'd strings with strcmp.
 * Prints one line of results; the same bytes under qemu-riscv64 and krg.
 * Usage: interp-mix [scale [parts]], scale 1..64 (default 4), parts a subset
 * of "vhfs" (bytecode loop, hash table, fib, sort; default all four).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_XOR, OP_SHR, OP_LT, OP_JNZ, OP_JMP, OP_POP, OP_HALT };

typedef struct { int op; int64_t arg; } insn_t;

static int64_t run_vm(const insn_t *code, int64_t *vars) {
  int64_t stack[64];
  int sp = 0;
  int pc = 0;
  for (;;) {
    const insn_t *i = &code[pc++];
    switch (i->op) {
    case OP_PUSH: stack[sp++] = i->arg; break;
    case OP_LOAD: stack[sp++] = vars[i->arg]; break;
    case OP_STORE: vars[i->arg] = stack[--sp]; break;
    case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
    case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
    case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
    case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
    case OP_SHR: sp--; stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] >> stack[sp]); break;
    case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
    case OP_JNZ: if (stack[--sp] != 0) pc = (int)i->arg; break;
    case OP_JMP: pc = (int)i->arg; break;
    case OP_POP: sp--; break;
    case OP_HALT: return vars[1];
    }
  }
}

/* v0 = i, v1 = acc, v3 = n: while (i < n) { acc = (acc * 31 + i) ^ (acc >> 7); i = i + 1; } */
static int64_t bytecode(int64_t n) {
  static const insn_t code[] = {
    /* 0 */ {OP_LOAD, 0}, {OP_PUSH, 0}, {OP_STORE, 2}, {OP_POP, 0},
    /* 4 */ {OP_LOAD, 0}, {OP_LOAD, 3}, {OP_LT, 0}, {OP_JNZ, 9}, {OP_HALT, 0},
    /* 9 */ {OP_LOAD, 1}, {OP_PUSH, 31}, {OP_MUL, 0}, {OP_LOAD, 0}, {OP_ADD, 0},
    /* 14 */ {OP_LOAD, 1}, {OP_PUSH, 7}, {OP_SHR, 0}, {OP_XOR, 0}, {OP_STORE, 1},
    /* 19 */ {OP_LOAD, 0}, {OP_PUSH, 1}, {OP_ADD, 0}, {OP_STORE, 0}, {OP_JMP, 4},
  };
  int64_t vars[4] = {0, 1, 0, n};
  return run_vm(code, vars);
}

typedef struct entry { struct entry *next; char *key; int64_t value; } entry_t;
#define BUCKETS 4096

static uint32_t hash_str(const char *s) {
  uint32_t h = 2166136261u;
  while (*s) h = (h ^ (uint8_t)*s++) * 16777619u;
  return h;
}

static int64_t hash_table(int n) {
  entry_t **table = calloc(BUCKETS, sizeof *table);
  char key[32];
  for (int i = 0; i < n; i++) {
    snprintf(key, sizeof key, "k%d.%x", i, (unsigned)(i * 2654435761u));
    uint32_t b = hash_str(key) % BUCKETS;
    entry_t *e = malloc(sizeof *e);
    e->key = strdup(key);
    e->value = i;
    e->next = table[b];
    table[b] = e;
  }
  int64_t sum = 0;
  for (int i = 0; i < 2 * n; i++) {
    snprintf(key, sizeof key, "k%d.%x", i, (unsigned)(i * 2654435761u));
    for (entry_t *e = table[hash_str(key) % BUCKETS]; e != NULL; e = e->next)
      if (strcmp(e->key, key) == 0) { sum += e->value; break; }
  }
  for (int b = 0; b < BUCKETS; b++) {
    entry_t *e = table[b];
    while (e != NULL) { entry_t *next = e->next; free(e->key); free(e); e = next; }
  }
  free(table);
  return sum;
}

static int64_t fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static uint64_t sort_strings(int n) {
  char **v = malloc((size_t)n * sizeof *v);
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    char buf[24];
    snprintf(buf, sizeof buf, "s%llu", (unsigned long long)(x % 1000003));
    v[i] = strdup(buf);
  }
  qsort(v, (size_t)n, sizeof *v, cmp_str);
  uint64_t h = 0;
  for (int i = 0; i < n; i++) { h = h * 1099511628211ull + hash_str(v[i]); free(v[i]); }
  free(v);
  return h;
}

int main(int argc, char **argv) {
  int scale = argc > 1 ? atoi(argv[1]) : 4;
  if (scale < 1 || scale > 64) { fprintf(stderr, "scale must be 1..64\n"); return 2; }
  const char *parts = argc > 2 ? argv[2] : "vhfs";
  int64_t vm = strchr(parts, 'v') ? bytecode(100000LL * scale) : 0;
  int64_t ht = strchr(parts, 'h') ? hash_table(2500 * scale) : 0;
  int64_t fb = strchr(parts, 'f') ? fib(18 + (scale > 8 ? 8 : scale) / 2) : 0;
  uint64_t so = strchr(parts, 's') ? sort_strings(2500 * scale) : 0;
  printf("vm %lld hash %lld fib %lld sort %llx\n", (long long)vm, (long long)ht, (long long)fb, (unsigned long long)so);
  return 0;
}
