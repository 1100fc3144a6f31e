# shellcheck disable=SC2034 # the settings below are read by the files that source this one
# The lab's small internet, all on 127.0.0.0/8: who lives at which address, what DNS says and which
# MTA-STS policy each test domain publishes. Each test domain exists for one scenario.
#
#   127.0.53.1:53   dnsmasq, authoritative for *.test (the relay's only name server)
#   127.0.44.3:443  nginx, https://mta-sts.<domain>/.well-known/mta-sts.txt for every domain
#   127.0.26.1:2525 the relay's listener
#   127.0.10.1:25   Postfix "exchange" (relayhost = the relay)
#   127.0.25.1:25   Postfix mx-good:  STARTTLS, certificate valid for its MX names
#   127.0.25.2:25   Postfix mx-wrong: STARTTLS, certificate for wrong-name.invalid only
#   127.0.25.3:25   Postfix mx-notls: no STARTTLS
#   127.0.25.4:25   Postfix mx-alt:   STARTTLS, certificate valid for its MX names

DNS_IP=127.0.53.1
DNS_PORT=53
WEB_IP=127.0.44.3
RELAY_IP=127.0.26.1
RELAY_PORT=2525
EXCHANGE_IP=127.0.10.1

# instance -> address; instance -> names on its certificate ("" = no STARTTLS at all).
declare -A MX_IP=([mx-good]=127.0.25.1 [mx-wrong]=127.0.25.2 [mx-notls]=127.0.25.3 [mx-alt]=127.0.25.4)
declare -A MX_CERT_NAMES=(
    [mx-good]="mx.good.test mx.mxnp.test mx-a.idchange.test"
    [mx-wrong]="wrong-name.invalid"
    [mx-notls]=""
    [mx-alt]="mx2.fallback.test mx-b.idchange.test"
)

# Domains that publish a policy (TXT record + policy file). nopolicy.test publishes none.
POLICY_DOMAINS=(good.test wrongname.test notls.test mxnp.test fallback.test testing.test idchange.test redirect.test)
ALL_DOMAINS=("${POLICY_DOMAINS[@]}" nopolicy.test)

# idchange.test moves from stage 1 (policy id 1, MX mx-a on mx-good) to stage 2 (policy id 2, MX
# mx-b on mx-alt) during its scenario; topology_write rewrites DNS and the policy file from this.
IDCHANGE_STAGE=1

# policy_text DOMAIN: the mta-sts.txt body (RFC 8461 §3.2), CRLF line ends as the RFC shows them.
policy_text() {
    local mode=enforce mx
    case $1 in
    good.test) mx="mx.good.test" ;;
    wrongname.test) mx="mx.wrongname.test" ;;
    notls.test) mx="mx.notls.test" ;;
    mxnp.test) mx="mx.allowed-elsewhere.test" ;; # the domain's real MX is not listed
    fallback.test) mx="*.fallback.test" ;;
    testing.test) mode=testing mx="mx.testing.test" ;;
    idchange.test) if [ "$IDCHANGE_STAGE" = 1 ]; then mx="mx-a.idchange.test"; else mx="mx-b.idchange.test"; fi ;;
    redirect.test) mx="mx.redirect.test" ;; # never served: nginx answers 301
    esac
    printf 'version: STSv1\r\nmode: %s\r\n' "$mode"
    local pattern
    for pattern in $mx; do printf 'mx: %s\r\n' "$pattern"; done
    printf 'max_age: 604800\r\n'
}

policy_id() {
    case $1 in
    idchange.test) echo "$IDCHANGE_STAGE" ;;
    *) echo "lab${1%%.*}1" ;;
    esac
}

# dns_records: dnsmasq configuration lines for every record of the lab.
dns_records() {
    local d
    for d in "${POLICY_DOMAINS[@]}"; do
        echo "txt-record=_mta-sts.$d,\"v=STSv1; id=$(policy_id "$d");\""
        echo "host-record=mta-sts.$d,$WEB_IP"
    done
    echo 'txt-record=_smtp._tls.good.test,"v=TLSRPTv1; rua=mailto:tlsrpt@good.test"'
    # MX records and their hosts' addresses.
    mx good.test 10 mx.good.test mx-good
    mx wrongname.test 10 mx.wrongname.test mx-wrong
    mx notls.test 10 mx.notls.test mx-notls
    mx mxnp.test 10 mx.mxnp.test mx-good
    mx fallback.test 10 mx1.fallback.test mx-wrong
    mx fallback.test 20 mx2.fallback.test mx-alt
    mx testing.test 10 mx.testing.test mx-wrong
    mx nopolicy.test 10 mx.nopolicy.test mx-wrong
    mx redirect.test 10 mx.redirect.test mx-wrong
    if [ "$IDCHANGE_STAGE" = 1 ]; then
        mx idchange.test 10 mx-a.idchange.test mx-good
    else
        mx idchange.test 10 mx-b.idchange.test mx-alt
    fi
}

# mx DOMAIN PREFERENCE HOST INSTANCE
mx() {
    echo "mx-host=$1,$3,$2"
    echo "host-record=$3,${MX_IP[$4]}"
}

# topology_write: (re)write the policy files nginx serves.
topology_write_policies() {
    local d dir
    for d in "${POLICY_DOMAINS[@]}"; do
        dir=$LAB/www/mta-sts.$d/.well-known
        mkdir -p "$dir"
        policy_text "$d" >"$dir/mta-sts.txt.new" && mv "$dir/mta-sts.txt.new" "$dir/mta-sts.txt"
    done
}
