# Source this (`. scripts/use-node.sh`) to run everything on Node 22.12 or newer, the project's
# minimum (package.json "engines"; wrangler needs 22.12). A machine whose own Node is new enough
# keeps it; an older one gets the npm registry's `node` package (real Node binaries) installed
# into .node/ and put first on PATH, so npm, npx, wrangler, vitest and the scripts all run on it.
# Nothing is downloaded from anywhere but the npm registry.
eep_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
eep_new_enough() {
  "$1" -e 'const [a, b] = process.versions.node.split(".").map(Number);
    process.exit(a > 22 || (a === 22 && b >= 12) ? 0 : 1)' 2>/dev/null
}
if ! eep_new_enough node; then
  eep_bin="$eep_root/.node/node_modules/.bin"
  if ! eep_new_enough "$eep_bin/node"; then
    mkdir -p "$eep_root/.node"
    # The `node` package's preinstall fetches its platform's binary package from the same registry.
    printf '%s\n' '{"private":true,"dependencies":{"node":"^22.12.0"},"allowScripts":{"node":true}}' \
      >"$eep_root/.node/package.json"
    npm install --prefix "$eep_root/.node" --no-audit --no-fund --no-package-lock --loglevel=error >&2
  fi
  export PATH="$eep_bin:$PATH"
fi
unset -f eep_new_enough
unset eep_root eep_bin
