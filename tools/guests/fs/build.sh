#!/usr/bin/env bash
# Rebuilds the file-system guests (glibc, static) into ../bin/. Needs
# Debian's gcc-riscv64-linux-gnu; the committed binaries make the tests
# independent of it. Builds are byte-reproducible (no build paths or
# timestamps reach the binaries).
set -euo pipefail
cd "$(dirname "$0")"
CC=${CC:-riscv64-linux-gnu-gcc}
mkdir -p ../bin
for src in *.c; do
  name=${src%.c}
  "$CC" -static -O2 -Wall -Wextra -Wno-unused-result -o "../bin/$name" "$src"
  riscv64-linux-gnu-strip "../bin/$name"
done
echo "built: $(ls *.c | sed 's/\.c$//' | tr '\n' ' ')"
