/* Prints the type, permission bits, link count and size of each path
 * given (never the path, inode or times, so a host file and its copy in
 * the cluster's tree print the same), or the errno name when stat fails. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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
  }
  return 0;
}
