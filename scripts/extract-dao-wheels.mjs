#!/usr/bin/env node
// Maintainers: read the wheel build matrix of state-spaces/mamba or Dao-AILab/causal-conv1d at
// each release tag from a local git clone, as input for src/catalog/data/dao-extension-wheels.ts.
// Usage: node scripts/extract-dao-wheels.mjs PATH/TO/REPO.git [TAG ...]
// Prints one JSON object per tag. Only linux x86_64 release rows are kept (ubuntu-*-arm rows,
// nightly `.dev` torch and torch 1.x are left out; NGC container builds are a separate job).
// The output is for review: the data file is written and checked by hand.
import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';

const [repo, ...wanted] = process.argv.slice(2);
if (!repo) {
  process.stderr.write('usage: extract-dao-wheels.mjs REPO_GIT_DIR [TAG ...]\n');
  process.exit(2);
}

const git = (...args) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
const show = (tag, path) => {
  try {
    return git('show', `${tag}:${path}`);
  } catch {
    return null;
  }
};

const minor = (v) => v.split('.').slice(0, 2).join('.');
const digits = (cuda) => cuda.split('.').slice(0, 2).join(''); // awk '{print $1 $2}': "12.9.1" -> "129"
const major = (cuda) => cuda.split('.')[0];

/** `{'2.4': 118, '2.5': 124}` -> { '2.4': 118, ... } */
function pyDict(text) {
  const out = {};
  for (const m of text.matchAll(/'(\d+\.\d+)':\s*(\d+)/g)) out[m[1]] = Number(m[2]);
  return out;
}

/**
 * The torch CUDA variant the job installs for (torch minor, matrix CUDA digits), from the
 * inline Python of the "Install PyTorch" step. Three forms occur; anything else is reported.
 */
function torchCudaRule(text) {
  const avail = /available\s*=\s*\{([\s\S]*?)\}\[/.exec(text);
  if (avail) {
    const table = {};
    for (const m of avail[1].matchAll(/'(\d+\.\d+)':\s*\[([\d,\s]+)\]/g)) table[m[1]] = m[2].split(',').map((s) => Number(s.trim()));
    return { form: 'available', pick: (t, c) => (table[t] ? Math.max(...table[t].filter((v) => v <= c)) : null) };
  }
  const minv = /minv\s*=\s*(\{[^}]*\})/.exec(text);
  const maxv = /maxv\s*=\s*(\{[^}]*\})/.exec(text);
  if (!minv || !maxv) return { form: 'unknown', pick: () => null };
  const lo = pyDict(minv[1]);
  const hi = pyDict(maxv[1]);
  if (/print\(minv if int\(env\['MATRIX_CUDA_VERSION'\]\) < 120 else maxv\)/.test(text)) {
    return { form: 'minv-if-cu11-else-maxv', pick: (t, c) => (t in lo ? (c < 120 ? lo[t] : hi[t]) : null) };
  }
  if (/print\(max\(min\(int\(env\['MATRIX_CUDA_VERSION'\]\), maxv\), minv\)\)/.test(text)) {
    return { form: 'clamp', pick: (t, c) => (t in lo ? Math.max(Math.min(c, hi[t]), lo[t]) : null) };
  }
  return { form: 'unknown', pick: () => null };
}

/** C++ ABI of the pip torch the job installs: cxx11 from 2.7, and for 2.6 +cu126 (download.pytorch.org). */
function torchAbi(torchMinor, variant) {
  const [a, b] = torchMinor.split('.').map(Number);
  if (a > 2 || (a === 2 && b >= 7)) return 'cxx11';
  if (a === 2 && b === 6 && variant >= 126) return 'cxx11';
  return 'pre-cxx11';
}

const tags = wanted.length > 0 ? wanted : git('tag', '--sort=creatordate').split('\n').filter(Boolean);
for (const tag of tags) {
  const date = git('log', '-1', '--format=%cs', tag).trim();
  const pkgDir = show(tag, 'mamba_ssm/__init__.py') !== null ? 'mamba_ssm' : 'causal_conv1d';
  const init = show(tag, `${pkgDir}/__init__.py`) ?? '';
  const version = /^__version__\s*=\s*["']([^"']+)["']/m.exec(init)?.[1] ?? null;
  const publish = show(tag, '.github/workflows/publish.yaml') ?? show(tag, '.github/workflows/publish.yml');
  if (!publish) {
    console.log(JSON.stringify({ tag, date, version, error: 'no publish workflow' }));
    continue;
  }
  const build = show(tag, '.github/workflows/_build.yml') ?? '';
  const script = show(tag, '.github/scripts/build.sh') ?? '';
  const all = `${publish}\n${build}\n${script}`;
  const tmpname = /tmpname=(.+)$/m.exec(all)?.[1]?.trim() ?? null;
  const cudaVar = tmpname ? /cu\$\{?(\w+)\}?/.exec(tmpname)?.[1] : null;
  const rename = /sed "s\/-\/\+\$tmpname-\/2"/.test(all);
  const rule = torchCudaRule(build.includes('TORCH_CUDA_VERSION') ? build : publish);

  const wf = parse(publish);
  const matrix = wf.jobs.build_wheels.strategy.matrix;
  const os = matrix.os.filter((o) => !/arm/.test(o));
  const torchAll = matrix['torch-version'].map(String);
  const torch = torchAll.filter((t) => !t.includes('dev') && !t.startsWith('1.'));
  const cudaAll = matrix['cuda-version'].map(String);
  const field = (c) => (cudaVar === 'WHEEL_CUDA_VERSION' ? major(c) : digits(c));
  const python = matrix['python-version'].map(String);
  const abis = matrix.cxx11_abi.map(String);
  const excludes = (matrix.exclude ?? [])
    .filter((e) => !e.os || !/arm/.test(e.os))
    .filter((e) => !e['torch-version'] || torch.includes(String(e['torch-version'])))
    .map((e) => ({
      ...(e['torch-version'] ? { torch: minor(String(e['torch-version'])) } : {}),
      ...(e['python-version'] ? { python: String(e['python-version']) } : {}),
      ...(e['cuda-version'] ? { cuda: field(String(e['cuda-version'])) } : {}),
      ...(e.cxx11_abi ? { abi: String(e.cxx11_abi) } : {}),
    }));
  const isExcluded = (t, c, abi) => excludes.some((e) => !e.python && (!e.torch || e.torch === t) && (!e.cuda || e.cuda === c) && (!e.abi || e.abi === abi));

  // Per (torch, cuda): the torch variant installed, and whether the FALSE wheel is really ABI=1.
  const cells = [];
  const abiTrueOnly = [];
  const notBuilt = [];
  for (const t of torch) {
    for (const c of cudaAll) {
      const tm = minor(t);
      const f = field(c);
      if (isExcluded(tm, f, null)) continue;
      const variant = rule.pick(tm, Number(digits(c)));
      if (variant === null || !Number.isFinite(variant)) {
        notBuilt.push({ torch: tm, cuda: f, why: `no torch CUDA variant in the ${rule.form} table` });
        continue;
      }
      // torch's cpp_extension refuses an nvcc whose CUDA major differs from torch.version.cuda's.
      if (Math.floor(variant / 10) !== Number(major(c))) {
        notBuilt.push({ torch: tm, cuda: f, why: `torch +cu${variant} with nvcc ${c}: CUDA major mismatch` });
        continue;
      }
      cells.push(`${tm}/${f}:cu${variant}`);
      if (abis.includes('FALSE') && !isExcluded(tm, f, 'FALSE') && torchAbi(tm, variant) === 'cxx11') abiTrueOnly.push({ torch: tm, cuda: f });
    }
  }
  // GitHub retired the ubuntu-20.04 hosted runner image on 2025-04-15: jobs asking for it no longer run.
  const warnings = [];
  if (os.includes('ubuntu-20.04') && date >= '2025-04-15') warnings.push('runs-on ubuntu-20.04 after its retirement');
  if (version && `v${version}` !== tag) warnings.push(`package version ${version} differs from the tag`);
  console.log(
    JSON.stringify({
      tag,
      warnings,
      date,
      version,
      os,
      python,
      torch: [...new Set(torch.map(minor))],
      torchDropped: torchAll.filter((t) => !torch.includes(t)),
      cuda: [...new Set(cudaAll.map(field))],
      nvcc: cudaAll,
      abis,
      exclude: excludes,
      tmpname,
      rename,
      torchCudaRule: rule.form,
      cells,
      abiTrueOnly,
      notBuilt,
    }),
  );
}
