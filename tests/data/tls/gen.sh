#!/bin/sh
# Regenerates the TLS test certificates of ucql-mock (see README.md).
# ECDSA P-256 keys (small, fast handshakes), valid for 100 years.
set -eu
cd "$(dirname "$0")"
days=36500
san="DNS:localhost"
i=1
while [ $i -le 32 ]; do san="$san,IP:127.0.0.$i"; i=$((i + 1)); done

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# Two CAs: `ca` signs the server and the accepted client; `other-ca`
# signs a client certificate the server must reject.
for ca in ca other-ca; do
	key $ca.key
	openssl req -new -x509 -key $ca.key -out $ca.pem -days $days -sha256 \
		-subj "/O=ucql-mock tests/CN=ucql-mock test $ca" \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
done

leaf() { # name CA CN extensions
	key $1.key
	openssl req -new -key $1.key -out $1.csr -subj "/O=ucql-mock tests/CN=$3"
	printf '%s\n' "$4" > $1.ext
	openssl x509 -req -in $1.csr -CA $2.pem -CAkey $2.key -CAcreateserial -out $1.pem \
		-days $days -sha256 -extfile $1.ext 2>/dev/null
	rm -f $1.csr $1.ext
}
leaf server ca localhost "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=$san"
leaf client ca "ucql-mock test client" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
leaf other-client other-ca "ucql-mock rogue client" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
rm -f ca.srl other-ca.srl other-ca.key
