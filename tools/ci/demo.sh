#!/usr/bin/env bash
# The README's main command: installs, builds, and runs the cluster-sim demo
# on the embedded, simulated default.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tools/ci/setup.sh
krg_setup_pnpm
pnpm install --frozen-lockfile >/dev/null
pnpm exec turbo run build --output-logs=errors-only >/dev/null
pnpm run -s demo "$@"
