#!/usr/bin/env bash
# Makes the Python environment examples/python-agent runs in: a venv at
# $AGENTFLEET_CACHE/venv/python-agent-<first 16 hex of sha256(requirements.txt)> (default cache
# ~/.cache/agentfleet) with exactly examples/python-agent/requirements.txt installed from PyPI.
# A changed requirements.txt gets a new venv; an existing complete one is reused at once.
# Prints the venv's python as its last line on stdout; progress goes to stderr.
#
# PYTHON=... picks the interpreter (default python3; livekit-agents 1.8.9 needs 3.10 to 3.14).
# First run: about a minute (mostly downloads); later runs: well under a second.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
requirements="$here/../examples/python-agent/requirements.txt"
python="${PYTHON:-python3}"

if [[ ! -f "$requirements" ]]; then
  echo "python-agent-env: $requirements is missing" >&2
  exit 2
fi
hash=$(sha256sum "$requirements" | cut -c1-16)
venv="${AGENTFLEET_CACHE:-$HOME/.cache/agentfleet}/venv/python-agent-$hash"
if [[ -f "$venv/.complete" ]]; then
  echo "$venv/bin/python"
  exit 0
fi

if ! command -v "$python" >/dev/null; then
  echo "python-agent-env: no $python on PATH (set PYTHON=/path/to/python3.11)" >&2
  exit 2
fi
if ! "$python" -c 'import sys; sys.exit(0 if (3, 10) <= sys.version_info[:2] < (3, 15) else 1)'; then
  echo "python-agent-env: $("$python" --version 2>&1) cannot run livekit-agents 1.8.9 (3.10 to 3.14)" >&2
  exit 2
fi

mkdir -p "$(dirname "$venv")"
# Two test runs may ask at once; the second waits and then finds the venv complete.
exec 9>"$venv.lock"
flock 9
if [[ ! -f "$venv/.complete" ]]; then
  start=$SECONDS
  rm -rf "$venv"
  echo "python-agent-env: creating $venv with $("$python" --version 2>&1)" >&2
  "$python" -m venv "$venv" >&2
  "$venv/bin/python" -m pip install --disable-pip-version-check --no-input --progress-bar off \
    -r "$requirements" >&2
  # The file is a lock: anything installed that it does not name means a pin is missing.
  unpinned=$(comm -13 \
    <(grep -v '^#' "$requirements" | grep -v '^$' | tr 'A-Z_' 'a-z-' | sort) \
    <("$venv/bin/python" -m pip freeze --disable-pip-version-check | tr 'A-Z_' 'a-z-' | sort))
  if [[ -n "$unpinned" ]]; then
    echo "python-agent-env: installed but not pinned in requirements.txt:" >&2
    echo "$unpinned" >&2
    exit 1
  fi
  "$venv/bin/python" -c 'import livekit.agents, livekit.rtc' >&2
  touch "$venv/.complete"
  echo "python-agent-env: ready in $((SECONDS - start)) s" >&2
fi
echo "$venv/bin/python"
