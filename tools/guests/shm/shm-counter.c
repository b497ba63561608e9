/*
 * Two workers add to one counter in a SysV shm page with atomic
 * read-modify-write instructions (amoadd), each INCREMENTS times, then wait
 * for each other and print the total: 2 * INCREMENTS when every increment
 * was atomic and none was lost, on one node or across two (under krg every
 * increment is a write fault that takes the page from the other node).
 *
 *   shm-counter              a parent and a forked child (IPC_PRIVATE)
 *
 * Both workers print the same line, so the output does not depend on who
 * finishes first.
 *   shm-counter worker [key] one of two separately started workers
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

#define INCREMENTS 400
#define DEFAULT_KEY 0x6b726743

struct shared {
  uint64_t counter;
  uint32_t arrived;
  uint32_t done;
};

static void work(struct shared *s) {
  __atomic_fetch_add(&s->arrived, 1, __ATOMIC_SEQ_CST);
  while (__atomic_load_n(&s->arrived, __ATOMIC_SEQ_CST) < 2) sched_yield();
  for (int i = 0; i < INCREMENTS; i++) {
    __atomic_fetch_add(&s->counter, 1, __ATOMIC_SEQ_CST);
    if (i % 16 == 0) sched_yield();
  }
  __atomic_fetch_add(&s->done, 1, __ATOMIC_SEQ_CST);
  while (__atomic_load_n(&s->done, __ATOMIC_SEQ_CST) < 2) sched_yield();
  printf("worker: total=%llu expected=%d\n", (unsigned long long)__atomic_load_n(&s->counter, __ATOMIC_SEQ_CST),
         2 * INCREMENTS);
  fflush(stdout);
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "fork";
  if (strcmp(mode, "fork") == 0) {
    int id = shmget(IPC_PRIVATE, sizeof(struct shared), 0600);
    if (id < 0) return printf("shmget: %s\n", strerror(errno)), 1;
    struct shared *s = shmat(id, NULL, 0);
    if (s == (void *)-1) return printf("shmat: %s\n", strerror(errno)), 1;
    shmctl(id, IPC_RMID, NULL); /* destroyed when both have detached */
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
      work(s);
      return 0;
    }
    work(s);
    int status;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
  }
  if (strcmp(mode, "worker") == 0) {
    key_t key = argc > 2 ? (key_t)strtol(argv[2], NULL, 0) : DEFAULT_KEY;
    int id = shmget(key, sizeof(struct shared), IPC_CREAT | 0600);
    if (id < 0) return printf("shmget: %s\n", strerror(errno)), 1;
    struct shared *s = shmat(id, NULL, 0);
    if (s == (void *)-1) return printf("shmat: %s\n", strerror(errno)), 1;
    work(s);
    shmdt(s);
    shmctl(id, IPC_RMID, NULL); /* the second worker's answer is EINVAL: already removed */
    return 0;
  }
  printf("usage: shm-counter [fork | worker [key]]\n");
  return 2;
}
