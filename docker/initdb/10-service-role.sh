#!/bin/sh
# Runs once, when the PostgreSQL volume is initialised (docker-entrypoint-initdb.d), as the
# owner POSTGRES_USER. Creates the service's login role doorstroom_app, a member of the group
# role doorstroom_service; the migrations (run by the owner) grant that group what the service
# may do: read and write the data tables, only read and append the audit log, own nothing.
set -eu
: "${SERVICE_DB_PASSWORD:?set SERVICE_DB_PASSWORD}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v service_password="$SERVICE_DB_PASSWORD" <<'SQL'
CREATE ROLE doorstroom_service NOLOGIN;
CREATE ROLE doorstroom_app LOGIN PASSWORD :'service_password' IN ROLE doorstroom_service;
SQL
