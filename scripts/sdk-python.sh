#!/usr/bin/env bash
# The Python SDK (packages/sdk-python): generated from openapi.json by openapi-python-client.
#
#   scripts/sdk-python.sh generate   # rewrite packages/sdk-python/deploysphere_sdk/generated
#   scripts/sdk-python.sh check      # fail when the committed code differs from what the generator makes
#   scripts/sdk-python.sh test       # the SDK against a running platform (DEPLOYSPHERE_API_URL,
#                                    # DEPLOYSPHERE_TOKEN, DEPLOYSPHERE_GATEWAY_URL)
#
# The generator and the SDK's dependencies (not the SDK itself: the checkout's code is put on
# PYTHONPATH, so a cached virtualenv never points at another clone) are installed once into a
# virtualenv in the download cache, named after the generator version and pyproject.toml's hash:
# ${XDG_CACHE_HOME:-$HOME/.cache}/deploysphere/sdk-python/venv-<version>-<hash>.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
GENERATOR_VERSION="${OPENAPI_PYTHON_CLIENT_VERSION:-0.29.1}"
PACKAGE="$ROOT/packages/sdk-python"
VENV="${XDG_CACHE_HOME:-$HOME/.cache}/deploysphere/sdk-python/venv-$GENERATOR_VERSION-$(sha256sum "$PACKAGE/pyproject.toml" | cut -c1-12)"
GENERATED="$PACKAGE/deploysphere_sdk/generated"

ensure_venv() {
  [ -f "$VENV/.complete" ] && return 0
  echo "[sdk-python] installing openapi-python-client==$GENERATOR_VERSION into $VENV" >&2
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
    # Debian's python3 needs python3-venv for `-m venv` (ensurepip).
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3 python3-venv >/dev/null
    rm -rf "$VENV"
    python3 -m venv "$VENV"
  fi
  local dependencies
  mapfile -t dependencies < <("$VENV/bin/python" -c 'import sys, tomllib; print("\n".join(tomllib.load(open(sys.argv[1], "rb"))["project"]["dependencies"]))' "$PACKAGE/pyproject.toml")
  "$VENV/bin/pip" install --disable-pip-version-check -q "openapi-python-client==$GENERATOR_VERSION" "${dependencies[@]}" \
    || { rm -rf "$VENV"; echo "[sdk-python] pip install failed" >&2; exit 1; }
  touch "$VENV/.complete"
}

# generate OUT_DIR: the client package for openapi.json, written to OUT_DIR.
generate_into() {
  local work
  work="$(mktemp -d)"
  # OpenAPI 3.0.3: a nullable enum lists null among its values; the generator needs it spelled out.
  "$VENV/bin/python" - "$ROOT/openapi.json" "$work/openapi.json" <<'PY'
import json, sys
def visit(node):
    if isinstance(node, dict):
        if node.get("nullable") is True and isinstance(node.get("enum"), list) and None not in node["enum"]:
            node["enum"].append(None)
        for value in node.values():
            visit(value)
    elif isinstance(node, list):
        for value in node:
            visit(value)
document = json.load(open(sys.argv[1]))
visit(document)
json.dump(document, open(sys.argv[2], "w"))
PY
  "$VENV/bin/openapi-python-client" generate --path "$work/openapi.json" --meta none --output-path "$work/generated" \
    --config "$PACKAGE/generator.yaml" --overwrite >/dev/null
  rm -rf "$1"
  mv "$work/generated" "$1"
  rm -rf "$work"
}

case "${1:-}" in
  generate)
    ensure_venv
    generate_into "$GENERATED"
    echo "[sdk-python] generated $GENERATED"
    ;;
  check)
    ensure_venv
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    generate_into "$tmp/generated"
    if ! diff -r "$tmp/generated" "$GENERATED" >"$tmp/diff" 2>&1; then
      head -n 40 "$tmp/diff" >&2
      echo "[sdk-python] packages/sdk-python is not what openapi.json generates: run npm run generate" >&2
      exit 1
    fi
    echo "[sdk-python] up to date"
    ;;
  test)
    ensure_venv
    PYTHONPATH="$PACKAGE" "$VENV/bin/python" "$PACKAGE/tests/e2e_check.py"
    ;;
  *)
    echo "usage: $0 generate|check|test" >&2
    exit 2
    ;;
esac
