#!/usr/bin/env bash
# Builds what the demo needs (skipping tests) and runs it; arguments go to the demo (--help).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f demo/target/netns-guard-demo.jar ] || [ -n "$(find runtime/src agent/src demo/src -newer demo/target/netns-guard-demo.jar -print -quit)" ]; then
  mvn -B -q -DskipTests install -pl demo -am >&2
fi
# demo/hosts: the JDK resolves from this file only, so the demo never sends a DNS query.
exec java -javaagent:agent/target/netns-guard-agent.jar=mode=report,log=none -Djdk.net.hosts.file=demo/hosts \
     -jar demo/target/netns-guard-demo.jar "$@"
