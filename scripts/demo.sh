#!/usr/bin/env bash
# The main job, end to end, on a fresh Debian 12 machine (as root): installs what is
# needed, builds the local images from Debian packages, builds Claude.OS, then asks
# the offline engine (no API key, no registry) to set up a web server and checks that
# it answers. Everything goes to temp dirs; nothing under /etc is touched.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-host.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build --silent

export CLAUDE_STATE_DIR="${CLAUDE_STATE_DIR:-$(mktemp -d /tmp/claude-demo-state.XXXXXX)}"
export CLAUDE_DATA_DIR="${CLAUDE_DATA_DIR:-$(mktemp -d /tmp/claude-demo-data.XXXXXX)}"
export CLAUDE_ROOT="${CLAUDE_ROOT:-$(mktemp -d /tmp/claude-demo-root.XXXXXX)}"
echo "state dir: $CLAUDE_STATE_DIR   data dir: $CLAUDE_DATA_DIR   root: $CLAUDE_ROOT"

bin/claude validate --state-dir fixtures/states/spec-example || true

# The main job: a request in plain language → offline engine → signed plan → apply.
bin/claude "set up a web server with nginx" --yes
# It ends with the service answering.
for _ in $(seq 1 20); do curl -fsS -o /dev/null http://127.0.0.1/ && break; sleep 0.5; done
if ! curl -fsS -o /dev/null http://127.0.0.1/; then
  echo "demo: FAILED: nginx does not answer on http://127.0.0.1/ (see: bin/claude status)" >&2
  exit 1
fi
echo "demo: nginx answers on http://127.0.0.1/"
echo "Try next (same dirs):"
echo "  export CLAUDE_STATE_DIR=$CLAUDE_STATE_DIR CLAUDE_DATA_DIR=$CLAUDE_DATA_DIR CLAUDE_ROOT=$CLAUDE_ROOT"
echo "  bin/claude status; bin/claude history; bin/claude \"remove nginx\" --yes"
