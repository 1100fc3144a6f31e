# The lab's name server: dnsmasq in the foreground, authoritative for .test and .invalid only
# (`local=`: unknown names get NXDOMAIN, nothing is forwarded), with no upstream and without reading
# /etc/hosts or /etc/resolv.conf. TTL 0 so a record changed mid-suite is seen at once.

DNS_PID=""

dns_write_config() {
    mkdir -p "$LAB/dns"
    {
        echo "port=$DNS_PORT"
        echo "listen-address=$DNS_IP"
        echo "bind-interfaces"
        echo "no-resolv"
        echo "no-hosts"
        echo "no-poll"
        echo "local=/test/"
        echo "local=/invalid/"
        echo "local-ttl=0"
        echo "cache-size=0"
        echo "user=nobody"
        echo "log-queries"
        echo "log-facility=$LAB/dns/dnsmasq.log"
        dns_records
    } >"$LAB/dns/dnsmasq.conf"
}

dns_started() {
    grep -q 'started, version' "$LAB/dns/dnsmasq.log" 2>/dev/null
}

dns_start() {
    dns_write_config
    : >"$LAB/dns/dnsmasq.log"
    chmod 666 "$LAB/dns/dnsmasq.log" # written after dnsmasq drops to nobody
    dnsmasq --keep-in-foreground --conf-file="$LAB/dns/dnsmasq.conf" >>"$LAB/dns/stderr.log" 2>&1 &
    DNS_PID=$!
    echo "$DNS_PID" >"$LAB/dns/dnsmasq.pid"
    poll 20 dns_started || { die "dnsmasq did not start (see $LAB/dns/)"; return 1; }
}

dns_stop() {
    stop_pid "$DNS_PID" dnsmasq
    DNS_PID=""
}

# dns_reload: dnsmasq re-reads MX and TXT records only on start, so restart it with the new records.
dns_reload() {
    dns_stop
    dns_start
}
