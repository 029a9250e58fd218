#!/usr/bin/env bash
# Install what the tests need (idempotent) and run the whole test suite, as root.
#   bash test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")"
CAPDO_SKIP_DEMO=1 bash bootstrap.sh
export PATH="$PWD/.venv/bin:$PATH"
status=0
.venv/bin/python -m pytest "$@" || status=$?
if [[ $status -eq 5 ]]; then
  echo "capdo: pytest collected no tests; that is a failure" >&2
  exit 1
fi
exit "$status"
