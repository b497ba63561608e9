/*
 * SysV shm as Linux defines it, one check per line: ids, keys, sizes,
 * attach addresses (fixed, SHM_RND), SHM_RDONLY (a write is SIGSEGV),
 * IPC_STAT / IPC_SET, shm_nattch through fork and exit, IPC_RMID deferred
 * until the last detach, and the errnos of bad input. Prints no raw ids,
 * addresses or times, so its output is the same under qemu-riscv64 and krg.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096
#define FIXED ((char *)0x1000000000UL)
#define KEY 0x6b726745

static int failures;

static const char *ename(int e) {
  switch (e) {
    case 0: return "ok";
    case EINVAL: return "EINVAL";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EFAULT: return "EFAULT";
    case ENOSPC: return "ENOSPC";
    case ENOMEM: return "ENOMEM";
    case EIDRM: return "EIDRM";
    default: return strerror(e);
  }
}

/* Prints "what: errno-name" and counts a mismatch with the expected name. */
static void expect_errno(const char *what, long r, const char *want) {
  const char *got = r < 0 || r == -1 ? ename(errno) : "ok";
  printf("%-40s %s%s\n", what, got, strcmp(got, want) == 0 ? "" : "   <-- MISMATCH");
  if (strcmp(got, want) != 0) failures++;
}

static void expect_true(const char *what, int ok) {
  printf("%-40s %s\n", what, ok ? "yes" : "NO");
  if (!ok) failures++;
}

static long attach_result(void *p) { return p == (void *)-1 ? -1 : 0; }

int main(void) {
  struct shmid_ds ds;
  /* Leftovers of an earlier crashed run under qemu. */
  int stale = shmget(KEY, 0, 0);
  if (stale >= 0) shmctl(stale, IPC_RMID, NULL);

  expect_errno("shmget size 0", shmget(IPC_PRIVATE, 0, 0600), "EINVAL");
  expect_errno("shmget missing key", shmget(KEY, PAGE, 0600), "ENOENT");
  int id = shmget(KEY, 3 * PAGE, IPC_CREAT | IPC_EXCL | 0640);
  expect_errno("shmget IPC_CREAT|IPC_EXCL", id, "ok");
  expect_errno("shmget again IPC_CREAT|IPC_EXCL", shmget(KEY, PAGE, IPC_CREAT | IPC_EXCL | 0600), "EEXIST");
  expect_true("shmget again finds the same id", shmget(KEY, PAGE, 0) == id);
  expect_true("shmget IPC_CREAT finds the same id", shmget(KEY, 3 * PAGE, IPC_CREAT | 0600) == id);
  expect_errno("shmget larger than the segment", shmget(KEY, 3 * PAGE + 1, 0), "EINVAL");

  expect_errno("shmctl IPC_STAT", shmctl(id, IPC_STAT, &ds), "ok");
  expect_true("stat: size", ds.shm_segsz == 3 * PAGE);
  expect_true("stat: mode", (ds.shm_perm.mode & 0777) == 0640);
  expect_true("stat: key", ds.shm_perm.__key == KEY);
  expect_true("stat: cpid is us", ds.shm_cpid == getpid());
  expect_true("stat: nattch 0", ds.shm_nattch == 0);
  expect_true("stat: never attached", ds.shm_atime == 0 && ds.shm_lpid == 0);
  expect_errno("shmctl IPC_STAT bad buffer", shmctl(id, IPC_STAT, (struct shmid_ds *)8), "EFAULT");
  expect_errno("shmctl bad id", shmctl(id + 1, IPC_STAT, &ds), "EINVAL");
  expect_errno("shmctl negative id", shmctl(-1, IPC_STAT, &ds), "EINVAL");
  expect_errno("shmctl unknown command", shmctl(id, 99, &ds), "EINVAL");
  ds.shm_perm.mode = 0600;
  expect_errno("shmctl IPC_SET", shmctl(id, IPC_SET, &ds), "ok");
  shmctl(id, IPC_STAT, &ds);
  expect_true("stat after IPC_SET: mode 0600", (ds.shm_perm.mode & 0777) == 0600);

  /* Attach addresses. */
  expect_errno("shmat bad id", attach_result(shmat(id + 1, NULL, 0)), "EINVAL");
  expect_errno("shmat unaligned", attach_result(shmat(id, FIXED + 100, 0)), "EINVAL");
  char *a = shmat(id, FIXED, 0);
  expect_errno("shmat fixed", attach_result(a), "ok");
  expect_true("shmat fixed: at the address", a == FIXED);
  char *b = shmat(id, FIXED + 16 * PAGE + 100, SHM_RND);
  expect_errno("shmat SHM_RND", attach_result(b), "ok");
  expect_true("shmat SHM_RND: rounded down", b == FIXED + 16 * PAGE);
  expect_errno("shmat over an attachment", attach_result(shmat(id, FIXED + PAGE, 0)), "EINVAL");
  char *c = shmat(id, NULL, 0);
  expect_errno("shmat anywhere", attach_result(c), "ok");
  strcpy(a + PAGE + 10, "shared bytes");
  expect_true("three views of one segment", strcmp(b + PAGE + 10, "shared bytes") == 0 &&
                                                 strcmp(c + PAGE + 10, "shared bytes") == 0);
  shmctl(id, IPC_STAT, &ds);
  expect_true("stat: nattch 3", ds.shm_nattch == 3);
  expect_true("stat: lpid is us", ds.shm_lpid == getpid() && ds.shm_atime != 0);
  expect_errno("shmdt inside an attachment", shmdt(a + PAGE), "EINVAL");
  expect_errno("shmdt unaligned", shmdt(a + 1), "EINVAL");
  expect_errno("shmdt not attached", shmdt(FIXED + 64 * PAGE), "EINVAL");
  expect_errno("shmdt SHM_RND view", shmdt(b), "ok");
  expect_errno("shmdt twice", shmdt(b), "EINVAL");

  /* fork inherits attachments; exit detaches them. */
  pid_t child = fork();
  if (child == 0) {
    a[0] = 'C';
    _exit(a[PAGE + 10] == 's' ? 0 : 1);
  }
  int status;
  waitpid(child, &status, 0);
  expect_true("child saw and wrote the segment", WIFEXITED(status) && WEXITSTATUS(status) == 0 && a[0] == 'C');
  shmctl(id, IPC_STAT, &ds);
  expect_true("stat: nattch 2 after the child exited", ds.shm_nattch == 2);

  /* SHM_RDONLY: reading is fine, a write is SIGSEGV. */
  child = fork();
  if (child == 0) {
    volatile char *r = shmat(id, NULL, SHM_RDONLY);
    if (r == (void *)-1) _exit(3);
    if (r[0] != 'C') _exit(4);
    r[0] = 'X';
    _exit(5);
  }
  waitpid(child, &status, 0);
  expect_true("write to SHM_RDONLY: SIGSEGV", WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
  char *ro = shmat(id, NULL, SHM_RDONLY);
  expect_errno("mprotect SHM_RDONLY to PROT_WRITE", mprotect(ro, PAGE, PROT_READ | PROT_WRITE), "EACCES");
  expect_errno("shmdt read-only view", shmdt(ro), "ok");

  /* IPC_RMID while attached: marked, key forgotten, bytes kept until the last detach. */
  expect_errno("shmctl IPC_RMID", shmctl(id, IPC_RMID, NULL), "ok");
  shmctl(id, IPC_STAT, &ds);
  expect_true("stat after RMID: SHM_DEST", (ds.shm_perm.mode & SHM_DEST) != 0);
  expect_true("stat after RMID: key private", ds.shm_perm.__key == IPC_PRIVATE);
  expect_errno("shmget of the removed key", shmget(KEY, PAGE, 0), "ENOENT");
  expect_true("bytes survive RMID", strcmp(a + PAGE + 10, "shared bytes") == 0);
  expect_errno("shmdt first view", shmdt(a), "ok");
  expect_true("segment still there", shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 1);
  expect_errno("shmdt last view", shmdt(c), "ok");
  expect_errno("shmctl after destruction", shmctl(id, IPC_STAT, &ds), "EINVAL");
  expect_errno("shmat after destruction", attach_result(shmat(id, NULL, 0)), "EINVAL");

  /* A split attachment counts as two (Linux counts VMAs) and stays split. */
  int sp = shmget(IPC_PRIVATE, 2 * PAGE, 0600);
  char *spp = shmat(sp, NULL, 0);
  mprotect(spp, PAGE, PROT_READ);
  shmctl(sp, IPC_STAT, &ds);
  int split_nattch = (int)ds.shm_nattch;
  mprotect(spp, PAGE, PROT_READ | PROT_WRITE);
  shmctl(sp, IPC_STAT, &ds);
  printf("%-40s %d %d\n", "nattch of a split attachment", split_nattch, (int)ds.shm_nattch);
  expect_errno("shmdt split attachment", shmdt(spp), "ok");
  shmctl(sp, IPC_STAT, &ds);
  expect_true("stat: nattch 0 after shmdt", ds.shm_nattch == 0);
  shmctl(sp, IPC_RMID, NULL);

  /* A fresh segment starts zeroed. */
  int z = shmget(IPC_PRIVATE, PAGE, 0600);
  char *zp = shmat(z, NULL, 0);
  int zeros = 1;
  for (int i = 0; i < PAGE; i++) zeros &= zp[i] == 0;
  expect_true("new segment is zeroed", zeros);
  shmdt(zp);
  shmctl(z, IPC_RMID, NULL);

  printf("%s (%d mismatches)\n", failures == 0 ? "PASS" : "FAIL", failures);
  return failures != 0;
}
