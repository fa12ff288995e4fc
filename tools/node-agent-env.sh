#!/usr/bin/env bash
# Installs examples/node-agent's dependencies (@livekit/agents, @livekit/rtc-node and what they
# pull in) exactly as package-lock.json pins them, with `npm ci`, into
# examples/node-agent/node_modules (git-ignored). Skipped when node_modules was installed from
# the same package-lock.json (a stamp holds its sha256). Prints the directory as its last line on
# stdout; progress goes to stderr.
#
# Needs node >= 20 and npm on PATH. First run: about 20 s; later runs: well under a second.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="$(cd "$here/../examples/node-agent" && pwd)"
lock="$dir/package-lock.json"
stamp="$dir/node_modules/.agentfleet-lock-sha256"

if [[ ! -f "$lock" ]]; then
  echo "node-agent-env: $lock is missing" >&2
  exit 2
fi
for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "node-agent-env: no $tool on PATH (Node.js 20 or later is needed)" >&2
    exit 2
  fi
done
major=$(node -p 'process.versions.node.split(".")[0]')
if ((major < 20)); then
  echo "node-agent-env: node $(node --version) is too old; @livekit/agents 1.9.0 needs 20 or later" >&2
  exit 2
fi

hash=$(sha256sum "$lock" | cut -c1-64)
exec 9>"$dir/.node-agent-env.lock"
flock 9
if [[ -f "$stamp" && "$(cat "$stamp")" == "$hash" ]]; then
  echo "$dir"
  exit 0
fi
start=$SECONDS
echo "node-agent-env: npm ci in $dir" >&2
(cd "$dir" && npm ci --no-audit --no-fund >&2)
(cd "$dir" && node -e 'import("@livekit/agents").then(() => import("@livekit/rtc-node"))' >&2)
echo "$hash" >"$stamp"
echo "node-agent-env: ready in $((SECONDS - start)) s" >&2
echo "$dir"
