#!/usr/bin/env bash
# Starts or stops a throw-away SecantusDB server on a free loopback port.
#   scripts/secantus.sh start DIR   → starts it with storage under DIR, prints its URI
#   scripts/secantus.sh stop DIR    → stops the server started with DIR
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cmd=${1:?usage: secantus.sh start|stop DIR}
dir=${2:?usage: secantus.sh start|stop DIR}
bin=${POOLSQL_SECANTUSD:-$root/.venv/bin/secantusd-py}

case "$cmd" in
start)
    mkdir -p "$dir/storage"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    nohup "$bin" --port "$port" --storage-path "$dir/storage" --enable-test-commands >"$dir/server.log" 2>&1 &
    echo $! >"$dir/server.pid"
    echo "$port" >"$dir/server.port"
    for _ in $(seq 1 300); do
        if python3 -c "import socket,sys; s=socket.socket(); s.settimeout(0.2); sys.exit(s.connect_ex(('127.0.0.1', $port)))" 2>/dev/null; then
            echo "mongodb://127.0.0.1:$port/?directConnection=true"
            exit 0
        fi
        if ! kill -0 "$(cat "$dir/server.pid")" 2>/dev/null; then
            echo "secantus.sh: server exited; log follows" >&2
            cat "$dir/server.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "secantus.sh: server did not listen on port $port within 30 s" >&2
    exit 1
    ;;
stop)
    if [ -f "$dir/server.pid" ]; then
        pid=$(cat "$dir/server.pid")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$dir/server.pid"
    fi
    ;;
*)
    echo "usage: secantus.sh start|stop DIR" >&2
    exit 2
    ;;
esac
