#!/usr/bin/env bash
# Side by side in one run (benchmarks, not tests): the same scenarios on this checkout and on a base build, alternating
# base/this for BENCH_ROUNDS rounds, each on a fresh server (and a fresh private PostgreSQL for `postgres`), driven by this
# checkout's load generator. On a machine whose speed swings by a third, the ratio of neighbouring runs is the figure.
#   bench/compare.sh memory   [availability|bookings|contention|newuser ...]
#   bench/compare.sh postgres [bookings|newuser ...]
# Environment: BENCH_BASE (35725ea, the last build on the home-made runtime), BENCH_ROUNDS (2), and those of bench/run.sh.
set -euo pipefail

readonly REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly STORAGE="${1:-memory}"
shift || true
# shellcheck disable=SC2206 # the default list splits on purpose
readonly SCENARIOS=(${@:-bookings})
readonly BASE="${BENCH_BASE:-35725ea}"
readonly BASE_TREE="/tmp/scheduling-bench/base-${BASE}"

log() { printf '[compare] %s\n' "$*" >&2; }

if [[ ! -d "${BASE_TREE}" ]]; then
  log "checking out ${BASE} in ${BASE_TREE}"
  git -C "${REPO_ROOT}" worktree add --detach "${BASE_TREE}" "${BASE}" >/dev/null
fi

for scenario in "${SCENARIOS[@]}"; do
  for round in $(seq 1 "${BENCH_ROUNDS:-2}"); do
    for build in base this; do
      root="${REPO_ROOT}"
      [[ "${build}" == "base" ]] && root="${BASE_TREE}"
      log "${scenario}, round ${round}: ${build} ($(git -C "${root}" rev-parse --short HEAD))"
      BENCH_SERVER_ROOT="${root}" "${REPO_ROOT}/bench/run.sh" "${STORAGE}" "${scenario}" 2>/dev/null \
        | grep -E '^scenario|CPU per request|statusCode' | sed "s/^/  ${build}: /"
    done
  done
done
