/*
 * The shmctl commands behind ipcs(1), as Linux answers them: IPC_INFO and
 * SHM_INFO (the limits, the highest index in use, used ids, total and
 * resident pages), SHM_STAT (a segment by index, answering its full id),
 * SHM_LOCK / SHM_UNLOCK (the SHM_LOCKED mode bit), and their errnos.
 * SHM_STAT_ANY is left out: qemu-riscv64 7.2 does not pass it through
 * (EINVAL); mm-ghost's unit tests check krg's answer, Linux's. Segments of other programs may exist (under qemu, the host's):
 * counts are printed as differences, indices only as "found", so the output
 * is the same under qemu-riscv64 and krg. Run as root (as krg's processes
 * are).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#define PAGE 4096

static int failures;

static const char *ename(int e) {
  switch (e) {
    case EINVAL: return "EINVAL";
    case EFAULT: return "EFAULT";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EIDRM: return "EIDRM";
    default: return strerror(e);
  }
}

static void expect_errno(const char *what, long r, const char *want) {
  const char *got = r < 0 ? ename(errno) : "ok";
  printf("%-44s %s%s\n", what, got, strcmp(got, want) == 0 ? "" : "   <-- MISMATCH");
  if (strcmp(got, want) != 0) failures++;
}

static void expect_true(const char *what, int ok) {
  printf("%-44s %s\n", what, ok ? "yes" : "NO");
  if (!ok) failures++;
}

static int shm_info(struct shm_info *info) {
  return shmctl(0, SHM_INFO, (struct shmid_ds *)info);
}

/* The index SHM_STAT finds `id` at, or -1. */
static int find_index(int id, int cmd, int maxidx) {
  struct shmid_ds ds;
  for (int i = 0; i <= maxidx; i++)
    if (shmctl(i, cmd, &ds) == id) return i;
  return -1;
}

int main(void) {
  struct shminfo limits;
  int r = shmctl(0, IPC_INFO, (struct shmid_ds *)&limits);
  expect_true("IPC_INFO answers the highest index (>= 0)", r >= 0);
  expect_true("IPC_INFO shmmin is 1", limits.shmmin == 1);
  expect_true("IPC_INFO shmmni is 4096", limits.shmmni == 4096);
  expect_true("IPC_INFO shmseg is shmmni", limits.shmseg == limits.shmmni);
  expect_true("IPC_INFO shmmax >= 256 MiB", limits.shmmax >= 256UL << 20);
  expect_true("IPC_INFO shmall >= shmmax / 4096", limits.shmall >= (limits.shmmax >> 12));

  struct shm_info before, after;
  int maxBefore = shm_info(&before);
  expect_true("SHM_INFO answers the highest index (>= 0)", maxBefore >= 0);
  expect_true("SHM_INFO swap fields are 0",
              before.shm_swp == 0 && before.swap_attempts == 0 && before.swap_successes == 0);

  int id = shmget(IPC_PRIVATE, 3 * PAGE, 0600);
  expect_errno("shmget 3 pages", id, "ok");
  char *p = shmat(id, NULL, 0);
  expect_true("shmat", p != (void *)-1);
  p[0] = 1;            /* one page written */
  (void)*(volatile char *)(p + PAGE); /* one page read */
  int maxAfter = shm_info(&after);
  expect_true("SHM_INFO used_ids grew by 1", after.used_ids == before.used_ids + 1);
  expect_true("SHM_INFO shm_tot grew by 3 pages", after.shm_tot == before.shm_tot + 3);
  expect_true("SHM_INFO shm_rss grew by 2 pages", after.shm_rss == before.shm_rss + 2);
  expect_true("SHM_INFO highest index did not shrink", maxAfter >= maxBefore);
  struct shminfo limits2;
  expect_true("IPC_INFO and SHM_INFO agree on the index",
              shmctl(0, IPC_INFO, (struct shmid_ds *)&limits2) == maxAfter);

  int index = find_index(id, SHM_STAT, maxAfter);
  expect_true("SHM_STAT finds the segment by index", index >= 0);
  struct shmid_ds byIndex, byId;
  shmctl(index, SHM_STAT, &byIndex);
  shmctl(id, IPC_STAT, &byId);
  expect_true("SHM_STAT fills what IPC_STAT fills",
              byIndex.shm_segsz == byId.shm_segsz && byIndex.shm_nattch == 1 &&
                  byIndex.shm_perm.mode == byId.shm_perm.mode &&
                  byIndex.shm_cpid == byId.shm_cpid && byIndex.shm_perm.__key == IPC_PRIVATE);
  expect_errno("SHM_STAT of the index past the highest", shmctl(maxAfter + 1, SHM_STAT, &byIndex),
               "EINVAL");
  expect_errno("SHM_STAT of index -1", shmctl(-1, SHM_STAT, &byIndex), "EINVAL");
  expect_errno("SHM_STAT of index 1 << 20", shmctl(1 << 20, SHM_STAT, &byIndex), "EINVAL");
  expect_errno("SHM_STAT into a bad buffer", shmctl(index, SHM_STAT, (struct shmid_ds *)8),
               "EFAULT");
  expect_errno("SHM_INFO into a bad buffer", shmctl(0, SHM_INFO, (struct shmid_ds *)8), "EFAULT");
  expect_errno("IPC_INFO into a bad buffer", shmctl(0, IPC_INFO, (struct shmid_ds *)8), "EFAULT");
  expect_errno("SHM_INFO with id -1", shmctl(-1, SHM_INFO, (struct shmid_ds *)&after), "EINVAL");
  expect_errno("IPC_INFO with id -1", shmctl(-1, IPC_INFO, (struct shmid_ds *)&limits2), "EINVAL");
  /* Root reads a segment whose mode forbids it (CAP_IPC_OWNER). */
  struct shmid_ds set = byId;
  set.shm_perm.mode = 0;
  shmctl(id, IPC_SET, &set);
  expect_errno("SHM_STAT of a mode-0 segment as root", shmctl(index, SHM_STAT, &byIndex), "ok");

  expect_errno("SHM_LOCK", shmctl(id, SHM_LOCK, NULL), "ok");
  shmctl(id, IPC_STAT, &byId);
  expect_true("SHM_LOCKED is set in the mode", (byId.shm_perm.mode & SHM_LOCKED) != 0);
  expect_errno("SHM_LOCK again", shmctl(id, SHM_LOCK, NULL), "ok");
  expect_errno("SHM_UNLOCK", shmctl(id, SHM_UNLOCK, NULL), "ok");
  shmctl(id, IPC_STAT, &byId);
  expect_true("SHM_LOCKED is clear again", (byId.shm_perm.mode & SHM_LOCKED) == 0);
  expect_errno("SHM_UNLOCK of an unlocked segment", shmctl(id, SHM_UNLOCK, NULL), "ok");
  expect_errno("SHM_LOCK of a bad id", shmctl(id + 1, SHM_LOCK, NULL), "EINVAL");
  expect_errno("SHM_UNLOCK of id -1", shmctl(-1, SHM_UNLOCK, NULL), "EINVAL");

  shmctl(id, IPC_RMID, NULL);
  expect_true("SHM_STAT still finds a removed, attached segment",
              shmctl(index, SHM_STAT, &byIndex) == id && (byIndex.shm_perm.mode & SHM_DEST) != 0);
  expect_errno("SHM_LOCK of a removed, attached segment", shmctl(id, SHM_LOCK, NULL), "ok");
  shmdt(p);
  expect_errno("SHM_STAT of its index once destroyed", shmctl(index, SHM_STAT, &byIndex), "EINVAL");
  expect_errno("SHM_LOCK once destroyed", shmctl(id, SHM_LOCK, NULL), "EINVAL");
  shm_info(&after);
  expect_true("SHM_INFO counts are back", after.used_ids == before.used_ids &&
                                              after.shm_tot == before.shm_tot &&
                                              after.shm_rss == before.shm_rss);
  printf("failures: %d\n", failures);
  return failures == 0 ? 0 : 1;
}
