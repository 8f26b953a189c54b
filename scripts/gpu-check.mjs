#!/usr/bin/env node
// Acceptance checks that need a machine with an NVIDIA GPU, in one run: what `danlu host`
// reads agrees with nvidia-smi read directly; `danlu plan` picks wheels whose architectures
// include every GPU; `danlu init` + `danlu doctor --json` run and report the GPU as fine; and,
// where uv is installed, the real `uv lock --offline` parses every generated pyproject.toml
// (scripts/check-uv-lock.mjs --offline). Needs only Node and the built bundle (dist/), no npm packages.
// Usage: node scripts/gpu-check.mjs [OUTDIR]   (JSON outputs are written to OUTDIR)
// Exit code 0 when every check passed, 1 otherwise.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = resolve(process.argv[2] ?? 'gpu-check-out');
mkdirSync(outDir, { recursive: true });
const danlu = join(root, 'bin', 'danlu.mjs');
const results = [];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 180_000, env: { ...process.env, NO_COLOR: '1' }, ...opts });
  return { code: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
}

function check(name, ok, detail) {
  results.push({ name, ok: Boolean(ok), detail });
  process.stdout.write(`${ok ? 'PASS' : 'FAIL'}  ${name}${detail ? `: ${detail}` : ''}\n`);
}

function json(name, r) {
  writeFileSync(join(outDir, `${name}.json`), r.stdout);
  writeFileSync(join(outDir, `${name}.stderr.txt`), r.stderr);
  try {
    return JSON.parse(r.stdout);
  } catch {
    return null;
  }
}

const cc = (v) => v.split('.').map(Number);
/** A GPU of compute capability `gpu` runs SASS built for `arch` of the same major and a minor not above its own. */
function runs(gpu, archs, ptx) {
  const [gM, gm] = cc(gpu);
  if (archs.some((a) => cc(a)[0] === gM && cc(a)[1] <= gm)) return true;
  return ptx !== null && ptx !== undefined && (cc(ptx)[0] < gM || (cc(ptx)[0] === gM && cc(ptx)[1] <= gm));
}

// 1. nvidia-smi directly, then danlu host.
const smi = run('nvidia-smi', ['--query-gpu=index,name,compute_cap,memory.total,driver_version', '--format=csv,noheader,nounits']);
writeFileSync(join(outDir, 'nvidia-smi.csv'), smi.stdout);
const direct = smi.stdout
  .trim()
  .split('\n')
  .filter(Boolean)
  .map((l) => l.split(',').map((x) => x.trim()))
  .map(([index, name, computeCap, memory, driver]) => ({ index: Number(index), name, computeCap, memory: Number(memory), driver }))
  .filter((g) => g.name && /^\d+\.\d+$/.test(g.computeCap ?? ''));
check('nvidia-smi lists GPUs', smi.code === 0 && direct.length > 0, `${direct.length} GPU(s): ${direct.map((g) => `${g.name} (${g.computeCap})`).join(', ')}`);

const hostRun = run(process.execPath, [danlu, 'host', '--json']);
const host = json('host', hostRun);
check('danlu host --json exits 0 with JSON', hostRun.code === 0 && host !== null, hostRun.code === 0 ? '' : hostRun.stderr.slice(-300));
const gpus = host?.nvidia?.gpus ?? [];
check('danlu host sees every GPU', gpus.length > 0 && gpus.length === direct.length, `${gpus.length} vs ${direct.length}`);
for (const d of direct) {
  const g = gpus.find((x) => x.index === d.index);
  check(
    `GPU ${d.index}: name and compute capability agree`,
    g && g.name === d.name && g.computeCapability === d.computeCap,
    g ? `${g.name} ${g.computeCapability}` : 'missing',
  );
}
check(
  'driver version agrees',
  Boolean(direct[0]?.driver) && host?.nvidia?.driverVersion === direct[0]?.driver,
  `${host?.nvidia?.driverVersion} vs ${direct[0]?.driver}`,
);
check('driver CUDA version read', /^\d+\.\d+$/.test(host?.nvidia?.cudaVersion ?? ''), host?.nvidia?.cudaVersion ?? 'none');

// 2. plan and init on the bundled example, then doctor in it.
const work = mkdtempSync(join(tmpdir(), 'danlu-gpu-check-'));
const project = join(work, 'mnist');
cpSync(join(root, 'examples', 'mnist'), project, { recursive: true });
const planRun = run(process.execPath, [danlu, 'plan', project, '--json']);
const plan = json('plan', planRun);
check('danlu plan --json exits 0', planRun.code === 0 && plan !== null, planRun.code === 0 ? '' : planRun.stderr.slice(-300));
if (plan) {
  check('plan picks a CUDA build', /^cu\d+$/.test(plan.torch.backend), `torch ${plan.torch.version} ${plan.torch.backend}, image ${plan.cuda.image}`);
  for (const d of direct) {
    check(
      `plan's wheels run on GPU ${d.index} (sm_${d.computeCap.replace('.', '')})`,
      runs(d.computeCap, plan.torch.archs, plan.torch.ptx),
      `archs ${plan.torch.archs.join(' ')}`,
    );
  }
  check(
    'plan has no warnings about this host',
    !plan.warnings.some((w) => /does-not-fit|no-nvidia|arch-unknown/.test(w.id)),
    plan.warnings.map((w) => w.id).join(', ') || 'none',
  );
}
const initRun = run(process.execPath, [danlu, 'init', project, '--yes', '--json']);
json('init', initRun);
check('danlu init --yes exits 0', initRun.code === 0, initRun.code === 0 ? '' : initRun.stderr.slice(-300));
const started = Date.now();
const doctorRun = run(process.execPath, [danlu, 'doctor', project, '--json']);
const doctorMs = Date.now() - started;
const doctor = json('doctor', doctorRun);
check(
  'danlu doctor --json exits 0 or 1 with findings',
  (doctorRun.code === 0 || doctorRun.code === 1) && Array.isArray(doctor?.findings),
  `exit ${doctorRun.code}, ${doctorMs} ms`,
);
if (doctor) {
  const byId = (id) => doctor.findings.find((f) => f.id === id);
  const driver = byId('nvidia-driver');
  check('doctor: the NVIDIA driver is fine', driver?.severity === 'ok', driver ? `${driver.severity}: ${driver.title}` : 'no nvidia-driver finding');
  const errors = doctor.findings.filter((f) => f.severity === 'error');
  process.stdout.write(`      doctor errors (expected where Docker is missing): ${errors.map((f) => f.id).join(', ') || 'none'}\n`);
}
rmSync(work, { recursive: true, force: true });

// 3. The real uv, where there is one.
const uv = run('uv', ['--version']);
if (uv.code === 0) {
  // No network on a GPU server: uv must get past reading each file (`uv lock --offline`).
  // This machine as danlu sees it, saved as a host file for the harness.
  const hostFile = join(outDir, 'host.json');
  writeFileSync(hostFile, hostRun.stdout);
  const parse = run(process.execPath, [join(root, 'scripts', 'check-uv-lock.mjs'), '--fixtures', '--offline', '--host', hostFile, '--json'], {
    timeout: 540_000,
  });
  writeFileSync(join(outDir, 'uv-parse.json'), parse.stdout);
  writeFileSync(join(outDir, 'uv-parse.txt'), parse.stderr);
  check(`real ${uv.stdout.trim()} parses every generated pyproject.toml`, parse.code === 0, parse.stdout.trim().split('\n').at(-1));
} else {
  process.stdout.write('SKIP  uv is not installed: the real uv parse was not checked\n');
}

writeFileSync(join(outDir, 'summary.json'), `${JSON.stringify({ date: new Date().toISOString(), results }, null, 2)}\n`);
const failed = results.filter((r) => !r.ok);
process.stdout.write(`\n${results.length - failed.length} of ${results.length} checks passed; outputs in ${outDir}\n`);
process.exit(failed.length === 0 ? 0 : 1);
