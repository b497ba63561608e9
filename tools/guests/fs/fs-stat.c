/* Prints the type, permission bits, link count and size of each path
 * given (never the path, inode or times, so a host file and its copy in
 * the cluster's tree print the same), or the errno when stat fails; and
 * whether statx agrees with lstat on every basic field. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (lstat(argv[i], &st) != 0) {
      printf("%d: errno %d\n", i, errno);
      continue;
    }
    const char *type = S_ISREG(st.st_mode)   ? "file"
                       : S_ISDIR(st.st_mode) ? "directory"
                       : S_ISLNK(st.st_mode) ? "symlink"
                       : S_ISCHR(st.st_mode) ? "chardev"
                                             : "other";
    printf("%d: %s %04o nlink %lu size %ld\n", i, type, (unsigned)(st.st_mode & 07777),
           (unsigned long)st.st_nlink, S_ISDIR(st.st_mode) ? 0L : (long)st.st_size);
    struct statx sx;
    int same = statx(AT_FDCWD, argv[i], AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) == 0 &&
               (sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS &&
               sx.stx_mode == st.st_mode && sx.stx_nlink == st.st_nlink &&
               sx.stx_uid == st.st_uid && sx.stx_gid == st.st_gid && sx.stx_ino == st.st_ino &&
               (long)sx.stx_size == (long)st.st_size && sx.stx_blocks == (unsigned long long)st.st_blocks &&
               sx.stx_mtime.tv_sec == st.st_mtim.tv_sec &&
               sx.stx_mtime.tv_nsec == (unsigned)st.st_mtim.tv_nsec &&
               sx.stx_ctime.tv_sec == st.st_ctim.tv_sec &&
               makedev(sx.stx_dev_major, sx.stx_dev_minor) == st.st_dev &&
               makedev(sx.stx_rdev_major, sx.stx_rdev_minor) == st.st_rdev;
    printf("%d: statx %s\n", i, same ? "agrees" : "differs");
  }
  return 0;
}
