#!/usr/bin/env bash
# Installs what PoolSQL needs on a Debian machine, idempotently:
#   - C libraries: libmongoc/libbson (the pool module), readline (the REPL), SQLite (the store), pkg-config;
#   - Python venv tooling and a venv at .venv with SecantusDB (the MongoDB-wire test server)
#     and mockupdb (scripted replica-set topologies).
# Re-running it is cheap: it installs only what is missing.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

apt_packages=(libmongoc-dev libbson-dev libreadline-dev libsqlite3-dev pkg-config python3-venv postgresql)
missing=()
for p in "${apt_packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

venv="$root/.venv"
if [ ! -x "$venv/bin/secantusd-py" ] || ! "$venv/bin/python" -c 'import mockupdb' >/dev/null 2>&1; then
    echo "setup: creating $venv with SecantusDB" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check 'SecantusDB==0.7.0b3' mockupdb
fi
echo "setup: ok (server binary: $venv/bin/secantusd-py)" >&2
