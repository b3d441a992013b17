#!/usr/bin/env bash
# Installs the real servers the integration tests start (redis-server, influxd,
# victoria-metrics for the InfluxDB 2.x write API; python3 for the wire-parity tests;
# promtool, from Debian's prometheus package, to check the agent's /metrics text; script,
# from bsdutils, to run the CLI on a pseudo-terminal; chromium, which playwright-core
# drives to test the agent's status page; initdb and postgres, from Debian's postgresql
# package, for private test clusters) when they are missing. The tests start their
# own instances on free loopback ports;
# nothing here starts a service.
set -euo pipefail

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools)  # redis-cli --cluster create (the Redis Cluster rig)
command -v python3 >/dev/null 2>&1 || need+=(python3)
command -v influxd >/dev/null 2>&1 || need+=(influxdb)
command -v victoria-metrics >/dev/null 2>&1 || need+=(victoria-metrics)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v script >/dev/null 2>&1 || need+=(bsdutils)
[ -x /usr/bin/chromium ] || need+=(chromium)
compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || need+=(postgresql)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != "0" ] && ! command -v sudo >/dev/null 2>&1; then
    echo "missing: ${need[*]}; install them (apt-get install ${need[*]}) and run the tests again" >&2
    exit 1
  fi
  SUDO=""; [ "$(id -u)" = "0" ] || SUDO="sudo"
  echo "installing: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
