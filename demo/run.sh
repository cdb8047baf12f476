#!/usr/bin/env bash
# Builds what the demo needs (skipping tests) and runs it; arguments go to the demo (--help).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f demo/target/netns-guard-demo.jar ] || [ -n "$(find runtime/src agent/src demo/src -newer demo/target/netns-guard-demo.jar -print -quit)" ]; then
  mvn -B -q -DskipTests install -pl demo -am >&2
fi
exec java -javaagent:agent/target/netns-guard-agent.jar=mode=report,log=none -jar demo/target/netns-guard-demo.jar "$@"
