#!/usr/bin/env bash
# Sets everything up and opens the PoolSQL REPL with a pool named `default`:
#   - against $MONGODB_URI when it is set,
#   - else against a local SecantusDB dev server (storage in .dev/, stopped when the REPL exits).
# Extra arguments go to poolsql (e.g. `scripts/dev.sh -f Samples/quickstart.sql`).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh
swift build -c release --product poolsql >&2
uri=${MONGODB_URI:-}
if [ -z "$uri" ]; then
    mkdir -p .dev
    uri=$(bash scripts/secantus.sh start "$root/.dev")
    trap 'bash scripts/secantus.sh stop "$root/.dev"' EXIT
    echo "dev: local SecantusDB at $uri" >&2
fi
"$(swift build -c release --show-bin-path)/poolsql" --uri "$uri" "$@"
