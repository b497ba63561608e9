#define _GNU_SOURCE
/* Bad input from a guest: system calls given unmapped pointers, bad
 * descriptors, bad flags and absurd sizes must answer the errno Linux
 * gives, never crash the kernel. Prints each call with its errno name. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define BAD ((void *)16)

static void show(const char *what, long r) {
  printf("%-34s -> %ld %s\n", what, r, r < 0 ? strerrorname_np(errno) : "");
  errno = 0;
}

int main(void) {
  show("write(1, BAD, 5)", syscall(SYS_write, 1, BAD, 5));
  show("read(0, BAD, 5)", syscall(SYS_read, 0, BAD, 5));
  show("write(99, buf, 1)", syscall(SYS_write, 99, "x", 1));
  show("close(-1)", syscall(SYS_close, -1));
  show("openat(AT_FDCWD, BAD, 0)", syscall(SYS_openat, AT_FDCWD, BAD, 0));
  show("uname(BAD)", syscall(SYS_uname, BAD));
  show("clock_gettime(MONO, BAD)", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, BAD));
  show("clock_gettime(1234, &ts)", ({ struct timespec ts; syscall(SYS_clock_gettime, 1234, &ts); }));
  show("fstat(1, BAD)", syscall(SYS_fstat, 1, BAD));
  show("pipe2(BAD, 0)", syscall(SYS_pipe2, BAD, 0));
  show("pipe2(fds, 0x1234)", ({ int fds[2]; syscall(SYS_pipe2, fds, 0x1234); }));
  show("dup3(1, 1, 0)", syscall(SYS_dup3, 1, 1, 0));
  show("dup3(1, 5, 0x7)", syscall(SYS_dup3, 1, 5, 7));
  show("mmap(0, 0, RW, PRIVATE|ANON)", (long)syscall(SYS_mmap, 0, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  show("munmap(0x10001, 4096)", syscall(SYS_munmap, 0x10001, 4096));
  show("mprotect(0x10000000, 4096, R)", syscall(SYS_mprotect, 0x10000000, 4096, PROT_READ));
  show("getcwd(buf, 1)", ({ char b[1]; syscall(SYS_getcwd, b, 1); }));
  show("getcwd(BAD, 100)", syscall(SYS_getcwd, BAD, 100));
  show("kill(1 << 29, 0)", syscall(SYS_kill, 1 << 29, 0));
  show("kill(getpid(), 99)", syscall(SYS_kill, getpid(), 99));
  show("rt_sigaction(SIGKILL, &sa)", ({ char sa[32] = {0}; syscall(SYS_rt_sigaction, 9, sa, 0, 8); }));
  show("rt_sigaction(0, NULL, NULL)", syscall(SYS_rt_sigaction, 0, 0, 0, 8));
  show("rt_sigprocmask(SETMASK, BAD)", syscall(SYS_rt_sigprocmask, 2, BAD, 0, 8));
  show("rt_sigprocmask(99, set)", ({ unsigned long s = 0; syscall(SYS_rt_sigprocmask, 99, &s, 0, 8); }));
  show("wait4(-1, 0, 0, 0) no children", syscall(SYS_wait4, -1, 0, 0, 0));
  show("wait4(-1, 0, 0x100, 0)", syscall(SYS_wait4, -1, 0, 0x100, 0));
  show("prlimit64(0, 99, 0, &old)", ({ unsigned long o[2]; syscall(SYS_prlimit64, 0, 99, 0, o); }));
  show("execve(BAD, 0, 0)", syscall(SYS_execve, BAD, 0, 0));
  show("execve(\"/nonexistent\", 0, 0)", syscall(SYS_execve, "/nonexistent", 0, 0));
  show("lseek(1, 0, SEEK_SET)", syscall(SYS_lseek, 1, 0, SEEK_SET));
  show("ioctl(1, TCGETS, BAD)", syscall(SYS_ioctl, 1, 0x5401, BAD));
  show("readlinkat(AT_FDCWD, \"/\", b, 10)", ({ char b[10]; syscall(SYS_readlinkat, AT_FDCWD, "/", b, 10); }));
  return 0;
}
