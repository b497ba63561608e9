#!/usr/bin/env bash
# Rebuilds the SysV shm guests (glibc, static) into ../bin/. Needs Debian's
# gcc-riscv64-linux-gnu; the committed binaries make the tests independent
# of it. The output is byte-reproducible (no build ids, no paths).
set -euo pipefail
exec "$(dirname "$0")/../build-glibc-dir.sh" "$(dirname "$0")" -Wl,--build-id=none
