#!/usr/bin/env bash
# Install the system programs the tests use, only those missing (Debian packages):
#   LibreOffice (headless Calc)  - recalculates exported workbooks in the Excel tests
#   PostgreSQL server            - the register's server option is tested against a real server
#   Chromium + ChromeDriver      - the dashboard's browser tests
#   poppler-utils                - pdfinfo / pdftotext read the workbook printed to PDF (Excel tests)
# Needs root (as on CI and the dev machines); prints what it does.
set -euo pipefail
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
{ command -v pg_ctlcluster >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; } || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium chromium-driver)
command -v pdftotext >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1 || need+=(poppler-utils)
command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -q . || need+=(fonts-noto-cjk)
if [ ${#need[@]} -eq 0 ]; then
  echo "system deps: all present"
  exit 0
fi
echo "system deps: installing ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "system deps: done"
