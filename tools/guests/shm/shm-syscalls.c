/*
 * System calls whose user buffers lie in SysV shm pages another process
 * has just written (so, across nodes, another node holds them): write,
 * read from a pipe, clock_gettime, nanosleep, a path argument, getcwd,
 * pipe2, a write spanning two pages, rt_sigprocmask, getrandom and wait4.
 * Linux faults such pages in and the call proceeds; krg brings the page
 * over from the other node and runs the call again from scratch, which
 * must never do its work twice (no byte read twice from a pipe, no child
 * reaped twice).
 *
 * A holder prepares one page per step (writing it, so it holds the page)
 * and hands the turn to the user, which makes the call with its buffer in
 * that page and prints what it got. Output has no addresses, times or
 * random bytes, so it is the same under qemu-riscv64 and krg, on one node
 * or two.
 *
 *   shm-syscalls                  holder (parent) and user (forked child)
 *   shm-syscalls user [key]       the two roles as separate processes
 *   shm-syscalls holder [key]     meeting on a key (user first, or both)
 *   shm-syscalls spin [rounds]    a CPU-bound loop (a neighbour for tests)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/random.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096
#define PAGES 13
#define DEFAULT_KEY 0x6b726759

enum {
  P_CTL = 0,
  P_TEXT,
  P_READ,
  P_CLOCK,
  P_SLEEP,
  P_PATH,
  P_CWD,
  P_FDS,
  P_SPAN, /* and P_SPAN + 1 */
  P_MASK = P_SPAN + 2,
  P_RANDOM,
  P_STATUS,
  STEPS = P_STATUS
};

struct ctl {
  uint32_t turn; /* the step the user may run */
  uint32_t ack;  /* the last step the user finished */
  uint32_t users;
};

static const char TEXT[] = "write: these bytes come from a shm page\n";
static const char SPAN[] = "write: and these span two pages\n";
static const char PIPE_DATA[] = "pipe bytes 0123456789";

static char *page(char *base, int n) { return base + (size_t)n * PAGE; }

static void wait_for(volatile uint32_t *word, uint32_t value) {
  while (__atomic_load_n(word, __ATOMIC_SEQ_CST) < value) sched_yield();
}

/* The holder writes step k's page (taking it), then hands the turn over. */
static void prepare(char *base, int step) {
  char *p = page(base, step);
  memset(p, 'x', PAGE);
  switch (step) {
    case P_TEXT:
      memcpy(p, TEXT, sizeof TEXT);
      break;
    case P_SLEEP: {
      struct timespec req = {0, 2000000};
      memcpy(p, &req, sizeof req);
      break;
    }
    case P_PATH:
      strcpy(p, "/");
      break;
    case P_SPAN: {
      char *q = page(base, P_SPAN + 1);
      memset(q, 'x', PAGE);
      memcpy(q - 12, SPAN, sizeof SPAN);
      break;
    }
    case P_MASK: {
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGUSR1);
      memcpy(p, &set, 8);
      break;
    }
    default:
      break;
  }
}

static void run_step(char *base, int step) {
  char *p = page(base, step);
  switch (step) {
    case P_TEXT:
      fflush(stdout);
      if (write(1, p, strlen(TEXT)) != (ssize_t)strlen(TEXT)) printf("write: %s\n", strerror(errno));
      break;
    case P_READ: {
      int fds[2];
      if (pipe(fds) != 0) {
        printf("pipe: %s\n", strerror(errno));
        break;
      }
      if (write(fds[1], PIPE_DATA, strlen(PIPE_DATA)) < 0) printf("write: %s\n", strerror(errno));
      ssize_t n = read(fds[0], p, 64);
      fcntl(fds[0], F_SETFL, O_NONBLOCK);
      char again[8];
      ssize_t m = read(fds[0], again, sizeof again);
      printf("read: n=%zd '%.*s' again=%zd (%s)\n", n, n > 0 ? (int)n : 0, p, m,
             m < 0 ? strerror(errno) : "data");
      close(fds[0]);
      close(fds[1]);
      break;
    }
    case P_CLOCK: {
      int r = clock_gettime(CLOCK_MONOTONIC, (struct timespec *)p);
      long nsec = ((struct timespec *)p)->tv_nsec;
      printf("clock_gettime: %d nsec-in-range=%d\n", r, nsec >= 0 && nsec < 1000000000);
      break;
    }
    case P_SLEEP: {
      int r = nanosleep((struct timespec *)p, (struct timespec *)(p + 16));
      printf("nanosleep: %d\n", r);
      break;
    }
    case P_PATH: {
      struct stat st;
      int r = stat(p, &st);
      int c = chdir(p);
      printf("stat \"%s\": %d dir=%d chdir=%d\n", p, r, r == 0 && S_ISDIR(st.st_mode), c);
      break;
    }
    case P_CWD: {
      char *r = getcwd(p, 64);
      printf("getcwd: %s\n", r == NULL ? strerror(errno) : p);
      break;
    }
    case P_FDS: {
      int *fds = (int *)p;
      int r = pipe2(fds, O_CLOEXEC);
      printf("pipe2: %d distinct=%d\n", r, r == 0 && fds[0] != fds[1] && fds[0] > 2);
      if (r == 0) {
        close(fds[0]);
        close(fds[1]);
      }
      break;
    }
    case P_SPAN:
      fflush(stdout);
      if (write(1, page(base, P_SPAN + 1) - 12, strlen(SPAN)) != (ssize_t)strlen(SPAN))
        printf("write: %s\n", strerror(errno));
      break;
    case P_MASK: {
      /* The new set is read from the page and the old one written into it. */
      int r = sigprocmask(SIG_BLOCK, (sigset_t *)p, (sigset_t *)(p + 128));
      sigset_t now;
      sigprocmask(SIG_SETMASK, NULL, &now);
      printf("sigprocmask: %d old-has-usr1=%d now-has-usr1=%d\n", r,
             sigismember((sigset_t *)(p + 128), SIGUSR1), sigismember(&now, SIGUSR1));
      sigprocmask(SIG_UNBLOCK, (sigset_t *)p, NULL);
      break;
    }
    case P_RANDOM: {
      ssize_t r = getrandom(p, 16, 0);
      printf("getrandom: %zd\n", r);
      break;
    }
    case P_STATUS: {
      fflush(stdout);
      pid_t child = fork();
      if (child == 0) _exit(7);
      int *status = (int *)p;
      pid_t r = waitpid(child, status, 0);
      pid_t again = waitpid(child, NULL, WNOHANG);
      printf("waitpid: reaped=%d status=%d again=%d (%s)\n", r == child,
             WIFEXITED(*status) ? WEXITSTATUS(*status) : -1, (int)again,
             again < 0 ? strerror(errno) : "child");
      break;
    }
    default:
      break;
  }
  fflush(stdout);
}

static void user(char *base) {
  struct ctl *c = (struct ctl *)base;
  for (int step = 1; step <= STEPS; step++) {
    if (step == P_SPAN + 1) continue;
    wait_for(&c->turn, step);
    run_step(base, step);
    __atomic_store_n(&c->ack, step, __ATOMIC_SEQ_CST);
  }
}

static void holder(char *base) {
  struct ctl *c = (struct ctl *)base;
  for (int step = 1; step <= STEPS; step++) {
    if (step == P_SPAN + 1) continue;
    prepare(base, step);
    __atomic_store_n(&c->turn, step, __ATOMIC_SEQ_CST);
    wait_for(&c->ack, step);
  }
  printf("holder: steps=%d\n", STEPS - 1);
  fflush(stdout);
}

static int attach(key_t key, char **base) {
  int id = shmget(key, PAGES * PAGE, IPC_CREAT | 0600);
  if (id < 0) return printf("shmget: %s\n", strerror(errno)), -1;
  *base = shmat(id, NULL, 0);
  if (*base == (void *)-1) return printf("shmat: %s\n", strerror(errno)), -1;
  return id;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "fork";
  char *base;
  if (strcmp(mode, "fork") == 0) {
    int id = attach(IPC_PRIVATE, &base);
    if (id < 0) return 1;
    shmctl(id, IPC_RMID, NULL);
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
      user(base);
      return 0;
    }
    holder(base);
    int status;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
  }
  if (strcmp(mode, "user") == 0 || strcmp(mode, "holder") == 0) {
    key_t key = argc > 2 ? (key_t)strtol(argv[2], NULL, 0) : DEFAULT_KEY;
    int id = attach(key, &base);
    if (id < 0) return 1;
    struct ctl *c = (struct ctl *)base;
    /* Both wait for the other to attach, so the holder's writes are seen. */
    __atomic_fetch_add(&c->users, 1, __ATOMIC_SEQ_CST);
    wait_for(&c->users, 2);
    if (mode[0] == 'u') user(base);
    else holder(base);
    shmdt(base);
    shmctl(id, IPC_RMID, NULL); /* the second answer is EINVAL: already removed */
    return 0;
  }
  if (strcmp(mode, "spin") == 0) {
    long rounds = argc > 2 ? strtol(argv[2], NULL, 0) : 2000000;
    uint64_t x = 1;
    for (long i = 0; i < rounds; i++) x = x * 6364136223846793005ull + 1442695040888963407ull;
    printf("spin: %016llx\n", (unsigned long long)x);
    return 0;
  }
  printf("usage: shm-syscalls [fork | user [key] | holder [key] | spin [rounds]]\n");
  return 2;
}
