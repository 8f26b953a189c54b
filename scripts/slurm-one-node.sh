#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the tests that submit danlu's exported jobs:
# Debian's slurm-wlm and munge, every file under one private folder (nothing in /etc).
#   scripts/slurm-one-node.sh start   prints `export SLURM_CONF=...` once the node is idle
#   scripts/slurm-one-node.sh stop
# Env: DANLU_SLURM_DIR (default /tmp/danlu-slurm). The node offers its CPUs, 1 GiB less than
# its memory, and one stand-in GPU (a generic resource with no device file) so that jobs asking
# for a GPU can be scheduled; no process ever sees a GPU.
set -euo pipefail

DIR="${DANLU_SLURM_DIR:-/tmp/danlu-slurm}"
CONF="$DIR/slurm.conf"
export SLURM_CONF="$CONF"

stop() {
  local f pid
  # The jobs first: with proctrack/linuxproc their processes outlive slurmd.
  if [[ -f "$CONF" ]] && command -v scancel >/dev/null 2>&1; then
    timeout 5 scancel --full --user "$(id -un)" >/dev/null 2>&1 || true
  fi
  for f in slurmd slurmctld munged; do
    pid=$(cat "$DIR/$f.pid" 2>/dev/null || true)
    if [[ -n "$pid" ]]; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  for _ in $(seq 1 40); do
    local alive=0
    for f in slurmd slurmctld munged; do
      pid=$(cat "$DIR/$f.pid" 2>/dev/null || true)
      [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && alive=1
    done
    ((alive)) || break
    sleep 0.25
  done
  rm -f "$DIR"/*.pid
}

start() {
  for tool in munged slurmctld slurmd sinfo; do
    command -v "$tool" >/dev/null 2>&1 || { echo "slurm-one-node: $tool is not installed (apt-get install slurm-wlm munge)" >&2; exit 1; }
  done
  stop
  rm -rf "$DIR/spool"
  mkdir -p "$DIR/spool/ctld" "$DIR/spool/d" "$DIR/munge"
  chmod 700 "$DIR/munge"
  if [[ ! -s "$DIR/munge/munge.key" ]]; then
    head -c 1024 /dev/urandom >"$DIR/munge/munge.key"
    chmod 600 "$DIR/munge/munge.key"
  fi
  munged --force --key-file="$DIR/munge/munge.key" --socket="$DIR/munge/munge.socket" \
    --pid-file="$DIR/munged.pid" --log-file="$DIR/munged.log" --seed-file="$DIR/munge/seed"

  local host cpus mem
  host=$(hostname -s)
  cpus=$(nproc)
  mem=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 - 1024 }' /proc/meminfo)
  cat >"$CONF" <<CONF
ClusterName=danlu-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$DIR/munge/munge.socket
StateSaveLocation=$DIR/spool/ctld
SlurmdSpoolDir=$DIR/spool/d
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
GresTypes=gpu
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem Gres=gpu:1 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  cat >"$DIR/gres.conf" <<CONF
NodeName=$host Name=gpu File=/dev/null
CONF
  slurmctld -f "$CONF"
  slurmd -f "$CONF"
  local state=
  for _ in $(seq 1 60); do
    state=$(sinfo -h -N -o '%T' 2>/dev/null | head -n 1 || true)
    [[ "$state" == idle ]] && break
    sleep 0.5
  done
  if [[ "$state" != idle ]]; then
    echo "slurm-one-node: the node is ${state:-not answering} after 30 s; logs in $DIR" >&2
    tail -n 5 "$DIR/slurmctld.log" "$DIR/slurmd.log" >&2 || true
    exit 1
  fi
  echo "export SLURM_CONF=$CONF"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
