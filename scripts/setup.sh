#!/usr/bin/env bash
# Set up tenderlens on a fresh Debian machine: system packages, then a virtual environment in .venv.
#   scripts/setup.sh          the tool itself
#   scripts/setup.sh --test   the tool plus what the tests need (reportlab, pytest, hypothesis, ruff, mypy)
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
[ "${1:-}" = "--test" ] && extras="[test]"

# Tesseract reads scanned pages; LibreOffice checks that compliance matrices open. Both optional for use.
apt_packages="tesseract-ocr tesseract-ocr-eng"
[ -n "$extras" ] && apt_packages="$apt_packages libreoffice-calc-nogui"
missing=""
for package in $apt_packages; do
    dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
        echo "note: install$missing with apt-get (as root) to read scanned pages" >&2
    fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
# torch is pinned in pyproject.toml so that pip takes the CPU wheel, never a CUDA build (see docs)
.venv/bin/python -m pip install -q -e ".$extras" 2>&1 | grep -v '^WARNING: Location' || true
.venv/bin/python -c "import tenderlens, torch, spacy, pdfplumber; print('tenderlens', tenderlens.__version__, 'ready')"
