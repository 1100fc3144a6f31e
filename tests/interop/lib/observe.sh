# What the scenarios look at: the messages in each MX's Maildir and the relay's log.

# send_via_relay RECIPIENT TOKEN: swaks hands one message to the relay; TOKEN is its subject and
# Message-ID, so it can be found wherever it lands.
send_via_relay() {
    local rcpt=$1 token=$2
    echo "--- swaks: $token -> $rcpt"
    swaks --server "$RELAY_IP" --port "$RELAY_PORT" --helo exchange.corp.test \
        --from sender@corp.test --to "$rcpt" \
        --header "Subject: $token" --header "Message-Id: <$token@corp.test>" \
        --body "interop test message $token" --timeout 30
}

# mail_files TOKEN: every delivered message, on any MX, that contains TOKEN.
mail_files() {
    grep -rlF -- "$1" "$LAB"/postfix/mx-*/mail/inbox/new 2>/dev/null
}

mail_count() {
    mail_files "$1" | wc -l
}

arrived() {
    [ "$(mail_count "$1")" -ge 1 ]
}

# instance_of FILE: which MX instance holds this Maildir file.
instance_of() {
    local rest=${1#"$LAB"/postfix/}
    echo "${rest%%/*}"
}

# received_tls FILE: the TLS note of the topmost Received header (the one the MX wrote), e.g.
# "using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384"; empty for a plaintext session.
received_tls() {
    awk '/^Received:/ { if (seen) exit; seen = 1; h = $0; next }
         seen && /^[ \t]/ { h = h " " $0; next }
         seen { exit }
         END { print h }' "$1" | grep -oE 'using TLSv[0-9.]+ with cipher [A-Za-z0-9_-]+'
}

# expect_delivered TOKEN INSTANCE: waits up to 60 s for the message, then checks that it arrived
# exactly once, on INSTANCE. Sets DELIVERED_TLS to the TLS note of its Received header.
expect_delivered() {
    local token=$1 instance=$2 files
    poll 60 arrived "$token" || { why "$token did not arrive on any MX within 60 s"; return 1; }
    files=$(mail_files "$token")
    [ "$(echo "$files" | wc -l)" -eq 1 ] || { why "$token arrived more than once: $(echo "$files" | tr "\n" " ")"; return 1; }
    [ "$(instance_of "$files")" = "$instance" ] || { why "$token arrived on $(instance_of "$files"), expected $instance"; return 1; }
    DELIVERED_TLS=$(received_tls "$files")
    echo "$token arrived on $instance: ${DELIVERED_TLS:-plaintext}"
}

expect_tls() {
    [[ $DELIVERED_TLS == "using TLSv1."[23]" with cipher "* ]] ||
        { why "expected TLS 1.2+ on the MX side, the Received header says: '${DELIVERED_TLS:-plaintext}'"; return 1; }
}

# relay_log_line REGEX: the last line of the relay's log matching REGEX (extended).
relay_log_line() {
    grep -E -- "$1" "$LAB/relay/relay.log" | tail -n 1
}

relay_logged() {
    grep -qE -- "$1" "$LAB/relay/relay.log"
}

# expect_log REGEX WHAT: waits up to 60 s for a relay log line; prints it.
expect_log() {
    poll 60 relay_logged "$1" || { why "relay log has no $2 (/$1/) within 60 s"; return 1; }
    echo "relay log: $(relay_log_line "$1")"
}

# expect_deferred RECIPIENT FAILURE: the relay's delivery line for RECIPIENT says deferred with the
# RFC 8460 failure type, and the message is on no MX.
expect_deferred() {
    local rcpt=$1 failure=$2 token=${1%@*}
    expect_log "delivery queue_id=[^ ]+ result=deferred domain=${rcpt#*@} to=$rcpt .* failure=$failure " \
        "deferred line with failure=$failure" || return 1
    [ "$(mail_count "$token")" -eq 0 ] || { why "$token was delivered to $(instance_of "$(mail_files "$token" | head -n 1)")"; return 1; }
}
