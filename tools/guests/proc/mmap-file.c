/* mmap of a file as everyday programs use it (argv[1]: any regular file of
 * at least three pages whose size is not a multiple of the page size): the
 * whole file MAP_PRIVATE read-only and checksummed against read(2), a window
 * at a page offset, the zero tail of the last page, SIGBUS past the file's
 * last page, a writable private copy (copy-on-write: the file and a
 * forked child's view stay as they were), MAP_SHARED read-only and the
 * EACCES of writing it, munmap and mprotect on file mappings, a mapping
 * that outlives its descriptor, and the errnos of mapping what cannot be
 * mapped. Prints PASS/FAIL lines and checksums, never addresses or paths;
 * exits with the number of failures. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;
/* "nofork" (argv[2]): skip the checks that need a child to die, for runs
 * that checkpoint and restart this one process. */
static int may_fork = 1;

static void check(int ok, const char *what) {
  printf("%s %s\n", ok ? "PASS" : "FAIL", what);
  if (!ok) failures++;
}

/* A check of how a child dies: skipped (and said so) when forking is off. */
static void check_death(int sig, int expected, const char *what) {
  if (sig == -2)
    printf("SKIP %s\n", what);
  else
    check(sig == expected, what);
}

static uint32_t fnv(const unsigned char *p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

/* Runs `touch` in a child and answers the signal that ended it (0: none);
 * -2 when forking is off. */
static int death_signal(void (*touch)(volatile unsigned char *), volatile unsigned char *at) {
  if (!may_fork) return -2;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    touch(at);
    _exit(0);
  }
  int status;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static void read_byte(volatile unsigned char *p) { (void)*p; }
static void write_byte(volatile unsigned char *p) { *p = 1; }

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: mmap-file FILE\n");
    return 100;
  }
  may_fork = !(argc > 2 && strcmp(argv[2], "nofork") == 0);
  long page = sysconf(_SC_PAGESIZE);
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) {
    perror("open");
    return 101;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) return 102;
  size_t size = (size_t)st.st_size;
  if (size < (size_t)(3 * page) || size % (size_t)page == 0) {
    fprintf(stderr, "mmap-file: need a file of 3+ pages, not a multiple of the page size\n");
    return 103;
  }
  unsigned char *copy = malloc(size);
  for (size_t done = 0; done < size;) {
    ssize_t n = read(fd, copy + done, size - done);
    if (n <= 0) return 104;
    done += (size_t)n;
  }
  printf("file: %zu pages and %zu bytes, fnv %08x\n", size / (size_t)page, size % (size_t)page,
         fnv(copy, size));

  /* The whole file, private and read-only. */
  unsigned char *all = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
  check(all != MAP_FAILED, "mmap of the whole file");
  check(memcmp(all, copy, size) == 0, "the mapping holds the file's bytes");
  printf("mapped fnv %08x\n", fnv(all, size));

  /* The zero tail of the last page. */
  size_t tail = (size_t)page - size % (size_t)page;
  int zero = 1;
  for (size_t i = 0; i < tail; i++) zero &= all[size + i] == 0;
  check(zero, "the last page reads as zero past the end of the file");
  check_death(death_signal(read_byte, all + size + tail - 1), 0, "reading that tail does not fault");

  /* A window at a page offset. */
  unsigned char *window = mmap(NULL, (size_t)page * 2, PROT_READ, MAP_PRIVATE, fd, page);
  check(window != MAP_FAILED && memcmp(window, copy + page, (size_t)page * 2) == 0,
        "a window at offset one page holds the file's bytes there");

  /* Past the file's last page: SIGBUS, as Linux sends. */
  size_t pages_in_file = (size + (size_t)page - 1) / (size_t)page;
  unsigned char *beyond = mmap(NULL, (pages_in_file + 2) * (size_t)page, PROT_READ, MAP_PRIVATE, fd, 0);
  check(beyond != MAP_FAILED, "a mapping longer than the file succeeds");
  check_death(death_signal(read_byte, beyond + pages_in_file * (size_t)page), SIGBUS, "reading the page after the file's last page is SIGBUS");
  check_death(death_signal(read_byte, beyond + (pages_in_file - 1) * (size_t)page), 0, "reading the file's last page is fine");
  unsigned char *far = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE, fd, (off_t)(pages_in_file + 4) * page);
  check(far != MAP_FAILED, "a mapping entirely past the end of the file succeeds");
  check_death(death_signal(read_byte, far), SIGBUS, "and touching it is SIGBUS");
  ssize_t got = write(1, far, 1);
  check(got == -1 && errno == EFAULT, "write(2) from it answers EFAULT");

  /* A writable private copy: copy-on-write against the file. */
  unsigned char *mine = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  check(mine != MAP_FAILED, "a writable private mapping of a read-only descriptor");
  unsigned char before = mine[page + 7];
  mine[page + 7] = (unsigned char)~before;
  memset(mine + size - 5, 'x', 5);
  mine[size + 3] = 'y'; /* the zero tail is writable too */
  check(mine[page + 7] == (unsigned char)~before && mine[size + 3] == 'y', "writes land in the copy");
  check(all[page + 7] == before && memcmp(all, copy, size) == 0, "another mapping of the file does not see them");
  unsigned char again[16];
  check(pread(fd, again, 16, page) == 16 && again[7] == before, "nor does read(2) of the file");
  if (may_fork) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      int ok = mine[page + 7] == (unsigned char)~before;
      mine[page + 7] = 0x5a; /* the child's own copy */
      _exit(ok ? 0 : 1);
    }
    int status;
    waitpid(pid, &status, 0);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a forked child sees the parent's writes");
    check(mine[page + 7] == (unsigned char)~before, "and its own writes stay its own");
  }
  printf("private copy fnv %08x\n", fnv(mine, size));

  /* MAP_SHARED of a read-only descriptor: readable, never writable. */
  unsigned char *shared = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
  check(shared != MAP_FAILED && memcmp(shared, copy, size) == 0, "MAP_SHARED read-only holds the file");
  errno = 0;
  check(mprotect(shared, (size_t)page, PROT_READ | PROT_WRITE) == -1 && errno == EACCES,
        "mprotect(PROT_WRITE) of it is EACCES");
  errno = 0;
  check(mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EACCES,
        "MAP_SHARED with PROT_WRITE of a read-only descriptor is EACCES");
  check_death(death_signal(write_byte, shared + 10), SIGSEGV, "a store to it is SIGSEGV");

  /* munmap and mprotect on file mappings. */
  check(munmap(all + page, (size_t)page) == 0, "munmap of one page in the middle");
  check_death(death_signal(read_byte, all + page), SIGSEGV, "the hole is SIGSEGV");
  check(all[2 * page] == copy[2 * page] && all[0] == copy[0], "both sides still hold the file");
  check(mprotect(all, (size_t)page, PROT_READ | PROT_WRITE) == 0, "mprotect of a private file page to writable");
  all[1] ^= 0xff;
  check(all[1] == (unsigned char)(copy[1] ^ 0xff), "and it takes a write");
  check(mprotect(all + 2 * page, (size_t)page, PROT_NONE) == 0, "PROT_NONE on a file page");
  check_death(death_signal(read_byte, all + 2 * page), SIGSEGV, "makes it SIGSEGV");

  /* A mapping outlives its descriptor. */
  int fd2 = open(argv[1], O_RDONLY);
  unsigned char *kept = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd2, 0);
  close(fd2);
  check(kept != MAP_FAILED && memcmp(kept, copy, size) == 0, "a mapping stays after close(2)");

  /* What cannot be mapped. */
  int p[2];
  pipe(p);
  errno = 0;
  check(mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE, p[0], 0) == MAP_FAILED && errno == ENODEV,
        "a pipe is ENODEV");
  errno = 0;
  check(mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE, 77, 0) == MAP_FAILED && errno == EBADF,
        "a closed descriptor is EBADF");
  errno = 0;
  check(mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE, fd, 100) == MAP_FAILED && errno == EINVAL,
        "an offset that is not a page multiple is EINVAL");
  int dir = open("/", O_RDONLY | O_DIRECTORY);
  errno = 0;
  check(dir >= 0 && mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE, dir, 0) == MAP_FAILED && errno == ENODEV,
        "a directory is ENODEV");
  printf("failures=%d\n", failures);
  return failures;
}
