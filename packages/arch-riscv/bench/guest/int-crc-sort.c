/* The arch-riscv integer benchmark guest: CPU-bound, no libc, fixed length.
 *
 * Fills 4 MiB with xorshift64 output, CRC32s it bytewise (table-driven),
 * then heap-sorts 512 Ki 32-bit keys and checks the order, and prints the
 * CRC and a checksum of the sorted keys through write(2) before exit(0).
 * Every run executes the same instructions, so its length is known: the
 * benchmark counts them on arch-riscv and times the same binary under
 * qemu-riscv64. Build with build.sh (riscv64-linux-gnu-gcc, -O2, RV64GC).
 */
typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned char u8;

#define DATA_BYTES (4u << 20)
#define KEYS (512u << 10)

static u8 data[DATA_BYTES];
static u32 keys[KEYS];
static u32 crc_table[256];

static long sys3(long n, long a, long b, long c) {
  register long a0 __asm__("a0") = a;
  register long a1 __asm__("a1") = b;
  register long a2 __asm__("a2") = c;
  register long a7 __asm__("a7") = n;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
  return a0;
}

static void put(const char *s, long n) { sys3(64, 1, (long)s, n); }

static void put_hex(const char *label, u64 v) {
  char buf[40];
  int n = 0;
  while (label[n] != 0) {
    buf[n] = label[n];
    n++;
  }
  for (int shift = 60; shift >= 0; shift -= 4) buf[n++] = "0123456789abcdef"[(v >> shift) & 15];
  buf[n++] = '\n';
  put(buf, n);
}

static u32 crc32(const u8 *p, u32 n) {
  u32 c = 0xffffffffu;
  for (u32 i = 0; i < n; i++) c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return ~c;
}

static void sift(u32 *a, u32 root, u32 n) {
  u32 v = a[root];
  for (;;) {
    u32 child = 2 * root + 1;
    if (child >= n) break;
    if (child + 1 < n && a[child + 1] > a[child]) child++;
    if (a[child] <= v) break;
    a[root] = a[child];
    root = child;
  }
  a[root] = v;
}

static void heap_sort(u32 *a, u32 n) {
  for (u32 i = n / 2; i-- > 0;) sift(a, i, n);
  for (u32 end = n; end-- > 1;) {
    u32 t = a[0];
    a[0] = a[end];
    a[end] = t;
    sift(a, 0, end);
  }
}

/* The entry: set gp for the linker's gp-relative relaxations, then run. */
__asm__(".globl _start\n"
        "_start:\n"
        ".option push\n.option norelax\n"
        "  la gp, __global_pointer$\n"
        ".option pop\n"
        "  call bench_main\n");

void bench_main(void) {
  for (u32 i = 0; i < 256; i++) {
    u32 c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
  u64 s = 0x9e3779b97f4a7c15ul;
  for (u32 i = 0; i < DATA_BYTES; i += 8) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    *(u64 *)(data + i) = s;
  }
  u32 crc = crc32(data, DATA_BYTES);
  for (u32 i = 0; i < KEYS; i++) keys[i] = ((const u32 *)data)[i] ^ crc;
  heap_sort(keys, KEYS);
  u64 sum = 0;
  u32 unsorted = 0;
  for (u32 i = 0; i < KEYS; i++) {
    sum = sum * 31 + keys[i];
    if (i > 0 && keys[i - 1] > keys[i]) unsorted++;
  }
  put_hex("crc32 ", crc);
  put_hex("sorted-sum ", sum);
  put_hex("unsorted ", unsorted);
  sys3(93, unsorted == 0 ? 0 : 1, 0, 0);
  for (;;) {
  }
}
