#!/usr/bin/env bash
# Rebuilds the signal guests (glibc, static) into ../bin/. Needs Debian's
# gcc-riscv64-linux-gnu; the committed binaries make the tests independent
# of it. Byte-reproducible: no build paths or dates end up in the binaries.
set -euo pipefail
exec "$(dirname "$0")/../build-glibc-dir.sh" "$(dirname "$0")" -- -lm
