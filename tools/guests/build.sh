#!/usr/bin/env bash
# Rebuilds every guest binary under bin/ from src/ with Debian's cross
# compiler (apt-get install gcc-riscv64-linux-gnu). The binaries are
# committed, so tests never need the compiler; run this after editing a source.
set -euo pipefail
cd "$(dirname "$0")"
CC=${CC:-riscv64-linux-gnu-gcc}
STRIP=${STRIP:-riscv64-linux-gnu-strip}
mkdir -p bin

# Freestanding: no libc, our own _start (src/freestanding/rt.h), RV64IMAC so
# that the compiler emits compressed code and no floating point.
FREESTANDING=(-static -nostdlib -ffreestanding -fno-builtin -fno-pie -no-pie -O2
  -march=rv64imac -mabi=lp64 -Wl,--build-id=none -Wl,-z,noexecstack -Wl,-z,separate-code)
for src in src/freestanding/*.c; do
  name=$(basename "$src" .c)
  "$CC" "${FREESTANDING[@]}" -o "bin/$name" "$src"
  "$STRIP" "bin/$name"
done

# Freestanding floating-point guests (src/freestanding-fp/, issue 6): the same
# runtime with RV64GC and the hard-float ABI, so the compiler may use F and D.
FREESTANDING_FP=(-static -nostdlib -ffreestanding -fno-builtin -fno-pie -no-pie -O2
  -march=rv64gc -mabi=lp64d -Wl,--build-id=none -Wl,-z,noexecstack -Wl,-z,separate-code)
for src in src/freestanding-fp/*.c; do
  name=$(basename "$src" .c)
  "$CC" "${FREESTANDING_FP[@]}" -o "bin/$name" "$src"
  "$STRIP" "bin/$name"
done

# Unmodified glibc static programs: what the kernel will run for real.
GLIBC=(-static -O2 -march=rv64gc -mabi=lp64d -Wl,--build-id=none)
for src in src/glibc/*.c; do
  name=$(basename "$src" .c)
  "$CC" "${GLIBC[@]}" -o "bin/$name" "$src" -lm
  "$STRIP" "bin/$name"
done

ls -l bin
