#!/usr/bin/env bash
# Rebuilds the file-system guests (glibc, static) into ../bin/. Needs
# Debian's gcc-riscv64-linux-gnu; the committed binaries make the tests
# independent of it. Builds are byte-reproducible (no build paths or
# timestamps reach the binaries).
set -euo pipefail
exec "$(dirname "$0")/../build-glibc-dir.sh" "$(dirname "$0")"
