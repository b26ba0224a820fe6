# shellcheck shell=bash
# Sourced by stack.sh for WIKISTREAM_STACK_MODE=secure: what a company cluster asks of a client.
# - kafka: one KRaft node whose only client listener is SASL_SSL (SCRAM-SHA-256/-512 and PLAIN), with
#   a certificate signed by a CA made for this state dir (openssl, at the first "up").
# - opensearch: one node on a private plaintext port, reachable only through
# - proxy: Debian's nginx terminating TLS with basic auth in front of it. The OpenSearch security plugin
#   is not published to Maven Central (org.opensearch.plugin:opensearch-security has no artifact there),
#   so the stack cannot assemble it the way it fetches everything else.
# Users: "wikistream" (clients, SCRAM and PLAIN on Kafka, basic auth on OpenSearch) and "admin" (the
# broker itself); random passwords in $STATE/secrets/*.password, which `env` points at (*_FILE).
# Kafka authorizes every request (StandardAuthorizer, no ACL = denied): "admin" and the controller
# listener's principal are super users; "wikistream" gets every operation on every resource through
# ACLs once the broker is up; the service users "wikistream-ingest", "wikistream-indexer" and
# "wikistream-ops" (passwords in secrets/kafka-{ingest,indexer,ops}.password) get nothing: grant them
# the README's ACLs ("Topics and ACLs where the apps may not create topics") to run an app as one.
STATE="${WIKISTREAM_STATE:-$REPO/.state/secure}"
KAFKA_PORT="${WIKISTREAM_KAFKA_PORT:-29092}"                  # SASL_SSL
KAFKA_CTRL_PORT="${WIKISTREAM_KAFKA_CONTROLLER_PORT:-29093}"
OS_PORT="${WIKISTREAM_OPENSEARCH_PORT:-29200}"                # https, through the proxy
OS_BACKEND_PORT="${WIKISTREAM_OPENSEARCH_BACKEND_PORT:-29201}" # the node's own http port
OS_TRANSPORT_PORT="${WIKISTREAM_OPENSEARCH_TRANSPORT_PORT:-29300}"
KAFKA_DIR="$STATE/kafka"; OS_DIR="$STATE/opensearch"
CERTS="$STATE/certs"; SECRETS="$STATE/secrets"
CLIENT_USER=wikistream
SERVICE_USERS=(ingest indexer ops)   # principals wikistream-<name>, passwords secrets/kafka-<name>.password
# Set (ms) to make the broker end each SASL session after that long unless the client re-authenticates
# (connections.max.reauth.ms, as managed clusters do): a rotated or removed credential then takes effect
# on open connections too, not only on new ones. kafkajs re-authenticates by itself. Unset: never.
REAUTH_MS="${WIKISTREAM_KAFKA_REAUTH_MS:-}"

SERVICES_ALL="kafka|opensearch|proxy"; SERVICES_UP=(kafka opensearch proxy); SERVICES_DOWN=(proxy kafka opensearch)

secret() { cat "$SECRETS/$1.password"; }
healthy() {
  case "$1" in
    kafka) port_open "$KAFKA_PORT" && grep -q "Kafka Server started" "$(logfile kafka)" 2>/dev/null ;;
    opensearch) curl -fsS --max-time 5 -o /dev/null \
      "http://127.0.0.1:$OS_BACKEND_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" 2>/dev/null ;;
    # The password goes to curl on stdin (-K -), never on a command line that ps would show.
    proxy) printf 'user = "%s:%s"\n' "$CLIENT_USER" "$(secret opensearch)" | curl -fsS --max-time 5 -o /dev/null \
      -K - --cacert "$CERTS/ca.pem" "https://127.0.0.1:$OS_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" 2>/dev/null ;;
  esac
}
ports_of() {
  case "$1" in
    kafka) echo "$KAFKA_PORT:WIKISTREAM_KAFKA_PORT $KAFKA_CTRL_PORT:WIKISTREAM_KAFKA_CONTROLLER_PORT" ;;
    opensearch) echo "$OS_BACKEND_PORT:WIKISTREAM_OPENSEARCH_BACKEND_PORT $OS_TRANSPORT_PORT:WIKISTREAM_OPENSEARCH_TRANSPORT_PORT" ;;
    proxy) echo "$OS_PORT:WIKISTREAM_OPENSEARCH_PORT" ;;
  esac
}
describe() {
  case "$1" in
    kafka) echo "SASL_SSL 127.0.0.1:$KAFKA_PORT" ;; opensearch) echo "http://127.0.0.1:$OS_BACKEND_PORT" ;;
    proxy) echo "https://127.0.0.1:$OS_PORT" ;;
  esac
}
print_env() {
  cat <<ENV
export KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
export KAFKA_SSL=true
export KAFKA_SSL_CA_FILE=$CERTS/ca.pem
export KAFKA_SASL_MECHANISM=scram-sha-512
export KAFKA_SASL_USERNAME=$CLIENT_USER
export KAFKA_SASL_PASSWORD_FILE=$SECRETS/kafka.password
export OPENSEARCH_URL=https://127.0.0.1:$OS_PORT
export OPENSEARCH_SSL_CA_FILE=$CERTS/ca.pem
export OPENSEARCH_USERNAME=$CLIENT_USER
export OPENSEARCH_PASSWORD_FILE=$SECRETS/opensearch.password
ENV
}

# Once per state dir: passwords, a CA, and one server certificate for 127.0.0.1/localhost that both the
# broker (as PKCS#12) and the proxy (as PEM) present.
make_secrets() {
  command -v openssl >/dev/null || die "openssl not found: install it (apt-get install openssl)"
  mkdir -p "$SECRETS" "$CERTS"; chmod 700 "$SECRETS"
  local name
  for name in kafka kafka-admin opensearch keystore "${SERVICE_USERS[@]/#/kafka-}"; do
    [[ -s "$SECRETS/$name.password" ]] || (umask 077; openssl rand -hex 16 | tr -d '\n' >"$SECRETS/$name.password")
  done
  [[ -s "$CERTS/server.p12" ]] && return
  say "generating a CA and a server certificate in $(rel "$CERTS")"
  (
    cd "$CERTS"
    openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=wikistream local CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout ca.key -out ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 365 -extfile server.ext \
      -out server.pem 2>/dev/null
    openssl pkcs12 -export -in server.pem -inkey server.key -certfile ca.pem -name server -out server.p12 \
      -passout "file:$SECRETS/keystore.password"
    chmod 600 ca.key server.key server.p12; rm -f server.csr server.ext ca.srl
  ) || die "generating certificates with openssl failed"
}

start_kafka() {
  make_secrets
  mkdir -p "$KAFKA_DIR/data"
  local admin_pw client_pw ks_pw; admin_pw="$(secret kafka-admin)"; client_pw="$(secret kafka)"; ks_pw="$(secret keystore)"
  local name plain_users="" scram_users=()
  for name in "${SERVICE_USERS[@]}"; do
    plain_users+=" user_$CLIENT_USER-$name=\"$(secret "kafka-$name")\""
    scram_users+=(--add-scram "SCRAM-SHA-512=[name=$CLIENT_USER-$name,password=$(secret "kafka-$name")]")
  done
  (umask 077; cat >"$KAFKA_DIR/server.properties" <<PROPS
# generated by deploy/local/stack.sh (secure mode) -- edits are overwritten on every "up"
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CTRL_PORT
listeners=SASL_SSL://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CTRL_PORT
advertised.listeners=SASL_SSL://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_SSL
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin_pw";
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$admin_pw" user_admin="$admin_pw" user_$CLIENT_USER="$client_pw"$plain_users;
ssl.keystore.type=PKCS12
ssl.keystore.location=$CERTS/server.p12
ssl.keystore.password=$ks_pw
ssl.key.password=$ks_pw
ssl.truststore.type=PEM
ssl.truststore.location=$CERTS/ca.pem
ssl.endpoint.identification.algorithm=https
ssl.client.auth=none
# Every request is authorized; no ACL means denied. The broker talks to its own controller over the
# PLAINTEXT CONTROLLER listener, where its principal is User:ANONYMOUS: without it in super.users the
# controller refuses the broker's registration and heartbeats (the CONTROLLER port is 127.0.0.1 only).
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:ANONYMOUS
allow.everyone.if.no.acl.found=false
log.dirs=$KAFKA_DIR/data
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=5
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
${REAUTH_MS:+connections.max.reauth.ms=$REAUTH_MS}
PROPS
  )
  local java=("$JDK/bin/java" -cp "$KAFKA_LIBS/*" -Dorg.slf4j.simpleLogger.showDateTime=true)
  if [[ ! -f "$KAFKA_DIR/data/meta.properties" ]]; then   # SCRAM users are written into the metadata log at format
    local id; id="$("${java[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)"
    "${java[@]}" kafka.tools.StorageTool format -t "$id" -c "$KAFKA_DIR/server.properties" --ignore-formatted \
      --add-scram "SCRAM-SHA-512=[name=admin,password=$admin_pw]" \
      --add-scram "SCRAM-SHA-512=[name=$CLIENT_USER,password=$client_pw]" \
      --add-scram "SCRAM-SHA-256=[name=$CLIENT_USER,password=$client_pw]" "${scram_users[@]}" \
      >"$KAFKA_DIR/format.log" 2>&1 || { tail -n 20 "$KAFKA_DIR/format.log"; die "kafka: storage format failed"; }
  fi
  launch kafka "${java[@]}" -Xms256m -Xmx512m kafka.Kafka "$KAFKA_DIR/server.properties"
}

# The admin client's settings for Kafka's own tools (kafka-acls, kafka-configs) as user admin.
admin_properties() {
  local file="$KAFKA_DIR/admin.properties"
  (umask 077; cat >"$file" <<PROPS
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(secret kafka-admin)";
ssl.truststore.type=PEM
ssl.truststore.location=$CERTS/ca.pem
PROPS
  )
  echo "$file"
}

# Called by stack.sh once a service is healthy. The client user may do everything, through ACLs (as
# on a company cluster where the team owns its cluster); adding an existing ACL again is a no-op.
after_healthy() {
  [[ "$1" == kafka ]] || return 0
  "$JDK/bin/java" -cp "$KAFKA_LIBS/*" org.apache.kafka.tools.AclCommand \
    --bootstrap-server "127.0.0.1:$KAFKA_PORT" --command-config "$(admin_properties)" --add \
    --allow-principal "User:$CLIENT_USER" --operation All \
    --topic '*' --group '*' --transactional-id '*' --cluster >"$KAFKA_DIR/acls.log" 2>&1 \
    || { tail -n 20 "$KAFKA_DIR/acls.log" >&2; die "kafka: adding the ACLs of user $CLIENT_USER failed"; }
  say "kafka: ACLs let user $CLIENT_USER do everything; the service users $CLIENT_USER-* nothing until granted"
}

start_opensearch() {
  opensearch_node opensearch "$OS_DIR" "$OS_BACKEND_PORT" "$OS_TRANSPORT_PORT" wikistream-secure secure \
    "discovery.type: single-node" -Xmx512m
}

start_proxy() {
  command -v nginx >/dev/null || die "nginx not found: install it (apt-get install nginx)"
  make_secrets
  local dir="$STATE/proxy"; mkdir -p "$dir"/{logs,tmp}
  (umask 077; printf '%s:%s\n' "$CLIENT_USER" "$(openssl passwd -apr1 -stdin <"$SECRETS/opensearch.password")" >"$dir/htpasswd")
  # nginx's workers read htpasswd on every request; as root they would otherwise run as nobody, who
  # cannot read the mode-600 file nor, often, reach the state dir.
  local user=""; [[ "$(id -u)" == 0 ]] && user="user root root;"
  cat >"$dir/nginx.conf" <<CONF
# generated by deploy/local/stack.sh (secure mode) -- edits are overwritten on every "up"
$user
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log stderr warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body; proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi; uwsgi_temp_path $dir/tmp/uwsgi; scgi_temp_path $dir/tmp/scgi;
  upstream opensearch { server 127.0.0.1:$OS_BACKEND_PORT; keepalive 16; }
  server {
    listen 127.0.0.1:$OS_PORT ssl;
    ssl_certificate $CERTS/server.pem;
    ssl_certificate_key $CERTS/server.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    auth_basic "wikistream";
    auth_basic_user_file $dir/htpasswd;
    client_max_body_size 200m;
    location / {
      proxy_pass http://opensearch;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "";
      proxy_read_timeout 300s;
      proxy_request_buffering off;
    }
  }
}
CONF
  launch proxy nginx -e stderr -p "$dir" -c "$dir/nginx.conf"
}
