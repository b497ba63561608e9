#!/usr/bin/env bash
# Rebuilds the kernel benchmark's guest (interp-mix, see interp-mix.c) with
# Debian's cross compiler (apt-get install gcc-riscv64-linux-gnu). The binary
# is committed, so the benchmark never needs the compiler.
set -euo pipefail
cd "$(dirname "$0")"
CC=${CC:-riscv64-linux-gnu-gcc}
STRIP=${STRIP:-riscv64-linux-gnu-strip}
"$CC" -static -O2 -march=rv64gc -mabi=lp64d -Wl,--build-id=none -o interp-mix interp-mix.c
"$STRIP" interp-mix
ls -l interp-mix
