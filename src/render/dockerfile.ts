import { BASE_APT_PACKAGES } from '../catalog/tools.js';
import { wrapWords } from '../lib/wrap.js';
import type { Catalog } from '../catalog/index.js';
import type { Plan } from '../plan/types.js';
import { plansNoTorch } from '../plan/pyproject/plan-pyproject.js';
import { syncArgs } from './sync-args.js';
import { CANONICAL } from '../catalog/mirrors.js';
import { ACCELERATORS } from '../catalog/accelerator.js';
import { CACHE_DIRS, CONTAINER_DANLU, CONTAINER_VENV } from './paths.js';

export { CONTAINER_VENV };

/**
 * The dev image: CUDA devel (or Ubuntu for CPU plans) + apt tools + pinned uv + a user that
 * matches the host's UID/GID. Machine-specific values are build args filled from .env, so
 * this file is the same on every machine and can be committed.
 *
 * Layer order, most stable first, so a change redoes as little as possible:
 * apt base tools -> starship -> uv + cmake/ninja -> user -> cache folders -> extra apt packages.
 */
export function renderDockerfile(plan: Plan, catalog: Catalog): string {
  // python3-dev: headers for extensions built against the image's Python (uv uses it when it matches).
  const pkgs = [...BASE_APT_PACKAGES, 'python3', 'python3-dev'].sort();
  const pkgLines = wrapWords(pkgs, 70)
    .map((l) => `        ${l}`)
    .join(' \\\n');
  // No `# syntax=` line: it would make BuildKit pull a frontend image from Docker Hub, which
  // fails offline and behind the Great Firewall; the built-in frontend has RUN --mount.
  return `# Build args come from .env (per machine); see docker-compose.yml.
ARG BASE_IMAGE=${plan.committed.image}
ARG UV_IMAGE=${catalog.tools.uv.image}

FROM \${UV_IMAGE} AS uv

FROM \${BASE_IMAGE} AS dev
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ARG TZ=Etc/UTC
ENV ${['DEBIAN_FRONTEND=noninteractive', 'TZ=${TZ}', 'LANG=C.UTF-8', ...Object.entries(ACCELERATORS[plan.accelerator].imageEnv).map(([k, v]) => `${k}=${v}`)].join(' \\\n    ')}

# System packages. The apt mirror is rewritten in both formats: the classic
# sources.list (22.04) and the deb822 ubuntu.sources (24.04). Without CA certificates
# yet, an https mirror is used over http (apt still checks signatures).
ARG APT_MIRROR=""
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\
    --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \\
    if [ -n "\${APT_MIRROR}" ]; then \\
      mirror="\${APT_MIRROR%/}"; \\
      if [ ! -e /etc/ssl/certs/ca-certificates.crt ]; then mirror="\${mirror/#https:/http:}"; fi; \\
      for f in /etc/apt/sources.list /etc/apt/sources.list.d/ubuntu.sources; do \\
        if [ -f "$f" ]; then sed -i -E "s#https?://(archive|security)\\.ubuntu\\.com/ubuntu/?#\${mirror}/#g" "$f"; fi; \\
      done; \\
    fi && \\
    rm -f /etc/apt/apt.conf.d/docker-clean && \\
    echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache && \\
    apt-get update && \\
    apt-get install -y --no-install-recommends \\
${pkgLines}

# The starship prompt: a pinned release, checked against its published SHA-256.
# Optional (INSTALL_STARSHIP=false); a failed download does not fail the build.
ARG INSTALL_STARSHIP=true
ARG STARSHIP_VERSION=${catalog.tools.starship.version}
RUN if [ "\${INSTALL_STARSHIP}" = "true" ]; then \\
      url="https://github.com/starship/starship/releases/download/v\${STARSHIP_VERSION}/starship-$(uname -m)-unknown-linux-musl.tar.gz"; \\
      if curl -fsSL --retry 3 -o /tmp/starship.tgz "$url" && \\
         curl -fsSL --retry 3 -o /tmp/starship.sha256 "$url.sha256" && \\
         echo "$(awk '{print $1}' /tmp/starship.sha256)  /tmp/starship.tgz" | sha256sum -c - && \\
         tar -xzf /tmp/starship.tgz -C /usr/local/bin starship; then \\
        echo "starship \${STARSHIP_VERSION} installed"; \\
      else \\
        echo "warning: starship could not be downloaded; continuing without it" >&2; \\
      fi; \\
      rm -f /tmp/starship.tgz /tmp/starship.sha256; \\
    fi

# uv from its official image at a pinned version (no install script piped to a shell), and cmake/ninja as uv
# tools on the image's own python3, outside every folder that is mounted at run time.
COPY --from=uv /uv /uvx /usr/local/bin/
ARG PYPI_MIRROR=""
RUN --mount=type=cache,target=/root/.cache/uv \\
    UV_DEFAULT_INDEX="\${PYPI_MIRROR:-${CANONICAL.pypi}}" \\
    UV_TOOL_DIR=/opt/uv-tools UV_TOOL_BIN_DIR=/usr/local/bin \\
    UV_PYTHON_PREFERENCE=only-system UV_PYTHON=/usr/bin/python3 UV_LINK_MODE=copy \\
    bash -c 'uv tool install cmake && uv tool install ninja'

# A user with the host's name and UID/GID, with passwordless sudo. Ubuntu 23.04+ images
# already have user "ubuntu" with UID/GID 1000: an existing UID is renamed, an existing
# GID is reused. Root on the host (UID 0) stays root.
ARG USER_NAME=dev
ARG USER_UID=1000
ARG USER_GID=1000
ARG USER_HOME=/home/\${USER_NAME}
RUN if [ "\${USER_UID}" != "0" ]; then \\
      if id -u "\${USER_NAME}" >/dev/null 2>&1 && [ "$(id -u "\${USER_NAME}")" != "\${USER_UID}" ]; then \\
        userdel --remove "\${USER_NAME}" 2>/dev/null || userdel "\${USER_NAME}"; \\
      fi; \\
      if ! getent group "\${USER_GID}" >/dev/null; then \\
        if getent group "\${USER_NAME}" >/dev/null; then groupdel "\${USER_NAME}"; fi; \\
        groupadd --gid "\${USER_GID}" "\${USER_NAME}"; \\
      fi; \\
      old="$(getent passwd "\${USER_UID}" | cut -d: -f1 || true)"; \\
      if [ -z "$old" ]; then \\
        useradd --no-log-init --create-home --home-dir "\${USER_HOME}" --shell /bin/bash \\
          --uid "\${USER_UID}" --gid "\${USER_GID}" "\${USER_NAME}"; \\
      elif [ "$old" != "\${USER_NAME}" ]; then \\
        usermod --login "\${USER_NAME}" --home "\${USER_HOME}" --move-home \\
          --gid "\${USER_GID}" --shell /bin/bash "$old"; \\
        if [ "$(getent group "\${USER_GID}" | cut -d: -f1)" = "$old" ] && ! getent group "\${USER_NAME}" >/dev/null; then \\
          groupmod --new-name "\${USER_NAME}" "$old"; \\
        fi; \\
      fi; \\
      echo "\${USER_NAME} ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/danlu-user; \\
      chmod 0440 /etc/sudoers.d/danlu-user; \\
    fi && \\
    mkdir -p ${CACHE_DIRS.map((d) => `"\${USER_HOME}/${d}"`).join(' ')} \\
      "\${USER_HOME}/.local/bin" ${CONTAINER_DANLU} && \\
    chown -R "\${USER_UID}:\${USER_GID}" "\${USER_HOME}" ${CONTAINER_DANLU} && \\
    printf '%s\\n' '[ -x /usr/local/bin/starship ] && eval "$(starship init bash)"' >> "\${USER_HOME}/.bashrc"

# Project-specific system packages ([tool.danlu] apt-packages in pyproject.toml, and
# EXTRA_APT_PACKAGES in .env for this machine), last so that adding one rebuilds only this layer.
ARG PROJECT_APT_PACKAGES="${plan.aptPackages.join(' ')}"
ARG EXTRA_APT_PACKAGES=""
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\
    --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \\
    pkgs="\${PROJECT_APT_PACKAGES} \${EXTRA_APT_PACKAGES}"; \\
    if [ -n "\${pkgs// /}" ]; then \\
      apt-get update && apt-get install -y --no-install-recommends \${pkgs}; \\
    fi

# Python: the image's python3 when it is the version .python-version asks for (no download),
# else uv downloads that version once from UV_PYTHON_INSTALL_MIRROR (.env) into ~/.local/share/uv.
# The project's environment is the shell's: \`python train.py\` in danlu shell, exec, VS Code's terminal.
USER \${USER_UID}:\${USER_GID}
ENV HOME=\${USER_HOME} \\
    VIRTUAL_ENV=${CONTAINER_VENV} \\
    PATH=${CONTAINER_VENV}/bin:\${USER_HOME}/.local/bin:\${PATH} \\
    UV_PYTHON_PREFERENCE=system \\
    UV_PROJECT_ENVIRONMENT=${CONTAINER_VENV}
WORKDIR /workspace
CMD ["sleep", "infinity"]
${renderRuntimeStage(plan)}`;
}

/** uv's Python in the runtime image: inside the image, never under a folder a job mounts. */
export const RUNTIME_PYTHON_DIR = '/opt/danlu/python';
/** BuildKit cache mount for uv while the runtime image is built (not a layer of the image). */
export const RUNTIME_UV_CACHE = '/opt/danlu/uv-cache';

/**
 * The runtime stage, appended after `dev`: the locked environment (`uv sync --frozen`, no dev
 * group) and the project baked into an image built on the dev stage, so dev and cluster images
 * share every layer above. It is built from the project root, not from .devcontainer/:
 *   docker build -f .devcontainer/Dockerfile --target runtime -t IMAGE .
 * Mirrors and proxies are build args only; nothing machine-specific lands in ENV.
 * A last, empty stage keeps a build without --target making the dev image, as before.
 */
export function renderRuntimeStage(plan: Plan): string {
  const ws = plan.project.workspace;
  // What the runtime installs: the dev container's selection without the dev group (syncArgs,
  // the same function uv-sync.sh is rendered with): every other group (the README's packages)
  // and the extras the README installs.
  const sel = syncArgs(plan.pyproject.sync, false);
  // uv's cache while the image is built: a BuildKit cache mount, not a layer. Docker 20.10's
  // built-in frontend expands no build args in --mount options (uid=\${USER_UID} does not
  // parse; mode= is ignored), so a root step gives the user a folder in it; should the cache
  // have been pruned since, uv runs without one.
  const cache = `--mount=type=cache,target=${RUNTIME_UV_CACHE}`;
  const cacheDir = `${RUNTIME_UV_CACHE}/uid-\${USER_UID}`;
  // The cache mount and the image's layer are two filesystems: uv copies (and says nothing).
  const useCache = `export UV_CACHE_DIR="${cacheDir}" UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy && \\\n    if [ ! -w "$UV_CACHE_DIR" ]; then export UV_NO_CACHE=1; fi && \\`;
  return `
# The runtime image for cluster jobs (danlu export k8s|slurm): the dev image plus the locked
# environment and the project. Build it from the project root (see the root .dockerignore):
#   docker build -f .devcontainer/Dockerfile --target runtime -t IMAGE .
FROM dev AS runtime
ARG USER_UID=1000
ARG USER_GID=1000
# Folders for uv's Python, the project, and the user's part of uv's build cache (a cache
# mount, not a layer: mount options cannot take build args, so root makes it here).
USER root
RUN ${cache} \\
    mkdir -p ${RUNTIME_PYTHON_DIR} ${ws} "${cacheDir}" && \\
    chown "\${USER_UID}:\${USER_GID}" ${RUNTIME_PYTHON_DIR} ${ws} "${cacheDir}"
USER \${USER_UID}:\${USER_GID}
ENV UV_PYTHON_INSTALL_DIR=${RUNTIME_PYTHON_DIR}
WORKDIR ${ws}

# Dependencies first, from the lock alone, so a code change does not reinstall them. uv.lock
# names canonical URLs; with PYPI_MIRROR the very same pinned, hash-checked files come through
# the mirror (uv export + uv pip sync), as .devcontainer/uv-sync.sh does in the dev container.
ARG PYPI_MIRROR=""
ARG UV_DEFAULT_INDEX=${CANONICAL.pypi}
ARG PYTORCH_INDEX=${plan.committed.pytorchIndex}${plan.committed.torchExtra ? `\nARG TORCH_EXTRA=${plan.committed.torchExtra}` : ''}
ARG UV_PYTHON_INSTALL_MIRROR=https://github.com/astral-sh/python-build-standalone/releases/download
COPY --chown=\${USER_UID}:\${USER_GID} pyproject.toml uv.lock .python-version ./
RUN ${cache} \\
    ${useCache}
    if [ -n "\${PYPI_MIRROR}" ] && [ "\${PYPI_MIRROR}" != "\${UV_DEFAULT_INDEX}" ]; then \\
      req="$(mktemp)" && \\
      uv export --frozen ${sel} --no-emit-workspace --format requirements-txt --output-file "$req" >/dev/null && \\
      uv venv --allow-existing "\${UV_PROJECT_ENVIRONMENT}" && \\
      uv pip sync --python "\${UV_PROJECT_ENVIRONMENT}/bin/python" --index-url "\${PYPI_MIRROR}" \\
        --extra-index-url "\${PYTORCH_INDEX}" --index-strategy unsafe-best-match "$req" && \\
      rm -f "$req"; \\
    fi && \\
    UV_DEFAULT_INDEX="\${PYPI_MIRROR:-\${UV_DEFAULT_INDEX}}" uv sync --frozen ${sel} --no-install-workspace

# Then the project (what .dockerignore leaves in), installed into the same environment.
COPY --chown=\${USER_UID}:\${USER_GID} . .
RUN ${cache} \\
    ${useCache}
    UV_DEFAULT_INDEX="\${PYPI_MIRROR:-\${UV_DEFAULT_INDEX}}" uv sync --frozen ${sel}

# A job runs the baked environment as it is: \`uv run\` does not sync (UV_NO_SYNC), and the
# environment's bin/ comes first on PATH. The default command checks torch and the GPUs
# (a project without torch: the environment's Python).
ENV UV_NO_SYNC=1 \\
    VIRTUAL_ENV=${CONTAINER_VENV} \\
    PATH=${CONTAINER_VENV}/bin:\${PATH}
${
  plansNoTorch(plan.decisions)
    ? `CMD ["python", "-c", "import sys; print('python', sys.version.split()[0], sys.prefix)"]`
    : `CMD ["python", "-c", "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), 'gpus', torch.cuda.device_count())"]`
}

# The last stage is what a build without --target makes: the dev image, as before.
FROM dev AS devcontainer
`;
}

/**
 * The root .dockerignore: the runtime image is built with the project root as its context, so
 * local environments, secrets, VCS data, caches and data or results stay out of it (and out of
 * what is sent to the Docker engine). The dev image's context is .devcontainer/, untouched.
 * Lines are only ever added (a line you remove comes back; re-include with a later `!` line).
 */
export const DOCKERIGNORE_LINES = [
  '# danlu: the runtime image (docker build -f .devcontainer/Dockerfile --target runtime .)',
  '.git',
  '.venv',
  '.env',
  '.env.*',
  '.danlu',
  '.devcontainer',
  '.vscode',
  '.idea',
  '# caches and build output',
  '**/__pycache__',
  '**/*.py[cod]',
  '**/.ipynb_checkpoints',
  '.cache',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  'build',
  'dist',
  '*.egg-info',
  '# data and results: give a job its data through a volume, not the image',
  'data',
  'datasets',
  'checkpoints',
  'outputs',
  'runs',
  'wandb',
  'mlruns',
  'lightning_logs',
] as const;
