#!/usr/bin/env bash
# Builds the real LiveKit server (livekit-server) the tests and the sandbox run, from
# github.com/livekit/livekit-server through the wrapper module in tools/livekit (version pinned in
# its go.mod and go.sum), into $AGENTFLEET_CACHE/bin (default ~/.cache/agentfleet/bin) as
# livekit-server-<version>, reused when present. Prints the folder holding the binary last.
#
# First build on 2 cores: about 5 minutes; later runs: none.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/go-binary.sh"
module="$here/livekit"
version=$(module_version "$module" github.com/livekit/livekit-server)

total=$SECONDS
build livekit-server "$version" "$module" github.com/livekit/livekit-server/cmd/server
echo "build-livekit: livekit-server ready in $((SECONDS - total)) s" >&2
echo "$bin"
