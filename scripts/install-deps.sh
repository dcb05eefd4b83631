#!/usr/bin/env bash
# Installs the Debian 12 packages hebb needs to build, test and benchmark.
# Idempotent: packages already present are skipped by apt; safe to rerun.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  # C++ libraries (DESIGN.md, Dependencies)
  libeigen3-dev librandom123-dev libhdf5-dev libtoml11-dev libcli11-dev libfmt-dev
  libgtest-dev libbenchmark-dev pybind11-dev
  # Python side: Debian's interpreter and modules only
  python3 python3-dev python3-pybind11 python3-numpy python3-scipy python3-matplotlib
  python3-h5py python3-pytest python3-sklearn
  # peers and BLAS for side-by-side runs
  python3-brian libopenblas0-pthread
  # learn: libtorch (C++) and python3-torch are one library
  libtorch-dev python3-torch
  # analysis: community detection; real data sets
  python3-graph-tool dataset-fashion-mnist
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
