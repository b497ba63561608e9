# Sourced by the README's two commands: puts pnpm (through corepack, pinned
# in package.json's packageManager) and the workspace's dependencies on a
# fresh machine. See ../shared reference toolchain notes for why the corepack
# variables are needed: the registry we reach serves no signatures.
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
export COREPACK_INTEGRITY_KEYS=0
export CI="${CI:-true}"

krg_setup_pnpm() {
  if ! command -v corepack >/dev/null 2>&1; then
    echo "krg: corepack is missing; install Node.js >= 20.19 (it ships corepack)" >&2
    return 1
  fi
  if ! command -v pnpm >/dev/null 2>&1 || ! pnpm --version >/dev/null 2>&1; then
    corepack enable || {
      echo "krg: 'corepack enable' failed; run it as root or put corepack's pnpm shim on PATH" >&2
      return 1
    }
  fi
  pnpm --version >/dev/null
}

# qemu-riscv64 is the oracle of the differential tests. Root installs it;
# anyone else is told exactly what to install.
krg_setup_qemu() {
  if command -v qemu-riscv64 >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "krg: installing qemu-user (the qemu-riscv64 oracle) with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq qemu-user >/dev/null || {
      echo "krg: apt-get install qemu-user failed" >&2
      return 1
    }
  else
    echo "krg: qemu-riscv64 is missing: install Debian's qemu-user (apt-get install qemu-user) and run again" >&2
    return 1
  fi
}
