# scripts/lib/postgres.sh: a throw-away PostgreSQL 15 cluster for scripts/test, scripts/bench-pg and
# scripts/crash-test (sourced, not run). initdb in a temporary directory, listening only on a Unix
# socket there (no port to collide with), trust authentication for the role `gridpass`, run as the
# `postgres` user when the caller is root. Settings are PostgreSQL's defaults (fsync and
# synchronous_commit on) apart from max_connections.
#
#   pg_install_if_missing         apt-get install postgresql-15 when its binaries are missing
#   pg_start [PARENT]             starts a cluster; sets PG_DIR and PG_URL (postgres://…?host=PG_DIR)
#   pg_url DATABASE               the URL of another database of the cluster
#   pg_create DATABASE            CREATE DATABASE
#   pg_ctl_cluster stop|start     stops (immediately, like a crash) or starts the same cluster again
#   pg_stop                       stops it and removes its directory (call it from an EXIT trap)

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PG_DIR=""
PG_URL=""
PG_AS=()

pg_install_if_missing() {
    [[ -x $PGBIN/initdb ]] && return 0
    echo "installing postgresql-15 (the server)" >&2
    local sudo=""
    [[ $(id -u) == 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql-15
}

pg_start() {
    PG_DIR=$(mktemp -d "${1:-${TMPDIR:-/tmp}}/gridpass-pg.XXXXXX")
    if [[ $(id -u) == 0 ]]; then
        chown postgres "$PG_DIR"
        PG_AS=(runuser -u postgres --)
    fi
    "${PG_AS[@]}" "$PGBIN/initdb" -D "$PG_DIR/data" -U gridpass --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; return 1; }
    pg_ctl_cluster start
    PG_URL=$(pg_url postgres)
}

pg_ctl_cluster() {
    case $1 in
        start) "${PG_AS[@]}" "$PGBIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
                   -o "-k $PG_DIR -c listen_addresses='' -c max_connections=300" start >/dev/null \
                   || { tail -20 "$PG_DIR/server.log" >&2; return 1; } ;;
        stop) "${PG_AS[@]}" "$PGBIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null ;;
    esac
}

pg_url() { echo "postgres://gridpass@localhost/$1?host=$PG_DIR"; }

pg_create() { "$PGBIN/psql" -q -h "$PG_DIR" -U gridpass -d postgres -c "CREATE DATABASE \"$1\"" >/dev/null; }

pg_stop() {
    [[ -n $PG_DIR ]] || return 0
    pg_ctl_cluster stop 2>/dev/null || true
    rm -rf "$PG_DIR"
    PG_DIR=""
}
