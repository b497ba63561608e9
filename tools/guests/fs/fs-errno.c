/* The errno of each bad file-system request, as Linux answers it, in the
 * scratch directory argv[1]: one line per rule, "rule: ERRNO" (or "ok" for
 * the few that must succeed). Every request here must fail without changing
 * anything; the last lines check nothing was created. No line depends on
 * the host (no inode numbers, times or paths). Rules that depend on
 * permissions are left out: the caller may run as root or not. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *name_of(int e) {
  switch (e) {
#define E(x) \
  case x: \
    return #x;
    E(EPERM) E(ENOENT) E(EBADF) E(EACCES) E(EFAULT) E(EBUSY) E(EEXIST) E(EXDEV) E(ENOTDIR)
    E(EISDIR) E(EINVAL) E(ENOSPC) E(ESPIPE) E(EROFS) E(EMLINK) E(ENAMETOOLONG) E(ENOTEMPTY)
    E(ELOOP) E(ENXIO) E(EFBIG) E(EOPNOTSUPP) E(ENODEV)
#undef E
  default:
    return "other";
  }
}

/* Prints the outcome of one call: "ok" when it returned >= 0, else its errno. */
static void rule(const char *what, long r) {
  if (r >= 0)
    printf("%s: ok\n", what);
  else
    printf("%s: %s\n", what, name_of(errno));
}

static void touch(const char *path) {
  int fd = open(path, O_CREAT | O_WRONLY, 0644);
  if (fd >= 0) {
    write(fd, "data", 4);
    close(fd);
  }
}

int main(int argc, char **argv) {
  if (argc < 2 || chdir(argv[1]) != 0) {
    printf("usage: fs-errno DIR\n");
    return 100;
  }
  setvbuf(stdout, NULL, _IONBF, 0);
  /* The scene: a file, a non-empty directory, an empty one, links. */
  touch("f");
  touch("g");
  mkdir("d", 0755);
  mkdir("d/sub", 0755);
  mkdir("e", 0755);
  symlink("loop2", "loop1");
  symlink("loop1", "loop2");
  symlink("nowhere", "dang");
  /* A chain of 41 links to f: following 41 is one too many (MAXSYMLINKS 40). */
  char name[64], next[64];
  for (int i = 0; i <= 40; i++) {
    snprintf(name, sizeof name, "c%02d", i);
    if (i == 40)
      snprintf(next, sizeof next, "f");
    else
      snprintf(next, sizeof next, "c%02d", i + 1);
    symlink(next, name);
  }
  char longname[300];
  memset(longname, 'n', 256);
  longname[256] = 0;
  char *longpath = malloc(5000);
  for (int i = 0; i < 4999; i++) longpath[i] = i % 2 == 0 ? 'p' : '/';
  longpath[4999] = 0;
  int rd = open("f", O_RDONLY);
  int wr = open("g", O_WRONLY);
  int p[2];
  pipe(p);
  char buf[64];

  rule("open missing", open("nope", O_RDONLY));
  rule("open O_CREAT|O_EXCL existing", open("f", O_CREAT | O_EXCL | O_WRONLY, 0644));
  rule("open dir O_WRONLY", open("d", O_WRONLY));
  rule("open dir O_RDONLY|O_TRUNC", open("d", O_RDONLY | O_TRUNC));
  rule("open file/ ", open("f/", O_RDONLY));
  rule("open file/x", open("f/x", O_RDONLY));
  rule("open file O_DIRECTORY", open("f", O_RDONLY | O_DIRECTORY));
  rule("open symlink loop", open("loop1", O_RDONLY));
  rule("open dangling O_NOFOLLOW", open("dang", O_RDONLY | O_NOFOLLOW));
  rule("open dangling O_CREAT|O_EXCL", open("dang", O_CREAT | O_EXCL | O_WRONLY, 0644));
  rule("open missing/ O_CREAT", open("newdir/", O_CREAT | O_WRONLY, 0644));
  rule("open . O_CREAT", open(".", O_CREAT | O_WRONLY, 0644));
  rule("open O_CREAT|O_DIRECTORY", open("nd", O_CREAT | O_DIRECTORY | O_RDONLY, 0644));
  rule("open name too long", open(longname, O_RDONLY));
  rule("open path too long", open(longpath, O_RDONLY));
  rule("open empty path", open("", O_RDONLY));
  rule("open 41 links", open("c00", O_RDONLY));
  int fd40 = open("c01", O_RDONLY);
  rule("open 40 links", fd40);
  if (fd40 >= 0) close(fd40);
  rule("openat bad dirfd", openat(99, "x", O_RDONLY));
  rule("openat file as dirfd", openat(rd, "x", O_RDONLY));
  rule("mkdir existing file", mkdir("f", 0755));
  rule("mkdir existing dir", mkdir("d", 0755));
  rule("mkdir missing parent", mkdir("nope/x", 0755));
  rule("mkdir under a file", mkdir("f/x", 0755));
  rule("mkdir dangling link", mkdir("dang", 0755));
  rule("rmdir non-empty", rmdir("d"));
  rule("rmdir file", rmdir("f"));
  rule("rmdir .", rmdir("."));
  rule("rmdir d/sub/..", rmdir("d/sub/.."));
  rule("rmdir missing", rmdir("nope"));
  rule("unlink dir", unlink("d"));
  rule("unlink missing", unlink("nope"));
  rule("unlink file/", unlink("f/"));
  rule("unlinkat bad flags", unlinkat(AT_FDCWD, "f", 0x999));
  rule("rename missing", rename("nope", "x"));
  rule("rename dir into itself", rename("d", "d/sub/inner"));
  rule("rename file over dir", rename("f", "e"));
  rule("rename dir over file", rename("e", "f"));
  rule("rename dir over non-empty dir", rename("e", "d"));
  rule("rename NOREPLACE existing", renameat2(AT_FDCWD, "f", AT_FDCWD, "g", RENAME_NOREPLACE));
  rule("rename NOREPLACE|EXCHANGE",
       renameat2(AT_FDCWD, "f", AT_FDCWD, "g", RENAME_NOREPLACE | RENAME_EXCHANGE));
  rule("rename EXCHANGE missing", renameat2(AT_FDCWD, "f", AT_FDCWD, "nope", RENAME_EXCHANGE));
  rule("rename file/", rename("f/", "x"));
  rule("rename .", rename(".", "x"));
  rule("link dir", link("d", "dl"));
  rule("link onto existing", link("f", "g"));
  rule("link missing", link("nope", "x"));
  rule("linkat bad flags", linkat(AT_FDCWD, "f", AT_FDCWD, "x", 0x1));
  rule("symlink onto existing", symlink("x", "f"));
  rule("symlink empty target", symlink("", "s"));
  rule("readlink a file", readlink("f", buf, sizeof buf));
  rule("readlink missing", readlink("nope", buf, sizeof buf));
  rule("readlink size 0", readlink("dang", buf, 0));
  rule("truncate dir", truncate("d", 0));
  rule("truncate negative", truncate("f", -1));
  rule("ftruncate read-only fd", ftruncate(rd, 0));
  rule("ftruncate pipe", ftruncate(p[1], 0));
  rule("write read-only fd", write(rd, "x", 1));
  rule("read write-only fd", read(wr, buf, 1));
  rule("pwrite negative offset", pwrite(wr, "x", 1, -1));
  rule("pwrite pipe", pwrite(p[1], "x", 1, 0));
  rule("pread pipe", pread(p[0], buf, 1, 0));
  rule("lseek negative", lseek(rd, -1, SEEK_SET));
  rule("lseek bad whence", lseek(rd, 0, 7));
  rule("lseek SEEK_DATA past end", lseek(rd, 100, SEEK_DATA));
  rule("lseek pipe", lseek(p[0], 0, SEEK_SET));
  rule("getdents on a file", syscall(SYS_getdents64, rd, buf, sizeof buf));
  rule("fsync pipe", fsync(p[1]));
  rule("fsync bad fd", fsync(99));
  struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
  rule("utimensat bad nsec", utimensat(AT_FDCWD, "f", bad, 0));
  rule("utimensat bad flags", utimensat(AT_FDCWD, "f", NULL, 0x4));
  struct timespec omit[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};
  rule("utimensat both omitted, missing path", utimensat(AT_FDCWD, "nope", omit, 0));
  rule("faccessat bad mode", faccessat(AT_FDCWD, "f", 8, 0));
  rule("access missing", access("nope", F_OK));
  rule("access file/", access("f/", F_OK));
  rule("chdir file", chdir("f"));
  rule("chdir missing", chdir("nope"));
  rule("chmod missing", chmod("nope", 0644));
  rule("fchmodat (3 arguments)", syscall(SYS_fchmodat, AT_FDCWD, "f", 0644));
  rule("fchown bad fd", fchown(99, 0, 0));
  rule("stat missing", access("d/nope/x", F_OK));
  struct statx sx;
  rule("statx bad flags", statx(AT_FDCWD, "f", 0x80000, STATX_BASIC_STATS, &sx));
  rule("statx reserved mask bit", statx(AT_FDCWD, "f", 0, 0x80000000u, &sx));
  rule("statx missing", statx(AT_FDCWD, "nope", 0, STATX_BASIC_STATS, &sx));
  rule("statx AT_EMPTY_PATH on a descriptor", statx(rd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx));

  /* nothing above created or removed anything */
  DIR *dir = opendir(".");
  int entries = 0;
  while (readdir(dir) != NULL) entries++;
  closedir(dir);
  printf("entries: %d\n", entries);
  struct stat st;
  printf("f size: %ld, g size: %ld\n", stat("f", &st) == 0 ? (long)st.st_size : -1L,
         stat("g", &st) == 0 ? (long)st.st_size : -1L);

  /* leave the scratch directory as it was */
  close(rd);
  close(wr);
  for (int i = 0; i <= 40; i++) {
    snprintf(name, sizeof name, "c%02d", i);
    unlink(name);
  }
  const char *files[] = {"f", "g", "loop1", "loop2", "dang"};
  for (unsigned i = 0; i < sizeof files / sizeof files[0]; i++) unlink(files[i]);
  rmdir("d/sub");
  rmdir("d");
  rmdir("e");
  return 0;
}
