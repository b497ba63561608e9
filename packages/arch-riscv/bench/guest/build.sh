#!/usr/bin/env bash
# Rebuilds the benchmark guest with Debian's cross compiler
# (apt-get install gcc-riscv64-linux-gnu). The binary is committed so the
# benchmark never needs the compiler.
set -euo pipefail
cd "$(dirname "$0")"
CC=${CC:-riscv64-linux-gnu-gcc}
STRIP=${STRIP:-riscv64-linux-gnu-strip}
"$CC" -static -nostdlib -ffreestanding -fno-builtin -fno-pie -no-pie -O2 \
  -march=rv64gc -mabi=lp64d -Wl,--build-id=none -Wl,-z,noexecstack -Wl,-z,separate-code \
  -o int-crc-sort int-crc-sort.c
"$STRIP" int-crc-sort
ls -l int-crc-sort
