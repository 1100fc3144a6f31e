# The policy hosts: one nginx, one server block per test domain on $WEB_IP:443, one certificate for
# every mta-sts.<domain> name. redirect.test answers 301 instead of its policy (RFC 8461 §3.3:
# senders must not follow redirects).

NGINX_PID_FILE=""

nginx_write_config() {
    local dir=$LAB/nginx d
    mkdir -p "$dir/tmp"
    {
        cat <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log info;
events { worker_connections 64; }
http {
    access_log $dir/access.log;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    default_type text/plain;
    ssl_certificate $LAB/pki/policy-hosts.pem;
    ssl_certificate_key $LAB/pki/policy-hosts.key;
    ssl_protocols TLSv1.2 TLSv1.3;
CONF
        for d in "${POLICY_DOMAINS[@]}"; do
            echo "    server {"
            echo "        listen $WEB_IP:443 ssl;"
            echo "        server_name mta-sts.$d;"
            if [ "$d" = redirect.test ]; then
                echo "        return 301 https://mta-sts.good.test/.well-known/mta-sts.txt;"
            else
                echo "        root $LAB/www/mta-sts.$d;"
                echo "        location = /.well-known/mta-sts.txt { default_type text/plain; }"
            fi
            echo "    }"
        done
        echo "}"
    } >"$dir/nginx.conf"
}

nginx_start() {
    local d names=()
    for d in "${POLICY_DOMAINS[@]}"; do names+=("mta-sts.$d"); done
    pki_issue policy-hosts "mta-sts lab hosts" "${names[@]}" || { die "policy host certificate"; return 1; }
    topology_write_policies
    nginx_write_config
    NGINX_PID_FILE=$LAB/nginx/nginx.pid
    # -e: nginx opens its error log before reading the config; keep that one in the lab too.
    nginx -e "$LAB/nginx/error.log" -p "$LAB/nginx" -c "$LAB/nginx/nginx.conf" >>"$LAB/nginx/stderr.log" 2>&1 ||
        { die "nginx did not start (see $LAB/nginx/)"; return 1; }
    poll 20 tcp_open "$WEB_IP" 443 || { die "nginx is not listening on $WEB_IP:443"; return 1; }
}

nginx_stop() {
    [ -n "$NGINX_PID_FILE" ] && [ -s "$NGINX_PID_FILE" ] || return 0
    stop_pid "$(cat "$NGINX_PID_FILE")" nginx
}
