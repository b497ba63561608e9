/*
 * SysV shm producer/consumer. The producer fills a 16 KiB data area with a
 * pseudo-random stream, round after round; the consumer copies each round
 * out and acknowledges it. Both sides compute an FNV-1a checksum of
 * everything exchanged and print it, so a lost or stale byte shows as two
 * different lines. The consumer attaches at a fixed address.
 *
 *   shm-pingpong                 parent produces, a forked child consumes
 *                                (IPC_PRIVATE segment; the differential
 *                                against qemu-riscv64)
 *   shm-pingpong producer [key [rounds]]  two separate processes meeting on
 *   shm-pingpong consumer [key [rounds]]  a key (krg starts them on two nodes)
 *   shm-pingpong rmid [key]      removes the key's segment (silent on success)
 *
 * The consumer prints first in every mode, so the concatenated output of
 * the two-process mode equals the forked mode's.
 */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096
#define DATA_PAGES 4
#define SEG_BYTES ((2 + DATA_PAGES) * PAGE)
#define ROUNDS_DEFAULT 48
#define ROUNDS_MAX 1000

static uint32_t rounds = ROUNDS_DEFAULT;
#define FIXED_ADDR ((void *)0x1000000000UL)
#define DEFAULT_KEY 0x6b726753

/* Page 0: rounds written by the producer; page 1: rounds read by the consumer. */
struct layout {
  volatile uint32_t *written;
  volatile uint32_t *read;
  unsigned char *data;
};

static struct layout at(void *base) {
  struct layout l = {(volatile uint32_t *)base, (volatile uint32_t *)((char *)base + PAGE),
                     (unsigned char *)base + 2 * PAGE};
  return l;
}

static uint32_t fnv(uint32_t h, const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

static void wait_until(volatile uint32_t *word, uint32_t value) {
  while (__atomic_load_n(word, __ATOMIC_ACQUIRE) != value) sched_yield();
}

static void produce(void *base) {
  struct layout l = at(base);
  uint32_t h = 2166136261u, x = 12345;
  for (uint32_t r = 0; r < rounds; r++) {
    for (size_t i = 0; i < DATA_PAGES * PAGE; i++) {
      x = x * 1103515245u + 12345u;
      l.data[i] = (unsigned char)(x >> 16);
    }
    h = fnv(h, l.data, DATA_PAGES * PAGE);
    __atomic_store_n(l.written, r + 1, __ATOMIC_RELEASE);
    wait_until(l.read, r + 1);
  }
  printf("producer: rounds=%u bytes=%u fnv1a=%08x\n", rounds, rounds * DATA_PAGES * PAGE, h);
}

static void consume(void *base) {
  struct layout l = at(base);
  static unsigned char copy[DATA_PAGES * PAGE];
  uint32_t h = 2166136261u;
  for (uint32_t r = 0; r < rounds; r++) {
    wait_until(l.written, r + 1);
    memcpy(copy, l.data, sizeof copy);
    h = fnv(h, copy, sizeof copy);
    __atomic_store_n(l.read, r + 1, __ATOMIC_RELEASE);
  }
  printf("consumer: rounds=%u bytes=%u fnv1a=%08x\n", rounds, rounds * DATA_PAGES * PAGE, h);
  fflush(stdout);
}

static void *attach_fixed(int id) {
  void *p = shmat(id, FIXED_ADDR, 0);
  if (p == (void *)-1) {
    printf("shmat fixed: %s\n", strerror(errno));
    exit(1);
  }
  if (p != FIXED_ADDR) {
    printf("shmat fixed: attached elsewhere\n");
    exit(1);
  }
  return p;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "fork";
  key_t key = argc > 2 ? (key_t)strtol(argv[2], NULL, 0) : DEFAULT_KEY;
  if (argc > 3) {
    long n = strtol(argv[3], NULL, 0);
    if (n < 1 || n > ROUNDS_MAX) return printf("rounds: 1..%d\n", ROUNDS_MAX), 2;
    rounds = (uint32_t)n;
  }
  if (strcmp(mode, "fork") == 0) {
    int id = shmget(IPC_PRIVATE, SEG_BYTES, IPC_CREAT | 0600);
    if (id < 0) return printf("shmget: %s\n", strerror(errno)), 1;
    void *base = shmat(id, NULL, 0);
    if (base == (void *)-1) return printf("shmat: %s\n", strerror(errno)), 1;
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
      /* The child inherited the attachment; it consumes through its own, at a fixed address. */
      if (shmdt(base) != 0) return printf("shmdt: %s\n", strerror(errno)), 1;
      void *mine = attach_fixed(id);
      consume(mine);
      shmdt(mine);
      return 0;
    }
    produce(base);
    int status;
    waitpid(child, &status, 0);
    shmdt(base);
    shmctl(id, IPC_RMID, NULL);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
  }
  if (strcmp(mode, "producer") == 0) {
    int id = shmget(key, SEG_BYTES, IPC_CREAT | IPC_EXCL | 0600);
    if (id < 0) return printf("shmget: %s\n", strerror(errno)), 1;
    void *base = shmat(id, NULL, 0);
    if (base == (void *)-1) return printf("shmat: %s\n", strerror(errno)), 1;
    produce(base);
    /* Destroyed once the consumer detaches too. */
    shmdt(base);
    shmctl(id, IPC_RMID, NULL);
    return 0;
  }
  if (strcmp(mode, "consumer") == 0) {
    int id;
    while ((id = shmget(key, SEG_BYTES, 0)) < 0) {
      if (errno != ENOENT) return printf("shmget: %s\n", strerror(errno)), 1;
      sched_yield();
    }
    void *base = attach_fixed(id);
    consume(base);
    shmdt(base);
    return 0;
  }
  if (strcmp(mode, "rmid") == 0) {
    int id = shmget(key, 0, 0);
    if (id < 0 || shmctl(id, IPC_RMID, NULL) != 0) return printf("rmid: %s\n", strerror(errno)), 1;
    return 0;
  }
  printf("usage: shm-pingpong [fork | producer [key [rounds]] | consumer [key [rounds]] | rmid [key]]\n");
  return 2;
}
