import { EXIT } from '../../lib/errors.js';
import { enrichGpus } from '../../plan/make-plan.js';
import { probeHost } from '../../probe/index.js';
import { COMMON_OPTIONS, defineCommand } from '../command.js';
import { out, painter, printJson } from '../output.js';

export default defineCommand({
  name: 'host',
  summary: 'Describe this machine: OS, user, CPUs, memory, NVIDIA driver and GPUs, Docker and the NVIDIA runtime.',
  usage: 'danlu host [--json]',
  options: { ...COMMON_OPTIONS },
  details: '`danlu host --json > server.json` on a GPU server, then `danlu init --host server.json` on your laptop.',
  async run({ values }) {
    const host = await probeHost();
    if (host.nvidia) host.nvidia = { ...host.nvidia, gpus: enrichGpus(host.nvidia.gpus) };
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
      out(`        nvidia runtime ${yes(d.nvidiaRuntime)} · CDI ${yes(d.cdi)} · nvidia-ctk ${d.nvidiaCtk ?? p.dim('no')}${d.desktop ? ' · Docker Desktop' : ''}${d.rootless ? ' · rootless' : ''}`);
    }
    for (const n of host.notes) out(p.dim(`note: ${n.what}: ${n.message}`));
    return EXIT.ok;
  },
});
