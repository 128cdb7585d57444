#!/usr/bin/env bash
# Installs what `mvn -B verify` needs beyond Java 17 and Maven, on Debian 12: Debian's
# `prometheus` package (promtool and prometheus, for the rules tests and the end-to-end test).
# Idempotent: does nothing when both are already installed. Uses sudo when not run as root.
# The package's own systemd service is not used by the tests (they start Prometheus themselves
# on 127.0.0.1, a random port and a temporary storage directory).
set -euo pipefail

if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; then
  exit 0
fi
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus
