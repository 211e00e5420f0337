#!/usr/bin/env bash
# Installs the system Chromium that prints PDFs (and poppler-utils, used by the tests to read PDFs),
# where they are missing and apt is available. Playwright drives this browser; it never downloads one.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "mineresearch: missing ${need[*]}; install Chromium with your package manager to get PDFs (HTML works without it)." >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "mineresearch: missing ${need[*]}; run: apt-get install ${need[*]}" >&2; exit 0; fi
fi
echo "mineresearch: installing ${need[*]} with apt-get"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
