#!/bin/bash
# One Shailoo instance: a PostgreSQL cluster, the application and nginx, all
# under $VAR (var/ for `make run`, var/test/ for `make test`).
#
#   scripts/instance.sh start|stop|migrate|psql|status|pg-stop|pg-start
#
# Environment: VAR, PORT, DEMO_SCALE, SANITIZE=1 (run the ASan/UBSan build),
# RESET_DB=1 (recreate the database), DB (its name, shailoo), SQL_DIR (the
# sql/ whose migrations and functions migrate applies), WORKERS, LOOKUP_RATE, LOOKUP_BURST (the
# PIN lookup per client address), AUTH_RATE/_BURST (signing in), APPLY_RATE/_BURST
# (application POSTs), DIRECT_RATE/_BURST (asking past the published files),
# DIRECT_EXPORT_RATE/_BURST (an export asked past its file), EXPORT_CONNS
# (exports downloading at once per address, 4), EXPORT_RATE (bytes a second
# per download, 16m),
# MICROCACHE=off, RESULTS_CACHE_MS (the workers' cache of results, 250; 0: none),
# PUBLISH=off (no publisher: the application answers every results and
# statistics request), PUBLISH_TURNOUT_MS (the least time between two writings
# of a station's results for its opening and turnouts, 30000), PUBLISH_OPEN_DATA_MS (the open-data exports'
# delay and least time between writings, 300000), PUBLISH_EXPORT_MS (the least time between two
# writings of an export, 10000), REGISTRIES_INTERVAL_MS / REGISTRIES_DISABILITY_MS (how often
# the civil registry's feed and the disability registry are read, 60000 / 3600000; 0: never),
# SHAILOO_USER (the unprivileged user, default shailoo),
# ESIA_PORT / TUNDUK_PORT (the stand-ins; default PORT+400 / PORT+401),
# TEST_HOOKS=1 (the stand-ins accept the tests' fault injection),
# XROAD_PORT (our X-Road provider's mTLS server, default PORT+402; nginx/xroad.conf.in),
# XROAD_CLIENT_CA (the CA of the security servers it trusts; default
# $VAR/keys/xroad/ca.pem, the demo security server's, made here with its key),
# XROAD_RATE/_BURST (calls per X-Road-Client), XROAD_SUBSYSTEM (our subsystem's id).
# TILE_URL, TILE_ATTRIBUTION (the maps' tile layer; none by default: see "Maps" in README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd -P)
VAR=${VAR:-var}
mkdir -p "$VAR"
VAR=$(cd "$VAR" && pwd -P)
PORT=${PORT:-8080}
DEMO_SCALE=${DEMO_SCALE:-1}
USER_NAME=${SHAILOO_USER:-shailoo}
PGBIN=/usr/lib/postgresql/15/bin
ESIA_PORT=${ESIA_PORT:-$((PORT + 400))}
TUNDUK_PORT=${TUNDUK_PORT:-$((PORT + 401))}
XROAD_PORT=${XROAD_PORT:-$((PORT + 402))}
KEYS=$VAR/keys
ASU=$VAR/asu            # the demo's ASU devices: private keys and ballots (make election-night)
ASU_ELECTION=202701     # the demo's scheduled election
RUN=$VAR/run
LOG=$VAR/log
DB=${DB:-shailoo}
export PGHOST=$RUN PGDATABASE=$DB PGUSER=$USER_NAME

say() { printf '%s\n' "$*" >&2; }
as_user() { setpriv --reuid="$USER_NAME" --regid="$USER_NAME" --init-groups -- "$@"; }
q() { psql -X -v ON_ERROR_STOP=1 -qAt "$@"; }

ensure_user() {
    if ! id -u "$USER_NAME" >/dev/null 2>&1; then
        say "instance: creating system user $USER_NAME"
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$USER_NAME"
    fi
    # The unprivileged user must reach $VAR and the static files: give "search"
    # (x, not read) on every ancestor that lacks it, e.g. a mktemp -d folder.
    local d=$VAR
    while [ "$d" != / ]; do
        d=$(dirname "$d")
        if ! setpriv --reuid="$USER_NAME" --regid="$USER_NAME" --init-groups test -x "$d"; then
            say "instance: chmod o+x $d (so $USER_NAME can reach $VAR)"
            chmod o+x "$d"
        fi
    done
    mkdir -p "$RUN" "$LOG" "$VAR/nginx/tmp" "$VAR/nginx/cache" "$VAR/published"
    chown -R "$USER_NAME:" "$RUN" "$LOG" "$VAR/nginx" "$VAR/published"
    chmod 750 "$RUN"
    # The document store (cgi/core/files.c): the application writes, nginx reads.
    mkdir -p "$VAR/files"
    chown "$USER_NAME:" "$VAR/files"
    chmod 750 "$VAR/files"
}

pg_running() { [ -f "$VAR/pg/postmaster.pid" ] && as_user "$PGBIN/pg_ctl" -D "$VAR/pg" status >/dev/null 2>&1; }

start_pg() {
    if [ ! -f "$VAR/pg/PG_VERSION" ]; then
        say "instance: initdb $VAR/pg"
        mkdir -p "$VAR/pg" && chown "$USER_NAME:" "$VAR/pg" && chmod 700 "$VAR/pg"
        # Local socket only, in a folder only $USER_NAME (and root) can enter.
        as_user "$PGBIN/initdb" -D "$VAR/pg" -U "$USER_NAME" -E UTF8 --locale=C.UTF-8 \
            --auth-local=trust --auth-host=reject >"$LOG/initdb.log"
        cat >>"$VAR/pg/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$RUN'
max_connections = 200
shared_buffers = 512MB
work_mem = 16MB
maintenance_work_mem = 512MB
max_wal_size = 4GB
synchronous_commit = on
log_min_duration_statement = 1000
CONF
    fi
    pg_privacy_conf
    if ! pg_running; then
        as_user "$PGBIN/pg_ctl" -D "$VAR/pg" -l "$LOG/postgresql.log" -w -t 60 start >/dev/null
    elif [ -n "$PRIVACY_CHANGED" ]; then
        as_user "$PGBIN/pg_ctl" -D "$VAR/pg" reload >/dev/null
    fi
}

# PINs are personal data, and statements carry them as parameters: a slow
# statement (log_min_duration_statement) or a failed one is logged without
# its parameters, and an error without its DETAIL ("Key (pin)=(...)",
# "Failing row contains (...)").  Written at every start, so that clusters
# made before these lines get them too (included from postgresql.conf).
PRIVACY_CHANGED=
pg_privacy_conf() {
    local f=$VAR/pg/shailoo-privacy.conf
    local want="# Written by scripts/instance.sh at every start: no PIN in the server log.
log_parameter_max_length = 0
log_parameter_max_length_on_error = 0
log_error_verbosity = terse"
    if [ "$(cat "$f" 2>/dev/null)" != "$want" ]; then
        printf '%s\n' "$want" >"$f"
        chown "$USER_NAME:" "$f"
        chmod 600 "$f"
        PRIVACY_CHANGED=1
    fi
    if ! grep -qx "include_if_exists = 'shailoo-privacy.conf'" "$VAR/pg/postgresql.conf"; then
        echo "include_if_exists = 'shailoo-privacy.conf'" >>"$VAR/pg/postgresql.conf"
        PRIVACY_CHANGED=1
    fi
}

# Migrations (sql/migrations/NNN_*.sql: tables, columns, constraints, data)
# are applied once each, in order, and recorded with their SHA-256; one
# edited after it was applied is refused.  Then every file of sql/functions/
# (functions, views, triggers: CREATE OR REPLACE) is applied again, in
# order, in one transaction, so a changed function reaches every database.
migrate() {
    local SQL=${SQL_DIR:-sql}   # another copy of sql/ (the migration tests edit one)
    q -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 ||
        q -d postgres -c "CREATE DATABASE $DB"
    q -c "SET client_min_messages = warning; CREATE TABLE IF NOT EXISTS schema_migrations (
              version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
          ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS sha256 text"
    local f v h rec bad=0
    for f in $SQL/migrations/[0-9][0-9][0-9]_*.sql; do
        v=$(basename "$f" .sql)
        h=$(sha256sum "$f" | cut -c1-64)
        rec=$(q -c "SELECT coalesce(sha256, '-') FROM schema_migrations WHERE version = '$v'")
        if [ "$rec" = "-" ]; then
            say "instance: migration $v was applied before hashes were kept: its sha256 $h is recorded now"
            q -c "UPDATE schema_migrations SET sha256 = '$h' WHERE version = '$v'"
        elif [ -n "$rec" ] && [ "$rec" != "$h" ]; then
            say "instance: REFUSED: migration $v was edited after it was applied to database $DB"
            say "  recorded sha256 $rec"
            say "  file     sha256 $h ($f)"
            say "  A migration is frozen once applied: restore the file (git checkout $f) and put"
            say "  the change in a new migration (tables, data) or in sql/functions/ (functions, views, triggers)."
            bad=1
        fi
    done
    [ "$bad" = 0 ] || exit 1
    # 000_*: functions of no table, which constraints use: there before the tables.
    for f in $SQL/functions/000_*.sql; do
        psql -X -q -v ON_ERROR_STOP=1 --single-transaction -f "$f" >/dev/null
    done
    for f in $SQL/migrations/[0-9][0-9][0-9]_*.sql; do
        v=$(basename "$f" .sql)
        if [ -z "$(q -c "SELECT 1 FROM schema_migrations WHERE version = '$v'")" ]; then
            say "instance: migration $v"
            h=$(sha256sum "$f" | cut -c1-64)
            # The migration and its record in one transaction: applied once, whole.
            psql -X -q -v ON_ERROR_STOP=1 --single-transaction -f "$f" \
                -c "INSERT INTO schema_migrations (version, sha256) VALUES ('$v', '$h')" >/dev/null
        fi
    done
    # Bodies are checked when called, not when created (as pg_dump does), so a
    # file may use a function of a later file; views are still checked at once.
    local args=()
    for f in $SQL/functions/[0-9][0-9][0-9]_*.sql; do args+=(-f "$f"); done
    psql -X -q -v ON_ERROR_STOP=1 --single-transaction \
        -c "SET client_min_messages = warning" -c "SET LOCAL check_function_bodies = off" "${args[@]}" >/dev/null
}

# The demo's documents (sql/demo/talapker.sql): made, stored as uploads are
# stored (build/shailoo --store-file, as the application's user), and listed
# with their hashes in $VAR/demo-files.tsv for the demo's SQL.
demo_files() {
    local dir=$VAR/demo-files f
    [ -x build/shailoo ] || { say "instance: build/shailoo is not built: the demo has no documents"; return; }
    mkdir -p "$dir" && chown "$USER_NAME:" "$dir"
    if ! as_user node sql/demo/talapker_files.mjs "$dir" ||
        ! (for f in "$dir"/*; do
            printf '%s\t' "$(basename "${f%.*}")"
            as_user env SHAILOO_FILES_DIR="$VAR/files" build/shailoo --store-file "$f" || exit 1
        done) >"$VAR/demo-files.tsv"; then
        # Without its documents the demo's campaign is skipped; the ballot is made all the same.
        say "instance: the demo's documents could not be stored in $VAR/files: no Talapker campaign in the demo"
        rm -f "$VAR/demo-files.tsv"
    fi
}
demo_contests() {
    [ -f sql/demo/contests.sql ] || return 0
    if [ -s "$VAR/demo-files.tsv" ]; then
        q "$@" -v demo_files="$VAR/demo-files.tsv" -f sql/demo/contests.sql >/dev/null
    else
        q "$@" -f sql/demo/contests.sql >/dev/null
    fi
}

# The 2021 parliamentary election's registry of complaints, through the
# complaints' functions on the campaign's dates (cgi/tools/complaints_demo.c;
# it does nothing once the election has complaints).
demo_complaints() {
    if [ ! -x bin/shailoo-complaints-demo ]; then
        say "instance: bin/shailoo-complaints-demo is not built (make build): no demo complaints"
        return
    fi
    bin/shailoo-complaints-demo 202104 2021-11-28 300 | q -1 -f - >/dev/null
}

# The regions' shapes (scripts/region-shapes.mjs, from npm's geodata) and the
# demo's address register and station areas (sql/demo/addresses.sql: once).
demo_addresses() {
    node scripts/region-shapes.mjs | q >/dev/null
    q -1 -f sql/demo/addresses.sql >/dev/null
}

load_demo() {
    demo_files
    if [ -n "$(q -c "SELECT 1 FROM regions LIMIT 1")" ]; then
        # Demo data added by later migrations, into a country loaded before them.
        q -f sql/demo/staff.sql >/dev/null
        q -f sql/demo/biometric_devices.sql >/dev/null
        demo_addresses
        demo_contests
        [ ! -f sql/demo/results_2021.sql ] || q -f sql/demo/results_2021.sql >/dev/null
        [ ! -f sql/demo/results_past.sql ] || q -1 -f sql/demo/results_past.sql >/dev/null
        demo_complaints
        ensure_asu_devices
        return
    fi
    say "instance: loading the demo country (scale $DEMO_SCALE)"
    local t0=$SECONDS
    build/demo-gen --scale "$DEMO_SCALE" | psql -X -q -v ON_ERROR_STOP=1 --single-transaction -f - >/dev/null
    psql -X -q -v ON_ERROR_STOP=1 --single-transaction -f sql/demo/elections.sql \
        -f sql/demo/staff.sql -f sql/demo/biometric_devices.sql -f sql/demo/finish.sql >/dev/null
    demo_addresses
    demo_contests -1
    [ ! -f sql/demo/results_2021.sql ] || q -1 -f sql/demo/results_2021.sql >/dev/null
    [ ! -f sql/demo/results_past.sql ] || q -1 -f sql/demo/results_past.sql >/dev/null
    demo_complaints
    ensure_asu_devices
    q -c "VACUUM ANALYZE"
    say "instance: demo country loaded in $((SECONDS - t0)) s: $(q -c "SELECT count(*) FROM voters") voters, $(q -c "SELECT count(*) FROM stations") stations"
}

# The demo election's ASU devices: every station gets one, device id = the
# election's 6 digits and the station's number in 14, with its own EC P-256
# key pair made by bin/shailoo-asu keys (one process, not one openssl each).
# The public keys go into asu_devices (registered_by 'demo'); the private
# ones stay in $ASU/keys.txt for the simulator.  $ASU/state records the
# database's demo devices as they were when keys.txt was written: when they
# differ (a new database, devices revoked or removed) the keys are made
# again, so the keys under $VAR always match the database.  A device that
# has sent reports keeps its key (and its line of keys.txt).
asu_state() {
    q -c "SELECT coalesce(md5(string_agg(device_id || ' ' || public_key, ',' ORDER BY device_id)), '-')
                 || ' ' || (SELECT count(*) FROM stations s WHERE NOT EXISTS (SELECT 1 FROM asu_devices d
                              WHERE d.election_id = $ASU_ELECTION AND d.station_number = s.number
                                AND d.revoked_at IS NULL))
            FROM asu_devices WHERE election_id = $ASU_ELECTION AND revoked_at IS NULL AND registered_by = 'demo'"
}

ensure_asu_devices() {
    [ -n "$(q -c "SELECT 1 FROM contests WHERE election_id = $ASU_ELECTION AND kind = 'list'")" ] || return 0
    if [ ! -x bin/shailoo-asu ]; then
        say "instance: bin/shailoo-asu is not built (make build): no demo ASU devices"
        return 0
    fi
    mkdir -p "$ASU"
    chmod 700 "$ASU"
    local state
    state=$(asu_state)
    if [ ! -s "$ASU/keys.txt" ] || [ "$(cat "$ASU/state" 2>/dev/null)" != "$state" ] || [ "${state##* }" != 0 ]; then
        say "instance: the demo's ASU devices (election $ASU_ELECTION): generating their keys in $ASU"
        # Every station without a working device, and every demo device that
        # has sent nothing: new keys.  Other devices are left as they are.
        q -c "SELECT s.number FROM stations s WHERE NOT EXISTS (
                SELECT 1 FROM asu_devices d WHERE d.election_id = $ASU_ELECTION AND d.station_number = s.number
                   AND d.revoked_at IS NULL AND (d.registered_by <> 'demo'
                       OR EXISTS (SELECT 1 FROM asu_reports r WHERE r.device_id = d.device_id)
                       OR EXISTS (SELECT 1 FROM asu_incidents i WHERE i.device_id = d.device_id)))
              ORDER BY 1" >"$ASU/stations.tmp"
        local keep=()
        [ ! -f "$ASU/keys.txt" ] || keep=(--keep "$ASU/keys.txt")
        bin/shailoo-asu keys --election "$ASU_ELECTION" --keys "$ASU/keys.pending" "${keep[@]}" <"$ASU/stations.tmp" |
            psql -X -q -v ON_ERROR_STOP=1 -1 \
                -c "CREATE TEMP TABLE demo_devices (LIKE asu_devices INCLUDING DEFAULTS)" \
                -c "\\copy demo_devices (device_id, election_id, station_number, public_key, registered_by) FROM pstdin" \
                -c "DELETE FROM asu_devices d USING demo_devices n
                     WHERE d.device_id = n.device_id AND d.registered_by = 'demo'
                       AND NOT EXISTS (SELECT 1 FROM asu_reports r WHERE r.device_id = d.device_id)
                       AND NOT EXISTS (SELECT 1 FROM asu_incidents i WHERE i.device_id = d.device_id)" \
                -c "INSERT INTO asu_devices (device_id, election_id, station_number, public_key, registered_by)
                    SELECT device_id, election_id, station_number, public_key, registered_by FROM demo_devices
                    ON CONFLICT DO NOTHING" >/dev/null
        mv "$ASU/keys.pending" "$ASU/keys.txt"
        rm -f "$ASU/stations.tmp" "$ASU/ballots.txt"
        state=$(asu_state)
        echo "$state" >"$ASU/state"
        [ "${state##* }" = 0 ] || say "instance: warning: ${state##* } stations have no working ASU device"
    fi
    asu_ballots
    chown -R "$USER_NAME:" "$ASU"
    chmod 600 "$ASU"/*
}

# $ASU/ballots.txt: what the simulator needs of each device's ballot (the
# format: cgi/tools/asu_sim.h).  Rewritten when the ballots or the
# devices change; the voters of a station stay those of the first night, so
# a second night signs the same figures.
asu_ballots() {
    local e=$ASU_ELECTION
    {
        q -c "SELECT 'election ' || id || ' ' || date || ' +06:00 ' || array_to_string(turnout_hours, ',')
                FROM elections WHERE id = $e"
        q -c "SELECT 'party ' || x.ballot_position || ' ' || x.withdrawn::int || ' ' || shape[x.ballot_position]
                     || ' ' || coalesce((SELECT string_agg(g::text, ',' ORDER BY g)
                                           FROM generate_series(1, shape[x.ballot_position]) g
                                          WHERE NOT EXISTS (SELECT 1 FROM list_candidates l
                                                 WHERE l.contest_id = k.id AND l.party_id = x.party_id
                                                   AND l.position = g AND NOT l.withdrawn)), '-')
                FROM contests k JOIN contest_entries x ON x.contest_id = k.id,
                     LATERAL results_list_shape(k.id) shape
               WHERE k.election_id = $e AND k.kind = 'list' ORDER BY x.ballot_position"
        q -c "SELECT 'district ' || k.district_number || ' ' || count(*) || ' '
                     || coalesce(string_agg(x.ballot_position::text, ',' ORDER BY x.ballot_position)
                                 FILTER (WHERE x.withdrawn), '-')
                FROM contests k JOIN contest_entries x ON x.contest_id = k.id
               WHERE k.election_id = $e AND k.kind = 'district' GROUP BY k.district_number ORDER BY k.district_number"
        q -c "SELECT 'station ' || s.number || ' ' || d.device_id || ' ' || coalesce(s.region_id, 0) || ' '
                     || coalesce(s.district_number, 0) || ' ' || s.voters
                FROM asu_devices d JOIN stations s ON s.number = d.station_number
               WHERE d.election_id = $e AND d.revoked_at IS NULL AND d.registered_by = 'demo'
               ORDER BY s.number"
    } >"$ASU/ballots.new"
    if [ -f "$ASU/ballots.txt" ] &&
       [ "$(grep -v '^station' "$ASU/ballots.new"; awk '$1 == "station" {print $2, $3}' "$ASU/ballots.new")" = \
         "$(grep -v '^station' "$ASU/ballots.txt"; awk '$1 == "station" {print $2, $3}' "$ASU/ballots.txt")" ]; then
        rm "$ASU/ballots.new"
    else
        mv "$ASU/ballots.new" "$ASU/ballots.txt"
    fi
}

# Secrets are made here, at setup, never kept in the repository.
ensure_keys() {
    mkdir -p "$KEYS"
    if [ ! -f "$KEYS/session.pem" ]; then
        say "instance: generating the session signing key (ES256) in $KEYS"
        openssl ecparam -name prime256v1 -genkey -noout -out "$KEYS/session.pem" 2>/dev/null
        openssl ec -in "$KEYS/session.pem" -pubout -out "$KEYS/session.pub.pem" 2>/dev/null
    fi
    [ -f "$KEYS/esia-client-secret" ] || openssl rand -hex 32 >"$KEYS/esia-client-secret"
    ensure_xroad_keys
    chown -R "$USER_NAME:" "$KEYS"
    chmod 700 "$KEYS"
    chmod 600 "$KEYS"/*
}

# The X-Road provider's TLS (nginx/xroad.conf.in): a CA standing for the
# security servers we trust (the demo's; XROAD_CLIENT_CA names a real one),
# whose key the security-server stand-in signs its client certificate with
# (tests/fakes/security_server.mjs), and our server certificate, issued by it.
ensure_xroad_keys() {
    local d=$KEYS/xroad ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    mkdir -p "$d"
    if [ ! -f "$d/ca.pem" ] || [ ! -f "$d/ca.key" ]; then
        say "instance: making the demo X-Road CA and our provider's certificate in $d"
        openssl req -x509 "${ec[@]}" -keyout "$d/ca.key" -out "$d/ca.pem" -days 3650 \
            -subj "/O=Shailoo demo/CN=Demo security servers CA" \
            -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
        rm -f "$d/server.pem"
    fi
    if [ ! -f "$d/server.pem" ]; then
        openssl req "${ec[@]}" -keyout "$d/server.key" -out "$d/server.csr" -subj "/O=Shailoo/CN=localhost" 2>/dev/null
        printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$d/server.ext"
        openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -set_serial "0x$(openssl rand -hex 8)" \
            -days 825 -extfile "$d/server.ext" -out "$d/server.pem" 2>/dev/null
        rm -f "$d/server.csr" "$d/server.ext"
    fi
}

# The ESIA and Tunduk stand-ins (tests/fakes): the real protocols, on loopback.
fake_pid() { cat "$RUN/$1.pid" 2>/dev/null || true; }
start_fakes() {
    local hooks=""
    [ "${TEST_HOOKS:-0}" = 1 ] && hooks=--test-hooks
    if ! alive "$(fake_pid esia)"; then
        mkdir -p "$VAR/esia" && chown "$USER_NAME:" "$VAR/esia"
        setsid setpriv --reuid="$USER_NAME" --regid="$USER_NAME" --init-groups -- \
            node "$ROOT/tests/fakes/esia.mjs" --port "$ESIA_PORT" --key-dir "$VAR/esia" \
            --client "shailoo:$(cat "$KEYS/esia-client-secret"):http://127.0.0.1:$PORT/auth/esia/callback" \
            --people "$ROOT/tests/fakes/demo-people.json" $hooks \
            </dev/null >>"$LOG/esia.log" 2>&1 &
        echo $! >"$RUN/esia.pid"
    fi
    if ! alive "$(fake_pid tunduk)"; then
        setsid setpriv --reuid="$USER_NAME" --regid="$USER_NAME" --init-groups -- \
            node "$ROOT/tests/fakes/tunduk.mjs" --port "$TUNDUK_PORT" --pghost "$RUN" $hooks \
            </dev/null >>"$LOG/tunduk.log" 2>&1 &
        echo $! >"$RUN/tunduk.pid"
    fi
    for _ in $(seq 100); do
        [ -f "$VAR/esia/esia-public.pem" ] && curl -fsS -o /dev/null "http://127.0.0.1:$ESIA_PORT/jwks" 2>/dev/null && return
        sleep 0.1
    done
    say "instance: the ESIA stand-in did not start; see $LOG/esia.log"
    exit 1
}

stop_fakes() {
    local f pid
    for f in esia tunduk; do
        pid=$(fake_pid $f)
        alive "$pid" && kill -TERM "$pid"
        rm -f "$RUN/$f.pid"
    done
}

app_pid() { cat "$RUN/shailoo.pid" 2>/dev/null || true; }
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

start_app() {
    local bin=build/shailoo pid
    [ "${SANITIZE:-0}" = 1 ] && bin=build/asan/shailoo
    # The settings read from the environment at start; others restart the app.
    local settings="results_cache_ms=${RESULTS_CACHE_MS:-250} publish=${PUBLISH:-on} export_ms=${PUBLISH_EXPORT_MS:-10000} open_data_ms=${PUBLISH_OPEN_DATA_MS:-300000} turnout_ms=${PUBLISH_TURNOUT_MS:-30000} registries_ms=${REGISTRIES_INTERVAL_MS:-60000} disability_ms=${REGISTRIES_DISABILITY_MS:-3600000}"
    pid=$(app_pid)
    if alive "$pid"; then
        # A rebuilt binary, or other settings, replace the running one.
        if [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$ROOT/$bin" ] &&
           [ ! "$ROOT/$bin" -nt "$RUN/shailoo.pid" ] &&
           [ "$(cat "$RUN/shailoo.settings" 2>/dev/null)" = "$settings" ]; then
            return
        fi
        stop_app
    fi
    echo "$settings" >"$RUN/shailoo.settings"
    SHAILOO_SOCKET=$RUN/shailoo.sock SHAILOO_DB="host=$RUN dbname=$DB user=$USER_NAME" \
    SHAILOO_WORKERS=${WORKERS:-} \
    SHAILOO_SESSION_KEY=$KEYS/session.pem SHAILOO_SESSION_PUBKEY=$KEYS/session.pub.pem \
    SHAILOO_ESIA_AUTHORIZE_URL=http://127.0.0.1:$ESIA_PORT/authorize \
    SHAILOO_ESIA_TOKEN_URL=http://127.0.0.1:$ESIA_PORT/token \
    SHAILOO_ESIA_ISSUER=http://127.0.0.1:$ESIA_PORT \
    SHAILOO_ESIA_CLIENT_ID=shailoo SHAILOO_ESIA_CLIENT_SECRET="$(cat "$KEYS/esia-client-secret")" \
    SHAILOO_ESIA_REDIRECT_URI=http://127.0.0.1:$PORT/auth/esia/callback \
    SHAILOO_ESIA_KEY=$VAR/esia/esia-public.pem \
    SHAILOO_TUNDUK_URL=http://127.0.0.1:$TUNDUK_PORT \
    SHAILOO_XROAD_SUBSYSTEM=${XROAD_SUBSYSTEM:-} \
    SHAILOO_FILES_DIR=$VAR/files \
    SHAILOO_RESULTS_CACHE_MS=${RESULTS_CACHE_MS:-250} \
    SHAILOO_PUBLISH_DIR=$([ "${PUBLISH:-on}" = off ] || echo "$VAR/published") \
    SHAILOO_PUBLISH_EXPORT_MS=${PUBLISH_EXPORT_MS:-10000} \
    SHAILOO_PUBLISH_OPEN_DATA_MS=${PUBLISH_OPEN_DATA_MS:-300000} \
    SHAILOO_PUBLISH_TURNOUT_MS=${PUBLISH_TURNOUT_MS:-30000} \
    SHAILOO_REGISTRIES_INTERVAL_MS=${REGISTRIES_INTERVAL_MS:-60000} \
    SHAILOO_REGISTRIES_DISABILITY_MS=${REGISTRIES_DISABILITY_MS:-3600000} \
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
        setsid setpriv --reuid="$USER_NAME" --regid="$USER_NAME" --init-groups -- \
        "$ROOT/$bin" </dev/null >>"$LOG/shailoo.log" 2>&1 &
    echo $! >"$RUN/shailoo.pid"
    for _ in $(seq 50); do
        [ -S "$RUN/shailoo.sock" ] && return
        sleep 0.1
    done
    say "instance: the application did not start; see $LOG/shailoo.log"
    tail -20 "$LOG/shailoo.log" >&2
    exit 1
}

stop_app() {
    local pid
    pid=$(app_pid)
    if alive "$pid"; then
        kill -TERM "$pid"
        for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
    fi
    rm -f "$RUN/shailoo.pid"
}

nginx_conf() {
    sed -e "s|@VAR@|$VAR|g" -e "s|@ROOT@|$ROOT|g" -e "s|@PORT@|$PORT|g" \
        -e "s|@USER@|$USER_NAME|g" \
        -e "s|@LOOKUP_RATE@|${LOOKUP_RATE:-10r/s}|g" -e "s|@LOOKUP_BURST@|${LOOKUP_BURST:-20}|g" \
        -e "s|@AUTH_RATE@|${AUTH_RATE:-30r/m}|g" -e "s|@AUTH_BURST@|${AUTH_BURST:-20}|g" \
        -e "s|@APPLY_RATE@|${APPLY_RATE:-10r/m}|g" -e "s|@APPLY_BURST@|${APPLY_BURST:-10}|g" \
        -e "s|@DIRECT_RATE@|${DIRECT_RATE:-5r/s}|g" -e "s|@DIRECT_BURST@|${DIRECT_BURST:-20}|g" \
        -e "s|@DIRECT_EXPORT_RATE@|${DIRECT_EXPORT_RATE:-10r/m}|g" -e "s|@DIRECT_EXPORT_BURST@|${DIRECT_EXPORT_BURST:-3}|g" \
        -e "s|@EXPORT_CONNS@|${EXPORT_CONNS:-4}|g" -e "s|@EXPORT_RATE@|${EXPORT_RATE:-16m}|g" \
        -e "s|@NOCACHE@|$([ "${MICROCACHE:-on}" = off ] && echo 1 || echo 0)|g" \
        -e "s|@TILE_ORIGIN@|$(tile_origin)|g" \
        nginx/shailoo.conf.in >"$VAR/nginx/nginx.conf"
    sed -e "s|@ROOT@|$ROOT|g" -e "s|@XROAD_PORT@|$XROAD_PORT|g" \
        -e "s|@XROAD_CERT@|$KEYS/xroad/server.pem|g" -e "s|@XROAD_KEY@|$KEYS/xroad/server.key|g" \
        -e "s|@XROAD_CLIENT_CA@|${XROAD_CLIENT_CA:-$KEYS/xroad/ca.pem}|g" \
        -e "s|@XROAD_RATE@|${XROAD_RATE:-100r/s}|g" -e "s|@XROAD_BURST@|${XROAD_BURST:-200}|g" \
        nginx/xroad.conf.in >"$VAR/nginx/xroad.conf"
    maps_conf
}

# The maps' tile layer (static/js/map.js reads /config/maps.json): none
# unless TILE_URL is set (e.g. https://tile.example.org/{z}/{x}/{y}.png,
# "{s}" for subdomains), with TILE_ATTRIBUTION (HTML) beside it; the pages'
# Content-Security-Policy allows images from its host.
tile_url_ok() {
    [ -z "${TILE_URL:-}" ] || [[ "$TILE_URL" =~ ^https?://[A-Za-z0-9.{}-]+(:[0-9]+)?/[A-Za-z0-9._~/{}@%=?\&-]*$ ]]
}
tile_origin() {
    [ -n "${TILE_URL:-}" ] || return 0
    printf ' %s' "$(printf '%s' "$TILE_URL" | sed -E 's|^(https?://[^/]+).*|\1|; s|\{s\}|*|')"
}
maps_conf() {
    TILE_URL=${TILE_URL:-} TILE_ATTRIBUTION=${TILE_ATTRIBUTION:-} node -e '
        const url = process.env.TILE_URL || null;
        process.stdout.write(JSON.stringify({ tile_url: url, tile_attribution: url ? process.env.TILE_ATTRIBUTION || "" : null }) + "\n");
    ' >"$VAR/nginx/maps.json"
}

start_nginx() {
    if ! tile_url_ok; then
        say "instance: TILE_URL is not an http(s) URL of tiles ({z}/{x}/{y}): $TILE_URL"
        exit 1
    fi
    nginx_conf
    nginx -t -q -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" -e "$LOG/nginx-error.log"
    local pid
    pid=$(cat "$RUN/nginx.pid" 2>/dev/null || true)
    if alive "$pid"; then
        kill -HUP "$pid"
    else
        find "$VAR/nginx/cache" -mindepth 1 -delete
        nginx -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" -e "$LOG/nginx-error.log"
    fi
}

stop_nginx() {
    local pid
    pid=$(cat "$RUN/nginx.pid" 2>/dev/null || true)
    if alive "$pid"; then
        kill -QUIT "$pid"
        for _ in $(seq 50); do alive "$pid" || break; sleep 0.1; done
    fi
}

wait_http() {
    for _ in $(seq 100); do
        if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/api/v1/regions" 2>/dev/null; then
            return
        fi
        sleep 0.1
    done
    say "instance: http://127.0.0.1:$PORT/ does not answer; see $LOG/"
    exit 1
}

case "${1:-}" in
start)
    ensure_user
    start_pg
    if [ "${RESET_DB:-0}" = 1 ]; then
        q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
        # nginx's microcache would serve the old database's answers while refreshing.
        find "$VAR/nginx/cache" -mindepth 1 -delete
    fi
    migrate
    load_demo
    ensure_keys
    start_fakes
    start_app
    start_nginx
    wait_http
    echo "Shailoo is running at http://127.0.0.1:$PORT/"
    ;;
stop)
    stop_nginx
    stop_app
    stop_fakes
    if [ -f "$VAR/pg/postmaster.pid" ]; then
        as_user "$PGBIN/pg_ctl" -D "$VAR/pg" -m fast -w stop >/dev/null 2>&1 || true
    fi
    echo "Shailoo stopped ($VAR)"
    ;;
migrate)
    ensure_user
    start_pg
    migrate
    ;;
psql)
    exec psql -X
    ;;
demo-protocols)   # after make election-night: the manual count and scans (sql/demo/protocols_night.sql)
    if [ -s "$VAR/demo-files.tsv" ]; then
        q -1 -v demo_files="$VAR/demo-files.tsv" -f sql/demo/protocols_night.sql
    else
        q -1 -f sql/demo/protocols_night.sql
    fi
    ;;
pg-stop)    # for the tests: the database goes away under the running application
    as_user "$PGBIN/pg_ctl" -D "$VAR/pg" -m fast -w stop >/dev/null
    ;;
pg-start)
    start_pg
    ;;
status)
    pg_running && echo "postgresql: running" || echo "postgresql: stopped"
    alive "$(app_pid)" && echo "shailoo: running" || echo "shailoo: stopped"
    alive "$(cat "$RUN/nginx.pid" 2>/dev/null || true)" && echo "nginx: running" || echo "nginx: stopped"
    ;;
*)
    echo "usage: $0 start|stop|migrate|psql|status|demo-protocols" >&2
    exit 2
    ;;
esac
