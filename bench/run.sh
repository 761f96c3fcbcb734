#!/usr/bin/env bash
# Benchmarks (not tests): starts the API host in Release on the chosen storage, runs load scenarios
# against it from the same machine, prints throughput and p50/p99, and stops everything it started.
#   bench/run.sh memory   [availability|bookings|contention ...]
#   bench/run.sh postgres [availability|bookings|contention ...]   (durable: fsync and synchronous_commit on)
# Environment: BENCH_SECONDS (10), BENCH_CONNECTIONS (32), BENCH_EMPLOYEES (1000), BENCH_APPOINTMENTS (200, availability only).
set -euo pipefail

readonly REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly STORAGE="${1:-memory}"
shift || true
readonly SCENARIOS=("${@:-availability}")
readonly PORT=5180
readonly PG_PORT=55434
readonly PG_ROOT="/tmp/scheduling-bench-postgres"
readonly WORK="/tmp/scheduling-bench"
PG_BIN=""
APT_UPDATED=0
SERVER_PID=""
PG_STARTED=0

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=../scripts/lib/host.sh
source "${REPO_ROOT}/scripts/lib/host.sh"

cleanup() {
  [[ -n "${SERVER_PID}" ]] && kill "${SERVER_PID}" 2>/dev/null && wait "${SERVER_PID}" 2>/dev/null || true
  if [[ "${PG_STARTED}" -eq 1 ]]; then
    as_pg_owner "${PG_BIN}/pg_ctl" -D "${PG_ROOT}/data" -m fast stop >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

start_postgres() {
  ensure_postgres
  rm -rf "${PG_ROOT}" && mkdir -p "${PG_ROOT}"
  is_root && chown postgres "${PG_ROOT}"
  as_pg_owner "${PG_BIN}/initdb" -D "${PG_ROOT}/data" -A trust -U postgres >/dev/null
  # Durable settings (the defaults): the figures are for commits that survive a crash.
  as_pg_owner "${PG_BIN}/pg_ctl" -D "${PG_ROOT}/data" -l "${PG_ROOT}/log" -w \
    -o "-p ${PG_PORT} -k ${PG_ROOT} -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=512MB" start >/dev/null
  PG_STARTED=1
  "${PG_BIN}/createdb" -h 127.0.0.1 -p "${PG_PORT}" -U postgres scheduling
}

main() {
  mkdir -p "${WORK}"
  log "building (Release)"
  dotnet build -c Release "${REPO_ROOT}/src/ApiHost" -v q -nologo >/dev/null
  dotnet build -c Release "${REPO_ROOT}/bench/LoadGenerator" -v q -nologo >/dev/null
  local storage_args=(--Storage:Provider=Memory)
  if [[ "${STORAGE}" == "postgres" ]]; then
    start_postgres
    storage_args=(--Storage:Provider=Postgres "--ConnectionStrings:Postgres=Host=127.0.0.1;Port=${PG_PORT};Username=postgres;Database=scheduling;Maximum Pool Size=64")
  fi
  log "starting the API host on 127.0.0.1:${PORT} (${STORAGE})"
  dotnet "${REPO_ROOT}/src/ApiHost/bin/Release/net10.0/Scheduling.ApiHost.dll" --urls "http://127.0.0.1:${PORT}" "${storage_args[@]}" \
    --Demo:Enabled=false --Logging:LogLevel:Default=Warning \
    --RateLimits:PerCompanyPerSecond=100000000 --RateLimits:PerCompanyBurst=100000000 \
    --RateLimits:AnonymousPerSecond=100000 --RateLimits:AnonymousBurst=100000 > "${WORK}/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:${PORT}/health/ready" >/dev/null 2>&1 && break
    kill -0 "${SERVER_PID}" 2>/dev/null || { cat "${WORK}/server.log" >&2; die "the server exited"; }
    sleep 0.2
  done
  for scenario in "${SCENARIOS[@]}"; do
    local appointments=0
    [[ "${scenario}" == "availability" ]] && appointments="${BENCH_APPOINTMENTS:-200}"
    dotnet "${REPO_ROOT}/bench/LoadGenerator/bin/Release/net10.0/Scheduling.LoadGenerator.dll" \
      --url "http://127.0.0.1:${PORT}" --scenario "${scenario}" --seconds "${BENCH_SECONDS:-10}" \
      --connections "${BENCH_CONNECTIONS:-32}" --employees "${BENCH_EMPLOYEES:-1000}" --appointments "${appointments}"
  done
}

main
