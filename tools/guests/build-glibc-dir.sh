#!/usr/bin/env bash
# Builds every C file of one guest directory (unmodified glibc programs,
# static, stripped) into tools/guests/bin/. Each directory's build.sh calls
# this with its own extra flags, so the directories differ only in those.
# Needs Debian's gcc-riscv64-linux-gnu; builds are byte-reproducible.
# Usage: build-glibc-dir.sh DIR [flags…] [-- libraries…]  (libraries go after the source)
set -euo pipefail
dir=$(cd "$1" && pwd)
shift
flags=()
libs=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  flags+=("$1")
  shift
done
[ $# -gt 0 ] && shift
libs=("$@")
CC=${CC:-riscv64-linux-gnu-gcc}
STRIP=${STRIP:-riscv64-linux-gnu-strip}
bin="$(cd "$(dirname "$0")" && pwd)/bin"
mkdir -p "$bin"
cd "$dir"
for src in *.c; do
  name=${src%.c}
  "$CC" -static -O2 -Wall -Wextra -Wno-unused-result ${flags[@]+"${flags[@]}"} -o "$bin/$name" "$src" ${libs[@]+"${libs[@]}"}
  "$STRIP" "$bin/$name"
done
echo "built: $(ls *.c | sed 's/\.c$//' | tr '\n' ' ')"
