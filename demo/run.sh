#!/usr/bin/env bash
# Builds what the demo needs (skipping tests) and runs it; arguments go to the demo (--help).
# The demo creates network namespaces, so it runs as root: from a user account that has sudo it
# re-runs itself under sudo, and without sudo it says so and does nothing.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    echo "demo/run.sh: the demo creates network namespaces (CAP_SYS_ADMIN): re-running as root with sudo" >&2
    exec sudo env "PATH=$PATH" ${JAVA_HOME:+"JAVA_HOME=$JAVA_HOME"} bash "$0" "$@"
  fi
  echo "demo/run.sh: must run as root: the demo creates network namespaces (CAP_SYS_ADMIN)," \
       "and there is no sudo here to become root. Run it from a root shell." >&2
  exit 1
fi
cd "$(dirname "$0")/.."
# package, not install: nothing goes to the local repository. The javadoc and sources jars are for
# releases, not for running the demo.
if [ ! -f demo/target/netns-guard-demo.jar ] || [ -n "$(find runtime/src agent/src demo/src -newer demo/target/netns-guard-demo.jar -print -quit)" ]; then
  mvn -B -q -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true package -pl demo -am >&2
fi
# demo/hosts: the JDK resolves from this file only, so the demo never sends a DNS query.
exec java -javaagent:agent/target/netns-guard-agent.jar=mode=report,log=none -Djdk.net.hosts.file=demo/hosts \
     -jar demo/target/netns-guard-demo.jar "$@"
