#!/bin/sh
# One-shot: creates Temporal's two Postgres databases (persistence and visibility) and applies every
# schema version that the admin-tools image ships. Runs before each start of the `temporal` service
# (docker compose service `temporal-schema`) and is safe to repeat: `create` ignores an existing
# database, `setup-schema -v 0.0` leaves an initialised database alone, and `update-schema` applies only
# the versions that are missing — which is also how a newer admin-tools image upgrades the schema.
#
# Environment (as the temporalio/server image reads it): POSTGRES_SEEDS (host), DB_PORT, POSTGRES_USER,
# SQL_PASSWORD (read by temporal-sql-tool), DBNAME (default temporal), VISIBILITY_DBNAME (default
# temporal_visibility).
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS (the Postgres host) is required}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
: "${SQL_PASSWORD:?SQL_PASSWORD is required}"
port=${DB_PORT:-5432}
schema_root=/etc/temporal/schema/postgresql/v12

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$port" -u "$POSTGRES_USER" "$@"
}

setup() { # DATABASE SCHEMA_DIR
  echo "temporal-schema: database $1"
  sql_tool --db "$1" create
  sql_tool --db "$1" setup-schema -v 0.0
  sql_tool --db "$1" update-schema -d "$schema_root/$2/versioned"
}

setup "${DBNAME:-temporal}" temporal
setup "${VISIBILITY_DBNAME:-temporal_visibility}" visibility
echo 'temporal-schema: done'
