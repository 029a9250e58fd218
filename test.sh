#!/usr/bin/env bash
# Install what the tests need (idempotent) and run the whole test suite, as root.
#   bash test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")"
CAPDO_SKIP_DEMO=1 bash bootstrap.sh
export PATH="$PWD/.venv/bin:$PATH"
args=("$@")
# The fast tier (-m "not lab": no root, lab hosts, Chromium or OpenSCAP) runs on every core,
# one test file per worker (pytest-xdist); the lab tier and the whole suite stay serial (labs
# share the machine's namespaces and the server suite's /24).
if [[ " $* " == *" -m not lab "* && " $* " != *" -n "* ]]; then
  args=(-n auto --dist loadfile "${args[@]}")
fi
status=0
.venv/bin/python -m pytest "${args[@]}" || status=$?
if [[ $status -eq 5 ]]; then
  echo "capdo: pytest collected no tests; that is a failure" >&2
  exit 1
fi
exit "$status"
