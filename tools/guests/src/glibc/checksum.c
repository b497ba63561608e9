/* A CRC-32 and an Adler-32 loop over generated data, printed in hex. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint8_t data[1 << 16];

int main(void) {
  uint32_t table[256];
  for (uint32_t n = 0; n < 256; n++) {
    uint32_t c = n;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  for (size_t i = 0; i < sizeof data; i++) data[i] = (uint8_t)(i * 131 + (i >> 8));
  for (int round = 0; round < 4; round++) {
    uint32_t crc = 0xffffffffu, a = 1, b = 0;
    for (size_t i = 0; i < sizeof data; i++) {
      crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
      a = (a + data[i]) % 65521;
      b = (b + a) % 65521;
    }
    printf("round %d crc32 %08x adler32 %08x\n", round, crc ^ 0xffffffffu, (b << 16) | a);
    memmove(data + 1, data, sizeof data - 1);
  }
  return 0;
}
