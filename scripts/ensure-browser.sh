#!/bin/sh
# Browser tests drive Debian's Chromium (never a downloaded browser build). Install it and the
# CJK fonts when missing and we may; otherwise say so (browser tests then skip locally, fail in CI).
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium and fonts-noto-cjk for the browser tests…"
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk >/dev/null
else
  echo "NOTE: /usr/bin/chromium is missing; install Debian's 'chromium' and 'fonts-noto-cjk' to run browser tests." >&2
fi
