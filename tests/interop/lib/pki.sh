# A private CA for the lab (openssl only). The relay trusts it through Relay:Tls:TrustedRoots; the
# machine's trust store is never touched. EC P-256 keys: quick to make, accepted everywhere.

pki_init() {
    mkdir -p "$LAB/pki"
    openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -keyout "$LAB/pki/ca.key" -out "$LAB/pki/ca.pem" -days 2 \
        -subj "/O=MtaStsRelay interop lab/CN=Interop Lab Root CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        >>"$LAB/pki/openssl.log" 2>&1
}

# pki_issue NAME CN DNS-NAME...: a server certificate NAME.pem / NAME.key signed by the lab CA,
# valid for the given DNS names (subjectAltName; the CN is only for people reading it).
pki_issue() {
    local name=$1 cn=$2
    shift 2
    local san="" dns
    for dns in "$@"; do
        san="${san:+$san,}DNS:$dns"
    done
    local dir=$LAB/pki
    openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -keyout "$dir/$name.key" -out "$dir/$name.csr" -subj "/CN=$cn" >>"$dir/openssl.log" 2>&1 || return 1
    printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n' "$san" \
        >"$dir/$name.ext"
    openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
        -days 2 -extfile "$dir/$name.ext" -out "$dir/$name.pem" >>"$dir/openssl.log" 2>&1
}
