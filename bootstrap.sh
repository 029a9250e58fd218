#!/usr/bin/env bash
# Set up capdo on a fresh Debian 12 machine (as root) and run the main job on the embedded
# estates: validate and summarise the reference province, then the lab estate.
#   bash bootstrap.sh            # install + demo
#   CAPDO_SKIP_DEMO=1 bash bootstrap.sh   # install only (used by test.sh and CI)
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES=(
  python3 python3-venv python3-dev gcc git
  openssh-client openssh-server iproute2 procps
  debootstrap socat zstd sip-tester
)

need_apt=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$pkg")
done
if ((${#need_apt[@]})); then
  echo "capdo: installing Debian packages: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.capdo-installed
if [[ ! -f $stamp || constraints.txt -nt $stamp || pyproject.toml -nt $stamp ]]; then
  echo "capdo: installing Python dependencies (pinned in constraints.txt)"
  .venv/bin/pip install -q --disable-pip-version-check -U pip
  .venv/bin/pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
  touch "$stamp"
fi

if [[ -n ${CAPDO_SKIP_DEMO:-} ]]; then
  exit 0
fi

export PATH="$PWD/.venv/bin:$PATH"
echo
echo "== capdo inventory validate (inventories/phutho) =="
capdo inventory validate -i inventories/phutho
echo
echo "== capdo inventory show (inventories/phutho) =="
capdo inventory show -i inventories/phutho
echo
echo "== ansible-inventory --graph level_3 (inventories/lab) =="
ansible-inventory -i inventories/lab --graph level_3
echo
echo "== capdo inventory validate (inventories/lab) =="
capdo inventory validate -i inventories/lab
