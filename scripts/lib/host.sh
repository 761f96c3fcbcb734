# Shared by scripts/test.sh and scripts/cluster-local.sh: what the machine must have, installed from
# Debian's packages when missing. The sourcing script defines log() and die() and the variables
# APT_UPDATED=0 and PG_BIN="" before sourcing this file.

is_root() { [[ "$(id -u)" -eq 0 ]]; }

apt_install() {
  is_root || die "missing packages ($*); install them or rerun as root"
  command -v apt-get >/dev/null || die "missing packages ($*) and no apt-get to install them"
  if [[ "${APT_UPDATED}" -eq 0 ]]; then
    apt-get update -q >&2
    APT_UPDATED=1
  fi
  apt-get install -y -q --no-install-recommends "$@" >&2
}

find_pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "${dir}" && -x "${dir}/postgres" ]]; then
    printf '%s\n' "${dir}"
  elif command -v pg_config >/dev/null && [[ -x "$(pg_config --bindir)/postgres" ]]; then
    pg_config --bindir
  fi
}

# Sets PG_BIN, installing PostgreSQL first when it is missing.
ensure_postgres() {
  PG_BIN="$(find_pg_bin)"
  if [[ -z "${PG_BIN}" ]]; then
    log "installing PostgreSQL"
    apt_install postgresql postgresql-contrib
    PG_BIN="$(find_pg_bin)"
    [[ -n "${PG_BIN}" ]] || die "PostgreSQL was installed but no postgres binary was found"
  fi
  if is_root; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user to run the server"
  fi
}

# PostgreSQL refuses to run as root, so as root everything touching a cluster runs as `postgres`.
as_pg_owner() {
  if is_root; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}
