#!/usr/bin/env bash
# Builds the local stand-in base images that tests use instead of registry images (no registry
# can be reached here, so nothing can be pulled). Needs root, a running Docker engine (DOCKER_HOST),
# busybox-static and debootstrap. Idempotent: an image is rebuilt only when it is missing or was
# made by another version of this script (label danlu-test.standin-version), or with --force.
#
#   danlu-test/busybox:local       busybox-static rootfs, CMD sh (also tagged danlu-test-base:local)
#   danlu-test/ubuntu24.04:local   Debian bookworm minbase dressed as nvidia/cuda:*-devel-ubuntu24.04:
#                                  user ubuntu 1000:1000, deb822 /etc/apt/sources.list.d/ubuntu.sources
#   danlu-test/ubuntu22.04:local   the same dressed as *-ubuntu22.04: no uid 1000 user, classic
#                                  /etc/apt/sources.list
#
# Both "ubuntu" images are Debian inside. Their apt is pointed at a closed local port (see
# 00danlu-test-standin below), so `apt-get update` only warns and exits 0 quickly, and
# `apt-get install` of an already installed package succeeds; a test that needs real packages can
# enable Debian's mirror with `cp /usr/share/danlu-test/debian.sources /etc/apt/sources.list.d/`
# (needs `--network host`).
#
# Usage: scripts/ci/make-base-images.sh [--force]
# Env:   DANLU_DOCKER_BIN (default /usr/bin/docker), DANLU_DEBIAN_MIRROR (default: the mirror apt
#        uses here for bookworm main, else http://deb.debian.org/debian)
set -euo pipefail

log() { printf '[make-base-images] %s\n' "$*" >&2; }
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

FORCE=0
if [[ "${1:-}" == "--force" ]]; then FORCE=1; fi

if [[ -n "${DANLU_DOCKER_BIN:-}" ]]; then
  DOCKER=$DANLU_DOCKER_BIN
elif [[ -x /usr/bin/docker ]]; then
  DOCKER=/usr/bin/docker
else
  DOCKER=$(command -v docker || true)
fi
if [[ -z "$DOCKER" ]] || ! "$DOCKER" version >/dev/null 2>&1; then
  log "no Docker engine answers (DOCKER_HOST=${DOCKER_HOST:-unset}); nothing built"
  exit 1
fi

# Any change to this script makes new images.
VERSION=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)
LABEL_KEY=danlu-test.standin-version

BUSYBOX_TAG=danlu-test/busybox:local
U2404_TAG=danlu-test/ubuntu24.04:local
U2204_TAG=danlu-test/ubuntu22.04:local

current() {
  local have
  have=$("$DOCKER" image inspect -f "{{ index .Config.Labels \"$LABEL_KEY\" }}" "$1" 2>/dev/null || true)
  [[ "$FORCE" == 0 && "$have" == "$VERSION" ]]
}

debian_mirror() {
  if [[ -n "${DANLU_DEBIAN_MIRROR:-}" ]]; then
    printf '%s\n' "${DANLU_DEBIAN_MIRROR%/}"
    return
  fi
  local uri
  # shellcheck disable=SC2016 # $(REPO_URI) is apt's format field, not a shell expansion
  uri=$(apt-get indextargets --format '$(REPO_URI)' 'RELEASE: bookworm' 'COMPONENT: main' 2>/dev/null | head -n1 || true)
  printf '%s\n' "${uri:-http://deb.debian.org/debian/}" | sed 's|/*$||'
}

WORK=$(mktemp -d /var/tmp/danlu-base-images.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# import ROOTFS TAG [--change ...]: one layer, numeric owners kept.
import_rootfs() {
  local root=$1 tag=$2
  shift 2
  tar --numeric-owner -C "$root" -c . |
    "$DOCKER" import --change "LABEL $LABEL_KEY=$VERSION" "$@" - "$tag" >/dev/null
}

# ---------------------------------------------------------------------------------------------
# (a) busybox
if current "$BUSYBOX_TAG"; then
  log "$BUSYBOX_TAG is up to date"
else
  t=$(now)
  bb=$(command -v busybox || true)
  if [[ -z "$bb" ]] || ! "$bb" --list-full >/dev/null 2>&1; then
    log "busybox (busybox-static) is not installed"
    exit 1
  fi
  root=$WORK/busybox
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,var/tmp,home}
  chmod 1777 "$root/tmp" "$root/var/tmp"
  cp "$bb" "$root/bin/busybox"
  while IFS= read -r applet; do
    [[ -e "$root/$applet" ]] || ln -s /bin/busybox "$root/$applet"
  done < <("$bb" --list-full)
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  import_rootfs "$root" "$BUSYBOX_TAG" --change 'CMD ["sh"]'
  "$DOCKER" tag "$BUSYBOX_TAG" danlu-test-base:local
  log "$BUSYBOX_TAG built in $(took "$t")s"
fi

# ---------------------------------------------------------------------------------------------
# (b), (c) Debian bookworm dressed as Ubuntu nvidia/cuda devel images
if current "$U2404_TAG" && current "$U2204_TAG"; then
  log "$U2404_TAG and $U2204_TAG are up to date"
  exit 0
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  log "debootstrap is not installed"
  exit 1
fi

MIRROR=$(debian_mirror)
base=$WORK/bookworm
t=$(now)
log "debootstrap --variant=minbase bookworm from $MIRROR ..."
if ! debootstrap --variant=minbase --include=sudo,ca-certificates,curl \
  bookworm "$base" "$MIRROR" >"$WORK/debootstrap.log" 2>&1; then
  tail -n 30 "$WORK/debootstrap.log" >&2
  log "debootstrap failed"
  exit 1
fi
log "debootstrap took $(took "$t")s"

t=$(now)
# Like Ubuntu's docker images: no apt lists, no caches, no docs.
rm -rf "$base"/var/lib/apt/lists/* "$base"/var/cache/apt/*.bin "$base"/var/cache/apt/archives/*.deb \
  "$base"/usr/share/doc/* "$base"/usr/share/man/* "$base"/usr/share/info/* "$base"/usr/share/locale/* \
  "$base"/var/log/*.log "$base"/var/log/apt/* "$base"/var/cache/debconf/*-old "$base"/var/lib/dpkg/*-old
rm -f "$base/etc/apt/sources.list" "$base/etc/hostname"
mkdir -p "$base/var/lib/apt/lists/partial"
printf '#!/bin/sh\nexit 101\n' >"$base/usr/sbin/policy-rc.d"
chmod 755 "$base/usr/sbin/policy-rc.d"
cat >"$base/etc/dpkg/dpkg.cfg.d/excludes" <<'EOF'
# Like Ubuntu's minimized images: no docs, man pages or translations from later installs.
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
EOF
cat >"$base/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
printf 'Acquire::Languages "none";\n' >"$base/etc/apt/apt.conf.d/docker-no-languages"
cat >"$base/etc/apt/apt.conf.d/00danlu-test-standin" <<'EOF'
// danlu test stand-in: this is Debian bookworm dressed as Ubuntu, so Ubuntu's (or NVIDIA's)
// archives must not be used. Every apt download goes to a closed local port and fails at once
// (apt-get update warns and exits 0), except Debian's own mirror, which
// /usr/share/danlu-test/debian.sources can enable. A later file in this folder can set another proxy.
Acquire::http::Proxy "http://127.0.0.1:9/";
Acquire::https::Proxy "http://127.0.0.1:9/";
Acquire::Retries "0";
EOF
mirror_host=$(printf '%s\n' "$MIRROR" | sed -E 's|^[a-z]+://([^/:]+).*|\1|')
printf 'Acquire::http::Proxy::%s "DIRECT";\nAcquire::https::Proxy::%s "DIRECT";\n' \
  "$mirror_host" "$mirror_host" >>"$base/etc/apt/apt.conf.d/00danlu-test-standin"
mkdir -p "$base/usr/share/danlu-test"
cat >"$base/usr/share/danlu-test/debian.sources" <<EOF
# Copy into /etc/apt/sources.list.d/ to install real (Debian bookworm) packages; needs --network host.
Types: deb
URIs: $MIRROR/
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
log "common setup took $(took "$t")s"

# dress ROOT CODENAME RELEASE CUDA(x.y.z)
dress() {
  local root=$1 codename=$2 release=$3 cuda=$4
  local cuda_mm=${cuda%.*} nodot=${release//./}
  cat >"$root/usr/lib/os-release" <<EOF
PRETTY_NAME="Ubuntu $release LTS"
NAME="Ubuntu"
VERSION_ID="$release"
VERSION="$release LTS"
VERSION_CODENAME=$codename
ID=ubuntu
ID_LIKE=debian
UBUNTU_CODENAME=$codename
DANLU_TEST_STANDIN="Debian bookworm userland"
EOF
  ln -sf ../usr/lib/os-release "$root/etc/os-release"
  printf 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=%s\nDISTRIB_CODENAME=%s\nDISTRIB_DESCRIPTION="Ubuntu %s LTS"\n' \
    "$release" "$codename" "$release" >"$root/etc/lsb-release"
  printf '%s\n' "danlu test stand-in for nvidia/cuda:$cuda-devel-ubuntu$release (Debian bookworm inside)" \
    >"$root/etc/danlu-test-standin"
  # NVIDIA's CUDA apt repository, as cuda-keyring configures it in the real images.
  printf 'deb [signed-by=/usr/share/keyrings/cuda-archive-keyring.gpg] https://developer.download.nvidia.com/compute/cuda/repos/ubuntu%s/x86_64/ /\n' \
    "$nodot" >"$root/etc/apt/sources.list.d/cuda-ubuntu$nodot-x86_64.list"
  # A stub nvcc and the entrypoint that prints NVIDIA's banner on stdout before running the command.
  mkdir -p "$root/usr/local/cuda-$cuda_mm/bin" "$root/usr/local/cuda-$cuda_mm/lib64/stubs" "$root/opt/nvidia"
  ln -sfn "cuda-$cuda_mm" "$root/usr/local/cuda"
  cat >"$root/usr/local/cuda-$cuda_mm/bin/nvcc" <<EOF
#!/bin/sh
# danlu test stand-in: prints a version like the real nvcc, compiles nothing.
case "\$1" in
  --version|-V)
    echo "nvcc: NVIDIA (R) Cuda compiler driver"
    echo "Cuda compilation tools, release $cuda_mm, V$cuda"
    exit 0 ;;
esac
echo "nvcc (danlu test stand-in): cannot compile" >&2
exit 1
EOF
  cat >"$root/opt/nvidia/nvidia_entrypoint.sh" <<EOF
#!/bin/bash
# danlu test stand-in for NVIDIA's entrypoint: a banner on stdout, then the command.
echo
echo "=========="
echo "== CUDA =="
echo "=========="
echo
echo "CUDA Version $cuda"
echo
echo "WARNING: The NVIDIA Driver was not detected.  GPU functionality will not be available."
echo
exec "\$@"
EOF
  chmod 755 "$root/usr/local/cuda-$cuda_mm/bin/nvcc" "$root/opt/nvidia/nvidia_entrypoint.sh"
}

cuda_changes() {
  local cuda=$1 release=$2
  local mm=${cuda%.*}
  CHANGES=(
    --change "ENV NVARCH=x86_64"
    --change "ENV CUDA_VERSION=$cuda"
    --change "ENV NVIDIA_REQUIRE_CUDA=cuda>=$mm"
    --change "ENV NVIDIA_VISIBLE_DEVICES=all"
    --change "ENV NVIDIA_DRIVER_CAPABILITIES=compute,utility"
    --change "ENV LD_LIBRARY_PATH=/usr/local/nvidia/lib:/usr/local/nvidia/lib64"
    --change "ENV LIBRARY_PATH=/usr/local/cuda/lib64/stubs"
    --change "ENV PATH=/usr/local/nvidia/bin:/usr/local/cuda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    --change "LABEL danlu-test.standin-for=nvidia/cuda:$cuda-devel-ubuntu$release"
    --change 'ENTRYPOINT ["/opt/nvidia/nvidia_entrypoint.sh"]'
    --change 'CMD ["/bin/bash"]'
  )
}

# (b) Ubuntu 24.04
if current "$U2404_TAG"; then
  log "$U2404_TAG is up to date"
else
  t=$(now)
  root=$WORK/u2404
  cp -a "$base" "$root"
  dress "$root" noble 24.04 12.8.1
  cat >"$root/etc/apt/sources.list.d/ubuntu.sources" <<'EOF'
Types: deb
URIs: http://archive.ubuntu.com/ubuntu/
Suites: noble noble-updates noble-backports
Components: main universe restricted multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg

Types: deb
URIs: http://security.ubuntu.com/ubuntu/
Suites: noble-security
Components: main universe restricted multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg
EOF
  printf '# Ubuntu sources have moved to /etc/apt/sources.list.d/ubuntu.sources\n' >"$root/etc/apt/sources.list"
  # Ubuntu 24.04's images ship this user (and its group) at 1000.
  chroot "$root" useradd --uid 1000 --user-group --create-home --shell /bin/bash --comment Ubuntu ubuntu
  cuda_changes 12.8.1 24.04
  import_rootfs "$root" "$U2404_TAG" "${CHANGES[@]}"
  rm -rf "$root"
  log "$U2404_TAG built in $(took "$t")s"
fi

# (c) Ubuntu 22.04
if current "$U2204_TAG"; then
  log "$U2204_TAG is up to date"
else
  t=$(now)
  root=$WORK/u2204
  cp -a "$base" "$root"
  dress "$root" jammy 22.04 12.4.1
  cat >"$root/etc/apt/sources.list" <<'EOF'
# See http://help.ubuntu.com/community/UpgradeNotes for how to upgrade to
# newer versions of the distribution.
deb http://archive.ubuntu.com/ubuntu/ jammy main restricted
deb http://archive.ubuntu.com/ubuntu/ jammy-updates main restricted
deb http://archive.ubuntu.com/ubuntu/ jammy universe
deb http://archive.ubuntu.com/ubuntu/ jammy-updates universe
deb http://archive.ubuntu.com/ubuntu/ jammy multiverse
deb http://archive.ubuntu.com/ubuntu/ jammy-updates multiverse
deb http://archive.ubuntu.com/ubuntu/ jammy-backports main restricted universe multiverse
deb http://security.ubuntu.com/ubuntu/ jammy-security main restricted
deb http://security.ubuntu.com/ubuntu/ jammy-security universe
deb http://security.ubuntu.com/ubuntu/ jammy-security multiverse
EOF
  cuda_changes 12.4.1 22.04
  import_rootfs "$root" "$U2204_TAG" "${CHANGES[@]}"
  rm -rf "$root"
  log "$U2204_TAG built in $(took "$t")s"
fi
