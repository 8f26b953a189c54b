import type { Word } from './shell.js';
import type { IndexKind } from './types.js';
import { archiveName } from './url.js';

/** The words of a pip / uv pip / uv add / mim install command, read as pip and uv read them. */

/** Installers and build front-ends: what installs the project, never a dependency of it. */
export const PACKAGING_TOOLS = new Set([
  'pip',
  'uv',
  'setuptools',
  'wheel',
  'hatch',
  'hatchling',
  'poetry',
  'poetry-core',
  'pdm',
  'flit',
  'flit-core',
  'build',
  'twine',
  'pipx',
  'virtualenv',
  'pip-tools',
  'conda',
  'mamba',
]);

/**
 * Options of pip install (pip 25), uv pip install / uv add (uv 0.9) and mim install, and how many
 * values each takes. A word after an option that takes one is its value, never a requirement; an
 * option not listed here leaves the whole line out (its value could not be told from a package).
 */
const OPTIONS: Record<string, 0 | 1> = {
  // pip install: values
  ...Object.fromEntries(
    [
      '-r',
      '--requirement',
      '-c',
      '--constraint',
      '-e',
      '--editable',
      '-t',
      '--target',
      '--platform',
      '--python-version',
      '--implementation',
      '--abi',
      '--root',
      '--prefix',
      '--src',
      '--upgrade-strategy',
      '-C',
      '--config-settings',
      '--global-option',
      '--install-option',
      '--no-binary',
      '--only-binary',
      '--progress-bar',
      '--root-user-action',
      '--report',
      '--group',
      '-i',
      '--index-url',
      '--extra-index-url',
      '-f',
      '--find-links',
      '--log',
      '--log-file',
      '--local-log',
      '--proxy',
      '--retries',
      '--timeout',
      '--exists-action',
      '--trusted-host',
      '--cert',
      '--client-cert',
      '--cache-dir',
      '--python',
      '--keyring-provider',
      '--use-feature',
      '--use-deprecated',
      '--resume-retries',
      // uv pip install / uv add: values
      '--constraints',
      '--overrides',
      '--override',
      '-b',
      '--build-constraint',
      '--build-constraints',
      '--extra',
      '-p',
      '--index',
      '--default-index',
      '--index-strategy',
      '--config-setting',
      '--config-settings-package',
      '--no-build-package',
      '--no-binary-package',
      '--reinstall-package',
      '--refresh-package',
      '-P',
      '--upgrade-package',
      '--resolution',
      '--prerelease',
      '--fork-strategy',
      '--exclude-newer',
      '--exclude-newer-package',
      '--link-mode',
      '--python-platform',
      '--torch-backend',
      '--directory',
      '--project',
      '--config-file',
      '--color',
      '--allow-insecure-host',
      '--no-build-isolation-package',
      '--python-preference',
      '--excludes',
      '--optional',
      '--bounds',
      '--rev',
      '--tag',
      '--branch',
      '--package',
      '--script',
      '-m',
      '--marker',
    ].map((o) => [o, 1 as const]),
  ),
  // flags (pip, uv, mim)
  ...Object.fromEntries(
    [
      '--dry-run',
      '--user',
      '-U',
      '--upgrade',
      '--force-reinstall',
      '-I',
      '--ignore-installed',
      '--ignore-requires-python',
      '--no-build-isolation',
      '--use-pep517',
      '--no-use-pep517',
      '--check-build-dependencies',
      '--break-system-packages',
      '--compile',
      '--no-compile',
      '--no-warn-script-location',
      '--no-warn-conflicts',
      '--prefer-binary',
      '--require-hashes',
      '--no-clean',
      '--no-deps',
      '--pre',
      '--no-index',
      '-q',
      '-qq',
      '-qqq',
      '--quiet',
      '-v',
      '-vv',
      '-vvv',
      '--verbose',
      '--isolated',
      '--no-cache-dir',
      '--disable-pip-version-check',
      '--no-input',
      '--no-python-version-warning',
      '--debug',
      '--no-color',
      '--require-virtualenv',
      '--all-extras',
      '--all-groups',
      '--system',
      '--no-build',
      '--strict',
      '--compile-bytecode',
      '--reinstall',
      '--refresh',
      '--no-verify-hashes',
      '--verify-hashes',
      '--offline',
      '--native-tls',
      '--no-cache',
      '-n',
      '--no-progress',
      '--managed-python',
      '--no-managed-python',
      '--no-python-downloads',
      '--exact',
      '--no-config',
      '--preview',
      '--no-sources',
      '--legacy-setup-py',
      '--dev',
      '--raw',
      '--raw-sources',
      '--lfs',
      '--no-sync',
      '--locked',
      '--frozen',
      '--active',
      '--workspace',
      '--no-workspace',
      '--no-install-project',
      '--no-editable',
      '-y',
      '--yes',
      '--no-isolation',
    ].map((o) => [o, 0 as const]),
  ),
};

export interface Parsed {
  requirements: { word: Word; editable: boolean }[];
  includes: { path: string; constraint: boolean }[];
  indexes: { url: string; kind: IndexKind }[];
  flags: Set<string>;
  values: Map<string, string[]>;
  unknown: string[];
}

export function parseArgs(words: Word[]): Parsed {
  const p: Parsed = { requirements: [], includes: [], indexes: [], flags: new Set(), values: new Map(), unknown: [] };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!w.text.startsWith('-') || w.text === '-') {
      p.requirements.push({ word: w, editable: false });
      continue;
    }
    const eq = w.text.indexOf('=');
    let opt = w.text;
    let value: string | undefined;
    if (w.text.startsWith('--') && eq > 0) [opt, value] = [w.text.slice(0, eq), w.text.slice(eq + 1)];
    else if (/^-[rceifCpPbm]./.test(w.text) && !(w.text in OPTIONS)) [opt, value] = [w.text.slice(0, 2), w.text.slice(2)];
    const takes = OPTIONS[opt];
    if (takes === undefined) {
      p.unknown.push(opt);
      continue;
    }
    if (value === undefined && takes === 1) value = words[++i]?.text ?? '';
    if (value === undefined) {
      p.flags.add(opt);
      continue;
    }
    p.values.set(opt, [...(p.values.get(opt) ?? []), value]);
    if (opt === '-e' || opt === '--editable') p.requirements.push({ word: { text: value, quoted: true }, editable: true });
    else if (opt === '-r' || opt === '--requirement') p.includes.push({ path: value, constraint: false });
    else if (opt === '-c' || opt === '--constraint' || opt === '--constraints') p.includes.push({ path: value, constraint: true });
    else if (opt === '-i' || opt === '--index-url' || opt === '--default-index') p.indexes.push({ url: value, kind: 'index-url' });
    else if (opt === '--extra-index-url' || opt === '--index') p.indexes.push({ url: value, kind: 'extra-index-url' });
    else if (opt === '-f' || opt === '--find-links') p.indexes.push({ url: value, kind: 'find-links' });
  }
  return p;
}

/** Words of a README line that stand for something the reader fills in (`<requirements file>`, `your_package`, `path/to/x`). */
export function placeholderIn(text: string): string | null {
  const angle = /<[A-Za-z_][^<>]*>/.exec(text);
  if (angle) return angle[0];
  for (const w of text.split(/\s+/)) if (/^(\{[^}]*\}|your[-_.][\w.-]*|path\/to\/\S*|\.\.\.|x\.y(\.z)?)$/i.test(w.replace(/^["']|["']$/g, ''))) return w;
  return null;
}

/** The accelerator a wheel file or URL is built for, from its local version label (`torch-2.9.1+rocm7.2-...whl`). */
export function wheelAccelerator(word: string): string | null {
  if (!/\.whl($|[?#])/i.test(word)) return null;
  const label = /\+([a-z]+)[\d.]*$/i.exec(archiveName(word)?.version ?? '')?.[1]?.toLowerCase();
  if (label === 'rocm') return 'AMD ROCm';
  if (label === 'xpu') return 'Intel XPU';
  if (label === 'cpu') return 'CPU only';
  return null;
}
