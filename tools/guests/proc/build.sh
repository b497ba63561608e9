#!/usr/bin/env bash
# Rebuilds the process-level guests (glibc, static) into ../bin/. Needs
# Debian's gcc-riscv64-linux-gnu; the committed binaries make the tests and
# the demo independent of it.
set -euo pipefail
exec "$(dirname "$0")/../build-glibc-dir.sh" "$(dirname "$0")"
