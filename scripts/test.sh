#!/usr/bin/env bash
# The one command that runs every test on a fresh machine: installs what is missing, starts a private
# throwaway PostgreSQL, runs `dotnet test` on the solution and ends with one summary line
# ("tests: N passed, M failed[, K skipped]"). Exits non-zero when a test failed or none ran.
set -euo pipefail

readonly REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly PG_PORT=55432
# Under /tmp rather than the repo: when run as root the server runs as `postgres`, which may not be
# able to traverse the directory the repository was cloned into (e.g. /root).
readonly PG_ROOT="/tmp/scheduling-test-postgres-${PG_PORT}"
readonly PG_DATA="${PG_ROOT}/data"
readonly PG_LOG="${PG_ROOT}/server.log"
readonly LOG_DIR="${REPO_ROOT}/.tmp/test-logs"
readonly TEST_LOG="${LOG_DIR}/dotnet-test.log"

export DEBIAN_FRONTEND=noninteractive
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

PG_BIN=""
PG_STARTED_HERE=0
APT_UPDATED=0
SUMMARY=""

log() { printf '[test.sh] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# shellcheck source=lib/host.sh
source "${REPO_ROOT}/scripts/lib/host.sh"

# ---- dependencies: one function each -------------------------------------------------------------

ensure_dotnet() {
  command -v dotnet >/dev/null \
    || die "the .NET SDK is not on PATH (see global.json for the version this repository needs)"
}

# The operations tests: docker-compose validates docker-compose.yml (`config` only parses; no Docker
# engine is needed); nginx and curl run the Docker-free cluster of scripts/cluster-local.sh.
ensure_docker_compose() {
  local missing=()
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
  command -v curl >/dev/null || missing+=(curl)
  if [[ ${#missing[@]} -gt 0 ]]; then
    log "installing ${missing[*]}"
    apt_install "${missing[@]}"
  fi
}

# The booking widget's browser tests (tests/Widget.Tests) drive Debian's chromium through Playwright's .NET
# package, which brings its own driver; the browser itself is never downloaded.
ensure_chromium() {
  if [[ ! -x /usr/bin/chromium ]]; then
    log "installing chromium"
    apt_install chromium fonts-liberation
  fi
}

# ---- private PostgreSQL --------------------------------------------------------------------------

pg_ready() {
  "${PG_BIN}/pg_isready" -q -h 127.0.0.1 -p "${PG_PORT}" -t 2
}

start_postgres() {
  if pg_ready; then
    log "reusing the PostgreSQL already listening on port ${PG_PORT}"
    return
  fi

  # A fresh cluster every run: tests never see databases left over by an earlier run.
  if [[ -f "${PG_DATA}/postmaster.pid" ]]; then
    as_pg_owner "${PG_BIN}/pg_ctl" -D "${PG_DATA}" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "${PG_ROOT}"
  mkdir -p "${PG_ROOT}"
  chmod 700 "${PG_ROOT}"
  if is_root; then
    chown postgres:postgres "${PG_ROOT}"
  fi

  log "initializing a throwaway PostgreSQL cluster in ${PG_DATA}"
  as_pg_owner "${PG_BIN}/initdb" -D "${PG_DATA}" -A trust -U postgres -E UTF8 --no-instructions \
    >"${PG_ROOT}/initdb.log" 2>&1 || { cat "${PG_ROOT}/initdb.log" >&2; die "initdb failed"; }

  log "starting PostgreSQL on 127.0.0.1:${PG_PORT}"
  PG_STARTED_HERE=1
  as_pg_owner "${PG_BIN}/pg_ctl" -D "${PG_DATA}" -l "${PG_LOG}" -w -t 60 \
    -o "-p ${PG_PORT} -k ${PG_ROOT} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null || { tail -n 50 "${PG_LOG}" >&2 || true; die "PostgreSQL did not start"; }

  local attempt
  for attempt in $(seq 1 30); do
    pg_ready && return
    sleep 1
  done
  tail -n 50 "${PG_LOG}" >&2 || true
  die "PostgreSQL is not accepting connections on port ${PG_PORT}"
}

stop_postgres() {
  if [[ "${PG_STARTED_HERE}" -eq 1 ]]; then
    log "stopping the PostgreSQL started by this script"
    as_pg_owner "${PG_BIN}/pg_ctl" -D "${PG_DATA}" -m fast -w stop >/dev/null 2>&1 || true
    PG_STARTED_HERE=0
  fi
}

# ---- tests ---------------------------------------------------------------------------------------

# Sums the per-project result lines of `dotnet test`, e.g.
#   "Passed!  - Failed:     0, Passed:    12, Skipped:     0, Total:    12, Duration: 1 s - X.dll (net10.0)"
# and prints "<passed> <failed> <skipped>".
count_results() {
  sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$1" \
    | grep -E '^[[:space:]]*(Passed|Failed)![[:space:]]+-[[:space:]]+Failed:' \
    | awk -F'[:,]' '{
        for (i = 1; i < NF; i++) {
          n = split($i, words, /[^A-Za-z]+/); key = words[n]
          value = $(i + 1); gsub(/[^0-9]/, "", value)
          if (key == "Failed") failed += value
          else if (key == "Passed") passed += value
          else if (key == "Skipped") skipped += value
        }
      } END { printf "%d %d %d\n", passed, failed, skipped }'
}

run_tests() {
  mkdir -p "${LOG_DIR}"
  : >"${TEST_LOG}"
  local status=0

  log "restoring packages"
  dotnet restore Cluster.sln 2>&1 | tee -a "${TEST_LOG}" || status=$?

  if [[ "${status}" -eq 0 ]]; then
    log "running dotnet test (full log: ${TEST_LOG})"
    # The hang timeout turns a deadlocked test into a failure instead of a CI job that never ends.
    dotnet test Cluster.sln -c Release --no-restore \
      --blame-hang-timeout 15m --blame-hang-dump-type none \
      --results-directory "${REPO_ROOT}/.tmp/test-results" \
      2>&1 | tee -a "${TEST_LOG}" || status=$?
  fi

  local passed failed skipped
  read -r passed failed skipped < <(count_results "${TEST_LOG}")

  SUMMARY="tests: ${passed} passed, ${failed} failed"
  if [[ "${skipped}" -gt 0 ]]; then
    SUMMARY+=", ${skipped} skipped"
  fi

  if [[ "${status}" -ne 0 ]]; then
    # An aborted test host prints no result line, so its tests are missing from the counts.
    if grep -q 'Test Run Aborted' "${TEST_LOG}"; then
      log "a test host aborted; its tests are not counted (see ${TEST_LOG})"
    fi
    log "dotnet exited with status ${status}"
    return 1
  fi
  if [[ $((passed + failed)) -eq 0 ]]; then
    log "no tests ran"
    return 1
  fi
  [[ "${failed}" -eq 0 ]]
}

main() {
  cd "${REPO_ROOT}"
  trap stop_postgres EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  ensure_dotnet
  ensure_docker_compose
  ensure_chromium
  if [[ -n "${SCHEDULING_TEST_POSTGRES:-}" ]]; then
    log "using the PostgreSQL given by SCHEDULING_TEST_POSTGRES"
  else
    ensure_postgres
    start_postgres
    export SCHEDULING_TEST_POSTGRES="Host=127.0.0.1;Port=${PG_PORT};Username=postgres;Database=postgres"
  fi

  local status=0
  run_tests || status=$?
  # Stop the server before printing the summary so that it stays the last line of output.
  stop_postgres
  echo "${SUMMARY}"
  exit "${status}"
}

main "$@"
