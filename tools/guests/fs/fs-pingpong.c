/* Two processes talking through files only (argv: ping|pong DIR N): ping
 * appends "ping i" to DIR/ping.log and waits until DIR/pong.log has line i;
 * pong waits for ping's line i, prints it and appends "pong i". Run on two
 * nodes of a krg cluster, each sees the other's writes through the
 * cluster's one file tree. Each prints the lines it read from the other. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Line `want` (0-based) of `path` into `line`, polling until it is there. */
static void wait_line(const char *path, int want, char *line, size_t size) {
  struct timespec nap = {0, 200000};
  for (int polls = 0; polls < 100000; polls++) {
    char buf[8192];
    int fd = open(path, O_RDONLY);
    ssize_t n = fd < 0 ? 0 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0) close(fd);
    if (n < 0) n = 0;
    buf[n] = 0;
    char *p = buf;
    for (int i = 0; i < want && p != NULL; i++) {
      p = strchr(p, '\n');
      if (p != NULL) p++;
    }
    char *end = p == NULL ? NULL : strchr(p, '\n');
    if (end != NULL) {
      size_t len = (size_t)(end - p) < size - 1 ? (size_t)(end - p) : size - 1;
      memcpy(line, p, len);
      line[len] = 0;
      return;
    }
    nanosleep(&nap, NULL);
  }
  printf("gave up waiting for line %d of %s\n", want, path);
  exit(1);
}

static void append(const char *path, const char *text) {
  int fd = open(path, O_CREAT | O_WRONLY | O_APPEND, 0644);
  write(fd, text, strlen(text));
  close(fd);
}

int main(int argc, char **argv) {
  if (argc < 4 || chdir(argv[2]) != 0) {
    printf("usage: fs-pingpong ping|pong DIR N\n");
    return 100;
  }
  int isPing = strcmp(argv[1], "ping") == 0;
  int n = atoi(argv[3]);
  char line[128], text[64];
  for (int i = 0; i < n; i++) {
    if (isPing) {
      snprintf(text, sizeof text, "ping %d\n", i);
      append("ping.log", text);
      wait_line("pong.log", i, line, sizeof line);
    } else {
      wait_line("ping.log", i, line, sizeof line);
      snprintf(text, sizeof text, "pong %d\n", i);
      append("pong.log", text);
    }
    printf("%s read: %s\n", argv[1], line);
  }
  return 0;
}
