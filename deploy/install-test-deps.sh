#!/usr/bin/env bash
# Installs what `mvn -B verify` needs beyond Java 17 and Maven, on Debian 12:
#   - Debian's `prometheus` package (promtool and prometheus: the rules tests and the end-to-end test);
#   - Debian's `chromium` package (the HTML report's render test).
# Idempotent: installs only what is missing. Uses sudo when not run as root. The prometheus
# package's own systemd service is not used by the tests (they start Prometheus themselves on
# 127.0.0.1, a random port and a temporary storage directory).
set -euo pipefail

prometheus_missing=0
if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
  prometheus_missing=1
fi
chromium_missing=0
command -v chromium >/dev/null 2>&1 || chromium_missing=1
[ $prometheus_missing -eq 0 ] && [ $chromium_missing -eq 0 ] && exit 0

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  as_root=(sudo)
fi
apt_get() {
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "$@"
}
apt_get update
if [ $prometheus_missing -eq 1 ]; then
  apt_get install -y --no-install-recommends prometheus
fi
if [ $chromium_missing -eq 1 ]; then
  # With its recommended fonts: the render test looks at real pixels.
  apt_get install -y chromium
fi
