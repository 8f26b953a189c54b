import { hostOf } from '../network/targets.js';
import { parseProxyUrl, proxyLayers, resolveProxy, formatProxyUrl, type ProxyHostFacts } from '../network/proxy.js';
import { checkImages, DOCKER_CONFLICTS, DOCKER_PACKAGES, hostSources, HOST_SOURCES_PROVENANCE, WSL_DRIVER_PATTERNS } from './sources.js';
import type { UbuntuRelease } from '../catalog/cuda-images.js';

/**
 * `danlu setup-host`: seed 001 as one idempotent bash script for Ubuntu 22.04/24.04 and
 * WSL2. Pure: options in, text out. Every step checks before it changes anything, so a
 * second run changes nothing. Every path the script reads or writes is under
 * ${DANLU_ROOT:-} (empty = /), which lets tests run it in a throwaway root.
 */

export interface SetupHostOptions {
  target: 'ubuntu' | 'wsl2';
  release: UbuntuRelease;
  mirror: 'global' | 'cn';
  /** The proxy URL as given; credentials never end up in the script (see DANLU_PROXY_SECRET). */
  proxy: string | null;
  /** For the proxy: WSL networking mode and host name (WSL2 NAT rewrites 127.0.0.1). */
  facts: Pick<ProxyHostFacts, 'wslNetworkingMode' | 'hostname' | 'gateway' | 'nameserver'>;
  /** NO_PROXY entries beyond the defaults (the cluster's domains...). */
  noProxy: readonly string[];
  version: string;
}

export interface SetupStep {
  id: string;
  title: string;
  /** One line: what it changes. */
  what: string;
  /** What to do when it fails (the script's own `fix:` line is more specific). */
  fix: string;
}

export interface SetupScript {
  text: string;
  steps: SetupStep[];
  warnings: string[];
  /** The proxy as printed (credentials masked); null without a proxy. */
  proxy: { given: string; host: string; containers: string; noProxy: string; credentials: boolean } | null;
}

/** The environment variable that carries the proxy's password (or token) to the script. */
export const SECRET_VAR = 'DANLU_PROXY_SECRET';
const SECRET_TOKEN = '@@DANLU_SECRET@@';

/** Single-quoted shell word. */
const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Text for an unquoted heredoc: nothing expands except the @@NAME@@ tokens, which become ${NAME}. */
function heredocText(text: string): string {
  return text.replace(/[\\$`]/g, (c) => `\\${c}`).replace(/@@([A-Z_]+)@@/g, '${$1}');
}

/** Indents a function body by two spaces, except inside here-documents (their text is literal). */
function indentBody(body: string): string {
  const out: string[] = [];
  let terminator: string | null = null;
  for (const line of body.replace(/\s+$/, '').split('\n')) {
    if (terminator !== null) {
      out.push(line);
      if (line === terminator) terminator = null;
      continue;
    }
    out.push(line === '' ? line : `  ${line}`);
    const m = /<<-?\s*'?([A-Za-z_]+)'?/.exec(line);
    if (m) terminator = m[1]!;
  }
  return out.join('\n');
}

/** The secret to hand the script in DANLU_PROXY_SECRET (percent-encoding as in the URL). */
export function proxySecret(url: string): string | null {
  const p = parseProxyUrl(url);
  return p.password || p.username || null;
}

/** A shell assignment of a proxy URL: literal, or built around ${DANLU_PROXY_SECRET}. */
function urlAssignment(name: string, url: string): string {
  const p = parseProxyUrl(url);
  const secretPart = p.password || p.username;
  if (!secretPart) return `${name}=${sq(url)}`;
  const template = p.password ? formatProxyUrl({ ...p, password: SECRET_TOKEN }) : formatProxyUrl({ ...p, username: SECRET_TOKEN });
  return `${name}="${template.replace(SECRET_TOKEN, `\${${SECRET_VAR}}`)}"`;
}

const HELPERS = String.raw`
# ---------------------------------------------------------------------------------------
# Helpers
say() { printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
# die MESSAGE FIX: stop here, saying what failed and what to do about it.
die() {
  printf 'error: %s\n' "$1" >&2
  if [ -n "\${2:-}" ]; then printf 'fix: %s\n' "$2" >&2; fi
  exit 1
}

# install_file MODE PATH < CONTENT: replaces PATH only when its content or mode differs.
# Returns 0 when it wrote the file, 1 when the file was already so.
install_file() {
  local mode="$1" path="$2" tmp
  tmp="$(mktemp)"
  cat >"$tmp"
  if [ -f "$path" ] && cmp -s "$tmp" "$path" && [ "$(stat -c %a "$path")" = "$mode" ]; then
    rm -f "$tmp"
    note "unchanged $path"
    return 1
  fi
  mkdir -p "$(dirname "$path")"
  install -m "$mode" "$tmp" "$path"
  rm -f "$tmp"
  note "wrote $path"
  return 0
}

# pkg_installed NAME: the package is installed (not merely known to dpkg).
pkg_installed() {
  # shellcheck disable=SC2016
  dpkg-query -W -f='\${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# apt_update: package lists fresh for this run; apt_update force: again, after a source changed.
# danlu setup-host --apply runs one step per process and names the run in DANLU_RUN_ID.
APT_UPDATED=0
apt_update() {
  if [ "\${1:-}" != force ]; then
    if [ "$APT_UPDATED" = 1 ]; then return 0; fi
    if [ -n "\${DANLU_RUN_ID:-}" ] && [ "$(cat "$STATE/apt-updated" 2>/dev/null || true)" = "$DANLU_RUN_ID" ]; then return 0; fi
  fi
  say "apt-get update"
  apt-get update || die "apt-get update failed" "read the lines above: a mirror or repository that does not answer (try --mirror global, or check the proxy), or a key that does not match"
  APT_UPDATED=1
  if [ -n "\${DANLU_RUN_ID:-}" ]; then
    mkdir -p "$STATE"
    printf '%s\n' "$DANLU_RUN_ID" >"$STATE/apt-updated"
  fi
}

# apt_install PACKAGE...: installs the ones that are missing; nothing when all are there.
apt_install() {
  local missing=() p
  for p in "$@"; do
    if ! pkg_installed "$p"; then missing+=("$p"); fi
  done
  if [ "\${#missing[@]}" -eq 0 ]; then
    note "already installed: $*"
    return 0
  fi
  apt_update
  say "apt-get install \${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y "\${missing[@]}" || die "apt-get install \${missing[*]} failed" "read apt's message above; then run this script again"
}

# own_by_user PATH...: files in the user's home belong to the user, not to root.
own_by_user() {
  if [ "$(id -u)" = 0 ]; then chown "$TARGET_USER:" "$@"; fi
}

# user_dir DIR: DIR (in the user's home) exists; the folders made for it belong to the user.
user_dir() {
  if [ -d "$1" ]; then return 0; fi
  user_dir "$(dirname "$1")"
  mkdir "$1"
  own_by_user "$1"
}

is_wsl() {
  [ -n "\${WSL_DISTRO_NAME:-}" ] || grep -qi microsoft "$ROOT/proc/version" 2>/dev/null
}

# other_files_with PATTERN EXCEPT: apt source files other than EXCEPT that mention PATTERN.
other_files_with() {
  local f
  for f in "$ROOT/etc/apt/sources.list" "$ROOT"/etc/apt/sources.list.d/*.list "$ROOT"/etc/apt/sources.list.d/*.sources; do
    if [ -f "$f" ] && [ "$f" != "$2" ] && grep -qE "$1" "$f"; then printf '%s ' "$f"; fi
  done
}
`.replace(/\\\$\{/g, '${');

export function buildSetupScript(o: SetupHostOptions): SetupScript {
  const src = hostSources(o.mirror);
  const images = checkImages(o.release, src.registry);
  const wsl = o.target === 'wsl2';
  const facts: ProxyHostFacts = { os: wsl ? 'wsl2' : 'linux', ...o.facts };
  const warnings: string[] = [];
  const steps: SetupStep[] = [];
  const bodies: string[] = [];
  const add = (step: SetupStep, body: string) => {
    steps.push(step);
    bodies.push(`step_${step.id.replace(/-/g, '_')}() {\n  say ${sq(`[${step.id}] ${step.title}`)}\n${indentBody(body)}\n}`);
  };

  const proxy = o.proxy ? resolveProxy(o.proxy, facts, o.noProxy) : null;
  if (proxy) warnings.push(...proxy.warnings);
  const aptDirect = [src.aptMirror, o.mirror === 'cn' ? src.dockerRepo : null, o.mirror === 'cn' ? src.nvidiaRepo : null]
    .filter((u): u is string => u !== null)
    .map((u) => hostOf(u)!)
    .filter((h, i, all) => all.indexOf(h) === i);
  const mode = proxy?.credentials ? '600' : '644';
  const layers = proxyLayers({ hostUrl: '@@PROXY_URL@@', containerUrl: '@@CONTAINER_PROXY_URL@@', noProxy: '@@NO_PROXY_LIST@@', aptDirect });

  // ---- preflight
  const driverCheck = wsl
    ? String.raw`# WSL2: the GPU driver is Windows'; a Linux driver inside the distro breaks it.
drivers="$(dpkg-query -W -f='\${binary:Package} \${Status}\n' ${WSL_DRIVER_PATTERNS.map(sq).join(' ')} 2>/dev/null | awk '/install ok installed/ {print $1}' | tr '\n' ' ' || true)"
if [ -n "$drivers" ]; then
  warn "Linux NVIDIA driver packages are installed inside WSL: $drivers"
  warn "they shadow the Windows driver's libraries in /usr/lib/wsl/lib; remove them: sudo apt-get remove --purge $drivers"
fi
if [ ! -e "$ROOT/dev/dxg" ]; then warn "/dev/dxg is missing: WSL does not see the GPU (update the Windows NVIDIA driver and WSL: wsl --update)"; fi`.replace(
        /\\\$\{/g,
        '${',
      )
    : `if ! command -v nvidia-smi >/dev/null 2>&1; then
  warn "no nvidia-smi: install the NVIDIA driver first (sudo ubuntu-drivers install, then reboot); this script installs no driver"
fi`;
  const systemdFix = wsl
    ? 'put [boot] and systemd=true in /etc/wsl.conf, run wsl --shutdown in Windows, open the distro again, and run this again'
    : 'Docker Engine runs as a systemd service: run this on a host booted with systemd';
  add(
    {
      id: 'preflight',
      title: 'Check the system (changes nothing)',
      what: 'Ubuntu release, root, systemd, the user to set up, Docker Desktop, GPU driver',
      fix: 'run with sudo on Ubuntu 22.04 or 24.04 (WSL2 included) with systemd running',
    },
    String.raw`local os_id os_version${wsl ? ' drivers' : ''}
[ -r "$ROOT/etc/os-release" ] || die "no /etc/os-release" "run this on Ubuntu 22.04 or 24.04"
# shellcheck source=/dev/null
os_id="$(. "$ROOT/etc/os-release" && echo "\${ID:-}")"
# shellcheck source=/dev/null
os_version="$(. "$ROOT/etc/os-release" && echo "\${VERSION_ID:-}")"
case "$os_id $os_version" in
  "ubuntu 22.04" | "ubuntu 24.04") note "Ubuntu $os_version ($CODENAME), $ARCH" ;;
  *) warn "written for Ubuntu 22.04 and 24.04; this is $os_id $os_version: check each step" ;;
esac
[ -n "$CODENAME" ] || die "no VERSION_CODENAME in /etc/os-release" "run this on Ubuntu 22.04 (jammy) or 24.04 (noble)"
if [ "$(id -u)" != 0 ] && [ -z "$ROOT" ]; then die "this needs root" "sudo bash $0"; fi
getent passwd "$TARGET_USER" >/dev/null || die "no user $TARGET_USER" "run it with sudo from your own account, or set DANLU_USER=<name>"
note "setting up Docker for user $TARGET_USER (home $TARGET_HOME)"
${wsl ? 'if ! is_wsl; then warn "this script was made for WSL2, but this is not WSL"; fi' : 'if is_wsl; then warn "this is WSL2, but the script was made for plain Ubuntu: make it again with danlu setup-host on this machine"; fi'}
[ -d "$ROOT/run/systemd/system" ] || die "systemd is not running" ${sq(systemdFix)}
if [ -e "$ROOT/mnt/wsl/docker-desktop" ] || [ -S "$ROOT/mnt/wsl/docker-desktop/shared-sockets/guest-services/docker.proxy.sock" ]; then
  warn "Docker Desktop's WSL integration is on for this distro; turn it off (Docker Desktop > Settings > Resources > WSL integration): this sets up Docker Engine inside the distro instead"
fi
if [ -S "$ROOT/run/user/$(id -u "$TARGET_USER")/docker.sock" ]; then
  warn "a rootless Docker daemon runs for $TARGET_USER; this script sets up the system daemon (the rootless one is left alone)"
fi
${driverCheck}`.replace(/\\\$\{/g, '${'),
  );

  // ---- proxy in the shell profile
  if (proxy) {
    add(
      {
        id: 'shell-proxy',
        title: 'Proxy for your shell',
        what: `~/.config/danlu/proxy.sh (http_proxy, https_proxy, no_proxy in both cases), sourced from ~/.bashrc`,
        fix: 'check that your home folder is writable',
      },
      `local file="$TARGET_HOME/.config/danlu/proxy.sh" rc="$TARGET_HOME/.bashrc"
user_dir "$TARGET_HOME/.config/danlu"
${wsl && proxy.loopback && (o.facts.wslNetworkingMode ?? 'nat') === 'nat' && o.facts.hostname ? `getent hosts ${sq(`${o.facts.hostname}.local`)} >/dev/null || warn ${sq(`${o.facts.hostname}.local does not resolve here: the proxy on the Windows host cannot be reached by that name`)}\n` : ''}if install_file ${mode} "$file" <<EOF
# Written by danlu setup-host: the proxy for tools that read it from the environment.
${heredocText(layers.shell).trimEnd()}
EOF
then own_by_user "$file"; fi
if [ -f "$rc" ] && grep -qF '.config/danlu/proxy.sh' "$rc"; then
  note "unchanged $rc"
else
  # shellcheck disable=SC2016
  printf '\\n%s\\n' 'if [ -f "$HOME/.config/danlu/proxy.sh" ]; then . "$HOME/.config/danlu/proxy.sh"; fi  # danlu setup-host: proxy' >>"$rc"
  own_by_user "$rc"
  note "added a line to $rc (open a new shell to use it)"
fi`,
    );
  }

  // ---- apt mirror
  if (src.aptMirror) {
    const mirror = src.aptMirror.replace(/\/+$/, '');
    add(
      {
        id: 'apt-mirror',
        title: `Ubuntu packages from ${hostOf(mirror)}`,
        what: 'rewrites archive/security.ubuntu.com in /etc/apt/sources.list and /etc/apt/sources.list.d/ubuntu.sources (both formats), originals kept in /var/backups/danlu/',
        fix: 'restore the originals from /var/backups/danlu/ and run with --mirror global',
      },
      `local mirror=${sq(mirror)} f changed=0
for f in "$ROOT/etc/apt/sources.list" "$ROOT/etc/apt/sources.list.d/ubuntu.sources"; do
  [ -f "$f" ] || continue
  if ! grep -qE 'https?://(archive|security)\\.ubuntu\\.com/ubuntu' "$f"; then
    note "unchanged $f"
    continue
  fi
  mkdir -p "$ROOT/var/backups/danlu"
  if [ ! -f "$ROOT/var/backups/danlu/$(basename "$f")" ]; then cp -p "$f" "$ROOT/var/backups/danlu/$(basename "$f")"; fi
  if sed -E "s#https?://(archive|security)\\.ubuntu\\.com/ubuntu/?#\${mirror}/#g" "$f" | install_file 644 "$f"; then changed=1; fi
done
if [ "$changed" = 1 ]; then apt_update force; fi`,
    );
  }

  // ---- apt proxy
  if (proxy) {
    add(
      {
        id: 'apt-proxy',
        title: 'Proxy for apt',
        what: `/etc/apt/apt.conf.d/95danlu-proxy${aptDirect.length ? ` (direct to ${aptDirect.join(', ')})` : ''}`,
        fix: 'check /etc/apt/apt.conf.d/ for another proxy setting that contradicts this one',
      },
      `install_file ${mode} "$ROOT/etc/apt/apt.conf.d/95danlu-proxy" <<EOF || true
// Written by danlu setup-host: apt's own proxy (apt does not read the shell's).
${heredocText(layers.apt).trimEnd()}
EOF`,
    );
  }

  // ---- Docker's apt repository
  const dockerHost = hostOf(src.dockerRepo)!;
  add(
    {
      id: 'docker-repo',
      title: `Docker's apt repository (${dockerHost})`,
      what: "/etc/apt/keyrings/docker.asc and /etc/apt/sources.list.d/docker.list, unless Docker's repository is already configured",
      fix: `check that ${src.dockerRepo}/gpg can be downloaded (proxy? mirror?)`,
    },
    `local repo=${sq(src.dockerRepo)} key="$ROOT/etc/apt/keyrings/docker.asc" list="$ROOT/etc/apt/sources.list.d/docker.list" changed=0 others
apt_install ca-certificates curl
install -d -m 0755 "$ROOT/etc/apt/keyrings"
if [ -s "$key" ]; then
  note "unchanged $key"
else
  curl -fsSL "$repo/gpg" -o "$key" || die "cannot download $repo/gpg" "check the network and the proxy (--proxy), or use --mirror cn"
  chmod a+r "$key"
  note "wrote $key"
  changed=1
fi
others="$(other_files_with 'download\\.docker\\.com|/docker-ce/' "$list")"
if [ -n "$others" ]; then
  note "Docker's repository is already configured in $others(left as it is)"
elif printf 'deb [arch=%s signed-by=/etc/apt/keyrings/docker.asc] %s %s stable\\n' "$ARCH" "$repo" "$CODENAME" | install_file 644 "$list"; then
  changed=1
fi
if [ "$changed" = 1 ]; then apt_update force; fi`,
  );

  // ---- Docker Engine
  add(
    {
      id: 'docker-engine',
      title: 'Docker Engine (not Docker Desktop, not rootless)',
      what: DOCKER_PACKAGES.join(' '),
      fix: "read apt's message; a conflicting package (docker.io, podman-docker) must be removed first",
    },
    `local conflicts=() p
for p in ${DOCKER_CONFLICTS.join(' ')}; do
  if pkg_installed "$p"; then conflicts+=("$p"); fi
done
if [ "\${#conflicts[@]}" -gt 0 ]; then
  die "Ubuntu's own Docker packages are installed: \${conflicts[*]}" "sudo apt-get remove \${conflicts[*]} (images and volumes in /var/lib/docker stay), then run this again"
fi
apt_install ${DOCKER_PACKAGES.join(' ')}`,
  );

  // ---- daemon proxy
  if (proxy) {
    add(
      {
        id: 'docker-proxy',
        title: 'Proxy for the Docker daemon (pulls)',
        what: 'systemd drop-in /etc/systemd/system/docker.service.d/http-proxy.conf; daemon-reload only when it changed',
        fix: 'sudo systemctl daemon-reload; sudo systemctl status docker',
      },
      `if install_file ${mode} "$ROOT/etc/systemd/system/docker.service.d/http-proxy.conf" <<EOF
# Written by danlu setup-host: the proxy dockerd uses for pulls (not for builds or containers).
${heredocText(layers.systemd).trimEnd()}
EOF
then
  systemctl daemon-reload
  mkdir -p "$STATE" && touch "$STATE/docker-restart"
fi`,
    );
  }

  // ---- docker group
  add(
    {
      id: 'docker-group',
      title: 'Docker without sudo: the docker group',
      what: 'usermod -aG docker <you>, only when you are not in it yet',
      fix: 'sudo usermod -aG docker "$USER", then log out and in (WSL: wsl --shutdown)',
    },
    `if [ "$TARGET_USER" = root ]; then
  note "root needs no docker group"
  return 0
fi
if ! getent group docker >/dev/null; then groupadd docker; fi
if id -nG "$TARGET_USER" | tr ' ' '\\n' | grep -qx docker; then
  note "$TARGET_USER is in the docker group"
else
  usermod -aG docker "$TARGET_USER"
  note "added $TARGET_USER to the docker group: it applies from the next login${wsl ? ' (WSL: wsl --shutdown in Windows, then reopen)' : ''}, or now in one shell with: newgrp docker"
fi`,
  );

  // ---- client proxy
  if (proxy) {
    add(
      {
        id: 'docker-client-proxy',
        title: 'Proxy for containers and builds (Docker client)',
        what: '~/.docker/config.json proxies.default (httpProxy, httpsProxy, noProxy); other keys kept',
        fix: 'fix the JSON of ~/.docker/config.json by hand (it is kept as it is when it does not parse)',
      },
      `local cfg="$TARGET_HOME/.docker/config.json" rc=0 want
user_dir "$TARGET_HOME/.docker"
want="$(cat <<EOF
{
  "proxies": {
    "default": {
      "httpProxy": "\${CONTAINER_PROXY_URL}",
      "httpsProxy": "\${CONTAINER_PROXY_URL}",
      "noProxy": "\${NO_PROXY_LIST}"
    }
  }
}
EOF
)"
if [ ! -e "$cfg" ] || [ "$(cat "$cfg")" = "$want" ]; then
  # No config yet (or only ours): written whole; the URLs and the list hold no quotes or backslashes.
  if printf '%s\\n' "$want" | install_file 600 "$cfg"; then own_by_user "$cfg"; fi
  return 0
fi
# An existing config keeps its other keys (auths, credsStore...): merged with python3.
command -v python3 >/dev/null 2>&1 || die "python3 is needed to edit $cfg" "sudo apt-get install -y python3, or add the proxies to $cfg by hand"
CFG="$cfg" HTTP_URL="$CONTAINER_PROXY_URL" NO_LIST="$NO_PROXY_LIST" python3 - <<'PY' || rc=$?
import json, os, sys
path = os.environ["CFG"]
want = {"httpProxy": os.environ["HTTP_URL"], "httpsProxy": os.environ["HTTP_URL"], "noProxy": os.environ["NO_LIST"]}
data = {}
if os.path.exists(path):
    try:
        with open(path) as f:
            data = json.load(f)
    except ValueError as e:
        print(f"error: {path} is not valid JSON: {e}", file=sys.stderr)
        sys.exit(3)
if not isinstance(data, dict):
    print(f"error: {path} is not a JSON object", file=sys.stderr)
    sys.exit(3)
proxies = data.setdefault("proxies", {})
if proxies.get("default") == want:
    sys.exit(1)
proxies["default"] = want
tmp = path + ".danlu-tmp"
fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(fd, "w") as f:
    json.dump(data, f, indent=2)
    f.write("\\n")
os.chmod(tmp, 0o600)
os.replace(tmp, path)
PY
case "$rc" in
  0) own_by_user "$cfg"; note "wrote $cfg" ;;
  1) note "unchanged $cfg" ;;
  *) die "cannot update $cfg" "fix its JSON by hand, then run this again" ;;
esac`,
    );
  }

  // ---- NVIDIA Container Toolkit
  const nvidiaHost = hostOf(src.nvidiaRepo)!;
  add(
    {
      id: 'nvidia-toolkit',
      title: `NVIDIA Container Toolkit (${nvidiaHost})`,
      what: 'keyring, /etc/apt/sources.list.d/nvidia-container-toolkit.list, nvidia-container-toolkit, nvidia-ctk runtime configure --runtime=docker (once)',
      fix: 'sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker',
    },
    `local repo=${sq(src.nvidiaRepo)} key="$ROOT/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg" list="$ROOT/etc/apt/sources.list.d/nvidia-container-toolkit.list" changed=0 others
apt_install ca-certificates curl gnupg
if [ -s "$key" ]; then
  note "unchanged $key"
else
  mkdir -p "$(dirname "$key")"
  curl -fsSL "$repo/gpgkey" | gpg --batch --yes --dearmor -o "$key" || die "cannot download $repo/gpgkey" "check the network and the proxy (--proxy), or use --mirror cn"
  chmod a+r "$key"
  note "wrote $key"
  changed=1
fi
others="$(other_files_with 'libnvidia-container' "$list")"
if [ -n "$others" ]; then
  note "NVIDIA's repository is already configured in $others(left as it is)"
else
  # $(ARCH) is apt's own variable, written as it is.
  # shellcheck disable=SC2016
  if printf 'deb [signed-by=/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg] %s/stable/deb/$(ARCH) /\\n' "$repo" | install_file 644 "$list"; then changed=1; fi
fi
if [ "$changed" = 1 ]; then apt_update force; fi
apt_install nvidia-container-toolkit
if grep -qs '"nvidia"' "$ROOT/etc/docker/daemon.json"; then
  note "unchanged $ROOT/etc/docker/daemon.json (the nvidia runtime is there)"
else
  nvidia-ctk runtime configure --runtime=docker --config="$ROOT/etc/docker/daemon.json" || die "nvidia-ctk runtime configure failed" "sudo nvidia-ctk runtime configure --runtime=docker"
  mkdir -p "$STATE" && touch "$STATE/docker-restart"
fi`,
  );

  // ---- restart
  add(
    {
      id: 'docker-service',
      title: 'Docker running, restarted only when its settings changed',
      what: 'systemctl enable --now docker; systemctl restart docker after a proxy or runtime change',
      fix: 'sudo systemctl status docker; sudo journalctl -u docker -n 50',
    },
    `if ! systemctl is-enabled --quiet docker; then systemctl enable docker; fi
if [ -f "$STATE/docker-restart" ]; then
  systemctl restart docker || die "docker did not restart" "sudo journalctl -u docker -n 50 (a typo in /etc/docker/daemon.json or the drop-in?)"
  rm -f "$STATE/docker-restart"
  note "restarted docker"
elif ! systemctl is-active --quiet docker; then
  systemctl start docker || die "docker did not start" "sudo journalctl -u docker -n 50"
  note "started docker"
else
  note "docker is running"
fi`,
  );

  // ---- verification
  add(
    {
      id: 'verify',
      title: 'Check: Docker answers, runs a container, and gives it the GPU',
      what: `docker info, docker run ${images.hello}, docker run --gpus all ${images.cuda} nvidia-smi`,
      fix: 'danlu doctor explains what is missing',
    },
    `docker info --format '{{.ServerVersion}}' >/dev/null || die "the Docker daemon does not answer" "sudo systemctl status docker"
if docker info --format '{{json .Runtimes}}' | grep -q nvidia; then
  note "Docker lists the nvidia runtime"
else
  die "Docker lists no nvidia runtime" "sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker"
fi
docker run --rm ${sq(images.hello)} >/dev/null || die "docker run ${images.hello} failed" ${sq(proxy ? 'the daemon could not pull: check the proxy drop-in (systemctl show docker --property Environment)' : src.registry ? 'the registry mirror did not answer: try danlu mirrors --probe' : 'the daemon could not pull from Docker Hub: add --proxy, or --mirror cn in mainland China')}
note "docker run ${images.hello}: ok"
docker run --rm --gpus all -e NVIDIA_DISABLE_REQUIRE=1 ${sq(images.cuda)} nvidia-smi -L || die "no GPU in a container" ${sq(wsl ? 'update the Windows NVIDIA driver; nvidia-smi must work in WSL first (it lives in /usr/lib/wsl/lib)' : 'check nvidia-smi on the host, then: sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker')}
note "a container sees the GPU"
if [ "$TARGET_USER" != root ]; then note "as $TARGET_USER after the next login: docker run --rm --gpus all ${images.cuda} nvidia-smi"; fi`,
  );

  const ids = steps.map((s) => s.id);
  const header = [
    '#!/usr/bin/env bash',
    `# Generated by danlu ${o.version} (danlu setup-host): prepares this host for GPU dev containers.`,
    `# Target: ${wsl ? `Ubuntu ${o.release} on WSL2 (${o.facts.wslNetworkingMode ?? 'nat'} networking)` : `Ubuntu ${o.release}`}; packages: ${o.mirror === 'cn' ? 'mirrors in mainland China' : 'upstream'}; proxy: ${proxy ? proxy.shown.given : 'none'}.`,
    `# Sources: ${HOST_SOURCES_PROVENANCE.source} (as of ${HOST_SOURCES_PROVENANCE.asOf}).`,
    '#',
    '# Safe to run again: every step looks before it changes anything, and a second run',
    '# changes nothing. Never installs Docker Desktop, rootless Docker, or a GPU driver.',
    '#',
    '#   sudo bash setup-host.sh            every step',
    '#   sudo bash setup-host.sh STEP...    only these steps',
    ...(proxy?.credentials
      ? [`#   The proxy's credentials are not in this file: export ${SECRET_VAR}=<password> and run with sudo --preserve-env=${SECRET_VAR}.`]
      : []),
    '#',
    '# Steps:',
    ...steps.map((s) => `#   ${s.id.padEnd(20)} ${s.what}`),
  ];
  const vars = [
    'set -euo pipefail',
    '',
    '# Every path below is under ROOT (empty = /): tests point DANLU_ROOT at a throwaway folder.',
    'ROOT="${DANLU_ROOT:-}"',
    'STATE="$ROOT/run/danlu-setup-host"',
    'TARGET_USER="${DANLU_USER:-${SUDO_USER:-$(id -un)}}"',
    'TARGET_HOME="$ROOT$(getent passwd "$TARGET_USER" | cut -d: -f6 || true)"',
    '# shellcheck source=/dev/null',
    'CODENAME="$( (. "$ROOT/etc/os-release" && echo "${UBUNTU_CODENAME:-${VERSION_CODENAME:-}}") 2>/dev/null || true)"',
    'ARCH="$(dpkg --print-architecture 2>/dev/null || echo amd64)"',
  ];
  if (proxy) {
    vars.push(
      '',
      `# The proxy. Host tools: ${proxy.shown.hostUrl}; containers and builds: ${proxy.shown.containerUrl}.`,
      ...proxy.warnings.map((w) => `# Note: ${w}`),
      ...(proxy.credentials ? [`: "\${${SECRET_VAR}:?export ${SECRET_VAR}=<the proxy password> first: credentials are not written into this script}"`] : []),
      urlAssignment('PROXY_URL', proxy.hostUrl),
      urlAssignment('CONTAINER_PROXY_URL', proxy.containerUrl),
      `NO_PROXY_LIST=${sq(proxy.noProxy)}`,
      "# This script's own downloads (curl, apt) go through it too.",
      'export http_proxy="$PROXY_URL" https_proxy="$PROXY_URL" no_proxy="$NO_PROXY_LIST"',
      'export HTTP_PROXY="$PROXY_URL" HTTPS_PROXY="$PROXY_URL" NO_PROXY="$NO_PROXY_LIST"',
    );
  }
  const main = [
    '# ---------------------------------------------------------------------------------------',
    `ALL_STEPS=(${ids.join(' ')})`,
    'main() {',
    '  local s',
    '  if [ "$#" -eq 0 ]; then set -- "${ALL_STEPS[@]}"; fi',
    '  for s in "$@"; do',
    '    case " ${ALL_STEPS[*]} " in',
    '      *" $s "*) "step_${s//-/_}" ;;',
    '      *) die "no step $s" "steps: ${ALL_STEPS[*]}" ;;',
    '    esac',
    '  done',
    '  if [ "$#" -eq "${#ALL_STEPS[@]}" ]; then say "done: running this again changes nothing"; fi',
    '}',
    '',
    'main "$@"',
  ];
  const checks = proxy?.credentials
    ? [
        '# The secret goes into URLs, shell files and JSON: only characters a URL allows as they are.',
        `case "\${${SECRET_VAR}}" in`,
        `  *[!A-Za-z0-9._~%!*+,\\;=-]*) die "${SECRET_VAR} holds characters that must be percent-encoded" "encode them as in a URL: %40 for @, %3A for :, %22 for a double quote" ;;`,
        'esac',
      ].join('\n')
    : null;
  const text = [
    header.join('\n'),
    vars.join('\n'),
    HELPERS.trim(),
    ...(checks ? [checks] : []),
    '# ---------------------------------------------------------------------------------------\n# Steps',
    bodies.join('\n\n'),
    main.join('\n'),
  ].join('\n\n');
  return {
    text: `${text}\n`,
    steps,
    warnings,
    proxy: proxy
      ? { given: proxy.shown.given, host: proxy.shown.hostUrl, containers: proxy.shown.containerUrl, noProxy: proxy.noProxy, credentials: proxy.credentials }
      : null,
  };
}
