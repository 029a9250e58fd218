#!/usr/bin/env bash
# Set up capdo on a fresh Debian 12 machine (as root) and run the main job on the embedded lab:
# validate the reference province, bring the lab estate up (real Debian hosts, emulated network
# devices and video-conference endpoints), provision, check, scan, push and audit the network,
# probe the endpoints, evaluate and report; the last line is the path of the HTML report.
#   bash bootstrap.sh                      # install + main job
#   CAPDO_SKIP_DEMO=1 bash bootstrap.sh    # install only (used by test.sh and CI)
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES=(
  python3 python3-venv python3-dev gcc git
  openssh-client iproute2 procps
  debootstrap socat zstd                      # lab hosts
  openscap-scanner openscap-utils             # OpenSCAP scans
  sip-tester                                  # an independent SIP peer for the endpoint tests
  chromium poppler-utils                      # report tests: headless browser, PDF to PNG/text
  fonts-noto-core fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0   # PDF with Vietnamese
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

# SCAP Security Guide content for Debian 12 (from Debian trixie, through a private apt state).
.venv/bin/python -m capdo.scap.content fetch >/dev/null

if [[ -n ${CAPDO_SKIP_DEMO:-} ]]; then
  exit 0
fi

export PATH="$PWD/.venv/bin:$PATH"
echo
echo "== capdo inventory validate -i inventories/phutho =="
capdo inventory validate -i inventories/phutho
echo
echo "== capdo inventory show -i inventories/lab =="
capdo inventory show -i inventories/lab
echo
echo "== capdo run --lab -i inventories/lab (lab up, provision, check, scan, network, endpoints, report) =="
echo "(the lab stays up afterwards: 'source .venv/bin/activate; capdo lab status'; 'capdo lab down' ends it)"
capdo run --lab -i inventories/lab --install-scanner --out out/demo
