// poll/ppoll/select/pselect on pipes, as Linux answers them: readiness of
// both ends (data, room, hang-up, error), closed and negative descriptors,
// timeouts and the time left written back, waking when a child writes,
// EINTR from a handler, and the temporary signal mask of ppoll/pselect
// (a signal it unblocks interrupts a wait but not a call that finds a
// descriptor ready). Output is the same on any Linux.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t hits;
static void on_signal(int sig) { (void)sig; hits++; }

static void show(const char *what, int r, struct pollfd *p, int n) {
  printf("%-34s r=%d", what, r);
  if (r < 0) printf(" errno=%s", strerror(errno));
  for (int i = 0; i < n; i++) printf(" [fd%d ev=%#x re=%#x]", i, p[i].events, p[i].revents);
  printf("\n");
}

static int poll1(int fd, short events, int timeout, short *revents) {
  struct pollfd p = {fd, events, 0x7777};
  int r = poll(&p, 1, timeout);
  *revents = p.revents;
  return r;
}

// With argument "stdin": poll standard input until EOF, counting bytes (the
// hang-up bit depends on when the host's writer left, so it is not printed).
static int poll_stdin(void) {
  long bytes = 0, wakeups = 0;
  char buf[1000];
  for (;;) {
    struct pollfd p = {0, POLLIN, 0};
    int r = poll(&p, 1, -1);
    if (r != 1 || (p.revents & (POLLIN | POLLHUP)) == 0) {
      printf("poll on stdin: r=%d re=%#x\n", r, p.revents);
      return 1;
    }
    wakeups++;
    ssize_t n = read(0, buf, sizeof buf);
    if (n < 0) return 1;
    if (n == 0) break;
    bytes += n;
  }
  printf("stdin: %ld bytes, ready every time (%s)\n", bytes, wakeups > bytes / 1000 ? "yes" : "no");
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "stdin") == 0) return poll_stdin();
  int fds[2];
  short re;
  if (pipe(fds) != 0) return 1;
  int r = poll1(fds[0], POLLIN, 0, &re);
  printf("empty pipe, read end: r=%d re=%#x\n", r, re);
  r = poll1(fds[1], POLLOUT, 0, &re);
  printf("empty pipe, write end: r=%d re=%#x\n", r, re);
  (void)!write(fds[1], "abc", 3);
  r = poll1(fds[0], POLLIN | POLLPRI, 0, &re);
  printf("3 bytes, read end: r=%d re=%#x\n", r, re);
  r = poll1(fds[0], POLLOUT, 0, &re);
  printf("read end asked for POLLOUT: r=%d re=%#x\n", r, re);

  // Fill the pipe: no room for PIPE_BUF bytes means not writable.
  fcntl(fds[1], F_SETFL, O_NONBLOCK);
  char block[4096];
  memset(block, 'x', sizeof block);
  long total = 3;
  for (;;) {
    ssize_t w = write(fds[1], block, sizeof block);
    if (w <= 0) break;
    total += w;
  }
  r = poll1(fds[1], POLLOUT, 0, &re);
  printf("full pipe (%ld bytes), write end: r=%d re=%#x\n", total, r, re);
  char sink[8192];
  (void)!read(fds[0], sink, sizeof sink);
  r = poll1(fds[1], POLLOUT, 0, &re);
  printf("after reading 8 KiB, write end: r=%d re=%#x\n", r, re);

  // Several descriptors at once, a closed one and a negative one.
  struct pollfd p[4] = {{fds[0], POLLIN, 0}, {fds[1], POLLOUT, 0}, {99, POLLIN, 0}, {-5, POLLIN, 0}};
  r = poll(p, 4, 0);
  show("mixed set", r, p, 4);

  // select on the same: counts per class; a closed descriptor is EBADF.
  fd_set rs, ws;
  FD_ZERO(&rs);
  FD_ZERO(&ws);
  FD_SET(fds[0], &rs);
  FD_SET(fds[1], &rs);
  FD_SET(fds[0], &ws);
  FD_SET(fds[1], &ws);
  struct timeval tv = {0, 0};
  r = select(fds[1] + 1, &rs, &ws, NULL, &tv);
  printf("select r=%d rd0=%d rd1=%d wr0=%d wr1=%d\n", r, FD_ISSET(fds[0], &rs), FD_ISSET(fds[1], &rs),
         FD_ISSET(fds[0], &ws), FD_ISSET(fds[1], &ws));
  FD_ZERO(&rs);
  FD_SET(40, &rs);
  tv.tv_sec = 0;
  tv.tv_usec = 0;
  errno = 0;
  r = select(41, &rs, NULL, NULL, &tv);
  printf("select on closed fd 40: r=%d errno=%s\n", r, strerror(errno));
  FD_ZERO(&rs);
  FD_SET(900, &rs);
  errno = 0;
  r = select(1000, &rs, NULL, NULL, &tv);
  printf("select bit 900 beyond the fd array: r=%d errno=%s bit=%d\n", r, strerror(errno), FD_ISSET(900, &rs));

  // Drain, then time out.
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  while (read(fds[0], sink, sizeof sink) > 0) {}
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  r = poll1(fds[0], POLLIN, 30, &re);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
  printf("poll timeout 30 ms: r=%d re=%#x waited>=30ms=%d\n", r, re, ms >= 30);
  struct timespec ts = {0, 20 * 1000 * 1000};
  struct pollfd one = {fds[0], POLLIN, 0};
  r = ppoll(&one, 1, &ts, NULL);
  printf("ppoll timeout 20 ms: r=%d left=%ld.%09ld\n", r, (long)ts.tv_sec, ts.tv_nsec);
  tv.tv_sec = 0;
  tv.tv_usec = 15000;
  FD_ZERO(&rs);
  FD_SET(fds[0], &rs);
  r = select(fds[0] + 1, &rs, NULL, NULL, &tv);
  printf("select timeout 15 ms: r=%d left=%ld.%06ld bit=%d\n", r, (long)tv.tv_sec, (long)tv.tv_usec,
         FD_ISSET(fds[0], &rs));

  // Woken by a child's write, then the hang-up when it exits.
  fcntl(fds[0], F_SETFL, 0);
  pid_t child = fork();
  if (child == 0) {
    struct timespec nap = {0, 10 * 1000 * 1000};
    nanosleep(&nap, NULL);
    (void)!write(fds[1], "z", 1);
    nanosleep(&nap, NULL);  // exit only after the parent saw the data
    _exit(0);
  }
  close(fds[1]);
  r = poll1(fds[0], POLLIN, -1, &re);
  printf("woken by the child: r=%d re=%#x\n", r, re);
  waitpid(child, NULL, 0);
  r = poll1(fds[0], POLLIN, -1, &re);
  printf("child gone, data left: r=%d re=%#x\n", r, re);
  (void)!read(fds[0], sink, 1);
  r = poll1(fds[0], POLLIN, -1, &re);
  printf("child gone, drained: r=%d re=%#x\n", r, re);
  close(fds[0]);

  // A reader gone: the write end reports an error.
  if (pipe(fds) != 0) return 1;
  close(fds[0]);
  r = poll1(fds[1], POLLOUT, 0, &re);
  printf("reader gone, write end: r=%d re=%#x\n", r, re);
  close(fds[1]);

  // Signals: a handler interrupts a wait.
  if (pipe(fds) != 0) return 1;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGALRM, &sa, NULL);
  sigaction(SIGUSR1, &sa, NULL);
  struct itimerval it = {{0, 0}, {0, 20000}};
  setitimer(ITIMER_REAL, &it, NULL);
  errno = 0;
  r = poll1(fds[0], POLLIN, 1000, &re);
  printf("poll interrupted by SIGALRM: r=%d errno=%s hits=%d\n", r, strerror(errno), (int)hits);

  // ppoll's mask: USR1 blocked and pending; a mask that unblocks it
  // interrupts a wait (the handler runs) ...
  sigset_t usr1, none;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigemptyset(&none);
  sigprocmask(SIG_BLOCK, &usr1, NULL);
  raise(SIGUSR1);
  hits = 0;
  one.fd = fds[0];
  one.events = POLLIN;
  ts.tv_sec = 1;
  ts.tv_nsec = 0;
  errno = 0;
  r = ppoll(&one, 1, &ts, &none);
  sigset_t now;
  sigprocmask(SIG_BLOCK, NULL, &now);
  printf("ppoll unblocking a pending USR1: r=%d errno=%s hits=%d usr1-blocked-after=%d\n", r,
         strerror(errno), (int)hits, sigismember(&now, SIGUSR1));
  // ... but a call that finds a descriptor ready returns it, the signal stays pending.
  raise(SIGUSR1);
  hits = 0;
  (void)!write(fds[1], "q", 1);
  r = ppoll(&one, 1, &ts, &none);
  sigset_t pending;
  sigpending(&pending);
  printf("ppoll ready with USR1 pending: r=%d re=%#x hits=%d still-pending=%d\n", r, one.revents,
         (int)hits, sigismember(&pending, SIGUSR1));
  // pselect the same way.
  FD_ZERO(&rs);
  FD_SET(fds[0], &rs);
  r = pselect(fds[0] + 1, &rs, NULL, NULL, NULL, &none);
  sigpending(&pending);
  printf("pselect ready with USR1 pending: r=%d bit=%d hits=%d still-pending=%d\n", r,
         FD_ISSET(fds[0], &rs), (int)hits, sigismember(&pending, SIGUSR1));
  (void)!read(fds[0], sink, 1);
  FD_ZERO(&rs);
  FD_SET(fds[0], &rs);
  errno = 0;
  r = pselect(fds[0] + 1, &rs, NULL, NULL, NULL, &none);
  printf("pselect waiting, USR1 unblocked: r=%d errno=%s hits=%d\n", r, strerror(errno), (int)hits);
  sigprocmask(SIG_UNBLOCK, &usr1, NULL);

  // Bad input.
  static struct pollfd many[65];
  for (int i = 0; i < 65; i++) many[i].fd = -1;
  struct rlimit rl = {64, 64};
  setrlimit(RLIMIT_NOFILE, &rl);
  errno = 0;
  r = poll(many, 65, 0);
  printf("nfds above RLIMIT_NOFILE (64): r=%d errno=%s\n", r, strerror(errno));
  r = poll(many, 64, 0);
  printf("nfds at RLIMIT_NOFILE, all negative: r=%d\n", r);
  errno = 0;
  struct pollfd *unmapped = (struct pollfd *)(uintptr_t)8;
  __asm__("" : "+r"(unmapped));  // keep gcc from judging the pointer at compile time
  r = poll(unmapped, 1, 0);
  printf("pollfd array unmapped: r=%d errno=%s\n", r, strerror(errno));
  ts.tv_sec = 0;
  ts.tv_nsec = 1000000000;
  errno = 0;
  r = ppoll(&one, 1, &ts, NULL);
  printf("ppoll tv_nsec 1e9: r=%d errno=%s\n", r, strerror(errno));
  errno = 0;
  r = select(-1, NULL, NULL, NULL, &tv);
  printf("select nfds -1: r=%d errno=%s\n", r, strerror(errno));
  tv.tv_sec = 0;
  tv.tv_usec = 0;
  errno = 0;
  r = select(fds[0] + 1, (fd_set *)8, NULL, NULL, &tv);
  printf("select set unmapped: r=%d errno=%s\n", r, strerror(errno));
  errno = 0;
  r = poll(NULL, 0, 5);
  printf("poll no descriptors, 5 ms: r=%d errno=%s\n", r, strerror(errno));
  return 0;
}
