/**
 * The values danlu itself wrote into pyproject.toml and updates on its next run, recorded in
 * `[tool.danlu.managed]`: the planned torch entries it added, its own uv constraints, the lock's
 * environments and requires-python. A value there that the file still holds is danlu's (it
 * follows the plan); one the user changed is the user's (kept, and never read as danlu's). What
 * danlu wrote is never read back as the project's own input.
 */
export interface Managed {
  'requires-python'?: string;
  environments?: string[];
  'constraint-dependencies'?: string[];
  /** torch-family entries danlu added to [project] dependencies (the project named torch nowhere). */
  dependencies?: string[];
  /** The URL of the PyTorch index danlu routes torch to (its [[tool.uv.index]] "pytorch"). */
  index?: string;
  /** [tool.uv] conflicts sets danlu added, each as `conflictKey` writes it. */
  conflicts?: string[];
  /** The Python danlu wrote to `.python-version` (the file then is danlu's, not the project's pin). */
  'python-version'?: string;
}

export const MANAGED_KEYS = ['requires-python', 'python-version', 'environments', 'constraint-dependencies', 'dependencies', 'index', 'conflicts'] as const;

/** A [tool.uv] conflicts set as one line: "group environment / extra vllm" (null: not a set of extras and groups). */
export function conflictKey(set: unknown): string | null {
  if (!Array.isArray(set)) return null;
  const parts: string[] = [];
  for (const item of set) {
    if (!isObj(item)) return null;
    if (typeof item.extra === 'string') parts.push(`extra ${item.extra}`);
    else if (typeof item.group === 'string') parts.push(`group ${item.group}`);
    else if (typeof item.package === 'string') parts.push(`package ${item.package}`);
    else return null;
  }
  return parts.join(' / ');
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);

/** danlu's own shapes, for a file an older danlu wrote before it recorded them. */
const OWN_TORCH_ENTRY = /^(torch|torchvision|torchaudio)==\d+\.\d+\.\*$/;
const OWN_ENVIRONMENT = /^sys_platform == 'linux' and platform_machine == '[a-z0-9_]+' and python_version == '3\.\d+'$/;

/** What danlu wrote, from the parsed pyproject.toml: its record, else (a file of an older danlu) its own shapes. */
export function managedOf(data: Obj | null | undefined): Managed {
  const tool = isObj(data?.tool) ? (data!.tool as Obj) : null;
  const danlu = isObj(tool?.danlu) ? (tool!.danlu as Obj) : null;
  if (!danlu) return {};
  const record = isObj(danlu.managed) ? (danlu.managed as Obj) : null;
  if (record) {
    const out: Managed = {};
    if (typeof record['requires-python'] === 'string') out['requires-python'] = record['requires-python'];
    if (typeof record['python-version'] === 'string') out['python-version'] = record['python-version'];
    const env = strings(record.environments);
    if (env) out.environments = env;
    const cons = strings(record['constraint-dependencies']);
    if (cons) out['constraint-dependencies'] = cons;
    const deps = strings(record.dependencies);
    if (deps) out.dependencies = deps;
    if (typeof record.index === 'string') out.index = record.index;
    const conflicts = strings(record.conflicts);
    if (conflicts) out.conflicts = conflicts;
    return out;
  }
  // A file from before the record: danlu's own shapes in a project danlu initialised.
  const uv = isObj(tool?.uv) ? (tool!.uv as Obj) : null;
  const project = isObj(data?.project) ? (data!.project as Obj) : null;
  const out: Managed = {};
  const cons = (strings(uv?.['constraint-dependencies']) ?? []).filter((c) => OWN_TORCH_ENTRY.test(c.replace(/\s+/g, '')));
  if (cons.length > 0) out['constraint-dependencies'] = cons;
  const deps = (strings(project?.dependencies) ?? []).filter((d) => OWN_TORCH_ENTRY.test(d.replace(/\s+/g, '')));
  if (deps.length > 0) out.dependencies = deps;
  const env = strings(uv?.environments);
  if (env && env.length > 0 && env.every((e) => OWN_ENVIRONMENT.test(e))) out.environments = env;
  const rp = project?.['requires-python'];
  if (typeof rp === 'string' && /^>=3\.\d+$/.test(rp.trim())) out['requires-python'] = rp;
  const index = (Array.isArray(uv?.index) ? (uv!.index as unknown[]) : []).find(
    (i): i is Obj => isObj(i) && i.name === 'pytorch' && typeof i.url === 'string' && /^https:\/\/download\.pytorch\.org\/whl\/[a-z0-9.]+$/.test(i.url),
  );
  if (index) out.index = index.url as string;
  return out;
}

/** The entry is one danlu wrote (so not the project's own input). */
export function isManagedEntry(managed: Managed, key: 'dependencies' | 'constraint-dependencies', entry: string): boolean {
  const list = managed[key];
  return list?.some((m) => m.replace(/\s+/g, '') === entry.replace(/\s+/g, '')) ?? false;
}

/**
 * The pairs of extras or groups danlu declared conflicting in an earlier run (uv found they cannot
 * be installed together) that the file still holds: uv's verdict then, taken again, so a second
 * run plans what the first did. The sets that hold danlu's own group of the planned torch are
 * made again from the alternatives, not read back.
 */
export function earlierConflicts(data: Obj | null | undefined): { sides: { kind: 'extra' | 'group'; name: string }[]; why: string }[] {
  const keys = new Set(managedOf(data).conflicts ?? []);
  const tool = isObj(data?.tool) ? (data!.tool as Obj) : null;
  const uv = isObj(tool?.uv) ? (tool!.uv as Obj) : null;
  const sets = Array.isArray(uv?.conflicts) ? (uv!.conflicts as unknown[]) : [];
  const out: { sides: { kind: 'extra' | 'group'; name: string }[]; why: string }[] = [];
  for (const set of sets) {
    const key = conflictKey(set);
    if (!key || !keys.has(key) || !Array.isArray(set) || set.length !== 2) continue;
    const sides = (set as Obj[]).map((x) =>
      typeof x.extra === 'string' ? { kind: 'extra' as const, name: x.extra } : typeof x.group === 'string' ? { kind: 'group' as const, name: x.group } : null,
    );
    if (sides.some((x) => x === null || (x.kind === 'group' && x.name === 'environment'))) continue;
    out.push({
      sides: sides as { kind: 'extra' | 'group'; name: string }[],
      why: 'uv found they cannot be installed together when danlu last planned this project ([tool.danlu.managed] conflicts)',
    });
  }
  return out;
}
