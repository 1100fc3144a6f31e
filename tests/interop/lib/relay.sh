# The relay under test, run as a user would: `dotnet publish`, then `dotnet mtasts-relay.dll
# --config lab.json`. Build output goes to the lab folder (--artifacts-path), not into the work tree.

RELAY_PID=""
RELAY_BIN=""

relay_publish() {
    RELAY_BIN=$LAB/relay/bin
    mkdir -p "$LAB/relay"
    note "publishing the relay (Release)"
    if ! dotnet publish "$REPO/src/MtaStsRelay" -c Release -o "$RELAY_BIN" --artifacts-path "$LAB/relay/artifacts" \
        -nologo >"$LAB/relay/publish.log" 2>&1; then
        tail -n 20 "$LAB/relay/publish.log"
        die "dotnet publish failed (see $LAB/relay/publish.log)"
        return 1
    fi
    [ -f "$RELAY_BIN/mtasts-relay.dll" ] || { die "no mtasts-relay.dll in $RELAY_BIN"; return 1; }
}

relay_write_config() {
    local dir=$LAB/relay
    cat >"$dir/lab.json" <<JSON
{
  "Logging": { "LogLevel": { "Default": "Information", "Microsoft": "Warning", "System.Net.Http": "Warning" } },
  "Relay": {
    "HostName": "relay.corp.test",
    "Listen": [ { "Address": "$RELAY_IP", "Port": $RELAY_PORT } ],
    "AllowedNetworks": [ "127.0.0.0/8" ],
    "Spool": { "Path": "$dir/spool" },
    "Queue": { "RetrySchedule": [ "00:00:05" ] },
    "Dns": { "Servers": [ "$DNS_IP:$DNS_PORT" ] },
    "Tls": { "TrustedRoots": "$LAB/pki/ca.pem" },
    "MtaSts": { "CachePath": "$dir/policy-cache", "TxtLookupInterval": "00:00:01" },
    "Log": { "Format": "text" }
  }
}
JSON
}

relay_listening() {
    tcp_open "$RELAY_IP" "$RELAY_PORT"
}

# Stop waiting as soon as the relay is up or has exited (a configuration error exits at once with 3).
relay_up_or_gone() {
    relay_listening || pid_gone "$RELAY_PID"
}

relay_start() {
    relay_write_config
    # Its own working directory, so nothing relative lands in the work tree.
    (cd "$LAB/relay" && exec dotnet "$RELAY_BIN/mtasts-relay.dll" --config "$LAB/relay/lab.json") \
        >"$LAB/relay/relay.log" 2>&1 &
    RELAY_PID=$!
    echo "$RELAY_PID" >"$LAB/relay/relay.pid"
    poll 60 relay_up_or_gone
    if ! relay_listening; then
        tail -n 20 "$LAB/relay/relay.log"
        die "the relay is not listening on $RELAY_IP:$RELAY_PORT (see $LAB/relay/relay.log)"
        return 1
    fi
}

relay_stop() {
    stop_pid "$RELAY_PID" relay
    RELAY_PID=""
}

# relay_check DOMAIN: `mtasts-relay check DOMAIN` against the lab; prints its report, returns its exit code.
relay_check() {
    dotnet "$RELAY_BIN/mtasts-relay.dll" check "$1" --dns "$DNS_IP:$DNS_PORT" --config "$LAB/relay/lab.json"
}
