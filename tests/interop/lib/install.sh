# Installs the real software the lab runs, from Debian's packages, non-interactively.
# Idempotent: when every package is already installed it returns without touching apt.

LAB_PACKAGES=(postfix nginx dnsmasq-base swaks openssl)

# packages_missing: sets MISSING to the packages of LAB_PACKAGES that are not installed.
MISSING=()
packages_missing() {
    local p
    MISSING=()
    for p in "${LAB_PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
            MISSING+=("$p")
        fi
    done
}

install_packages() {
    packages_missing
    if [ ${#MISSING[@]} -eq 0 ]; then
        note "packages already installed: ${LAB_PACKAGES[*]}"
        return 0
    fi
    if [ "$(id -u)" -ne 0 ]; then
        die "missing packages (${MISSING[*]}) and not root: install them or run as root"
        return 1
    fi
    note "installing: ${MISSING[*]}"
    # "No configuration": Postfix installs without a main.cf and without a system instance; the lab
    # runs its own instances from their own config directories.
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    # dnsmasq-base (not dnsmasq) has no system service, so nothing touches /etc/resolv.conf.
    # Keep package scripts from starting system services (nginx on :80) while we install: the
    # standard policy-rc.d hook, only if the machine has none, removed right after.
    local own_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && own_policy=yes
    fi
    local status=0
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >"${LAB_INSTALL_LOG:-/dev/null}" 2>&1 &&
        apt-get install -y -qq --no-install-recommends "${MISSING[@]}" >>"${LAB_INSTALL_LOG:-/dev/null}" 2>&1 || status=$?
    [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
    if [ "$status" -ne 0 ]; then
        die "apt-get failed (exit $status); see ${LAB_INSTALL_LOG:-the apt output}"
        return 1
    fi
    packages_missing
    [ ${#MISSING[@]} -eq 0 ] || { die "still missing after apt-get: ${MISSING[*]}"; return 1; }
}
