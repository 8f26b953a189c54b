import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { proxyFromEnv } from '../../doctor/probes/proxy-parse.js';
import { DanluError, EXIT } from '../../lib/errors.js';
import { checkNoProxyEntry, redactProxyUrl } from '../../network/proxy.js';
import { findOnPath, realDeps } from '../../probe/deps.js';
import { probeOs } from '../../probe/os.js';
import { probeWsl } from '../../probe/wsl.js';
import { VERSION } from '../../lib/product.js';
import { buildSetupScript, proxySecret, SECRET_VAR, type SetupHostOptions, type SetupStep } from '../../setup-host/script.js';
import { COMMON_OPTIONS, defineCommand } from '../command.js';
import { canPrompt } from '../prompts.js';
import { err, out, painter, printJson } from '../output.js';
import { UBUNTU_RELEASES, type UbuntuRelease } from '../../catalog/cuda-images.js';

interface StepOutcome {
  id: string;
  title: string;
  status: 'ok' | 'failed' | 'not run';
  exitCode: number | null;
  output?: string;
  fix?: string;
}

/** Runs one step of the script; output streams to the terminal, or is collected for --json. */
function runStep(argv: string[], env: NodeJS.ProcessEnv, collect: boolean): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveStep) => {
    const child = spawn(argv[0]!, argv.slice(1), { env, stdio: collect ? ['ignore', 'pipe', 'pipe'] : ['inherit', 'inherit', 'inherit'] });
    let output = '';
    child.stdout?.on('data', (b: Buffer) => (output += b.toString('utf8')));
    child.stderr?.on('data', (b: Buffer) => (output += b.toString('utf8')));
    child.on('error', (e) => resolveStep({ code: null, output: `${output}${e.message}\n` }));
    child.on('close', (code) => resolveStep({ code, output }));
  });
}

async function askStep(step: SetupStep, index: number, total: number): Promise<boolean> {
  const clack = await import('@clack/prompts');
  const answer = await clack.confirm({ message: `Run step ${index}/${total} ${step.id}?`, initialValue: true, output: process.stderr });
  return !clack.isCancel(answer) && answer === true;
}

export default defineCommand({
  name: 'setup-host',
  summary:
    'Prepare this Ubuntu or WSL2 host: proxy at every layer, apt mirror, Docker Engine, the docker group, NVIDIA Container Toolkit (an idempotent bash script).',
  usage: 'danlu setup-host [--proxy URL] [--mirror global|cn] [--print | --apply [--yes]] [--json]',
  maxOperands: 0,
  options: {
    proxy: { type: 'string', value: 'URL', description: 'HTTP proxy for the shell, apt, the Docker daemon and containers, e.g. http://127.0.0.1:7890' },
    'no-proxy': { type: 'string', value: 'LIST', description: "more hosts that bypass the proxy, comma-separated (your cluster's domains)" },
    mirror: { type: 'string', value: 'PRESET', description: 'global (upstream) or cn (Ubuntu, Docker CE and NVIDIA toolkit mirrors in mainland China)' },
    print: { type: 'boolean', description: 'print the script (the default); nothing is run' },
    apply: { type: 'boolean', description: 'run the script step by step (as root or through sudo), asking before each step' },
    yes: { type: 'boolean', short: 'y', description: 'with --apply: do not ask before each step' },
    target: { type: 'string', value: 'OS', description: 'ubuntu or wsl2 (default: this machine)' },
    ubuntu: { type: 'string', value: 'RELEASE', description: "22.04 or 24.04 (default: this machine's, else 24.04)" },
    ...COMMON_OPTIONS,
  },
  details: `
The script is the usual host set-up made safe to repeat: each step looks before it changes anything
(grep before appending, compare before replacing a file, dpkg before installing, the
docker group before usermod, daemon-reload and a restart only when a setting changed),
so a second run changes nothing. It installs Docker Engine from Docker's apt repository,
never Docker Desktop or rootless Docker, and never a GPU driver (on WSL2 the driver is
Windows'). Save it and run it yourself: danlu setup-host > setup-host.sh && sudo bash setup-host.sh

Under WSL2 NAT a proxy on 127.0.0.1 is the Windows host: the script uses <hostname>.local
for WSL and <hostname> for containers (allow LAN connections in the proxy app). A password
in the proxy URL is never printed nor written into the script: the script reads it from
${SECRET_VAR}, and --apply passes it along; the files that hold it are mode 600.

--json: {"script", "steps": [{"id", "title", "what", "fix"}], "warnings", "proxy"}; with
--apply {"steps": [{"id", "title", "status", "exitCode", "output", "fix"?}], "ok"}.`,
  async run({ values }) {
    const p = painter(process.stderr);
    if (values.print && values.apply) throw new DanluError('--print and --apply: choose one');
    if (values.mirror !== undefined && values.mirror !== 'global' && values.mirror !== 'cn') {
      throw new DanluError(`--mirror ${values.mirror}: expected global or cn`);
    }
    if (values.target !== undefined && values.target !== 'ubuntu' && values.target !== 'wsl2') {
      throw new DanluError(`--target ${values.target}: expected ubuntu or wsl2`);
    }
    const isRelease = (v: string | null | undefined): v is UbuntuRelease => (UBUNTU_RELEASES as readonly (string | null | undefined)[]).includes(v);
    if (values.ubuntu !== undefined && !isRelease(values.ubuntu)) {
      throw new DanluError(`--ubuntu ${values.ubuntu}: expected ${[...UBUNTU_RELEASES].sort().join(' or ')}`);
    }

    const deps = realDeps();
    const [os, wslFacts] = await Promise.all([probeOs(deps), probeWsl(deps)]);
    const target = (values.target as 'ubuntu' | 'wsl2' | undefined) ?? (os.facts.kind === 'wsl2' ? 'wsl2' : 'ubuntu');
    const here = os.facts.distro === 'ubuntu' && isRelease(os.facts.release) ? os.facts.release : null;
    const release: UbuntuRelease = (values.ubuntu as UbuntuRelease | undefined) ?? here ?? UBUNTU_RELEASES[0];
    const warnings: string[] = [];
    if (!values.ubuntu && !here)
      warnings.push(
        `this is not Ubuntu 22.04 or 24.04 (${os.facts.distro ?? os.facts.kind} ${os.facts.release ?? ''}); the script is written for Ubuntu ${release}`.replace(
          ' )',
          ')',
        ),
      );

    if (!values.proxy) {
      const shell = proxyFromEnv(process.env);
      const seen = shell.https ?? shell.http;
      if (seen)
        warnings.push(
          `your shell uses the proxy ${redactProxyUrl(seen)}; pass --proxy ${redactProxyUrl(seen)} to give it to apt, the Docker daemon and containers too`,
        );
    }

    const options: SetupHostOptions = {
      target,
      release,
      mirror: (values.mirror as 'global' | 'cn' | undefined) ?? 'global',
      proxy: values.proxy ?? null,
      facts: { hostname: hostname().split('.')[0] || null, wslNetworkingMode: wslFacts?.networkingMode ?? null },
      noProxy: (values['no-proxy'] ?? '')
        .split(',')
        .filter((e) => e.trim() !== '')
        .map(checkNoProxyEntry),
      version: VERSION,
    };
    const script = buildSetupScript(options);
    warnings.push(...script.warnings);

    if (!values.apply) {
      if (values.json) {
        printJson({ script: script.text, steps: script.steps, warnings, proxy: script.proxy });
        return EXIT.ok;
      }
      for (const w of warnings) err(`${p.yellow('warn')}  ${w}`);
      out(script.text.trimEnd());
      if (process.stdout.isTTY)
        err(p.dim('\nSave it and run it: danlu setup-host ... > setup-host.sh && sudo bash setup-host.sh (or danlu setup-host --apply)'));
      return EXIT.ok;
    }

    // --apply
    if (process.platform !== 'linux')
      throw new DanluError('--apply runs on the Ubuntu (or WSL2) host itself', { hint: 'use --print here and run the script there' });
    const interactive = canPrompt({ yes: values.yes, json: values.json });
    if (!values.yes && !interactive) {
      throw new DanluError('--apply asks before each step, and this is not a terminal', {
        hint: 'add --yes to run every step without asking, or --print to read the script first',
      });
    }
    const testRoot = process.env.DANLU_ROOT ?? '';
    const isRoot = process.getuid?.() === 0;
    const sudo = isRoot || testRoot ? null : await findOnPath('sudo', deps);
    if (!isRoot && !testRoot && !sudo) {
      throw new DanluError('setup-host --apply needs root: it installs packages and writes to /etc', {
        hint: 'run it as root, install sudo, or use --print and run the script as root yourself',
      });
    }
    const env: NodeJS.ProcessEnv = { ...process.env };
    const secret = values.proxy ? proxySecret(values.proxy) : null;
    if (secret) env[SECRET_VAR] = secret;
    // One step per process: the run's name lets later steps skip an apt-get update already done.
    env.DANLU_RUN_ID = randomBytes(6).toString('hex');

    const dir = await mkdtemp(join(tmpdir(), 'danlu-setup-host-'));
    const file = join(dir, 'setup-host.sh');
    await writeFile(file, script.text, { mode: 0o700 });
    await chmod(file, 0o700);
    const keep = [SECRET_VAR, 'DANLU_RUN_ID', 'DANLU_ROOT', 'DANLU_USER'].filter((k) => env[k] !== undefined);
    const prefix = sudo ? [sudo, ...(keep.length ? [`--preserve-env=${keep.join(',')}`] : []), 'bash', file] : ['bash', file];
    if (sudo && !values.json) err(p.dim('Steps run through sudo; it may ask for your password once.'));
    for (const w of warnings) err(`${p.yellow('warn')}  ${w}`);

    const outcomes: StepOutcome[] = script.steps.map((s) => ({ id: s.id, title: s.title, status: 'not run', exitCode: null }));
    let failed: number | null = null;
    try {
      for (const [i, step] of script.steps.entries()) {
        if (!values.json) err(`\n${p.bold(`[${i + 1}/${script.steps.length}] ${step.id}`)} ${p.dim(step.what)}`);
        if (interactive && !values.yes && !(await askStep(step, i + 1, script.steps.length))) {
          if (!values.json) err(`Stopped before ${step.id}; the steps after it were not run. Run again to go on: every step is safe to repeat.`);
          break;
        }
        const r = await runStep([...prefix, step.id], env, Boolean(values.json));
        const outcome = outcomes[i]!;
        outcome.exitCode = r.code;
        if (values.json) outcome.output = r.output;
        if (r.code === 0) {
          outcome.status = 'ok';
          continue;
        }
        outcome.status = 'failed';
        outcome.fix = step.fix;
        failed = i;
        if (!values.json) {
          err(p.red(`\nStep ${step.id} failed${r.code === null ? '' : ` (exit ${r.code})`}; the steps after it were not run.`));
          err(`fix: ${step.fix} (the script's own "fix:" line above says more)`);
          err(p.dim(`Then run again: finished steps change nothing the second time.`));
        }
        break;
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const ok = failed === null && outcomes.every((o) => o.status === 'ok');
    if (values.json) {
      printJson({ steps: outcomes, ok, warnings });
    } else if (ok) {
      err(p.green('\nDone. Running setup-host again changes nothing.'));
    }
    return failed === null ? EXIT.ok : EXIT.failed;
  },
});
