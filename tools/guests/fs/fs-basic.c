/* Everyday file work in the directory argv[1] (a scratch directory the
 * caller owns): create, write, read back, positional writes with a hole,
 * O_APPEND, ftruncate, rename (plain, over a file, RENAME_NOREPLACE),
 * hard and symbolic links, mkdir/rmdir, a sorted readdir, a directory
 * listed while it changes (every entry that stays is seen exactly once), a
 * file unlinked while open, umask, chmod, utimensat with explicit times,
 * fsync, /dev/null and /dev/zero, getpwuid(0). Prints PASS/FAIL lines and
 * values that do not depend on the host (no inode numbers, no current
 * times, no paths); exits with the number of failures. "nopw" (argv[2])
 * skips getpwuid, whose answer is the host's under qemu. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/uio.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what) {
  printf("%s %s\n", ok ? "PASS" : "FAIL", what);
  if (!ok) failures++;
}

static long file_size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static int read_all(const char *path, char *buf, size_t size) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, size - 1);
  close(fd);
  if (n < 0) return -1;
  buf[n] = 0;
  return (int)n;
}

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in a directory, sorted (readdir order is the file system's). */
static void list_sorted(const char *path) {
  DIR *d = opendir(path);
  if (d == NULL) {
    check(0, "opendir");
    return;
  }
  char *names[64];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 64) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof names[0], cmp);
  printf("ls %s:", path);
  for (int i = 0; i < n; i++) {
    printf(" %s", names[i]);
    free(names[i]);
  }
  printf("\n");
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) {
    printf("usage: fs-basic DIR [nopw]\n");
    return 100;
  }
  setvbuf(stdout, NULL, _IONBF, 0);
  umask(022);
  char buf[8192];

  /* create, write, read back */
  int fd = open("a.txt", O_CREAT | O_EXCL | O_WRONLY, 0666);
  check(fd >= 0, "create a.txt");
  check(write(fd, "hello, file\n", 12) == 12, "write 12 bytes");
  struct stat st;
  check(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0644,
        "mode 0666 & ~umask 022 = 0644");
  check(st.st_nlink == 1 && st.st_size == 12, "nlink 1, size 12");
  close(fd);
  check(read_all("a.txt", buf, sizeof buf) == 12 && strcmp(buf, "hello, file\n") == 0,
        "read back");

  /* pwrite past the end leaves a hole that reads as zeros */
  fd = open("a.txt", O_RDWR);
  check(pwrite(fd, "tail", 4, 100) == 4, "pwrite at 100");
  check(file_size("a.txt") == 104, "size 104 after the hole");
  memset(buf, 'x', sizeof buf);
  check(pread(fd, buf, 200, 0) == 104, "pread returns what is there");
  int zeros = 1;
  for (int i = 12; i < 100; i++) zeros &= buf[i] == 0;
  check(zeros && memcmp(buf + 100, "tail", 4) == 0, "the hole reads as zeros");
  check(lseek(fd, 0, SEEK_CUR) == 0, "pread/pwrite leave the offset");
  check(lseek(fd, 0, SEEK_END) == 104, "SEEK_END");
  check(lseek(fd, 10, SEEK_SET) == 10 && write(fd, "XY", 2) == 2, "write at an offset");
  check(ftruncate(fd, 20) == 0 && file_size("a.txt") == 20, "ftruncate shrinks");
  check(ftruncate(fd, 30) == 0 && pread(fd, buf, 64, 0) == 30 && buf[25] == 0,
        "ftruncate grows with zeros");
  struct iovec iov[2] = {{"ab", 2}, {"cde", 3}};
  check(pwritev(fd, iov, 2, 30) == 5 && file_size("a.txt") == 35, "pwritev");
  check(fsync(fd) == 0 && fdatasync(fd) == 0, "fsync, fdatasync");
  close(fd);

  /* O_APPEND writes at the end whatever the offset */
  fd = open("log", O_CREAT | O_WRONLY | O_APPEND, 0600);
  check(write(fd, "one\n", 4) == 4, "append one");
  check(lseek(fd, 0, SEEK_SET) == 0 && write(fd, "two\n", 4) == 4, "append two after a seek");
  check((fcntl(fd, F_GETFL) & O_APPEND) != 0, "F_GETFL shows O_APPEND");
  close(fd);
  read_all("log", buf, sizeof buf);
  printf("log: %s", buf);
  fd = open("log", O_WRONLY | O_TRUNC);
  check(fd >= 0 && file_size("log") == 0, "O_TRUNC empties");
  close(fd);

  /* rename */
  check(rename("a.txt", "b.txt") == 0, "rename a.txt b.txt");
  check(access("a.txt", F_OK) == -1 && errno == ENOENT, "the old name is gone");
  check(file_size("b.txt") == 35, "the new name has the data");
  fd = open("c.txt", O_CREAT | O_WRONLY, 0644);
  write(fd, "c", 1);
  close(fd);
  check(rename("c.txt", "b.txt") == 0 && file_size("b.txt") == 1, "rename over a file");
  check(renameat2(AT_FDCWD, "log", AT_FDCWD, "b.txt", RENAME_NOREPLACE) == -1 &&
            errno == EEXIST,
        "RENAME_NOREPLACE refuses");
  check(rename("b.txt", "b.txt") == 0, "rename onto itself");

  /* hard links */
  check(link("b.txt", "b2") == 0, "link");
  check(stat("b.txt", &st) == 0 && st.st_nlink == 2, "nlink 2");
  check(unlink("b2") == 0 && stat("b.txt", &st) == 0 && st.st_nlink == 1, "nlink back to 1");

  /* symbolic links */
  check(symlink("b.txt", "sym") == 0, "symlink");
  ssize_t n = readlink("sym", buf, sizeof buf);
  check(n == 5 && memcmp(buf, "b.txt", 5) == 0, "readlink");
  check(lstat("sym", &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 5, "lstat sees the link");
  check(stat("sym", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 1, "stat follows it");
  check(symlink("nowhere", "dangling") == 0, "dangling symlink");
  fd = open("dangling", O_CREAT | O_WRONLY, 0644);
  check(fd >= 0 && access("nowhere", F_OK) == 0, "O_CREAT through a dangling link creates its target");
  close(fd);
  check(unlink("sym") == 0 && access("b.txt", F_OK) == 0, "unlink removes the link only");

  /* directories */
  check(mkdir("dir", 0777) == 0, "mkdir");
  check(stat("dir", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0755,
        "directory mode 0755");
  check(mkdir("dir/sub", 0700) == 0, "mkdir dir/sub");
  fd = open("dir/sub/f", O_CREAT | O_WRONLY, 0644);
  close(fd);
  check(rename("dir/sub", "dir/moved") == 0, "rename a directory");
  check(access("dir/moved/f", F_OK) == 0, "its contents moved with it");
  check(chdir("dir/moved") == 0 && getcwd(buf, sizeof buf) != NULL, "chdir into it");
  check(access("f", F_OK) == 0 && chdir("../..") == 0, "relative paths from the new cwd");
  list_sorted(".");
  list_sorted("dir");
  check(unlink("dir/moved/f") == 0 && rmdir("dir/moved") == 0, "rmdir an emptied directory");
  check(rmdir("dir") == 0, "rmdir dir");

  /* a directory listed while it changes */
  mkdir("live", 0755);
  for (int i = 0; i < 20; i++) {
    snprintf(buf, sizeof buf, "live/e%02d", i);
    close(open(buf, O_CREAT | O_WRONLY, 0644));
  }
  DIR *d = opendir("live");
  int seen[40] = {0};
  int others = 0;
  int k = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    int i;
    if (sscanf(e->d_name, "e%d", &i) == 1 && i >= 0 && i < 40)
      seen[i]++;
    else if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
      others++;
    if (k++ == 3) {
      /* remove some entries, add others, mid-listing */
      for (int j = 10; j < 15; j++) {
        snprintf(buf, sizeof buf, "live/e%02d", j);
        unlink(buf);
      }
      for (int j = 20; j < 25; j++) {
        snprintf(buf, sizeof buf, "live/e%02d", j);
        close(open(buf, O_CREAT | O_WRONLY, 0644));
      }
    }
  }
  closedir(d);
  int once = 1;
  for (int i = 0; i < 20; i++)
    if (i < 10 || i >= 15) once &= seen[i] == 1;
  int at_most_once = 1;
  for (int i = 0; i < 40; i++) at_most_once &= seen[i] <= 1;
  check(once && at_most_once && others == 0, "entries that stay are listed exactly once");

  /* a file unlinked while open keeps working until the last close */
  fd = open("ghost", O_CREAT | O_RDWR, 0600);
  write(fd, "still here", 10);
  check(unlink("ghost") == 0 && access("ghost", F_OK) == -1, "unlink an open file");
  check(fstat(fd, &st) == 0 && st.st_nlink == 0 && st.st_size == 10, "fstat: nlink 0");
  check(write(fd, "!", 1) == 1 && pread(fd, buf, 64, 0) == 11 && memcmp(buf, "still here!", 11) == 0,
        "still readable and writable");
  close(fd);

  /* O_TMPFILE: an unnamed file, named later by linkat; O_EXCL forbids that; tmpfile() */
  fd = open(".", O_TMPFILE | O_RDWR, 0600);
  check(fd >= 0 && write(fd, "temp", 4) == 4 && fstat(fd, &st) == 0 && st.st_nlink == 0,
        "O_TMPFILE: written, no name");
  check(linkat(fd, "", AT_FDCWD, "named", AT_EMPTY_PATH) == 0 && file_size("named") == 4,
        "linkat AT_EMPTY_PATH names it");
  close(fd);
  check(unlink("named") == 0, "and it is an ordinary file");
  fd = open(".", O_TMPFILE | O_RDWR | O_EXCL, 0600);
  check(fd >= 0 && linkat(fd, "", AT_FDCWD, "named", AT_EMPTY_PATH) == -1 && errno == ENOENT,
        "O_TMPFILE|O_EXCL cannot be named");
  close(fd);
  check(open(".", O_TMPFILE | O_RDONLY, 0600) == -1 && errno == EINVAL, "O_TMPFILE read-only: EINVAL");
  FILE *tmp = tmpfile();
  check(tmp != NULL && fputs("via tmpfile\n", tmp) >= 0 && fflush(tmp) == 0 && fseek(tmp, 0, SEEK_SET) == 0 &&
            fgets(buf, sizeof buf, tmp) != NULL && strcmp(buf, "via tmpfile\n") == 0,
        "tmpfile()");
  if (tmp != NULL) fclose(tmp);

  /* attributes */
  check(chmod("b.txt", 0600) == 0 && stat("b.txt", &st) == 0 && (st.st_mode & 07777) == 0600,
        "chmod");
  fd = open("b.txt", O_RDONLY);
  check(fchmod(fd, 0640) == 0 && fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0640, "fchmod");
  close(fd);
  struct timespec times[2] = {{1000000000, 123}, {1200000000, 456000}};
  check(utimensat(AT_FDCWD, "b.txt", times, 0) == 0, "utimensat");
  check(stat("b.txt", &st) == 0 && st.st_atim.tv_sec == 1000000000 && st.st_atim.tv_nsec == 123 &&
            st.st_mtim.tv_sec == 1200000000 && st.st_mtim.tv_nsec == 456000,
        "the times read back");
  struct timespec omit[2] = {{0, UTIME_OMIT}, {7, 0}};
  check(utimensat(AT_FDCWD, "b.txt", omit, 0) == 0 && stat("b.txt", &st) == 0 &&
            st.st_atim.tv_sec == 1000000000 && st.st_mtim.tv_sec == 7,
        "UTIME_OMIT keeps atime");
  check(truncate("b.txt", 5) == 0 && file_size("b.txt") == 5, "truncate by path");
  check(access("b.txt", R_OK | W_OK) == 0, "access R_OK|W_OK");
  struct statfs sfs;
  check(statfs(".", &sfs) == 0 && sfs.f_bsize > 0, "statfs");

  /* devices */
  fd = open("/dev/null", O_RDWR);
  check(fd >= 0 && write(fd, "gone", 4) == 4 && read(fd, buf, 10) == 0, "/dev/null");
  close(fd);
  fd = open("/dev/zero", O_RDONLY);
  memset(buf, 1, 16);
  check(fd >= 0 && read(fd, buf, 16) == 16 && buf[0] == 0 && buf[15] == 0, "/dev/zero");
  close(fd);
  fd = open("/dev/full", O_RDWR);
  memset(buf, 1, 16);
  errno = 0;
  check(fd >= 0 && read(fd, buf, 16) == 16 && buf[7] == 0 && write(fd, "x", 1) == -1 &&
            errno == ENOSPC && write(fd, "", 0) == -1,
        "/dev/full");
  close(fd);
  FILE *full = fopen("/dev/full", "w");
  check(full != NULL && fputs("buffered", full) >= 0 && fflush(full) == EOF && errno == ENOSPC,
        "/dev/full through stdio");
  if (full != NULL) fclose(full);
  {
    unsigned char r1[64], r2[64];
    int u = open("/dev/urandom", O_RDWR), v = open("/dev/random", O_RDONLY);
    check(u >= 0 && v >= 0 && read(u, r1, 64) == 64 && read(v, r2, 64) == 64 &&
              memcmp(r1, r2, 64) != 0 && write(u, "mix", 3) == 3,
          "/dev/urandom and /dev/random");
    close(u);
    close(v);
  }

  /* who am I */
  if (argc < 3 || strcmp(argv[2], "nopw") != 0) {
    struct passwd *pw = getpwuid(0);
    printf("getpwuid(0): %s %s\n", pw ? pw->pw_name : "(none)", pw ? pw->pw_dir : "");
  }

  /* clean up what is left */
  const char *left[] = {"b.txt", "log", "dangling", "nowhere"};
  for (unsigned i = 0; i < sizeof left / sizeof left[0]; i++) unlink(left[i]);
  for (int i = 0; i < 25; i++) {
    snprintf(buf, sizeof buf, "live/e%02d", i);
    unlink(buf);
  }
  check(rmdir("live") == 0, "rmdir live");
  list_sorted(".");
  printf("failures: %d\n", failures);
  return failures;
}
