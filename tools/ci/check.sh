#!/usr/bin/env bash
# The README's test command: installs what it needs, then builds every
# package, lints (types, layering, publishability, format), typechecks and
# runs every test. Its last line is always `tests: N passed, N failed`; the
# exit status is non-zero if any step failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tools/ci/setup.sh

status=0
step() {
  echo "== $*" >&2
  "$@" || { echo "krg check: step failed: $*" >&2; status=1; }
}

krg_setup_pnpm || { echo "tests: 0 passed, 0 failed"; exit 1; }
step krg_setup_qemu
pnpm install --frozen-lockfile || { echo "tests: 0 passed, 0 failed"; exit 1; }
step pnpm exec turbo run build typecheck lint --output-logs=errors-only
step pnpm run -s lint:root

rm -f .vitest.json
pnpm exec vitest run --reporter=default --reporter=json --outputFile=.vitest.json || status=1
if [ -f .vitest.json ]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(".vitest.json", "utf8"));
    console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
    process.exit(r.numTotalTests > 0 && r.success ? 0 : 1);
  ' || status=1
else
  echo "krg check: vitest wrote no report" >&2
  echo "tests: 0 passed, 0 failed"
  status=1
fi
exit $status
