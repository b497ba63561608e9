/* Interval timers: a periodic ITIMER_REAL (5 SIGALRMs, 20 ms apart, counted
 * with pause()), getitimer while armed and after disarming, alarm() and the
 * seconds it returns for the one it replaces, ITIMER_VIRTUAL and
 * ITIMER_PROF firing during a CPU-bound loop, and setitimer's errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static volatile sig_atomic_t alrm, vtalrm, prof;
static void on_alrm(int s) { (void)s; alrm++; }
static void on_vtalrm(int s) { (void)s; vtalrm++; }
static void on_prof(int s) { (void)s; prof++; }

static void install(int sig, void (*h)(int)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = h;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  install(SIGALRM, on_alrm);
  install(SIGVTALRM, on_vtalrm);
  install(SIGPROF, on_prof);

  struct itimerval it = {{0, 20000}, {0, 20000}}, cur;
  printf("setitimer REAL: %d\n", setitimer(ITIMER_REAL, &it, NULL));
  getitimer(ITIMER_REAL, &cur);
  printf("armed: interval=%ld.%06ld value in (0,20ms]=%d\n", (long)cur.it_interval.tv_sec,
         (long)cur.it_interval.tv_usec,
         cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 && cur.it_value.tv_usec <= 20000);
  while (alrm < 5) pause();
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, &cur);
  printf("after 5 periods: alrm=%d old interval=%ld\n", (int)alrm, (long)cur.it_interval.tv_usec);
  getitimer(ITIMER_REAL, &cur);
  printf("disarmed: %ld %ld %ld %ld\n", (long)cur.it_interval.tv_sec, (long)cur.it_interval.tv_usec,
         (long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec);

  printf("alarm(5) returns %u\n", alarm(5));
  printf("alarm(2) returns %u\n", alarm(2));
  printf("alarm(0) returns %u\n", alarm(0));

  /* CPU timers: 10 ms of CPU time each, in a loop that burns enough of it. */
  struct itimerval cpu = {{0, 0}, {0, 10000}};
  setitimer(ITIMER_VIRTUAL, &cpu, NULL);
  setitimer(ITIMER_PROF, &cpu, NULL);
  volatile unsigned long x = 1;
  for (unsigned long i = 0; (vtalrm == 0 || prof == 0) && i < 4000000000UL; i++) x = x * 6364136223846793005UL + 1;
  printf("cpu timers: vtalrm=%d prof=%d\n", (int)vtalrm, (int)prof);

  errno = 0;
  printf("bad which: %d %s\n", setitimer(7, &it, NULL), errno == EINVAL ? "EINVAL" : "?");
  struct itimerval bad = {{0, 0}, {0, 1000000}};
  errno = 0;
  printf("bad usec: %d %s\n", setitimer(ITIMER_REAL, &bad, NULL), errno == EINVAL ? "EINVAL" : "?");
  errno = 0;
  printf("bad pointer: %d %s\n", setitimer(ITIMER_REAL, (void *)8, NULL),
         errno == EFAULT ? "EFAULT" : "?");
  return 0;
}
