/**
 * Recording stand-ins for the commands the setup-host script runs (apt-get, dpkg, systemctl,
 * curl, gpg, usermod, nvidia-ctk, docker...), and a throwaway root that looks like Ubuntu
 * 22.04, 24.04 or a WSL2 distro. Each stand-in appends its argv to a log and keeps just
 * enough state (installed packages, group members, the service) for a second run to see
 * what the first one did: that is what makes idempotence testable.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { run, type RunResult } from '../support/tools.js';

const PRELUDE = `#!/usr/bin/env bash
set -u
me="$(basename "$0")"
printf '%s\\n' "$me $*" >>"$FAKE_LOG"
if [ -f "$FAKE_STATE/fail-$me" ]; then echo "$me: failing as asked" >&2; exit "$(cat "$FAKE_STATE/fail-$me")"; fi
`;

const STANDINS: Record<string, string> = {
  'apt-get': `
case "$1" in
  update) echo "Reading package lists... Done" ;;
  install)
    shift
    for p in "$@"; do
      case "$p" in -*) ;; *)
        echo "$p" >>"$FAKE_STATE/installed"
        if [ "$p" = docker-ce ] && ! grep -q '^docker:' "$FAKE_STATE/group"; then echo 'docker:x:999:' >>"$FAKE_STATE/group"; fi ;;
      esac
    done ;;
  remove) ;;
esac
exit 0`,
  dpkg: `
if [ "\${1:-}" = --print-architecture ]; then echo amd64; fi
exit 0`,
  'dpkg-query': `
fmt=""; pkgs=()
for a in "$@"; do
  case "$a" in -W) ;; -f=*) fmt="\${a#-f=}" ;; *) pkgs+=("$a") ;; esac
done
found=0
for pat in "\${pkgs[@]}"; do
  while IFS= read -r p; do
    [ -n "$p" ] || continue
    # shellcheck disable=SC2053
    if [[ $p == $pat ]]; then
      found=1
      if [[ $fmt == *binary:Package* ]]; then printf '%s install ok installed\\n' "$p"; else printf 'install ok installed'; fi
    fi
  done <"$FAKE_STATE/installed"
done
if [ "$found" = 0 ]; then echo "dpkg-query: no packages found matching \${pkgs[*]}" >&2; exit 1; fi`,
  getent: `
case "$1" in
  passwd) grep "^$2:" "$FAKE_STATE/passwd" || exit 2 ;;
  group) grep "^$2:" "$FAKE_STATE/group" || exit 2 ;;
  hosts) echo "192.168.1.10 $2" ;;
esac`,
  id: `
case "\${1:-}" in
  -u) if [ -n "\${2:-}" ]; then grep "^$2:" "$FAKE_STATE/passwd" | cut -d: -f3; else echo "\${FAKE_UID:-0}"; fi ;;
  -un) echo root ;;
  -nG)
    out="$2"
    while IFS=: read -r g _ _ members; do
      case ",$members," in *",$2,"*) out="$out $g" ;; esac
    done <"$FAKE_STATE/group"
    echo "$out" ;;
esac`,
  usermod: `
# usermod -aG GROUP USER
group="$2"; user="$3"
sed -i -E "s/^($group:[^:]*:[^:]*:)(.*)$/\\1\\2,$user/; s/^($group:[^:]*:[^:]*:),/\\1/" "$FAKE_STATE/group"`,
  groupadd: `echo "$1:x:998:" >>"$FAKE_STATE/group"`,
  chown: 'exit 0',
  systemctl: `
args=()
for a in "$@"; do case "$a" in --quiet) ;; *) args+=("$a") ;; esac; done
case "\${args[0]}" in
  is-enabled) [ -f "$FAKE_STATE/enabled-\${args[1]}" ] ;;
  is-active) [ -f "$FAKE_STATE/active-\${args[1]}" ] ;;
  enable) touch "$FAKE_STATE/enabled-\${args[1]}" ;;
  start | restart) touch "$FAKE_STATE/active-\${args[1]}" ;;
  daemon-reload) ;;
esac`,
  curl: `
out=""; url=""
while [ "$#" -gt 0 ]; do
  case "$1" in -o) out="$2"; shift ;; -*) ;; *) url="$1" ;; esac
  shift
done
key="-----BEGIN PGP PUBLIC KEY BLOCK-----
fake key from $url
-----END PGP PUBLIC KEY BLOCK-----"
if [ -n "$out" ]; then printf '%s\\n' "$key" >"$out"; else printf '%s\\n' "$key"; fi`,
  gpg: `
out=""
while [ "$#" -gt 0 ]; do case "$1" in -o) out="$2"; shift ;; esac; shift; done
cat >"$out"`,
  'nvidia-ctk': `
for a in "$@"; do case "$a" in --config=*) cfg="\${a#--config=}" ;; esac; done
mkdir -p "$(dirname "$cfg")"
printf '{\\n  "runtimes": {\\n    "nvidia": {\\n      "args": [],\\n      "path": "nvidia-container-runtime"\\n    }\\n  }\\n}\\n' >"$cfg"`,
  docker: `
case "$1" in
  info)
    if [[ "$*" == *Runtimes* ]]; then
      if grep -qs '"nvidia"' "\${DANLU_ROOT:-}/etc/docker/daemon.json"; then echo '{"nvidia":{},"runc":{}}'; else echo '{"runc":{}}'; fi
    else echo 27.3.1; fi ;;
  run)
    echo "Hello from Docker!"
    if [[ "$*" == *nvidia-smi* ]]; then echo "GPU 0: NVIDIA GeForce RTX 4090 (UUID: GPU-0)"; fi ;;
esac`,
  'nvidia-smi': 'echo "GPU 0: NVIDIA GeForce RTX 4090"',
};

export type Variant = 'ubuntu22.04' | 'ubuntu24.04' | 'wsl2-22.04' | 'wsl2-24.04';

export interface Sandbox {
  root: string;
  bin: string;
  state: string;
  log: string;
  env: Record<string, string>;
  /** Runs a script (or `danlu`) with the stand-ins first on PATH and the root as DANLU_ROOT. */
  bash: (script: string, args?: string[], env?: Record<string, string>) => RunResult;
  /** Log lines since the last call. */
  takeLog: () => string[];
  installed: () => string[];
  read: (path: string) => string;
  write: (path: string, text: string) => void;
  fail: (command: string, code?: number) => void;
  cleanup: () => void;
}

const OS_RELEASE: Record<'22.04' | '24.04', string> = {
  '22.04': 'PRETTY_NAME="Ubuntu 22.04.5 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\nUBUNTU_CODENAME=jammy\n',
  '24.04': 'PRETTY_NAME="Ubuntu 24.04.1 LTS"\nNAME="Ubuntu"\nVERSION_ID="24.04"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\nUBUNTU_CODENAME=noble\n',
};

export const SOURCES_LIST_2204 = `deb http://archive.ubuntu.com/ubuntu/ jammy main restricted
deb http://archive.ubuntu.com/ubuntu/ jammy-updates main restricted
deb http://security.ubuntu.com/ubuntu/ jammy-security main restricted
`;

export const UBUNTU_SOURCES_2404 = `Types: deb
URIs: http://archive.ubuntu.com/ubuntu/
Suites: noble noble-updates noble-backports
Components: main restricted universe multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg

Types: deb
URIs: http://security.ubuntu.com/ubuntu/
Suites: noble-security
Components: main restricted universe multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg
`;

export function sandbox(variant: Variant): Sandbox {
  const base = mkdtempSync(join(tmpdir(), 'danlu-setup-host-'));
  const root = join(base, 'root');
  const bin = join(base, 'bin');
  const state = join(base, 'state');
  const log = join(base, 'log');
  const release = variant.endsWith('22.04') ? '22.04' : '24.04';
  const wsl = variant.startsWith('wsl2');
  const put = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  put('etc/os-release', OS_RELEASE[release]);
  if (release === '22.04') put('etc/apt/sources.list', SOURCES_LIST_2204);
  else {
    put('etc/apt/sources.list', '# Ubuntu sources have moved to /etc/apt/sources.list.d/ubuntu.sources\n');
    put('etc/apt/sources.list.d/ubuntu.sources', UBUNTU_SOURCES_2404);
  }
  mkdirSync(join(root, 'run/systemd/system'), { recursive: true });
  put(
    'proc/version',
    wsl ? 'Linux version 5.15.153.1-microsoft-standard-WSL2 (root@buildhost) #1 SMP\n' : 'Linux version 6.8.0-45-generic (buildd@lcy02) #45-Ubuntu SMP\n',
  );
  if (wsl) put('dev/dxg', '');
  put('home/alice/.bashrc', "# alice's .bashrc\nalias ll='ls -l'\n");
  put('root/.bashrc', '# root\n');
  mkdirSync(bin, { recursive: true });
  for (const [name, body] of Object.entries(STANDINS)) {
    if (wsl && name === 'nvidia-smi') continue;
    writeFileSync(join(bin, name), `${PRELUDE}${body.trim()}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  mkdirSync(state, { recursive: true });
  writeFileSync(join(state, 'installed'), '');
  writeFileSync(join(state, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\n');
  writeFileSync(join(state, 'group'), 'root:x:0:\nalice:x:1000:\n');
  writeFileSync(log, '');
  let seen = 0;
  const env = { PATH: `${bin}:${process.env.PATH ?? ''}`, DANLU_ROOT: root, DANLU_USER: 'alice', FAKE_STATE: state, FAKE_LOG: log, WSL_DISTRO_NAME: '' };
  return {
    root,
    bin,
    state,
    log,
    env,
    bash: (script, args = [], extra = {}) => run('bash', [script, ...args], { env: { ...env, ...extra }, timeoutMs: 60_000 }),
    takeLog: () => {
      const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
      const fresh = lines.slice(seen);
      seen = lines.length;
      return fresh;
    },
    installed: () => readFileSync(join(state, 'installed'), 'utf8').split('\n').filter(Boolean),
    read: (path) => readFileSync(join(root, path), 'utf8'),
    write: put,
    fail: (command, code = 1) => writeFileSync(join(state, `fail-${command}`), String(code)),
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

/** Log lines that change something (the read-only queries filtered out). */
export function changes(log: readonly string[]): string[] {
  return log.filter((l) => !/^(dpkg-query|getent|id|dpkg --print-architecture|systemctl is-(enabled|active)|docker (info|run)|nvidia-smi)\b/.test(l));
}
