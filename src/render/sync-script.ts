import type { Plan } from '../plan/types.js';
import { CONTAINER_VENV } from './dockerfile.js';
import { syncArgs } from './sync-args.js';
import { CANONICAL } from '../catalog/mirrors.js';

export { syncArgs };

/**
 * .devcontainer/uv-sync.sh: installs the locked environment inside the container.
 * uv.lock keeps canonical index URLs; with a PyPI mirror set for this machine the same
 * pinned, hash-checked files are installed through the mirror (uv export + uv pip sync).
 */
export function renderSyncScript(plan: Plan): string {
  const sel = syncArgs(plan.pyproject.sync);
  return `#!/usr/bin/env bash
# Installs the project's locked environment into ${CONTAINER_VENV} (VS Code runs it as updateContentCommand).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f pyproject.toml ]; then
  echo "uv-sync: no pyproject.toml here; nothing to install" >&2
  exit 0
fi
if [ ! -f uv.lock ]; then
  # The index without its user and token (a mirror's, from .env): the log is no place for them.
  index="$(printf '%s' "\${UV_DEFAULT_INDEX:-${CANONICAL.pypi}}" | sed -E 's#//([^/:@]*):[^/]*@#//\\1:***@#; s#//[^/:]*@#//***@#')"
  echo "uv-sync: no uv.lock yet; locking against $index" >&2
  uv lock
fi

mirror="\${PYPI_MIRROR:-}"
if [ -n "$mirror" ] && [ "$mirror" != "\${UV_DEFAULT_INDEX:-}" ]; then
  # The lock names PyPI; install the very same files (same hashes) through the mirror.
  req="$(mktemp)"
  trap 'rm -f "$req"' EXIT
  uv export --frozen ${sel} --no-emit-project --format requirements-txt --output-file "$req" >/dev/null
  uv venv --allow-existing "\${UV_PROJECT_ENVIRONMENT:-${CONTAINER_VENV}}"
  uv pip sync --python "\${UV_PROJECT_ENVIRONMENT:-${CONTAINER_VENV}}/bin/python" \\
    --index-url "$mirror" --extra-index-url "\${PYTORCH_INDEX:-https://download.pytorch.org/whl/cpu}" \\
    --index-strategy unsafe-best-match "$req"
  uv sync --frozen ${sel} --inexact
else
  uv sync --frozen ${sel}
fi
`;
}
