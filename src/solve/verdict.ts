/**
 * What `uv lock` said, read from its exit code and its own words (uv 0.13 messages: the
 * resolver's derivation tree, its hints, the workspace and build errors). Pure: the text in,
 * a verdict out; every verdict keeps uv's lines to show the user.
 */
export type LockVerdict =
  | { kind: 'locked' }
  /** uv refuses the project file itself (TOML, schema, names): danlu must not write it. */
  | { kind: 'refused'; lines: string[] }
  /** A host uv could not reach (no network, a git server, another index). */
  | { kind: 'unreachable'; hosts: string[]; lines: string[] }
  /** A package has no wheel for the planned Python: the Pythons it has wheels for (minors, newest first). */
  | { kind: 'python'; package: string; pythons: string[]; lines: string[] }
  /** A requirement needs a newer Python than the planned one ("torch==2.7.1 depends on Python>=3.9.0"). */
  | { kind: 'python-below'; package: string; minimum: string; lines: string[] }
  /** The requirements cannot be satisfied together; `torch` when torch is part of the contradiction. */
  | { kind: 'unsatisfiable'; torch: boolean; part: Part | null; clash: Clash | null; bindings: Binding[]; notFound: string | null; lines: string[] }
  /**
   * A package's build (for its metadata) failed; `missing`: the module its build could not import;
   * `removed`: a name its build took from a module that has it no more (`inspect.getargspec`).
   */
  | { kind: 'build'; package: string | null; part: Part | null; missing: string | null; removed: { module: string; name: string } | null; lines: string[] }
  /** A local path source that is not there (uv: "Distribution not found at: file:///..."). */
  | { kind: 'missing-path'; path: string; lines: string[] }
  | { kind: 'other'; lines: string[] };

/** An extra (`demo[serve]`) or a dependency group (`demo:dev`) that takes the lock down. */
export interface Part {
  kind: 'extra' | 'group';
  name: string;
}

/**
 * What uv's conclusion says cannot go together: "your project requires demo[gpu] and demo[train]"
 * (two of the project's extras or groups), or "your project and demo:cog" (`project`: the
 * project's own dependencies are one side).
 */
export interface Clash {
  parts: Part[];
  project: boolean;
}

/** A requirement on torch uv names in its derivation, and what asks for it. */
export interface Binding {
  /** `vllm==0.8.5`, or `demo[serve]` when the project's extra itself asks. */
  by: string;
  /** `torch==2.6.0`. */
  requirement: string;
}

const REFUSED = [
  /^error: Failed to parse/m,
  /TOML parse error/,
  /^error: .*unknown field/m,
  /invalid type:/,
  /missing field/,
  /references an undeclared index/,
  /Failed to deserialize/,
  /is not a valid (package|extra|group) name/,
  /duplicate normalized/i,
  /^error: Source entry for/m,
  /^error: .*(`tool\.uv\.|\[tool\.uv)/m,
];

const NETWORK =
  /dns error|failed to lookup address|Could not resolve host|Name or service not known|Temporary failure in name resolution|Connection refused|error sending request|operation timed out|Network is unreachable|tcp connect error|No route to host|client error \(Connect\)|failed to clone|unable to access|Network connectivity is disabled|network was disabled|not found in the cache/i;

/** uv's lines that say why: error, cause and hint lines (progress lines dropped). */
export function causeLines(text: string, max = 12): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .filter((l) => l.trim() && !/^\s*(Using CPython|Resolved \d+|Updated|Updating|Downloading|Downloaded|Building|Built|Prepared|Audited)\b/.test(l))
    .slice(0, max);
}

function hostOf(url: string): string | null {
  try {
    return new URL(url.replace(/^git\+/, '')).hostname.toLowerCase();
  } catch {
    return null;
  }
}

const minorOfTag = (tag: string): string | null => {
  const m = /^cp3(\d+)$/.exec(tag);
  return m ? `3.${m[1]}` : null;
};

/** The verdict of one `uv lock`: its exit code and stderr. */
export function readVerdict(code: number | null, stderr: string): LockVerdict {
  if (code === 0) return { kind: 'locked' };
  const text = String(stderr ?? '');
  const lines = causeLines(text);
  if (REFUSED.some((re) => re.test(text))) return { kind: 'refused', lines };
  const missing = /Distribution not found at: file:\/\/(\S+)/.exec(text);
  if (missing) return { kind: 'missing-path', path: decodeURIComponent(missing[1]!), lines };
  if (NETWORK.test(text)) {
    const hosts = [...new Set([...text.matchAll(/(?:git\+)?https?:\/\/[^\s`'"()<>]+/g)].map((m) => hostOf(m[0])).filter((h): h is string => h !== null))];
    return { kind: 'unreachable', hosts, lines };
  }
  const tags = /Wheels are available for `([^`]+)` \(v[^)]*\) with the following Python ABI tags: ([^\n]+)/.exec(text);
  if (/has no wheels with a matching Python (?:version|ABI) tag/.test(text) && tags) {
    const pythons = [...new Set([...tags[2]!.matchAll(/`([^`]+)`/g)].map((m) => minorOfTag(m[1]!)).filter((v): v is string => v !== null))];
    pythons.sort((a, b) => Number(b.split('.')[1]) - Number(a.split('.')[1]));
    return { kind: 'python', package: tags[1]!, pythons, lines };
  }
  // Only where the lock covers the one Python asked for (danlu's environment: the split is that
  // Python); a project's own environments reaching other Pythons are another matter.
  const flat = text.replace(/\s+/g, ' ');
  const below = /the requested Python version \(>=?(3\.\d+)[^)]*\) does not satisfy Python>=(3\.\d+)(?:\.\d+)? and (\S+?)(?:==\S+)? depends on Python/.exec(
    flat,
  );
  const split = /resolving dependencies for split \(markers: python_full_version == '(3\.\d+)\.\*'/.exec(text)?.[1];
  if (below && split === below[1]) return { kind: 'python-below', package: below[3]!, minimum: below[2]!, lines };
  if (/No solution found when resolving/.test(text) || /unsatisfiable/.test(text)) {
    // "Because backports was not found in the package registry": a name PyPI does not have.
    const notFound = /Because ([A-Za-z0-9][A-Za-z0-9._-]*) was not found in the package registry/.exec(text)?.[1] ?? null;
    // The torch family counts: a planned torchvision pin binds torch as much as torch's own.
    const clash = clashOf(text);
    const part = failingPart(text) ?? (clash?.project && clash.parts.length === 1 ? clash.parts[0]! : null);
    return { kind: 'unsatisfiable', torch: /\btorch(?:vision|audio)?\b/.test(text), part, clash, bindings: torchBindings(text), notFound, lines };
  }
  const build = /Failed to build `([^`=\s]+)/.exec(text) ?? /Failed to download and build `([^`=\s]+)/.exec(text);
  if (build) {
    // The build's own error (its last one): a top-level module only; a missing submodule
    // (`torch.utils`) means its package is there, and adding the package again fixes nothing.
    const missing = [...text.matchAll(/ModuleNotFoundError: No module named '([^']+)'/g)].at(-1)?.[1] ?? null;
    // "AttributeError: module 'inspect' has no attribute 'getargspec'", "ImportError: cannot import
    // name 'Mapping' from 'collections'": a name the module had in older Pythons, or never had.
    const attr = [...text.matchAll(/AttributeError: module '([\w.]+)' has no attribute '(\w+)'/g)].at(-1);
    const imported = [...text.matchAll(/ImportError: cannot import name '(\w+)' from '([\w.]+)'/g)].at(-1);
    const removed = attr ? { module: attr[1]!, name: attr[2]! } : imported ? { module: imported[2]!, name: imported[1]! } : null;
    return {
      kind: 'build',
      package: build[1]!,
      part: includedBy(text),
      missing: missing && /^[A-Za-z_]\w*$/.test(missing) ? missing : null,
      removed,
      lines,
    };
  }
  return { kind: 'other', lines };
}

/** "hint: `av` (v9.2.0) was included because `demo[media]` (v0.1.0) depends on ...": the extra or group that brought it. */
function includedBy(text: string): Part | null {
  const m = /was included because `[A-Za-z0-9._-]+(?:\[([A-Za-z0-9._-]+)\]|:([A-Za-z0-9._-]+))`/.exec(text);
  if (!m) return null;
  return m[1] ? { kind: 'extra', name: m[1] } : { kind: 'group', name: m[2]! };
}

/** The sides of uv's last conclusion, "your project requires A and B, we can conclude that ... unsatisfiable". */
function clashOf(text: string): Clash | null {
  const flat = text.replace(/\s+/g, ' ');
  const m = [...flat.matchAll(/your project requires (.+?), we can conclude that your project's requirements are unsatisfiable/g)].at(-1);
  if (!m) return null;
  const items = m[1]!.split(/, and |, | and /).map((x) => x.trim());
  const parts: Part[] = [];
  let project = false;
  for (const item of items) {
    if (item === 'your project') project = true;
    const extra = /^[A-Za-z0-9._-]+\[([A-Za-z0-9._-]+)\]$/.exec(item);
    const group = /^[A-Za-z0-9._-]+:([A-Za-z0-9._-]+)$/.exec(item);
    if (extra) parts.push({ kind: 'extra', name: extra[1]! });
    else if (group) parts.push({ kind: 'group', name: group[1]! });
  }
  return parts.length > 0 ? { parts, project } : null;
}

/** `demo[serve]` / `demo:dev` in "we can conclude that demo[serve] ..." or "your project requires demo:dev". */
function failingPart(text: string): Part | null {
  const extra = /(?:your project requires|conclude that) [A-Za-z0-9._-]+\[([A-Za-z0-9._-]+)\]/.exec(text);
  if (extra) return { kind: 'extra', name: extra[1]! };
  const group = /(?:your project requires|conclude that) [A-Za-z0-9._-]+:([A-Za-z0-9._-]+)/.exec(text);
  if (group) return { kind: 'group', name: group[1]! };
  return null;
}

/**
 * What pins torch in uv's derivation: "Because vllm==0.8.5 depends on torch==2.6.0",
 * "demo:dev depends on torch==2.14.* and torch==2.6.0" (one of them the plan's constraint).
 */
function torchBindings(text: string): Binding[] {
  const flat = text.replace(/\s+/g, ' ');
  const out: Binding[] = [];
  for (const m of flat.matchAll(
    /(?:Because |and |, )([A-Za-z0-9._-]+(?:\[[^\]]+\]|:[A-Za-z0-9._-]+)?(?:[=<>!~][^ ]*)?) depends on torch(?:\{[^}]*\})?([=<>!~][^ ,]*(?:,[<>=!~][^ ,]*)*)/g,
  )) {
    const by = m[1]!;
    if (/^your$|^project$/.test(by)) continue;
    out.push({ by, requirement: `torch${m[2]!.replace(/[.,]$/, '')}` });
    // "X depends on torch==A and torch==B": B is X's too.
    const more = /^ and torch([=<>!~][^ ,]*)/.exec(flat.slice((m.index ?? 0) + m[0].length));
    if (more) out.push({ by, requirement: `torch${more[1]!.replace(/[.,]$/, '')}` });
  }
  return out;
}
