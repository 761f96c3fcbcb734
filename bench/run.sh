#!/usr/bin/env bash
# Benchmarks (not tests): starts the API host in Release on the chosen storage, runs load scenarios
# against it from the same machine, prints throughput and p50/p99, and stops everything it started.
#   bench/run.sh memory   [availability|bookings|contention|newuser ...]
#   bench/run.sh postgres [availability|bookings|contention|newuser ...]   (durable: fsync and synchronous_commit on)
#   bench/run.sh baseline [json|book|slots ...]   the issue's yardsticks (bench/Baseline) on durable PostgreSQL, driven by wrk
# Environment: BENCH_SECONDS (10), BENCH_CONNECTIONS (32), BENCH_EMPLOYEES (1000; newuser: BENCH_NEWUSER_EMPLOYEES, 100),
# BENCH_APPOINTMENTS (200, availability only), BENCH_SERVER_ROOT (the checkout whose API host is measured; default this
# one: bench/compare.sh points it at another build, the load generator stays this checkout's).
set -euo pipefail

readonly REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly SERVER_ROOT="${BENCH_SERVER_ROOT:-${REPO_ROOT}}"
readonly STORAGE="${1:-memory}"
shift || true
DEFAULT_SCENARIO=availability
[[ "${STORAGE}" == "baseline" ]] && DEFAULT_SCENARIO="json book slots"
# shellcheck disable=SC2206 # the default list splits on purpose
readonly SCENARIOS=(${@:-${DEFAULT_SCENARIO}})
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

# Starts "$@" in the background as SERVER_PID (output in server.log) and waits until ${1}'s URL answers.
start_server() {
  local probe="$1"
  shift
  "$@" > "${WORK}/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:${PORT}${probe}" >/dev/null 2>&1 && return
    kill -0 "${SERVER_PID}" 2>/dev/null || { cat "${WORK}/server.log" >&2; die "the server exited"; }
    sleep 0.2
  done
  die "the server did not answer ${probe}"
}

# The issue's yardsticks measured on this machine: a bare Kestrel JSON endpoint and the classic design (one
# INSERT guarded by an exclusion constraint per booking, one query per slot lookup), with the same pool settings.
baseline() {
  command -v wrk >/dev/null || apt_install wrk
  dotnet build -c Release "${REPO_ROOT}/bench/Baseline" -v q -nologo >/dev/null
  start_postgres
  log "starting the classic design on 127.0.0.1:${PORT} (1,000 employees, 200 bookings each over 28 days)"
  start_server /json dotnet "${REPO_ROOT}/bench/Baseline/bin/Release/net10.0/Scheduling.Baseline.dll" --urls "http://127.0.0.1:${PORT}" \
    "--ConnectionStrings:Postgres=Host=127.0.0.1;Port=${PG_PORT};Username=postgres;Database=scheduling;Maximum Pool Size=64;Max Auto Prepare=64;No Reset On Close=true"
  cd "${REPO_ROOT}"   # the wrk scripts load their helpers by paths from the repository root
  for scenario in "${SCENARIOS[@]}"; do
    log "${scenario}: ${BENCH_SECONDS:-10} s on ${BENCH_CONNECTIONS:-32} connections after a 3 s warm-up"
    BASELINE_SCENARIO="${scenario}" wrk -t2 -c"${BENCH_CONNECTIONS:-32}" -d3s -s "${REPO_ROOT}/bench/wrk/baseline.lua" "http://127.0.0.1:${PORT}" >/dev/null
    BASELINE_SCENARIO="${scenario}" wrk -t2 -c"${BENCH_CONNECTIONS:-32}" -d"${BENCH_SECONDS:-10}s" --latency \
      -s "${REPO_ROOT}/bench/wrk/baseline.lua" "http://127.0.0.1:${PORT}" | grep -E 'Requests/sec|requests in|Non-2xx| (50|99)%'
  done
}

main() {
  mkdir -p "${WORK}"
  if [[ "${STORAGE}" == "baseline" ]]; then
    baseline
    return
  fi
  log "building (Release)"
  dotnet build -c Release "${SERVER_ROOT}/src/ApiHost" -v q -nologo >/dev/null
  dotnet build -c Release "${REPO_ROOT}/bench/LoadGenerator" -v q -nologo >/dev/null
  local storage_args=(--Storage:Provider=Memory)
  if [[ "${STORAGE}" == "postgres" ]]; then
    start_postgres
    storage_args=(--Storage:Provider=Postgres "--ConnectionStrings:Postgres=Host=127.0.0.1;Port=${PG_PORT};Username=postgres;Database=scheduling;Maximum Pool Size=64")
  fi
  rm -rf "${WORK}/mail"   # the e-mails of the newuser scenario (.eml files on the embedded default)
  log "starting the API host of ${SERVER_ROOT} on 127.0.0.1:${PORT} (${STORAGE})"
  start_server /health/ready dotnet "${SERVER_ROOT}/src/ApiHost/bin/Release/net10.0/Scheduling.ApiHost.dll" --urls "http://127.0.0.1:${PORT}" "${storage_args[@]}" \
    --Demo:Enabled=false --Logging:LogLevel:Default=Warning "--Notifications:Directory=${WORK}/mail" \
    --RateLimits:PerCompanyPerSecond=100000000 --RateLimits:PerCompanyBurst=100000000 \
    --RateLimits:AnonymousPerSecond=100000 --RateLimits:AnonymousBurst=100000
  for scenario in "${SCENARIOS[@]}"; do
    local appointments=0 employees="${BENCH_EMPLOYEES:-1000}"
    [[ "${scenario}" == "availability" ]] && appointments="${BENCH_APPOINTMENTS:-200}"
    [[ "${scenario}" == "newuser" ]] && employees="${BENCH_NEWUSER_EMPLOYEES:-100}"
    dotnet "${REPO_ROOT}/bench/LoadGenerator/bin/Release/net10.0/Scheduling.LoadGenerator.dll" \
      --url "http://127.0.0.1:${PORT}" --scenario "${scenario}" --seconds "${BENCH_SECONDS:-10}" \
      --connections "${BENCH_CONNECTIONS:-32}" --employees "${employees}" --appointments "${appointments}" \
      --server-pid "${SERVER_PID}"
  done
}

main
