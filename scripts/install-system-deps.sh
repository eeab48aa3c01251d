#!/usr/bin/env bash
# Installs the system packages the dashboard's chart export and browser tests need:
# Debian's Chromium (kaleido renders PNG/SVG with it; Playwright drives it) and CJK fonts
# (without them every Chinese character in an exported chart is a box).
# For reading reports (etl/formats): Tesseract with its Simplified Chinese model (OCR of
# scanned PDFs and images) and LibreOffice's Writer without a GUI (old .doc/.wps files;
# about 75 s to install here).
# Does nothing when all are present; says what to do when it cannot install.
set -euo pipefail

have_chromium() { command -v chromium >/dev/null 2>&1; }
have_cjk_font() { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null)" ]; }
have_ocr() { command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx chi_sim; }
have_soffice() { command -v soffice >/dev/null 2>&1; }

if have_chromium && have_cjk_font && have_ocr && have_soffice; then
  exit 0
fi

packages=(chromium fonts-noto-cjk fontconfig tesseract-ocr tesseract-ocr-chi-sim libreoffice-writer-nogui)
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Chart export needs: apt-get install -y --no-install-recommends ${packages[*]}" >&2
  echo "(not root or no apt-get here: skipping; export and browser tests will be skipped)" >&2
  exit 0
fi

echo "Installing ${packages[*]} (chart export, OCR, .doc conversion) ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
have_chromium && have_cjk_font && have_ocr && have_soffice
