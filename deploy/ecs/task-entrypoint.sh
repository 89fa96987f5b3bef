#!/usr/bin/env bash
# DeploySphere ECS build task entrypoint (/usr/local/bin/deploysphere-ecs-task in the ECS builder
# image, the task definition's entryPoint). Fargate has no bind mounts, so the orchestrator's ECS
# runner (apps/orchestrator/src/runner/ecs) hands the build its inputs and collects its output through S3
# objects reached with presigned URLs: the task needs no AWS permissions, and the project's env
# (secrets included) never appears in the task's overrides, which DescribeTasks shows.
#
#   DEPLOYSPHERE_SOURCE_URL  GET  gzipped tar of the source        -> /workspace/src
#   DEPLOYSPHERE_ENV_URL     GET  JSON object of the build's env   -> exported for the build only
#   DEPLOYSPHERE_OUTPUT_URL  PUT  gzipped tar of /workspace/out    (only after a successful build)
#   DEPLOYSPHERE_RESULT_URL  PUT  /workspace/build-result.json     (always, when the builder wrote it)
#
# Then it runs the builder (deploysphere-build, contract in docs/builder.md) and exits with its
# status; 3 when the inputs cannot be fetched, 13 when the output cannot be uploaded.
# It never prints a URL or an env value.
set -uo pipefail
umask 022

WORKSPACE="${DEPLOYSPHERE_WORKSPACE:-/workspace}"
BUILDER="${DEPLOYSPHERE_BUILDER:-/usr/local/bin/deploysphere-build}"
SCRATCH="$(mktemp -d /tmp/deploysphere-task.XXXXXX)" || exit 3

say() { printf '==> [%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() {
  printf '!!! %s\n' "$2" >&2
  exit "$1"
}

# transfer get URL FILE | put URL FILE [content-type] | env FILE OUT — plain http(s) with retries,
# streamed with an explicit Content-Length (presigned S3 PUTs refuse chunked bodies).
transfer() {
  node - "$@" <<'JS'
const fs = require('fs');
const [mode, a, b, c] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function request(url, options, body) {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? require('https') : require('http');
  return new Promise((resolve, reject) => {
    const req = lib.request(u, options, (res) => resolve(res));
    req.on('error', reject);
    if (body) body.pipe(req); else req.end();
  });
}
async function attempt(fn) {
  for (let i = 1; ; i++) {
    try { return await fn(); } catch (err) {
      if (i >= 4) throw err;
      await sleep(500 * 2 ** i);
    }
  }
}
(async () => {
  if (mode === 'get') {
    await attempt(async () => {
      const res = await request(a, { method: 'GET' });
      if (res.statusCode !== 200) { res.resume(); throw new Error(`GET answered ${res.statusCode}`); }
      await new Promise((resolve, reject) => res.pipe(fs.createWriteStream(b)).on('finish', resolve).on('error', reject));
    });
  } else if (mode === 'put') {
    await attempt(async () => {
      const size = fs.statSync(b).size;
      const res = await request(a, { method: 'PUT', headers: { 'content-length': size, 'content-type': c || 'application/octet-stream' } }, fs.createReadStream(b));
      res.resume();
      if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`PUT answered ${res.statusCode}`);
    });
  } else if (mode === 'env') {
    const env = JSON.parse(fs.readFileSync(a, 'utf8'));
    const out = [];
    for (const [k, v] of Object.entries(env)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) || typeof v !== 'string' || v.includes('\0')) continue;
      out.push(`${k}=${v}\0`);
    }
    fs.writeFileSync(b, out.join(''), { mode: 0o600 });
  }
})().catch((err) => { process.stderr.write(`transfer ${mode}: ${err.message}\n`); process.exit(1); });
JS
}

for v in DEPLOYSPHERE_SOURCE_URL DEPLOYSPHERE_ENV_URL DEPLOYSPHERE_OUTPUT_URL DEPLOYSPHERE_RESULT_URL; do
  [[ -n "${!v:-}" ]] || die 3 "$v is not set (this image runs as a DeploySphere ECS build task)"
done
output_url="$DEPLOYSPHERE_OUTPUT_URL"
result_url="$DEPLOYSPHERE_RESULT_URL"

say "Fetching source"
transfer get "$DEPLOYSPHERE_SOURCE_URL" "$SCRATCH/source.tar.gz" || die 3 "could not download the source"
mkdir -p "$WORKSPACE/src" || die 3 "cannot create $WORKSPACE/src"
tar -xzf "$SCRATCH/source.tar.gz" -C "$WORKSPACE/src" --no-same-owner --no-same-permissions || die 3 "the source archive is invalid"
rm -f "$SCRATCH/source.tar.gz"

transfer get "$DEPLOYSPHERE_ENV_URL" "$SCRATCH/env.json" || die 3 "could not download the build environment"
transfer env "$SCRATCH/env.json" "$SCRATCH/env" || die 3 "the build environment is invalid"
rm -f "$SCRATCH/env.json"
unset DEPLOYSPHERE_SOURCE_URL DEPLOYSPHERE_ENV_URL DEPLOYSPHERE_OUTPUT_URL DEPLOYSPHERE_RESULT_URL
while IFS= read -r -d '' kv; do export "${kv?}"; done <"$SCRATCH/env"
rm -f "$SCRATCH/env"

"$BUILDER"
rc=$?

if [[ -f "$WORKSPACE/build-result.json" ]]; then
  transfer put "$result_url" "$WORKSPACE/build-result.json" application/json || printf '    warning: could not upload build-result.json\n'
fi
if ((rc == 0)); then
  say "Uploading output"
  tar -czf "$SCRATCH/output.tar.gz" -C "$WORKSPACE/out" . || die 13 "could not pack the output"
  transfer put "$output_url" "$SCRATCH/output.tar.gz" application/gzip || die 13 "could not upload the output"
fi
rm -rf "$SCRATCH"
exit "$rc"
