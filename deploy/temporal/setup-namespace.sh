#!/bin/sh
# One-shot: waits until the Temporal frontend serves, makes sure the namespace exists and registers
# the custom search attributes given as arguments (docker compose service `temporal-namespace`).
# Idempotent: an attribute that already exists with the same type is left alone; one that exists with
# another type is a fatal error (a search attribute's type cannot be changed in place).
#
#   setup-namespace.sh Name=Type [Name=Type ...]      Type as `temporal operator search-attribute
#                                                     create --type` spells it: Keyword, Datetime, …
# Environment: TEMPORAL_ADDRESS (host:port, required), TEMPORAL_NAMESPACE (default "default"),
# TEMPORAL_NAMESPACE_RETENTION (closed-workflow retention for a new namespace, default 720h),
# TEMPORAL_CLI (default "temporal"), SETUP_MAX_ATTEMPTS (default 90), SETUP_RETRY_SECONDS (default 2).
set -eu

address=${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS (host:port) is required}
namespace=${TEMPORAL_NAMESPACE:-default}
retention=${TEMPORAL_NAMESPACE_RETENTION:-720h}
cli=${TEMPORAL_CLI:-temporal}
max_attempts=${SETUP_MAX_ATTEMPTS:-90}
retry_seconds=${SETUP_RETRY_SECONDS:-2}

if [ "$#" -eq 0 ]; then
  echo "usage: $0 Name=Type [Name=Type ...]" >&2
  exit 2
fi
for pair in "$@"; do
  case $pair in
    ?*=?*) ;;
    *) echo "temporal-namespace: \"$pair\" is not Name=Type" >&2; exit 2 ;;
  esac
done

say() { echo "temporal-namespace: $*"; }

# retry DESCRIPTION COMMAND [ARG...]: runs COMMAND until it succeeds, at most max_attempts times.
retry() {
  what=$1
  shift
  attempt=1
  until "$@"; do
    if [ "$attempt" -ge "$max_attempts" ]; then
      say "gave up waiting for $what after $attempt attempts" >&2
      return 1
    fi
    say "waiting for $what (attempt $attempt/$max_attempts)"
    attempt=$((attempt + 1))
    sleep "$retry_seconds"
  done
}

serving() { "$cli" operator cluster health --address "$address" >/dev/null 2>&1; }

namespace_exists() { "$cli" operator namespace describe --namespace "$namespace" --address "$address" >/dev/null 2>&1; }

ensure_namespace() {
  namespace_exists && return 0
  "$cli" operator namespace create --namespace "$namespace" --retention "$retention" --address "$address" >/dev/null 2>&1 && return 0
  namespace_exists # another process may have created it meanwhile
}

lower() { printf '%s' "$1" | tr '[:upper:]' '[:lower:]'; }

# The type the namespace has for attribute $1 (empty when it has none); fails when it cannot list.
attribute_type() {
  listing=$("$cli" operator search-attribute list --namespace "$namespace" --address "$address" 2>/dev/null) || return 1
  printf '%s\n' "$listing" | awk -v name="$1" '$1 == name { print $2; exit }'
}

ensure_attribute() { # NAME TYPE
  current=$(attribute_type "$1") || return 1
  if [ -z "$current" ]; then
    # Newly created attributes can take a few seconds to show in the listing; the retry loop rechecks.
    "$cli" operator search-attribute create --namespace "$namespace" --name "$1" --type "$2" --address "$address" >/dev/null 2>&1 || true
    current=$(attribute_type "$1") || return 1
    [ -n "$current" ] || return 1
  fi
  if [ "$(lower "$current")" != "$(lower "$2")" ]; then
    say "search attribute $1 exists in namespace $namespace with type $current, not $2; fix it by hand" >&2
    exit 3
  fi
}

retry "Temporal at $address to serve" serving
retry "namespace $namespace" ensure_namespace
say "namespace $namespace is registered"
for pair in "$@"; do
  name=${pair%%=*}
  type=${pair#*=}
  retry "search attribute $name" ensure_attribute "$name" "$type"
  say "search attribute $name ($type) is registered"
done
say 'done'
