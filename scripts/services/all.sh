#!/usr/bin/env bash
# Run one action on several test services (default: all of them).
#
#   scripts/services/all.sh start|stop|status|env|restart [name...]
#
#   e.g.  scripts/services/all.sh start redis kafka
#         eval "$(scripts/services/all.sh env)"
#
# Names are the scripts beside this one: redis clickhouse kafka moto registry.
# start/restart go in the order given and stop at the first failure; stop goes in
# reverse order and always tries every service; status reports all, failing if any is down.
set -euo pipefail

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ALL_SERVICES=(redis clickhouse kafka moto registry)

action="${1:-}"
[ "$#" -gt 0 ] && shift
names=("$@")
[ "${#names[@]}" -gt 0 ] || names=("${ALL_SERVICES[@]}")

for name in "${names[@]}"; do
  [ -f "$DIR/$name.sh" ] || { echo "all.sh: unknown service '$name' (known: ${ALL_SERVICES[*]})" >&2; exit 2; }
done

case "$action" in
  start | restart | env)
    for name in "${names[@]}"; do
      bash "$DIR/$name.sh" "$action"
    done
    ;;
  stop)
    rc=0
    for ((i = ${#names[@]} - 1; i >= 0; i--)); do
      bash "$DIR/${names[$i]}.sh" stop || rc=1
    done
    exit "$rc"
    ;;
  status)
    rc=0
    for name in "${names[@]}"; do
      bash "$DIR/$name.sh" status || rc=1
    done
    exit "$rc"
    ;;
  *)
    echo "usage: $0 start|stop|status|env|restart [${ALL_SERVICES[*]}]" >&2
    exit 2
    ;;
esac
