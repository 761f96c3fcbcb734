#!/usr/bin/env bash
# The docker-compose application topology without Docker, as local processes on loopback: PostgreSQL,
# two API hosts (workers off), one worker silo (workers on), nginx in front with the same affinity and
# proxy settings (deploy/nginx/api-*.conf). Telemetry goes wherever CLUSTER_OTLP_ENDPOINT says (nowhere
# by default).
#
#   scripts/cluster-local.sh start    build once, start what is not running, wait until all are healthy
#   scripts/cluster-local.sh status   what runs, and whether it answers
#   scripts/cluster-local.sh stop     stop everything this script started (graceful, then forced)
#   scripts/cluster-local.sh purge    stop, then delete the cluster's state and its PostgreSQL data
#
# Settings (environment):
#   CLUSTER_DIR            state: pid files, logs, generated nginx config (default /tmp/scheduling-cluster)
#   CLUSTER_BASE_PORT      nginx on it, the API hosts on +1 and +2, the worker's health port on +3, the Orleans
#                          Dashboard (worker silo, loopback) on +4 (58080)
#   CLUSTER_ORLEANS_PORT   Orleans silo ports: apihost1, apihost2 and the worker on +0, +1, +2, their gateways on
#                          +10, +11, +12 (11111)
#   CLUSTER_ID             the Orleans cluster id the three silos share (scheduling-local)
#   CLUSTER_POSTGRES       connection string of an existing database to use instead of a private server
#   CLUSTER_PG_PORT        port of the private PostgreSQL server (55433); its data stays between runs
#   CLUSTER_CONFIGURATION  build configuration (Release)
#   CLUSTER_BUILD          0 to skip the build and run what is already built
#   CLUSTER_START_TIMEOUT  seconds to wait for health (180)
#   CLUSTER_STOP_TIMEOUT   seconds a process gets to stop before it is killed (40; above Host:ShutdownTimeout)
#   CLUSTER_OTLP_ENDPOINT  OTLP endpoint for every process (e.g. http://127.0.0.1:4317)
#   CLUSTER_EXTRA_ARGS     extra command-line settings for every .NET process (e.g. --RateLimits:AnonymousBurst=500)
set -euo pipefail

readonly REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly CLUSTER_DIR="${CLUSTER_DIR:-/tmp/scheduling-cluster}"
readonly BASE_PORT="${CLUSTER_BASE_PORT:-58080}"
readonly NGINX_PORT="${BASE_PORT}"
readonly API1_PORT=$((BASE_PORT + 1))
readonly API2_PORT=$((BASE_PORT + 2))
readonly ORLEANS_PORT="${CLUSTER_ORLEANS_PORT:-11111}"
readonly CLUSTER_ID="${CLUSTER_ID:-scheduling-local}"
readonly SILO_PORT=$((BASE_PORT + 3))
readonly DASHBOARD_PORT=$((BASE_PORT + 4))
readonly PG_PORT="${CLUSTER_PG_PORT:-55433}"
# Under /tmp like scripts/test.sh: as root the server runs as `postgres`, which must reach its directory.
readonly PG_ROOT="/tmp/scheduling-cluster-postgres-${PG_PORT}"
readonly PG_DATA="${PG_ROOT}/data"
readonly PG_MARKER="${PG_ROOT}/started-by-cluster-local"
readonly CONFIGURATION="${CLUSTER_CONFIGURATION:-Release}"
readonly START_TIMEOUT="${CLUSTER_START_TIMEOUT:-180}"
readonly STOP_TIMEOUT="${CLUSTER_STOP_TIMEOUT:-40}"
readonly PID_DIR="${CLUSTER_DIR}/pids"
readonly LOG_DIR="${CLUSTER_DIR}/logs"
readonly NGINX_DIR="${CLUSTER_DIR}/nginx"
readonly API_DIR="${REPO_ROOT}/src/ApiHost/bin/${CONFIGURATION}/net10.0"
readonly SILO_DIR="${REPO_ROOT}/src/Silo/bin/${CONFIGURATION}/net10.0"

# Stop order: the entry point first, the worker last, so no request reaches a stopping host.
readonly COMPONENTS=(nginx apihost1 apihost2 silo)

export DEBIAN_FRONTEND=noninteractive
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

PG_BIN=""
APT_UPDATED=0
DOTNET_ENV=()

log() { printf '[cluster-local] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# shellcheck source=lib/host.sh
source "${REPO_ROOT}/scripts/lib/host.sh"

# ---- dependencies --------------------------------------------------------------------------------

ensure_tools() {
  command -v dotnet >/dev/null || die "the .NET SDK is not on PATH (see global.json)"
  local missing=()
  command -v curl >/dev/null || missing+=(curl)
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
  if [[ ${#missing[@]} -gt 0 ]]; then
    log "installing ${missing[*]}"
    apt_install "${missing[@]}"
  fi
}

nginx_bin() { command -v nginx || echo /usr/sbin/nginx; }

# ---- private PostgreSQL (unless CLUSTER_POSTGRES names a database) -------------------------------

pg_ready() { [[ -n "${PG_BIN}" ]] && "${PG_BIN}/pg_isready" -q -h 127.0.0.1 -p "${PG_PORT}" -t 2; }

start_postgres() {
  ensure_postgres
  if pg_ready; then
    log "PostgreSQL already listening on 127.0.0.1:${PG_PORT}"
  else
    if [[ ! -f "${PG_DATA}/PG_VERSION" ]]; then
      rm -rf "${PG_ROOT}"
      mkdir -p "${PG_ROOT}"
      chmod 700 "${PG_ROOT}"
      if is_root; then
        chown postgres:postgres "${PG_ROOT}"
      fi
      log "initializing a PostgreSQL cluster in ${PG_DATA}"
      as_pg_owner "${PG_BIN}/initdb" -D "${PG_DATA}" -A trust -U postgres -E UTF8 --no-instructions \
        >"${PG_ROOT}/initdb.log" 2>&1 || { cat "${PG_ROOT}/initdb.log" >&2; die "initdb failed"; }
    fi
    log "starting PostgreSQL on 127.0.0.1:${PG_PORT}"
    as_pg_owner "${PG_BIN}/pg_ctl" -D "${PG_DATA}" -l "${PG_ROOT}/server.log" -w -t 60 \
      -o "-p ${PG_PORT} -k ${PG_ROOT} -c listen_addresses=127.0.0.1 -c max_connections=300" \
      start >/dev/null || { tail -n 50 "${PG_ROOT}/server.log" >&2 || true; die "PostgreSQL did not start"; }
    as_pg_owner touch "${PG_MARKER}"
  fi

  local exists
  exists="$("${PG_BIN}/psql" -h 127.0.0.1 -p "${PG_PORT}" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'scheduling'")" || die "cannot query PostgreSQL on port ${PG_PORT}"
  if [[ "${exists}" != "1" ]]; then
    "${PG_BIN}/psql" -h 127.0.0.1 -p "${PG_PORT}" -U postgres -d postgres -qc "CREATE DATABASE scheduling" >/dev/null
  fi
}

stop_postgres() {
  [[ -f "${PG_MARKER}" ]] || return 0
  PG_BIN="$(find_pg_bin)"
  log "stopping the PostgreSQL this script started (port ${PG_PORT})"
  as_pg_owner "${PG_BIN}/pg_ctl" -D "${PG_DATA}" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  rm -f "${PG_MARKER}"
}

connection_string() {
  if [[ -n "${CLUSTER_POSTGRES:-}" ]]; then
    printf '%s\n' "${CLUSTER_POSTGRES}"
  else
    printf 'Host=127.0.0.1;Port=%s;Username=postgres;Database=scheduling\n' "${PG_PORT}"
  fi
}

# ---- processes -----------------------------------------------------------------------------------

# What a component's command line contains: a pid file is only trusted when the process still matches,
# so a recycled pid is never signalled.
signature() {
  case "$1" in
    nginx) echo "nginx" ;;
    apihost1 | apihost2) echo "Scheduling.ApiHost.dll" ;;
    silo) echo "Scheduling.Silo.dll" ;;
  esac
}

running_pid() {
  local pid_file="${PID_DIR}/$1.pid" pid
  [[ -f "${pid_file}" ]] || return 1
  pid="$(cat "${pid_file}")"
  [[ -n "${pid}" && -r "/proc/${pid}/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/${pid}/cmdline" | grep -qF "$(signature "$1")" || return 1
  echo "${pid}"
}

# start_process NAME WORKDIR COMMAND...: in the background, detached from this script's output.
start_process() {
  local name="$1" workdir="$2"
  shift 2
  if running_pid "${name}" >/dev/null; then
    log "${name} is already running (pid $(running_pid "${name}"))"
    return
  fi
  printf '\n==== %s: starting %s\n' "$(date -u +%FT%TZ)" "${name}" >>"${LOG_DIR}/${name}.log"
  (cd "${workdir}" && exec "$@" </dev/null >>"${LOG_DIR}/${name}.log" 2>&1) &
  echo $! >"${PID_DIR}/${name}.pid"
}

dump_log() {
  log "last lines of ${LOG_DIR}/$1.log:"
  tail -n 60 "${LOG_DIR}/$1.log" >&2 || true
}

# wait_healthy NAME URL: until the URL answers 2xx; fails (with the log) when the process dies or time runs out.
wait_healthy() {
  local name="$1" url="$2" deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! running_pid "${name}" >/dev/null; then
      dump_log "${name}"
      return 1
    fi
    if curl -fsS -o /dev/null --max-time 5 "${url}" 2>/dev/null; then
      return 0
    fi
    sleep 0.5
  done
  log "${name} did not become healthy at ${url} within ${START_TIMEOUT}s"
  dump_log "${name}"
  return 1
}

stop_process() {
  local name="$1" pid signal=TERM
  pid="$(running_pid "${name}")" || { rm -f "${PID_DIR}/${name}.pid"; return 0; }
  # nginx: QUIT is its graceful stop (finish open requests); TERM would drop them.
  [[ "${name}" == nginx ]] && signal=QUIT
  log "stopping ${name} (pid ${pid})"
  kill "-${signal}" "${pid}" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "${pid}" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if kill -0 "${pid}" 2>/dev/null; then
    log "${name} did not stop within ${STOP_TIMEOUT}s; killing it"
    kill -KILL "${pid}" 2>/dev/null || true
  fi
  rm -f "${PID_DIR}/${name}.pid"
}

# ---- the cluster ---------------------------------------------------------------------------------

build() {
  if [[ "${CLUSTER_BUILD:-1}" == "0" ]]; then
    log "skipping the build (CLUSTER_BUILD=0)"
  else
    log "building the API host and the worker silo (${CONFIGURATION}; log: ${LOG_DIR}/build.log)"
    local project
    for project in src/ApiHost/Scheduling.ApiHost.csproj src/Silo/Scheduling.Silo.csproj; do
      (cd "${REPO_ROOT}" && dotnet build "${project}" -c "${CONFIGURATION}" -nodeReuse:false) \
        >>"${LOG_DIR}/build.log" 2>&1 || { tail -n 40 "${LOG_DIR}/build.log" >&2; die "the build of ${project} failed"; }
    done
  fi
  [[ -f "${API_DIR}/Scheduling.ApiHost.dll" ]] || die "no build in ${API_DIR}"
  [[ -f "${SILO_DIR}/Scheduling.Silo.dll" ]] || die "no build in ${SILO_DIR}"
}

# `env` with the settings every .NET process shares; the per-process ones follow it.
dotnet_env() {
  DOTNET_ENV=(env "Storage__Provider=Postgres" "ConnectionStrings__Postgres=$(connection_string)"
    "Orleans__ClusterId=${CLUSTER_ID}" "Orleans__ServiceId=scheduling"
    "DOTNET_ENVIRONMENT=Production" "ASPNETCORE_ENVIRONMENT=Production")
  if [[ -n "${CLUSTER_OTLP_ENDPOINT:-}" ]]; then
    DOTNET_ENV+=("OTEL_EXPORTER_OTLP_ENDPOINT=${CLUSTER_OTLP_ENDPOINT}")
  fi
}

# orleans_env N: the Orleans endpoints of the cluster's Nth silo (0, 1: the API hosts; 2: the worker).
orleans_env() {
  printf '%s\n' "Orleans__Endpoints__SiloPort=$((ORLEANS_PORT + $1))" "Orleans__Endpoints__GatewayPort=$((ORLEANS_PORT + 10 + $1))" \
    "Orleans__Endpoints__AdvertisedIPAddress=127.0.0.1"
}

start_apihost() {
  local name="$1" port="$2" index="$3"
  local orleans
  mapfile -t orleans < <(orleans_env "${index}")
  # shellcheck disable=SC2086 # CLUSTER_EXTRA_ARGS is a list of arguments.
  start_process "${name}" "${API_DIR}" "${DOTNET_ENV[@]}" "${orleans[@]}" "Workers__Enabled=false" "Workers__SiloName=local-${name}" \
    "Orleans__SiloName=local-${name}" "OTEL_SERVICE_NAME=scheduling-api" \
    dotnet Scheduling.ApiHost.dll --urls "http://127.0.0.1:${port}" ${CLUSTER_EXTRA_ARGS:-}
}

start_silo() {
  # shellcheck disable=SC2086
  local orleans
  mapfile -t orleans < <(orleans_env 2)
  start_process silo "${SILO_DIR}" "${DOTNET_ENV[@]}" "${orleans[@]}" "Workers__Enabled=true" "Workers__SiloName=local-silo" \
    "Orleans__SiloName=local-silo" "Dashboard__Url=http://127.0.0.1:${DASHBOARD_PORT}" \
    "OTEL_SERVICE_NAME=scheduling-worker" "Host__ShutdownTimeout=00:00:30" \
    dotnet Scheduling.Silo.dll --urls "http://127.0.0.1:${SILO_PORT}" ${CLUSTER_EXTRA_ARGS:-}
}

write_nginx_config() {
  mkdir -p "${NGINX_DIR}"
  cat >"${NGINX_DIR}/nginx.conf" <<EOF
# Generated by scripts/cluster-local.sh; the docker-compose counterpart is deploy/nginx/nginx.conf.
daemon off;
worker_processes 1;
pid ${NGINX_DIR}/nginx.pid;
error_log ${LOG_DIR}/nginx-error.log warn;

events {
    worker_connections 256;
}

http {
    include ${REPO_ROOT}/deploy/nginx/api-http.conf;
    access_log ${LOG_DIR}/nginx-access.log scheduling;
    server_tokens off;
    client_body_temp_path ${NGINX_DIR}/client_body;
    proxy_temp_path ${NGINX_DIR}/proxy;
    fastcgi_temp_path ${NGINX_DIR}/fastcgi;
    uwsgi_temp_path ${NGINX_DIR}/uwsgi;
    scgi_temp_path ${NGINX_DIR}/scgi;

    upstream scheduling_api {
        hash \$scheduling_affinity consistent;
        server 127.0.0.1:${API1_PORT} max_fails=3 fail_timeout=10s;
        server 127.0.0.1:${API2_PORT} max_fails=3 fail_timeout=10s;
        keepalive 16;
    }

    server {
        listen 127.0.0.1:${NGINX_PORT};

        location / {
            proxy_pass http://scheduling_api;
            include ${REPO_ROOT}/deploy/nginx/api-location.conf;
        }

        location = /nginx/health {
            access_log off;
            default_type text/plain;
            return 200 "ok\n";
        }
    }
}
EOF
  local nginx
  nginx="$(nginx_bin)"
  "${nginx}" -t -q -p "${NGINX_DIR}" -c "${NGINX_DIR}/nginx.conf" -e "${LOG_DIR}/nginx-error.log" \
    || { tail -n 20 "${LOG_DIR}/nginx-error.log" >&2 || true; log "the generated nginx config is invalid"; return 1; }
}

start_nginx() {
  write_nginx_config || return 1
  start_process nginx "${NGINX_DIR}" "$(nginx_bin)" -p "${NGINX_DIR}" -c "${NGINX_DIR}/nginx.conf" -e "${LOG_DIR}/nginx-error.log"
}

cmd_start() {
  mkdir -p "${PID_DIR}" "${LOG_DIR}" "${NGINX_DIR}"
  # nginx workers run as an unprivileged user when started as root; they must reach their temp paths.
  chmod 755 "${CLUSTER_DIR}" "${NGINX_DIR}"
  ensure_tools
  if [[ -z "${CLUSTER_POSTGRES:-}" ]]; then
    start_postgres
  fi
  build

  # Anything that does not come up stops everything again: no half-started cluster is left behind.
  dotnet_env
  start_apihost apihost1 "${API1_PORT}" 0
  start_apihost apihost2 "${API2_PORT}" 1
  start_silo
  wait_healthy apihost1 "http://127.0.0.1:${API1_PORT}/health/ready" || abort_start
  wait_healthy apihost2 "http://127.0.0.1:${API2_PORT}/health/ready" || abort_start
  wait_healthy silo "http://127.0.0.1:${SILO_PORT}/health/ready" || abort_start
  start_nginx || abort_start
  wait_healthy nginx "http://127.0.0.1:${NGINX_PORT}/health/ready" || abort_start

  cat <<EOF
cluster is up (state in ${CLUSTER_DIR}):
  API (nginx)   http://127.0.0.1:${NGINX_PORT}/api/v2/...
  apihost1      http://127.0.0.1:${API1_PORT}   pid $(running_pid apihost1)
  apihost2      http://127.0.0.1:${API2_PORT}   pid $(running_pid apihost2)
  worker silo   http://127.0.0.1:${SILO_PORT}/health/ready   pid $(running_pid silo)
  dashboard     http://127.0.0.1:${DASHBOARD_PORT}/dashboard/   (Orleans Dashboard)
  nginx         pid $(running_pid nginx)
  PostgreSQL    $(connection_string)
  logs          ${LOG_DIR}
stop it with: scripts/cluster-local.sh stop
EOF
}

abort_start() {
  log "the cluster did not come up; stopping what was started"
  cmd_stop
  die "start failed (logs: ${LOG_DIR})"
}

cmd_stop() {
  local name
  for name in "${COMPONENTS[@]}"; do
    stop_process "${name}"
  done
  if [[ -z "${CLUSTER_POSTGRES:-}" ]]; then
    stop_postgres
  fi
}

cmd_status() {
  local name pid url status=0
  for name in "${COMPONENTS[@]}"; do
    case "${name}" in
      nginx) url="http://127.0.0.1:${NGINX_PORT}/nginx/health" ;;
      apihost1) url="http://127.0.0.1:${API1_PORT}/health/ready" ;;
      apihost2) url="http://127.0.0.1:${API2_PORT}/health/ready" ;;
      silo) url="http://127.0.0.1:${SILO_PORT}/health/ready" ;;
    esac
    if pid="$(running_pid "${name}")"; then
      if curl -fsS -o /dev/null --max-time 5 "${url}" 2>/dev/null; then
        printf '%-9s running (pid %s), healthy at %s\n' "${name}" "${pid}" "${url}"
      else
        printf '%-9s running (pid %s), NOT healthy at %s\n' "${name}" "${pid}" "${url}"
        status=1
      fi
    else
      printf '%-9s stopped\n' "${name}"
      status=1
    fi
  done
  return "${status}"
}

cmd_purge() {
  cmd_stop
  log "deleting ${CLUSTER_DIR}"
  rm -rf "${CLUSTER_DIR}"
  if [[ -z "${CLUSTER_POSTGRES:-}" ]]; then
    log "deleting ${PG_ROOT}"
    rm -rf "${PG_ROOT}"
  fi
}

main() {
  case "${1:-start}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    purge) cmd_purge ;;
    *) die "usage: $0 [start|stop|status|purge]" ;;
  esac
}

main "$@"
