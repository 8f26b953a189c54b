import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DanluError, EXIT } from '../../lib/errors.js';
import type { HostFacts } from '../../probe/types.js';
import { enrichGpus } from '../../plan/host-gpus.js';
import { probeHost } from '../../probe/index.js';
import { COMMON_OPTIONS, defineCommand } from '../command.js';
import { out, painter, printJson } from '../output.js';

export default defineCommand({
  name: 'host',
  summary: 'Describe this machine: OS, user, CPUs, memory, NVIDIA driver and GPUs, Docker and the NVIDIA runtime.',
  usage:
    "danlu host [--json]\n       danlu host add NAME [-C DIR]   (this machine as one of the team's hosts, or a cluster's login node: .devcontainer/hosts/NAME.json)",
  options: { ...COMMON_OPTIONS, dir: { type: 'string', short: 'C', value: 'DIR', description: 'add: the repository (default: this folder)' } },
  details:
    '`danlu host --json > server.json` on a GPU server, then `danlu init --host server.json` on your laptop.\n' +
    '`danlu host add NAME` on each machine of a team writes its profile (GPUs, driver, OS; no user name,\nproxy or path) to .devcontainer/hosts/NAME.json: commit it. `danlu init` on any of them then plans\none torch build that runs on all, and the committed files are the same on each.\n' +
    'On a Slurm login node (`sinfo` answers) the profile holds the partitions instead (CPUs, memory, GPUs\nper node): `danlu export slurm --cluster NAME` sizes jobs by it; it plays no part in planning torch.',
  async run({ values, positionals }) {
    const host = await probeHost(undefined, { slurm: true });
    if (host.nvidia) host.nvidia = { ...host.nvidia, gpus: enrichGpus(host.nvidia.gpus) };
    if (positionals[0] === 'add') return addTeamHost(host, positionals[1], values.dir, Boolean(values.json));
    if (positionals.length > 0)
      throw new DanluError(`host: unknown argument ${JSON.stringify(positionals[0])}`, { hint: 'danlu host [--json], or danlu host add NAME' });
    if (values.json) {
      printJson(host);
      return EXIT.ok;
    }
    const p = painter(process.stdout);
    const yes = (b: boolean | null | undefined) => (b ? p.green('yes') : p.dim('no'));
    out(`${p.bold('os')}      ${host.os.kind}${host.os.distro ? ` · ${host.os.distro} ${host.os.release ?? ''}` : ''} · ${host.os.arch}`);
    out(`${p.bold('user')}    ${host.user.name} ${host.user.uid}:${host.user.gid} · ${host.user.home}`);
    out(`${p.bold('machine')} ${host.cpus} CPUs · ${(host.memoryBytes / 1024 ** 3).toFixed(1)} GiB RAM`);
    if (host.nvidia) {
      out(`${p.bold('nvidia')}  driver ${host.nvidia.driverVersion} · CUDA ${host.nvidia.cudaVersion ?? '?'} (highest the driver supports)`);
      for (const g of host.nvidia.gpus) {
        out(`  gpu ${g.index}  ${g.name} · sm_${(g.computeCapability ?? '?').replace('.', '')} · ${g.memoryMiB ?? '?'} MiB · ${g.class ?? 'unknown'}`);
      }
    } else out(`${p.bold('nvidia')}  ${p.yellow('none')}: no NVIDIA driver found`);
    if (host.wsl) out(`${p.bold('wsl2')}    /dev/dxg ${yes(host.wsl.dxg)} · /usr/lib/wsl/lib ${yes(host.wsl.libDir)}`);
    const d = host.docker;
    if (!d) out(`${p.bold('docker')}  ${p.yellow('not installed')}`);
    else if (!d.client) out(`${p.bold('docker')}  ${p.red(`not answering: ${d.daemon.reason ?? 'no version'}`)}`);
    else {
      const daemon = d.daemon.ok ? p.green(`daemon ${d.daemon.version ?? 'up'}`) : p.red(`daemon: ${d.daemon.reason ?? 'not reachable'}`);
      const compose = d.compose.v2 ? `compose v2 ${d.compose.v2}` : d.compose.v1 ? `compose v1 ${d.compose.v1}` : p.yellow('no compose');
      out(`${p.bold('docker')}  client ${d.client} · ${daemon} · ${compose}`);
      out(
        `        nvidia runtime ${yes(d.nvidiaRuntime)} · CDI ${yes(d.cdi)} · nvidia-ctk ${d.nvidiaCtk ?? p.dim('no')}${d.desktop ? ' · Docker Desktop' : ''}${d.rootless ? ' · rootless' : ''}`,
      );
    }
    for (const part of host.slurm?.partitions ?? []) {
      const gpus = part.gpus === 0 ? 'no GPU' : `${part.gpus} GPU${part.gpus > 1 ? 's' : ''}${part.gpuTypes.length ? ` (${part.gpuTypes.join(', ')})` : ''}`;
      out(
        `${p.bold('slurm')}   ${part.name}${part.default ? ' (default)' : ''} · ${part.nodes} node${part.nodes > 1 ? 's' : ''} · ${part.cpus} CPUs · ${(part.memoryMiB / 1024).toFixed(1)} GiB · ${gpus} per node${part.timeLimit ? ` · limit ${part.timeLimit}` : ''}`,
      );
    }
    for (const n of host.notes) out(p.dim(`note: ${n.what}: ${n.message}`));
    return EXIT.ok;
  },
});

/** The profile a team commits: what planning needs, nothing personal (user, home, proxies, notes). */
export function teamProfile(host: HostFacts): Record<string, unknown> {
  return {
    os: host.os,
    cpus: host.cpus,
    memoryBytes: host.memoryBytes,
    nvidia: host.nvidia,
    wsl: host.wsl,
    // A login node: the cluster's partitions, for `danlu export slurm` to size its jobs by.
    ...(host.slurm ? { slurm: host.slurm } : {}),
  };
}

async function addTeamHost(host: HostFacts, name: string | undefined, dirArg: string | undefined, json: boolean): Promise<number> {
  if (!name || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name)) {
    throw new DanluError(`host add: ${name === undefined ? 'a NAME is needed' : `${JSON.stringify(name)} is not a usable name`}`, {
      hint: 'letters, digits, ".", "_" and "-", e.g. danlu host add lab-h100',
    });
  }
  const dir = resolve(dirArg ?? '.');
  const folder = join(dir, '.devcontainer', 'hosts');
  const file = join(folder, `${name}.json`);
  const text = `${JSON.stringify(teamProfile(host), null, 2)}\n`;
  try {
    await mkdir(folder, { recursive: true });
    await writeFile(`${file}.tmp`, text);
    await rename(`${file}.tmp`, file);
  } catch (e) {
    throw new DanluError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (json)
    printJson({
      name,
      file,
      cluster: host.slurm ? host.slurm.partitions.map((p) => p.name) : null,
      nvidia: host.nvidia ? { driverVersion: host.nvidia.driverVersion, gpus: host.nvidia.gpus.map((g) => g.name) } : null,
    });
  else if (host.slurm) {
    out(
      `wrote ${file}: the Slurm cluster's partitions (${host.slurm.partitions.map((p) => p.name).join(', ')}); \`danlu export slurm --cluster ${name}\` sizes jobs by it`,
    );
  } else out(`wrote ${file}: commit it; \`danlu init\` then plans for every host in .devcontainer/hosts`);
  return EXIT.ok;
}
