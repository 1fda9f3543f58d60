#!/bin/bash
# make bench (and ONLY=xroad alone): the X-Road provider's voter status
# (mutual TLS, the X-Road headers, the access table, a record of every call)
# beside the public PIN lookup, the same random voters, measured with the
# same tool (tests/bench/xroad_load.mjs: wrk cannot present a client
# certificate).  Prints both figures and their ratio.  The bench's client
# subsystem is granted voter-status for the run and revoked after; its calls
# stay in xroad_calls, as evidence does.
#   DURATION=10s CONNECTIONS=64 THREADS=2 VAR=var PORT=8080 tests/bench/xroad.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
VAR=${VAR:-var}
PORT=${PORT:-8080}
XROAD_PORT=${XROAD_PORT:-$((PORT + 402))}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
USER_NAME=${SHAILOO_USER:-shailoo}
CLIENT=central-server/GOV/70000098/bench
SUBSYSTEM=${XROAD_SUBSYSTEM:-central-server/GOV/70000001/shailoo}
KEYS=$VAR/keys/xroad
export PGHOST=$PWD/$VAR/run PGUSER=$USER_NAME PGDATABASE=shailoo

tmp=$(mktemp -d)
grant=""
cleanup() {
    [ -z "$grant" ] || psql -X -qAt -c "UPDATE xroad_access SET revoked_at = now(), revoked_by = '00000000000000'
                                          WHERE id = $grant AND revoked_at IS NULL" >/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

# The bench's security server: a client certificate from the instance's demo CA.
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$tmp/c.key" -out "$tmp/c.csr" \
    -subj "/O=Shailoo bench/CN=bench-security-server" 2>/dev/null
openssl x509 -req -in "$tmp/c.csr" -CA "$KEYS/ca.pem" -CAkey "$KEYS/ca.key" -set_serial "0x$(openssl rand -hex 8)" \
    -days 1 -out "$tmp/c.pem" 2>/dev/null
grant=$(psql -X -qAt -c "INSERT INTO xroad_access (client, service, granted_by)
                         VALUES ('$CLIENT', 'voter-status', '00000000000000') ON CONFLICT DO NOTHING RETURNING id")
psql -X -qAt -c "SELECT pin FROM voters WHERE status = 'active' ORDER BY hashtext(pin) LIMIT 20000" >"$tmp/pins"

secs=${DURATION%s}
load() { node tests/bench/xroad_load.mjs --connections "$CONNECTIONS" --threads "$THREADS" --duration "$secs" --pins "$tmp/pins" "$@"; }
read -r prps pp50 pp99 pnon perr < <(load --url "http://127.0.0.1:$PORT/api/v1/tizme/voters/")
read -r xrps xp50 xp99 xnon xerr < <(load --url "https://127.0.0.1:$XROAD_PORT/xroad/v1/voters/" \
    --cert "$tmp/c.pem" --key "$tmp/c.key" --ca "$KEYS/ca.pem" \
    --header "X-Road-Client: $CLIENT" --header "X-Road-Service: $SUBSYSTEM/voter-status" \
    --header "X-Road-Id: random" --header "X-Road-UserId: bench")
printf '\n%-44s %9s %9s %9s %8s %7s\n' "X-Road provider (node load, $CONNECTIONS conns, $THREADS threads)" req/s p50_ms p99_ms non-2xx errors
printf '%-44s %9s %9s %9s %8s %7s\n' "public PIN lookup (HTTP)" "$prps" "$pp50" "$pp99" "$pnon" "$perr"
printf '%-44s %9s %9s %9s %8s %7s\n' "X-Road voter-status (mTLS, recorded)" "$xrps" "$xp50" "$xp99" "$xnon" "$xerr"
awk -v a="$xrps" -v b="$prps" 'BEGIN {printf "ratio X-Road / public: %.2f\n", (b > 0 ? a / b : 0)}'
