# Postfix instances, each from its own config directory (`postfix -c DIR`), with its own queue and
# data directories, its own log file (maillog_file) and one listen address. The system's Postfix
# (/etc/postfix, "No configuration") is never configured or started.
#
# Receiving MX instances accept mail for every test domain and deliver it with virtual(8) into one
# Maildir: $LAB/postfix/<instance>/mail/inbox/new/; mail for anywhere else fails at once. With
# smtpd_tls_received_header the Received header they add says which TLS version and cipher the relay
# used (or nothing, for plaintext).

POSTFIX_INSTANCES=()

# postfix_master_cf ADDRESS: the services these instances use. smtpd listens on ADDRESS:25 given here
# in master.cf, because inet_interfaces only accepts addresses configured on an interface (and we
# add none: lo answers for all of 127.0.0.0/8 anyway). Chroot off everywhere (no jail in the lab).
postfix_master_cf() {
    echo "$1:25 inet n - n - - smtpd"
    cat <<'MASTER'
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
MASTER
}

# postfix_common_cf NAME HOSTNAME: main.cf lines every instance shares.
postfix_common_cf() {
    local dir=$LAB/postfix/$1
    cat <<MAIN
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
syslog_name = postfix-$1
mail_owner = postfix
setgid_group = postdrop
myhostname = $2
mydomain = lab.test
myorigin = \$myhostname
mydestination =
alias_maps =
alias_database =
local_recipient_maps =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
biff = no
# No reverse lookups of 127.x clients: they would go to the machine's resolver.
smtpd_peername_lookup = no
smtpd_banner = \$myhostname ESMTP $1
MAIN
}

# postfix_mx_cf NAME: main.cf of a receiving MX.
postfix_mx_cf() {
    local name=$1 dir=$LAB/postfix/$1
    postfix_common_cf "$name" "$name.lab.test"
    cat <<MAIN
virtual_mailbox_domains = ${ALL_DOMAINS[*]}
virtual_mailbox_maps = static:inbox/
default_transport = error:the lab MX $name delivers nowhere else
relay_transport = \$default_transport
virtual_mailbox_base = $dir/mail
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
virtual_mailbox_limit = 0
smtpd_tls_received_header = yes
smtpd_tls_loglevel = 1
MAIN
    if [ -n "${MX_CERT_NAMES[$name]}" ]; then
        echo "smtpd_tls_security_level = may"
        echo "smtpd_tls_chain_files = $LAB/pki/$name.key, $LAB/pki/$name.pem"
    else
        echo "smtpd_tls_security_level = none"
    fi
}

# postfix_exchange_cf: the "Exchange" that sends everything through the relay, several connections
# at a time (relayhost in brackets: no DNS lookup at all).
postfix_exchange_cf() {
    postfix_common_cf exchange exchange.corp.test
    cat <<MAIN
relayhost = [$RELAY_IP]:$RELAY_PORT
smtp_tls_security_level = may
default_destination_concurrency_limit = 4
initial_destination_concurrency = 4
smtp_destination_concurrency_limit = 4
MAIN
}

# postfix_start NAME CONFIG-FUNCTION ADDRESS
postfix_start() {
    local name=$1 writer=$2 address=$3 dir=$LAB/postfix/$1
    mkdir -p "$dir/etc" "$dir/queue" "$dir/data" "$dir/mail"
    chown postfix "$dir/data"
    chown nobody:nogroup "$dir/mail"
    "$writer" "$name" >"$dir/etc/main.cf"
    postfix_master_cf "$address" >"$dir/etc/master.cf"
    POSTFIX_INSTANCES+=("$name")
    if ! postfix -c "$dir/etc" start >>"$dir/start.log" 2>&1; then
        # postfix(1) prints its reason only to a terminal; ask again under script(1) to see it.
        script -qc "postfix -c $dir/etc check" /dev/null >>"$dir/start.log" 2>&1
        die "postfix $name did not start: $(tail -n 1 "$dir/start.log")"
        return 1
    fi
    poll 30 tcp_open "$address" 25 || { die "postfix $name is not listening on $address:25 (see $dir/maillog)"; return 1; }
}

postfix_start_mx() {
    local name=$1
    if [ -n "${MX_CERT_NAMES[$name]}" ]; then
        # shellcheck disable=SC2086 # the names are one word each
        pki_issue "$name" "$name" ${MX_CERT_NAMES[$name]} || { die "certificate for $name"; return 1; }
    fi
    postfix_start "$name" postfix_mx_cf "${MX_IP[$name]}"
}

postfix_start_exchange() {
    postfix_start exchange postfix_exchange_cf "$EXCHANGE_IP"
}

postfix_master_pid() {
    local file=$LAB/postfix/$1/data/master.lock
    [ -s "$file" ] && tr -d ' \n' <"$file"
}

postfix_stop_all() {
    local name pids=() stops=()
    # `postfix stop` waits for its master to go; stop all instances at once, then make sure.
    for name in "${POSTFIX_INSTANCES[@]}"; do
        pids+=("$(postfix_master_pid "$name")")
        postfix -c "$LAB/postfix/$name/etc" stop >>"$LAB/postfix/$name/start.log" 2>&1 &
        stops+=($!)
    done
    [ ${#stops[@]} -eq 0 ] || wait "${stops[@]}"
    local pid
    for pid in "${pids[@]}"; do
        [ -n "$pid" ] && { poll 10 pid_gone "$pid" || stop_pid "$pid" "postfix master"; }
    done
    POSTFIX_INSTANCES=()
}
