#!/usr/bin/env bash
# Interop suite: the relay against real software on loopback (issue 4).
#
# Installs Postfix, nginx, dnsmasq and swaks from Debian's packages if missing, builds a small
# internet on 127.0.0.0/8 (topology in lib/topology.sh), publishes and starts the relay against it,
# runs the scenarios in scenarios.sh and prints "N passed, N failed". Needs root (apt-get, ports
# 25/53/443). Never touches /etc/resolv.conf, the trust store or the system Postfix/nginx; every
# process it starts is stopped on exit; everything it writes is under one mktemp -d folder, removed
# when all passed and kept (with its path printed) when something failed.
#
# Usage: tests/interop/run.sh        (KEEP_LAB=1 keeps the lab folder even when all passed)
# The last line of its output is always the summary, also after a setup failure or Ctrl-C.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
LIB=$HERE/lib
REPO=$(cd "$HERE/../.." && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# shellcheck source=lib/common.sh
source "$LIB/common.sh"
# shellcheck source=lib/install.sh
source "$LIB/install.sh"
# shellcheck source=lib/pki.sh
source "$LIB/pki.sh"
# shellcheck source=lib/topology.sh
source "$LIB/topology.sh"
# shellcheck source=lib/dns.sh
source "$LIB/dns.sh"
# shellcheck source=lib/nginx.sh
source "$LIB/nginx.sh"
# shellcheck source=lib/postfix.sh
source "$LIB/postfix.sh"
# shellcheck source=lib/relay.sh
source "$LIB/relay.sh"
# shellcheck source=lib/observe.sh
source "$LIB/observe.sh"
# shellcheck source=scenarios.sh
source "$HERE/scenarios.sh"

LAB=""

# On every exit (normal, failure, Ctrl-C): stop what we started, remove or keep the lab folder, and
# print the summary as the very last line. Scenarios that never ran count as failed.
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    # A signal can arrive inside a scenario, whose output goes to scenarios.log: back to the console.
    exec 1>&8 2>&9
    if [ -n "$LAB" ]; then
        note "stopping the lab"
        relay_stop
        postfix_stop_all
        nginx_stop
        dns_stop
        if [ "$FAILED" -eq 0 ] && [ "$status" -eq 0 ] && [ -z "${KEEP_LAB:-}" ]; then
            rm -rf "$LAB"
        else
            note "lab kept for debugging: $LAB (scenarios.log, relay/relay.log, postfix/*/maillog, dns/, nginx/)"
        fi
    fi
    FAILED=$((${#SCENARIOS[@]} - PASSED))
    if [ "$FAILED" -ne 0 ] && [ "$status" -eq 0 ]; then
        status=1
    fi
    echo "$PASSED passed, $FAILED failed"
    exit "$status"
}

# All the lab's addresses must be free: a leftover from another run would answer for us.
check_addresses_free() {
    local name
    tcp_closed "$RELAY_IP" "$RELAY_PORT" && tcp_closed "$WEB_IP" 443 && tcp_closed "$EXCHANGE_IP" 25 || return 1
    for name in "${!MX_IP[@]}"; do
        tcp_closed "${MX_IP[$name]}" 25 || return 1
    done
}

setup_lab() {
    check_addresses_free || { die "a lab address (127.0.25.x:25, 127.0.44.3:443, $RELAY_IP:$RELAY_PORT, $EXCHANGE_IP:25) is in use"; return 1; }
    pki_init || { die "could not create the lab CA"; return 1; }
    dns_start && nginx_start || return 1
    local name
    for name in mx-good mx-wrong mx-notls mx-alt; do
        postfix_start_mx "$name" || return 1
    done
    relay_publish && relay_start && postfix_start_exchange
}

main() {
    local started=$SECONDS
    exec 8>&1 9>&2
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    if [ "$(id -u)" -ne 0 ]; then
        note "run as root: the lab binds ports 25, 53 and 443 on 127.x and installs packages"
        exit 1
    fi
    LAB=$(mktemp -d /tmp/mtasts-interop.XXXXXX)
    chmod 755 "$LAB" # Postfix's virtual(8) and nginx workers run as nobody and must reach their files
    LAB_INSTALL_LOG=$LAB/apt.log
    note "lab folder: $LAB"

    install_packages && setup_lab || exit 1
    note "lab up after $((SECONDS - started)) s; running ${#SCENARIOS[@]} scenarios"

    local entry
    for entry in "${SCENARIOS[@]}"; do
        scenario "${entry%%:*}" "${entry##*:}"
    done

    note "finished in $((SECONDS - started)) s"
    if [ "$FAILED" -gt 0 ]; then
        local IFS=';'
        note "failed: ${FAILED_NAMES[*]}"
        exit 1
    fi
}

main "$@"
