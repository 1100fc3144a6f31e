# The scenarios. Each sends through the relay (swaks, or the "exchange" Postfix) and asserts where the
# message arrived, over what TLS, and what the relay logged; or that it did not arrive, and why.
# RUN makes every token unique to this run; a token is the recipient's local part, the subject and
# the Message-ID of its message.

RUN="r$RANDOM$RANDOM"

token() { echo "t-$1-$RUN"; }

# Sets the calling scenario's t (the message token) and rcpt (token@DOMAIN), then sends one message
# through the relay.
send_token() {
    t=$(token "$1") rcpt=$(token "$1")@$2
    send_via_relay "$rcpt" "$t" || { why "the relay refused the message"; return 1; }
}

# The delivery line (event 3000) of a recipient, as a regex.
sent_line() { echo "delivery queue_id=[^ ]+ result=sent domain=${1#*@} to=$1 "; }

# enforce + valid certificate on the only MX: delivered over verified TLS.
scenario_enforce_good() {
    local t rcpt
    send_token good good.test || return 1
    expect_delivered "$t" mx-good && expect_tls || return 1
    expect_log "$(sent_line "$rcpt").* mx=mx.good.test ip=127.0.25.1 policy=enforce policy_id=labgood1 policy_source=(fetched|cache) tls=Tls1[23] .* cert_verified=yes failure=- " \
        "sent line with enforce and a verified certificate"
}

# enforce + the MX's certificate names another host: never delivered (RFC 8461 §4.2).
scenario_enforce_wrong_name() {
    local t rcpt
    send_token wrongname wrongname.test || return 1
    expect_deferred "$rcpt" certificate-host-mismatch
}

# enforce + the MX offers no STARTTLS: never sent in plaintext.
scenario_enforce_no_starttls() {
    local t rcpt
    send_token notls notls.test || return 1
    expect_deferred "$rcpt" starttls-not-supported || return 1
    # The MX saw no message at all (it would take one: it accepts plaintext).
    ! grep -qF "$t" "$LAB/postfix/mx-notls/maillog" || { why "mx-notls saw $t"; return 1; }
}

# enforce + the domain's MX (which has a valid certificate) is not listed in the policy: skipped.
scenario_enforce_mx_not_in_policy() {
    local t rcpt
    send_token mxnp mxnp.test || return 1
    expect_log "mx-skipped queue_id=[^ ]+ domain=mxnp.test mx=mx.mxnp.test failure=validation-failure" "mx-skipped line" || return 1
    expect_deferred "$rcpt" validation-failure
}

# enforce + first MX has a wrong-name certificate, second is good: delivered to the second.
scenario_enforce_fallback() {
    local t rcpt
    send_token fallback fallback.test || return 1
    expect_delivered "$t" mx-alt && expect_tls || return 1
    expect_log "mx-failed queue_id=[^ ]+ domain=fallback.test mx=mx1.fallback.test ip=127.0.25.2 failure=certificate-host-mismatch" \
        "mx-failed line for the first MX" || return 1
    expect_log "$(sent_line "$rcpt").* mx=mx2.fallback.test ip=127.0.25.4 policy=enforce .* cert_verified=yes " "sent line via the second MX"
}

# testing + wrong-name certificate: delivered anyway, the violation logged (RFC 8461 §5).
scenario_testing_bad_mx() {
    local t rcpt
    send_token testing testing.test || return 1
    expect_delivered "$t" mx-wrong && expect_tls || return 1
    expect_log "sts-testing-violation queue_id=[^ ]+ domain=testing.test policy_id=labtesting1 failure=certificate-host-mismatch" \
        "sts-testing-violation line" || return 1
    expect_log "$(sent_line "$rcpt").* policy=testing " "sent line with policy=testing"
}

# No TXT record: opportunistic TLS, certificate not required to match.
scenario_no_policy() {
    local t rcpt
    send_token nopolicy nopolicy.test || return 1
    expect_delivered "$t" mx-wrong && expect_tls || return 1
    expect_log "$(sent_line "$rcpt").* mx=mx.nopolicy.test ip=127.0.25.2 policy=none .* tls=Tls1[23] " "sent line with policy=none over TLS"
}

# The TXT id changes with a new mx list (and DNS moves the MX): the new policy is fetched and applied.
scenario_policy_id_change() {
    local t1 t2 r1 r2
    t1=$(token idchange1) r1=$(token idchange1)@idchange.test
    t2=$(token idchange2) r2=$(token idchange2)@idchange.test
    send_via_relay "$r1" "$t1" || { why "the relay refused the first message"; return 1; }
    expect_delivered "$t1" mx-good || return 1
    expect_log "$(sent_line "$r1").* mx=mx-a.idchange.test .* policy_id=1 " "sent line under policy id 1" || return 1

    IDCHANGE_STAGE=2
    topology_write_policies
    dns_reload || { why "dnsmasq did not restart with the new records"; return 1; }
    echo "policy id 2 published: mx-b.idchange.test only"

    send_via_relay "$r2" "$t2" || { why "the relay refused the second message"; return 1; }
    expect_delivered "$t2" mx-alt && expect_tls || return 1
    expect_log "MTA-STS policy fetched for idchange.test: id=2 .*mx=mx-b.idchange.test" "fetch of policy id 2" || return 1
    expect_log "$(sent_line "$r2").* mx=mx-b.idchange.test .* policy_id=2 " "sent line under policy id 2"
}

# The policy host answers 301: a fetch error (RFC 8461 §3.3), so no policy: delivered opportunistically.
scenario_policy_redirect() {
    local t rcpt
    send_token redirect redirect.test || return 1
    expect_delivered "$t" mx-wrong && expect_tls || return 1
    expect_log "MTA-STS policy fetch failed for redirect.test .*sts-policy-fetch-error" "policy fetch failure for the 301" || return 1
    expect_log "$(sent_line "$rcpt").* policy=none " "sent line with policy=none" || return 1
    grep -q '"GET /.well-known/mta-sts.txt HTTP/1.1" 301' "$LAB/nginx/access.log" || { why "nginx did not serve the 301"; return 1; }
}

# Postfix as Exchange: 200 messages through the relay (relayhost) to good.test, each exactly once.
BULK_COUNT=200
BULK_INBOX=""
BULK_PREFIX=""

bulk_files() {
    grep -lF -- "$BULK_PREFIX-" "$BULK_INBOX"/* 2>/dev/null
}

bulk_arrived() {
    [ "$(bulk_files | wc -l)" -ge "$BULK_COUNT" ]
}

# bulk_exactly_once: 200 files on mx-good, 200 distinct subjects and Message-IDs, none elsewhere,
# every one received over TLS 1.2+.
bulk_exactly_once() {
    local total subjects ids others untls
    total=$(bulk_files | wc -l)
    subjects=$(bulk_files | xargs grep -h "^Subject: $BULK_PREFIX-" | sort -u | wc -l)
    ids=$(bulk_files | xargs grep -hi "^Message-ID: <$BULK_PREFIX-" | sort -u | wc -l)
    others=$(grep -rlF -- "$BULK_PREFIX-" "$LAB"/postfix/mx-{wrong,notls,alt}/mail | wc -l)
    untls=$(bulk_files | xargs grep -L -E 'using TLSv1\.[23] with cipher' | wc -l)
    echo "bulk: $total files, $subjects distinct subjects, $ids distinct Message-IDs, $others elsewhere, $untls without TLS"
    if [ "$total" -ne "$BULK_COUNT" ] || [ "$subjects" -ne "$BULK_COUNT" ] || [ "$ids" -ne "$BULK_COUNT" ] || [ "$others" -ne 0 ]; then
        why "expected $BULK_COUNT distinct messages exactly once on mx-good: $total files, $subjects subjects, $ids ids, $others elsewhere"
        return 1
    fi
    [ "$untls" -eq 0 ] || { why "$untls bulk messages reached mx-good without TLS 1.2+"; return 1; }
}

# exchange_used_several_connections: Exchange's log shows every message sent to the relay, over more
# than one connection (Postfix writes conn_use=N on the 2nd and later use of a cached connection).
exchange_used_several_connections() {
    local lines sent connections
    lines=$(grep -F "to=<$BULK_PREFIX@good.test>, relay=${RELAY_IP}[${RELAY_IP}]:${RELAY_PORT}," "$LAB/postfix/exchange/maillog" |
        grep -F "status=sent")
    sent=$(echo "$lines" | grep -c .)
    connections=$(echo "$lines" | grep -vc 'conn_use=')
    echo "exchange: $sent messages sent to the relay over $connections connections"
    [ "$sent" -ge "$BULK_COUNT" ] || { why "exchange logged only $sent deliveries to the relay"; return 1; }
    [ "$connections" -ge 2 ] || { why "exchange used $connections connection(s) to the relay, expected several"; return 1; }
}

scenario_exchange_bulk() {
    BULK_INBOX=$LAB/postfix/mx-good/mail/inbox/new
    BULK_PREFIX=$(token bulk)
    perl "$LIB/inject.pl" "$EXCHANGE_IP" 25 "$BULK_PREFIX@good.test" "$BULK_PREFIX" "$BULK_COUNT" 4 ||
        { why "exchange refused the injected messages"; return 1; }
    poll 240 bulk_arrived || { why "only $(bulk_files | wc -l) of $BULK_COUNT arrived within 240 s"; return 1; }
    bulk_exactly_once && exchange_used_several_connections
}

# `mtasts-relay check`: exit 0 and PASS for a good domain; exit 1 for one whose MX certificate names
# another host, with the RFC 8460 type in the report.
scenario_check_good() {
    local status=0 out=$LAB/check-good.txt
    relay_check good.test >"$out" 2>&1 || status=$?
    cat "$out"
    [ "$status" -eq 0 ] || { why "check good.test exited $status, expected 0"; return 1; }
    grep -q '^Result: PASS' "$out" || { why "check good.test did not report PASS"; return 1; }
}

scenario_check_broken() {
    local status=0 out=$LAB/check-broken.txt
    relay_check wrongname.test >"$out" 2>&1 || status=$?
    cat "$out"
    [ "$status" -eq 1 ] || { why "check wrongname.test exited $status, expected 1"; return 1; }
    grep -q 'certificate-host-mismatch' "$out" || { why "check wrongname.test did not name certificate-host-mismatch"; return 1; }
}

# Last, over everything the MXs received: no message twice (retries and queue recovery must not
# duplicate), and the messages refused under enforce still nowhere after their retries.
scenario_exactly_once() {
    local dupes t
    dupes=$(grep -hi '^Message-ID:' "$LAB"/postfix/mx-*/mail/inbox/new/* | sort | uniq -d)
    [ -z "$dupes" ] || { why "delivered more than once: $(echo "$dupes" | tr "\n" " ")"; return 1; }
    for t in $(token wrongname) $(token notls) $(token mxnp); do
        [ "$(mail_count "$t")" -eq 0 ] || { why "$t reached an MX on a retry"; return 1; }
    done
    echo "$(find "$LAB"/postfix/mx-*/mail/inbox/new -type f | wc -l) messages on the MXs, none twice"
}

SCENARIOS=(
    "enforce, valid MX:scenario_enforce_good"
    "enforce, wrong-name certificate:scenario_enforce_wrong_name"
    "enforce, no STARTTLS:scenario_enforce_no_starttls"
    "enforce, MX not in policy:scenario_enforce_mx_not_in_policy"
    "enforce, bad first MX then good second:scenario_enforce_fallback"
    "testing, bad MX:scenario_testing_bad_mx"
    "no policy (opportunistic TLS):scenario_no_policy"
    "policy id change:scenario_policy_id_change"
    "policy fetch redirect:scenario_policy_redirect"
    "exchange Postfix, $BULK_COUNT messages:scenario_exchange_bulk"
    "check, good domain:scenario_check_good"
    "check, broken domain:scenario_check_broken"
    "every message exactly once:scenario_exactly_once"
)
