# shellcheck shell=bash
#
# A private, network-less Docker engine for the container tests (module testcontainers/).
#
# SOURCE this file (do not execute it); it defines two functions, safe under `set -euo pipefail`:
#
#   docker_start   installs Debian's docker.io and busybox-static when missing, starts dockerd in the
#                  background on a private socket and data root, waits (bounded) until it answers,
#                  and exports DOCKER_HOST and the TESTCONTAINERS_* variables the tests need.
#   docker_stop    removes the engine's containers, stops that dockerd by its recorded PID and waits
#                  for it to exit. Never kills anything by name. Safe to call more than once, and
#                  when docker_start failed half-way.
#
#   source .ci/docker.sh
#   docker_start || exit 1
#   trap docker_stop EXIT
#   mvn -B verify -pl testcontainers
#
# The engine is started so that it changes nothing in the host's network: no bridge (--bridge=none),
# no iptables/ip6tables rules, no masquerading, no ip_forward sysctl, no userland proxy, and an
# empty daemon.json of its own so that /etc/docker/daemon.json cannot add any of these back.
# Containers must then run with network mode "none": each has a network namespace with only `lo`.
#
# Settings (environment, optional):
#   NETNS_GUARD_DOCKER_DIR        run directory: socket, pid file, logs (default /run/netns-guard-ci)
#   NETNS_GUARD_DOCKER_DATA       data root: images, containers (default /var/lib/netns-guard-ci-docker)
#   NETNS_GUARD_DOCKER_WAIT       seconds to wait for the engine to answer (default 60)

NETNS_GUARD_DOCKER_DIR="${NETNS_GUARD_DOCKER_DIR:-/run/netns-guard-ci}"
NETNS_GUARD_DOCKER_DATA="${NETNS_GUARD_DOCKER_DATA:-/var/lib/netns-guard-ci-docker}"
NETNS_GUARD_DOCKER_WAIT="${NETNS_GUARD_DOCKER_WAIT:-60}"

_ngd_log() { echo "docker.sh: $*" >&2; }

# The docker client: Debian's (matches the engine) where installed, else whichever is on PATH.
_ngd_client() {
    local client=/usr/bin/docker
    [ -x "$client" ] || client=docker
    "$client" -H "unix://${NETNS_GUARD_DOCKER_DIR}/docker.sock" "$@"
}

_ngd_install() {
    local missing=()
    command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
    # The test images are FROM scratch with /bin/busybox copied in: it must be the static build.
    dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
    if [ ${#missing[@]} -eq 0 ]; then return 0; fi

    _ngd_log "installing ${missing[*]} from Debian's packages"
    # Installing docker.io must not start the distribution's engine (which would create docker0 and
    # iptables rules): a policy-rc.d that denies every service start, only while we install, and
    # only if there is none already.
    local policy=/usr/sbin/policy-rc.d made_policy=""
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
    fi
    local rc=0 aptlog="${NETNS_GUARD_DOCKER_DIR}/apt.log"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$aptlog" 2>&1 || rc=$?
    if [ $rc -eq 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
            >>"$aptlog" 2>&1 || rc=$?
    fi
    if [ -n "$made_policy" ]; then rm -f "$policy"; fi
    if [ $rc -ne 0 ] || ! command -v dockerd >/dev/null 2>&1 || ! dpkg -s busybox-static >/dev/null 2>&1; then
        _ngd_log "ERROR: could not install ${missing[*]} with apt-get (exit $rc); the container tests need"
        _ngd_log "       Debian's docker.io (dockerd) and busybox-static. Last lines of $aptlog:"
        tail -n 15 "$aptlog" >&2 2>/dev/null || true
        return 1
    fi
}

_ngd_pid_alive() {
    local pid="$1"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ]
}

_ngd_export() {
    export DOCKER_HOST="unix://${NETNS_GUARD_DOCKER_DIR}/docker.sock"
    export TESTCONTAINERS_RYUK_DISABLED=true
    export TESTCONTAINERS_HOST_OVERRIDE=localhost
    export TESTCONTAINERS_CHECKS_DISABLE=true
}

docker_start() {
    mkdir -p "$NETNS_GUARD_DOCKER_DIR" "$NETNS_GUARD_DOCKER_DATA" || {
        _ngd_log "ERROR: cannot create $NETNS_GUARD_DOCKER_DIR or $NETNS_GUARD_DOCKER_DATA (run as root)"
        return 1
    }
    chmod 700 "$NETNS_GUARD_DOCKER_DIR" "$NETNS_GUARD_DOCKER_DATA"

    local pidfile="${NETNS_GUARD_DOCKER_DIR}/dockerd.pid"
    local old
    old="$(cat "$pidfile" 2>/dev/null || true)"
    if _ngd_pid_alive "$old" && _ngd_client info >/dev/null 2>&1; then
        _ngd_log "reusing the engine already running as PID $old"
        NETNS_GUARD_DOCKERD_PID="$old"
        export NETNS_GUARD_DOCKERD_PID
        _ngd_export
        return 0
    fi

    _ngd_install || return 1

    printf '{}\n' >"${NETNS_GUARD_DOCKER_DIR}/daemon.json"
    rm -f "${NETNS_GUARD_DOCKER_DIR}/docker.sock" "$pidfile"
    local log="${NETNS_GUARD_DOCKER_DIR}/dockerd.log"
    _ngd_log "starting dockerd on unix://${NETNS_GUARD_DOCKER_DIR}/docker.sock (data root $NETNS_GUARD_DOCKER_DATA, log $log)"
    dockerd \
        --config-file "${NETNS_GUARD_DOCKER_DIR}/daemon.json" \
        --host "unix://${NETNS_GUARD_DOCKER_DIR}/docker.sock" \
        --data-root "$NETNS_GUARD_DOCKER_DATA" \
        --exec-root "${NETNS_GUARD_DOCKER_DIR}/exec" \
        --pidfile "$pidfile" \
        --bridge=none \
        --iptables=false \
        --ip6tables=false \
        --ip-masq=false \
        --ip-forward=false \
        --userland-proxy=false \
        </dev/null >"$log" 2>&1 &
    NETNS_GUARD_DOCKERD_PID=$!
    export NETNS_GUARD_DOCKERD_PID
    echo "$NETNS_GUARD_DOCKERD_PID" >"${NETNS_GUARD_DOCKER_DIR}/started.pid"

    local waited=0
    until _ngd_client info >/dev/null 2>&1; do
        if ! kill -0 "$NETNS_GUARD_DOCKERD_PID" 2>/dev/null; then
            _ngd_log "ERROR: dockerd exited while starting; last lines of $log:"
            tail -n 20 "$log" >&2 || true
            unset NETNS_GUARD_DOCKERD_PID
            rm -f "${NETNS_GUARD_DOCKER_DIR}/started.pid"
            return 1
        fi
        if [ "$waited" -ge "$NETNS_GUARD_DOCKER_WAIT" ]; then
            _ngd_log "ERROR: dockerd (PID $NETNS_GUARD_DOCKERD_PID) did not answer within ${NETNS_GUARD_DOCKER_WAIT}s; last lines of $log:"
            tail -n 20 "$log" >&2 || true
            docker_stop
            return 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
    _ngd_export
    _ngd_log "engine up: PID $NETNS_GUARD_DOCKERD_PID, server $(_ngd_client version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null)"
    _ngd_log "DOCKER_HOST=$DOCKER_HOST"
}

docker_stop() {
    local pid="${NETNS_GUARD_DOCKERD_PID:-$(cat "${NETNS_GUARD_DOCKER_DIR}/started.pid" 2>/dev/null)}"
    if ! _ngd_pid_alive "$pid"; then
        [ -n "$pid" ] && _ngd_log "dockerd PID $pid is not running"
        rm -f "${NETNS_GUARD_DOCKER_DIR}/started.pid"
        unset NETNS_GUARD_DOCKERD_PID
        return 0
    fi

    local ids
    ids="$(_ngd_client ps -aq 2>/dev/null || true)"
    if [ -n "$ids" ]; then
        _ngd_log "removing containers: $(echo $ids)"
        # shellcheck disable=SC2086
        _ngd_client rm -f $ids >/dev/null 2>&1 || _ngd_log "warning: could not remove every container"
    fi

    _ngd_log "stopping dockerd PID $pid"
    kill -TERM "$pid" 2>/dev/null || true
    local waited=0
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$waited" -ge 60 ]; then
            _ngd_log "dockerd PID $pid still running after 30s: sending SIGKILL to that PID"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        if [ "$waited" -ge 80 ]; then
            _ngd_log "ERROR: dockerd PID $pid does not exit"
            return 1
        fi
        sleep 0.5
        waited=$((waited + 1))
    done
    # Reap it when it is this shell's child, so that no zombie is left.
    wait "$pid" 2>/dev/null || true
    rm -f "${NETNS_GUARD_DOCKER_DIR}/started.pid" "${NETNS_GUARD_DOCKER_DIR}/docker.sock"
    unset NETNS_GUARD_DOCKERD_PID
    _ngd_log "dockerd stopped"
    return 0
}
