# Shared helpers for the interop suite: messages, polls with a deadline, the scenario runner and the
# process bookkeeping that cleanup() relies on. Sourced by run.sh; expects $LAB to be set before use.

note() { printf '[interop %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

die() {
    note "setup failed: $*"
    return 1
}

# poll SECONDS COMMAND...: run COMMAND every 0.2 s until it succeeds or SECONDS have passed.
# Every wait in the suite goes through here: no fixed sleeps.
poll() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        if ((SECONDS >= deadline)); then
            return 1
        fi
        sleep 0.2
    done
}

# tcp_open ADDRESS PORT: succeeds when something accepts a TCP connection there.
tcp_open() {
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# tcp_closed ADDRESS PORT: the opposite, for making sure a lab address is free before we bind it.
tcp_closed() {
    ! tcp_open "$1" "$2"
}

# pid_gone PID: the process has exited (or was never ours).
pid_gone() {
    ! kill -0 "$1" 2>/dev/null
}

# stop_pid PID NAME: TERM, wait up to 10 s, then KILL. Only ever called with PIDs this suite started.
stop_pid() {
    local pid=$1 name=$2
    [ -n "$pid" ] || return 0
    pid_gone "$pid" && return 0
    kill -TERM "$pid" 2>/dev/null
    if ! poll 10 pid_gone "$pid"; then
        note "$name (pid $pid) ignored TERM; killing it"
        kill -KILL "$pid" 2>/dev/null
    fi
}

# --- scenario runner --------------------------------------------------------------------------------
PASSED=0
FAILED=0
FAILED_NAMES=()
REASON=""

# why TEXT: record why the current scenario failed, then return 1 from the caller's test.
why() {
    REASON="$*"
    return 1
}

# scenario NAME FUNCTION: run one scenario function and count it. The function returns non-zero and
# calls `why` to explain; its own output goes to the lab's scenario log to keep the console short.
scenario() {
    local name=$1 fn=$2 started=$SECONDS
    REASON=""
    if "$fn" >>"$LAB/scenarios.log" 2>&1; then
        PASSED=$((PASSED + 1))
        note "PASS $name ($((SECONDS - started)) s)"
    else
        FAILED=$((FAILED + 1))
        FAILED_NAMES+=("$name")
        note "FAIL $name ($((SECONDS - started)) s): ${REASON:-no reason recorded}"
    fi
}
