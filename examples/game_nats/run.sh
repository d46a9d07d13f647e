#!/usr/bin/env bash
# Runs the example end to end: a NATS server on a free loopback port, a
# luaos node on it, and the Node.js game (game.mjs), whose output is the
# example's. Needs `npm ci` in this folder first (scripts/install-deps test).
#   [LUAOS=build-test/luaos] [NATS_SERVER=nats-server] examples/game_nats/run.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
luaos=${LUAOS:-$here/../../build-test/luaos}
nats_server=${NATS_SERVER:-nats-server}

if [[ ! -d $here/node_modules/nats ]]; then
    echo "run.sh: the npm package 'nats' is missing: run 'npm ci' in $here (scripts/install-deps test does)" >&2
    exit 1
fi

work=$(mktemp -d)
pids=()
# The node first (it drains and says it stopped while the broker is there), then the broker.
cleanup() {
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        kill "${pids[i]}" 2>/dev/null || true
        wait "${pids[i]}" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

# A free port: the kernel picks one for a listener that is closed at once.
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
"$nats_server" -a 127.0.0.1 -p "$port" >"$work/nats.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done

"$luaos" serve --nats "nats://127.0.0.1:$port" --node n1 >"$work/serve.log" 2>&1 &
node_pid=$!
pids+=("$node_pid")

if ! node "$here/game.mjs" "nats://127.0.0.1:$port" n1; then
    echo "run.sh: the game failed; the node said:" >&2
    cat "$work/serve.log" >&2
    exit 1
fi
# The node stops cleanly on SIGTERM (exit status 0).
kill -TERM "$node_pid"
node_status=0
wait "$node_pid" || node_status=$?
if ((node_status != 0)); then
    echo "run.sh: luaos serve exited with $node_status; it said:" >&2
    cat "$work/serve.log" >&2
    exit 1
fi
