import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import type { Catalog } from '../catalog/index.js';
import { MISSING_BUILD_MODULES, REMOVED_STDLIB, REMOVED_STDLIB_NAMES } from '../catalog/data/build-needs.js';
import { DanluError } from '../lib/errors.js';
import { readProjectFile } from '../lib/read-file.js';
import { minorOf, normalizeName, satisfiesOr, TORCH_FAMILY } from '../lib/py.js';
import { mergeConflicts, pairKey, planSolvedAlternatives, solvedAlternatives } from '../plan/alternatives.js';
import { makePlan, type PlanInput } from '../plan/make-plan.js';
import { where } from '../plan/project-torch.js';
import type { Plan, PlanOptions, SolveReport, Solved } from '../plan/types.js';
import { parseTomlStrict, requirementName } from '../project/toml.js';
import { setAsideText } from './set-aside.js';
import { candidateFiles, freeTorch } from './candidate.js';
import { makeScratch } from './scratch.js';
import { type UvTool, uvLock } from './uv.js';
import { type Binding, type LockVerdict, type Part, readVerdict } from './verdict.js';

export interface SolveOptions {
  uv: UvTool;
  /** The environment uv runs with (the user's, with its indexes and cache). */
  env: NodeJS.ProcessEnv;
  /** Per `uv lock`. */
  timeoutMs: number;
  /** The Python is the user's or the project's (--python, .python-version, a hint): the solve does not move it. */
  pythonFixed: boolean;
  /** --torch: the solve checks, it does not move torch. */
  torchFixed: boolean;
  /** What the index uv resolves against is, for the report (masked). */
  index: string | null;
  progress?: (text: string) => void;
}

export interface Solution {
  plan: Plan;
  /** uv.lock as uv wrote it for the final plan; null when it could not lock. */
  lock: string | null;
}

const MAX_LOCKS = 6;
/** Pairs of alternatives uv may name, one lock each (on top of MAX_LOCKS). */
const MAX_CONFLICTS = 8;

/** The locked versions of a package in a uv.lock text. */
export function lockedVersions(lock: string, name: string): string[] {
  return [...lock.matchAll(/^\[\[package\]\]\nname = "([^"]+)"\nversion = "([^"]+)"/gm)].filter((m) => m[1] === name).map((m) => m[2]!);
}

/**
 * The torch versions of the environment this machine installs. A project that declares
 * alternatives ([tool.uv] conflicts) locks a torch per alternative; the project's own entries
 * say which: an edge whose marker is only `extra == '<one of those alternatives>'` belongs to
 * that alternative. Without such edges, every torch in the lock.
 */
export function machineTorch(lock: string, project: string, alternatives: readonly string[]): string[] {
  const all = lockedVersions(lock, 'torch');
  if (all.length < 2 || alternatives.length === 0) return all;
  const norm = (n: string) => n.toLowerCase().replace(/[-_.]+/g, '-');
  const block = lock.split(/^\[\[package\]\]\n/m).find((b) => norm(/^name = "([^"]+)"/.exec(b)?.[1] ?? '') === norm(project));
  if (!block) return all;
  const alt = new Set(alternatives.map(norm));
  const versions = new Set<string>();
  for (const m of block.matchAll(/\{ name = "torch", version = "([^"]+)"([^\n]*)/g)) {
    const marker = /marker = "([^"]*)"/.exec(m[2]!)?.[1] ?? '';
    const only = /^extra == '(?:extra|group)-\d+-[^']+?-([^']+)'$/.exec(marker);
    if (only && alt.has(norm(only[1]!))) continue;
    versions.add(m[1]!);
  }
  const mine = all.filter((v) => versions.has(v));
  return mine.length > 0 ? mine : all;
}

/** The minor of a Python version as a number: "3.12" -> 12. */
const minorNumber = (py: string) => Number(py.split('.')[1]);

/**
 * The joint solve: the catalog's plan is checked by the real `uv lock` against the project's
 * whole dependency graph, in a scratch copy (nothing of the project is written). When uv
 * refuses, what it says is taken as a fact and the plan made again:
 * - a package pins another torch (a companion's release, an extra, a group): uv chooses torch
 *   among the versions that run on this host (`torch.hostFit`, explicit caps), and the plan
 *   takes that torch;
 * - a package has no wheel for the planned Python: the newest Python it has wheels for;
 * - uv cannot read the file danlu would write: an error (nothing is written).
 * Ends with the plan (its `solve` report says how) and the lock uv made for it.
 */
export async function solvePlan(input: PlanInput, dir: string, first: Plan, opts: SolveOptions): Promise<Solution> {
  const catalog: Catalog = input.catalog;
  const existing = {
    pyproject: input.project.pyprojectText,
    pythonVersion: readProjectFile(dir, '.python-version').text,
  };
  // The project's own lock (uv keeps what it holds); after a free-torch lock, that one (the versions it found).
  let startLock = readProjectFile(dir, 'uv.lock').text;
  const attempts: SolveReport['attempts'] = [];
  const solved: Solved = { ...(input.options.solved ?? {}) };
  // Alternatives uv found in an earlier run, still in the file: known already.
  const earlier = input.project.earlierConflicts ?? [];
  if (earlier.length > 0) solved.conflicts = mergeConflicts(earlier, solved.conflicts ?? []);
  let torchBound: string | null = null;
  let pythonBound: string | null = null;
  let triedRange = false;
  const tried = new Set<string>();
  const scratch = await makeScratch(dir);
  // Hosts this machine cannot reach: their sources are set aside, so uv can judge the rest.
  const aside: string[] = [];
  const report = (plan: Plan, status: SolveReport['status'], summary: string, extra: Partial<SolveReport> = {}): Plan => ({
    ...plan,
    solve: {
      status,
      uv: `uv ${opts.uv.version}`,
      index: opts.index,
      summary,
      torchBound,
      pythonBound,
      ...(solved.relax?.length ? { relaxed: solved.relax.map((r) => r.why) } : {}),
      uvSaid: [],
      attempts,
      unreachable: [...aside],
      ...extra,
    },
  });
  let firstLock = true;
  const lock = async (plan: Plan, what: string, extraArgs: string[] = []): Promise<{ verdict: LockVerdict; text: string | null }> => {
    const files = candidateFiles(plan, catalog, existing);
    if (aside.length > 0) files.pyproject = setAsideText(files.pyproject, aside);
    await scratch.put({ 'pyproject.toml': files.pyproject, '.python-version': files.pythonVersion, 'uv.lock': startLock });
    opts.progress?.(`uv lock: ${what}`);
    const env = envFor(opts.env, files.pyproject);
    // The first lock tries uv's cache alone (no index round-trips): a project whose packages uv
    // has seen locks in a fraction of a second; anything it lacks sends the lock to the network.
    if (firstLock && extraArgs.length === 0 && !/^(1|true|yes)$/i.test(opts.env.UV_OFFLINE ?? '')) {
      firstLock = false;
      const cached = await uvLock(opts.uv, scratch.dir, env, opts.timeoutMs, () => undefined, ['--offline']);
      if (cached.code === 0 && !cached.timedOut) {
        attempts.push({ torch: plan.torch.version, python: plan.python, outcome: 'locked (from uv cache)', ms: cached.ms });
        return { verdict: { kind: 'locked' }, text: await readFile(join(scratch.dir, 'uv.lock'), 'utf8').catch(() => null) };
      }
      await scratch.put({ 'uv.lock': startLock });
    }
    const run = await uvLock(opts.uv, scratch.dir, env, opts.timeoutMs, (line) => opts.progress?.(`uv lock: ${what}: ${line}`), extraArgs);
    // uv names the scratch copy: the user knows their project's folder.
    const stderr = run.stderr.split(scratch.dir).join(dir);
    const verdict: LockVerdict = run.timedOut
      ? { kind: 'other', lines: [`uv lock ran past ${Math.round(opts.timeoutMs / 1000)} s`] }
      : readVerdict(run.code, stderr);
    attempts.push({
      torch: what.startsWith('torch free') ? `any of ${plan.torch.hostFit}` : plan.torch.version,
      python: plan.python,
      outcome: verdict.kind,
      ms: run.ms,
    });
    const text = verdict.kind === 'locked' ? await readFile(join(scratch.dir, 'uv.lock'), 'utf8').catch(() => null) : null;
    return { verdict, text };
  };
  let checkedSources = false;
  /** The newest Python the package has wheels for that the planner can take on this host (with a torch that runs here). */
  /** The plan with Python `next` (said `why`), when the planner takes it here with a torch that runs on this host; else null. */
  const withPython = (plan: Plan, next: string, why: string): Plan | null => {
    if (tried.has(`py:${next}`)) return null;
    tried.add(`py:${next}`);
    const candidate = makePlan({ ...input, options: { ...input.options, solved: { ...solved, python: { version: next, why } } } });
    if (candidate.python !== next || candidate.warnings.some((w) => w.id === 'torch-does-not-fit-host' && !plan.warnings.some((x) => x.id === w.id)))
      return null;
    pythonBound = why;
    solved.python = { version: next, why };
    return candidate;
  };
  /** The newest Python the package has wheels for that the planner can take on this host. */
  const movePython = (plan: Plan, verdict: Extract<LockVerdict, { kind: 'python' }>): Plan | null => {
    for (const next of verdict.pythons.filter((py) => minorNumber(py) < minorNumber(plan.python)).sort((a, b) => minorNumber(b) - minorNumber(a))) {
      const moved = withPython(
        plan,
        next,
        `Python ${next}: ${verdict.package} has wheels for ${verdict.pythons.join(', ')} only (${originOf(input, verdict.package)})`,
      );
      if (moved) return moved;
    }
    return null;
  };
  /** The oldest Python from a requirement's minimum up that the planner takes on this host. */
  const raisePython = (plan: Plan, verdict: Extract<LockVerdict, { kind: 'python-below' }>): Plan | null => {
    for (let m = Math.max(Number(verdict.minimum.split('.')[1]), Number(plan.python.split('.')[1]) + 1); m <= 14; m++) {
      const next = `3.${m}`;
      const raised = withPython(
        plan,
        next,
        `Python ${next}: ${verdict.package} needs Python ${verdict.minimum} or newer (${originOf(input, verdict.package)})`,
      );
      if (raised) return raised;
    }
    return null;
  };
  const replan = (): Plan => {
    const options: PlanOptions = { ...input.options, solved: { ...solved } };
    return makePlan({ ...input, options });
  };
  try {
    let plan = first;
    for (let n = 0; n < MAX_LOCKS + (solved.conflicts?.length ?? 0); n++) {
      const key = `${plan.torch.version}/${plan.torch.backend}/${plan.python}`;
      if (tried.has(key)) break;
      tried.add(key);
      let { verdict, text } = await lock(plan, `torch ${plan.torch.version} (${plan.torch.backend}), Python ${plan.python}`);
      if (verdict.kind === 'locked' && aside.length > 0) {
        // The rest of the project locks: torch and Python are checked; the whole lock is made
        // where the hosts answer (`danlu up` in the container), so no partial uv.lock is written.
        const torch = text ? lockedVersions(text, 'torch') : [];
        return {
          plan: report(
            plan,
            'not-solved',
            `uv could not reach ${aside.join(', ')}; without what comes from there the project solves with uv ${opts.uv.version}: ${
              torch.length ? `torch ${torch.join(', ')}` : 'no torch in the lock'
            }, Python ${plan.python}; \`danlu up\` locks the whole project in the container`,
            { unreachable: [...aside] },
          ),
          lock: null,
        };
      }
      // Locked, but a version the project pins has only a source archive for this Python (uv does not
      // hold Python to a package's upper bound): when the package has wheels for other Pythons, the
      // lock is asked again without building it, and uv's answer moves Python like a missing wheel.
      if (verdict.kind === 'locked' && text && !checkedSources) {
        checkedSources = true;
        const sourceOnly = sourceOnlyPins(text, input, plan.python);
        if (sourceOnly.length > 0) {
          const probe = await lock(
            plan,
            `without building ${sourceOnly.join(', ')}`,
            sourceOnly.flatMap((n) => ['--no-build-package', n]),
          );
          if (probe.verdict.kind === 'python' && !opts.pythonFixed) {
            const moved = movePython(plan, probe.verdict);
            if (moved) {
              plan = moved;
              continue;
            }
          }
          // uv names no Python tags here ("has no usable wheels"): the next older Pythons the
          // planner can take on this host are tried, without building, until one locks.
          const said = 'lines' in probe.verdict ? probe.verdict.lines.join('\n') : '';
          const noWheel = /Because (\S+?)==(\S+) has no (?:usable|`[^`]*`-compatible) wheels/.exec(said);
          if (probe.verdict.kind !== 'locked' && noWheel && !opts.pythonFixed) {
            let adopted: Plan | null = null;
            for (let m = minorNumber(plan.python) - 1, tries = 0; m >= 8 && tries < 4 && !adopted; m--) {
              const next = `3.${m}`;
              const why = `Python ${next}: ${noWheel[1]}==${noWheel[2]} has wheels for Python ${next}, not ${plan.python}, where uv sync would have to build it (${originOf(input, noWheel[1]!)})`;
              const candidate = makePlan({ ...input, options: { ...input.options, solved: { ...solved, python: { version: next, why } } } });
              if (candidate.python !== next || candidate.warnings.some((w) => w.id === 'torch-does-not-fit-host' && !plan.warnings.some((x) => x.id === w.id)))
                continue;
              tries++;
              const attempt = await lock(
                candidate,
                `Python ${next} without building ${sourceOnly.join(', ')}`,
                sourceOnly.flatMap((n) => ['--no-build-package', n]),
              );
              if (attempt.verdict.kind === 'locked') {
                pythonBound = why;
                solved.python = { version: next, why };
                adopted = candidate;
              }
            }
            if (adopted) {
              plan = adopted;
              continue;
            }
          }
          // No Python has wheels for it: uv took its metadata from its cache, built once, maybe
          // on another Python. Built again here, so that a build this Python cannot run (a
          // stdlib name it dropped) is seen now, not at \`uv sync\`.
          if (probe.verdict.kind !== 'locked' && noWheel) {
            const again = await lock(
              plan,
              `building ${sourceOnly.join(', ')} again`,
              sourceOnly.flatMap((n) => ['--refresh-package', n]),
            );
            // Only a build this Python cannot run (a stdlib module or name it dropped) undoes the lock.
            const v = again.verdict;
            const dropped =
              v.kind === 'build' &&
              ((v.missing !== null && REMOVED_STDLIB.rows.some((r) => r.module === v.missing)) ||
                (v.removed !== null && REMOVED_STDLIB_NAMES.rows.some((r) => r.module === v.removed!.module && r.names.includes(v.removed!.name))));
            if (dropped) ({ verdict, text } = { verdict: v, text: null });
          }
        }
      }
      if (verdict.kind === 'locked') {
        const torch = text ? lockedVersions(text, 'torch') : [];
        const summary = `solved with uv ${opts.uv.version}${opts.index ? ` against ${opts.index}` : ''}: ${
          torch.length ? `torch ${torch.join(', ')}` : 'no torch in the lock'
        }, Python ${plan.python}`;
        return { plan: report(plan, 'solved', summary), lock: text };
      }
      if (verdict.kind === 'refused') {
        throw new DanluError(`uv refuses the pyproject.toml danlu would write; nothing was written:\n  ${verdict.lines.join('\n  ')}`, {
          location: { file: join(dir, 'pyproject.toml') },
          hint: 'fix what uv names in your pyproject.toml (danlu keeps your entries as they are), then run again',
        });
      }
      // Offline (UV_OFFLINE), uv judges only what its cache holds: a failure says nothing of the project.
      const offline = /^(1|true|yes)$/i.test(opts.env.UV_OFFLINE ?? '');
      // Unreachable hosts: set aside, and the rest of the project solved all the same.
      if (verdict.kind === 'unreachable' && !offline && verdict.hosts.some((h) => !aside.includes(h)) && aside.length < 8) {
        for (const h of verdict.hosts) if (!aside.includes(h)) aside.push(h);
        tried.clear();
        continue;
      }
      if (verdict.kind === 'unreachable' || offline) {
        const hosts = verdict.kind === 'unreachable' ? [...new Set([...aside, ...verdict.hosts])] : [];
        return {
          plan: report(
            plan,
            'not-solved',
            `not solved with the project's dependencies: ${hosts.length > 0 ? `uv could not reach ${hosts.join(', ')}` : 'uv is offline (no network, or UV_OFFLINE)'}; \`danlu up\` locks in the container`,
            {
              unreachable: hosts,
              uvSaid: 'lines' in verdict ? verdict.lines : [],
            },
          ),
          lock: null,
        };
      }
      // A path source that is not there: a git submodule not checked out is the usual cause, and
      // the fix is the user's (git), not the plan's.
      if (verdict.kind === 'missing-path') {
        const rel = [scratch.dir, dir].map((base) => relativeIn(base, verdict.path)).find((r) => r !== null) ?? verdict.path;
        const sub = (input.project.imported?.submodules ?? []).find((m) => m.path && (rel === m.path || rel.startsWith(`${m.path}/`)));
        return {
          plan: report(
            plan,
            'not-solved',
            sub
              ? `not solved with the project's dependencies: ${rel} is a git submodule that is not checked out (${where(sub.origin)}): run \`git submodule update --init --recursive\`, then \`danlu init\` again`
              : `not solved with the project's dependencies: ${rel}, a path the project installs from, is not there`,
            { uvSaid: verdict.lines },
          ),
          lock: null,
        };
      }
      // A requirement needs a newer Python than planned (a README's `python=3.8` next to an extra's
      // torch==2.7.1): the oldest Python from its minimum up that the planner takes on this host.
      // A Python the project only suggests (conda's python=3.8, a README) moves up; --python or
      // .python-version do not.
      const pythonHard = Boolean(input.options.python || input.project.pythonVersion);
      if (verdict.kind === 'python-below' && !pythonHard) {
        const raised = raisePython(plan, verdict);
        if (raised) {
          plan = raised;
          continue;
        }
      }
      if (verdict.kind === 'python') {
        const moved = opts.pythonFixed ? null : movePython(plan, verdict);
        if (moved) {
          plan = moved;
          continue;
        }
        // No Python here has both: an exact pin of the project's other files becomes a lower bound.
        const pin = exactPinOf(input, verdict.package);
        if (pin && !(solved.relax ?? []).some((r) => r.name === pin.name)) {
          solved.relax = [
            ...(solved.relax ?? []),
            {
              name: pin.name,
              why: `${pin.name}${pin.specifier} (${pin.origin}) has wheels for Python ${verdict.pythons.join(', ')} only, and no Python among them runs the torch this host needs (Python ${plan.python}): its version becomes a lower bound`,
            },
          ];
          tried.clear();
          plan = replan();
          continue;
        }
      }
      let said: string[] = 'lines' in verdict ? verdict.lines : [];
      // Two of the project's parts that cannot go together, as uv names them (with torch free, too).
      let pairSaid = pairOf(verdict);
      if (verdict.kind === 'unsatisfiable' && verdict.torch && !opts.torchFixed && !triedRange && plan.torch.hostFit) {
        triedRange = true;
        const free = await lock(freeTorch(plan), `torch free within ${plan.torch.hostFit}, Python ${plan.python}`);
        if (free.verdict.kind === 'locked' && free.text) {
          const alternatives = [
            ...(input.project.ownFacts?.alternatives ?? []),
            ...solvedAlternatives(
              solved.conflicts ?? [],
              (input.project.imported?.selectedExtras ?? []).map((e) => e.name),
            ),
          ];
          const version = machineTorch(free.text, input.project.name, alternatives)[0];
          // The project pins torch itself and another of its requirements needs a different one:
          // its requirements contradict each other; the host is not the cause, and nothing moves.
          const own = planSolvedAlternatives(input.project, solved.conflicts ?? []).value.torchPin;
          // (A pin the plan could not honour here, torch==1.12.0 on an H100, binds nothing: the torch uv found is taken.)
          if (
            version &&
            own &&
            !input.options.upgradeTorch &&
            !input.options.torch &&
            satisfiesOr(plan.torch.version, own.specifier, true) &&
            !satisfiesOr(version, own.specifier, true)
          ) {
            const needs = boundOf(input, verdict.bindings, first, version);
            return {
              plan: report(
                plan,
                'failed',
                `the project's requirements contradict each other: torch${own.specifier} (${where(own.origin)}), but ${needs.replace(/^torch \S+, not \S+: /, '')} (uv ${opts.uv.version})`,
                { uvSaid: 'lines' in verdict ? verdict.lines : [] },
              ),
              lock: null,
            };
          }
          if (version) {
            torchBound = boundOf(input, verdict.bindings, first, version, verdict.lines);
            startLock = free.text;
            solved.torch = { version, why: `solved with uv: ${torchBound}` };
            plan = replan();
            continue;
          }
        }
        if (free.verdict.kind === 'python-below' && !input.options.python && !input.project.pythonVersion) {
          const raised = raisePython(plan, free.verdict);
          if (raised) {
            triedRange = false;
            plan = raised;
            continue;
          }
        }
        if (free.verdict.kind === 'python' && !opts.pythonFixed) {
          const next = free.verdict.pythons.find((py) => Number(py.split('.')[1]) < Number(plan.python.split('.')[1]));
          if (next) {
            pythonBound = `Python ${next}: ${free.verdict.package} has wheels for ${free.verdict.pythons.join(', ')} only (${originOf(input, free.verdict.package)})`;
            solved.python = { version: next, why: pythonBound };
            triedRange = false;
            plan = replan();
            continue;
          }
        }
        if ('lines' in free.verdict) said = free.verdict.lines;
        pairSaid ??= pairOf(free.verdict);
      }
      // A name read from a conda environment file (conda's name, assumed to be PyPI's) that PyPI
      // does not have: a conda-only package (conda-forge's `backports` namespace), left out.
      if (verdict.kind === 'unsatisfiable' && verdict.notFound) {
        const from = condaOrigin(input, verdict.notFound);
        const name = normalizeName(verdict.notFound);
        if (from && !(solved.notOnPypi ?? []).some((x) => x.name === name)) {
          solved.notOnPypi = [
            ...(solved.notOnPypi ?? []),
            { name, why: `${from} names it as a conda package, and PyPI has no package of that name (uv: "${name} was not found in the package registry")` },
          ];
          tried.clear();
          plan = replan();
          continue;
        }
      }
      // A build that imports a standard-library module this Python removed (imp, gone in 3.12):
      // the newest Python before its removal that the planner takes here, unless Python is fixed.
      // The same for a name a module lost (inspect.getargspec, gone in 3.11; collections.Mapping, 3.10).
      const removed =
        verdict.kind === 'build' && verdict.missing
          ? REMOVED_STDLIB.rows.find((r) => r.module === verdict.missing)
          : verdict.kind === 'build' && verdict.removed
            ? REMOVED_STDLIB_NAMES.rows.find((r) => r.module === verdict.removed!.module && r.names.includes(verdict.removed!.name))
            : undefined;
      // A Python the README only suggests gives way: the build cannot run on it (uv's own words).
      if (removed && verdict.kind === 'build' && !pythonHard && minorNumber(plan.python) >= minorNumber(removed.removedIn)) {
        const what = verdict.removed && 'names' in removed ? `${verdict.removed.module}.${verdict.removed.name}` : `the ${removed.module} module`;
        const older = withPython(
          plan,
          `3.${minorNumber(removed.removedIn) - 1}`,
          `Python 3.${minorNumber(removed.removedIn) - 1}: ${verdict.package} builds with ${what}, which Python ${removed.removedIn} removed (${originOf(input, verdict.package ?? '')})`,
        );
        if (older) {
          plan = older;
          continue;
        }
      }
      // A build that failed for want of a module its setup.py imports and never declared
      // (pkg_resources, gone from setuptools 82; torch; numpy): its build gets what provides it.
      const fix = verdict.kind === 'build' ? buildFix(verdict, solved) : null;
      if (fix) {
        solved.builds = [...(solved.builds ?? []), fix];
        tried.clear();
        plan = replan();
        continue;
      }
      // Two of the project's extras or groups that cannot be installed together (one serving engine
      // per torch, one extra per CUDA): declared alternatives ([tool.uv] conflicts), which uv then
      // locks apart; this machine installs the first of them it selects. uv is asked again.
      const pair =
        pairSaid?.parts.every((x) => isPart(input, plan, x)) && !(solved.conflicts ?? []).some((c) => pairKey(c.sides) === pairKey(pairSaid!.parts))
          ? pairSaid.parts
          : null;
      if (pair && (solved.conflicts ?? []).length < MAX_CONFLICTS) {
        solved.conflicts = [...(solved.conflicts ?? []), { sides: pair.map((x) => ({ ...x })), why: incompatibleWhy(pairSaid!.lines) }];
        tried.clear();
        triedRange = false;
        plan = replan();
        continue;
      }
      // More pairs than danlu declares one lock at a time (a project with dozens of variant extras
      // and no [tool.uv] conflicts): the project's own declaration is the way.
      if (pair) {
        const found = (solved.conflicts ?? []).length;
        return {
          plan: report(
            plan,
            'failed',
            `uv found ${found + 1} pairs of the project's extras or groups that cannot be installed together, and more may follow (${pair
              .map((x) => `${x.kind} ${x.name}`)
              .join(' and ')}, the last); declare the project's alternatives in [tool.uv] conflicts, then run \`danlu init\` again (uv ${opts.uv.version})`,
            { uvSaid: pairSaid!.lines },
          ),
          lock: null,
        };
      }
      // An extra or group read from the project's files that cannot be resolved: left out, with uv's reason.
      // uv may not name the extra or group: the package its cause starts from tells which one holds it.
      const cause = verdict.kind === 'unsatisfiable' ? (/Because ([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(said.join('\n'))?.[1] ?? null) : null;
      // (uv's `sglang[all]` names sglang's extra, not one of the project's: such a part is not the project's.)
      const named = verdict.kind === 'unsatisfiable' && verdict.part && leaveable(input, plan, verdict.part) ? verdict.part : null;
      const part =
        verdict.kind === 'unsatisfiable'
          ? (named ?? partHolding(plan, cause))
          : verdict.kind === 'build'
            ? (verdict.part ?? partHolding(plan, verdict.package))
            : null;
      if (part && leaveable(input, plan, part) && !(solved.leaveOut ?? []).some((x) => x.kind === part.kind && x.name === part.name)) {
        const why =
          verdict.kind === 'build' ? `uv could not build ${verdict.package ?? 'a package'} it needs (${buildReason(said)})` : `uv: ${firstCause(said)}`;
        solved.leaveOut = [...(solved.leaveOut ?? []), { kind: part.kind, name: part.name, why }];
        tried.clear();
        plan = replan();
        continue;
      }
      return { plan: failed(report, plan, verdict, said, opts), lock: null };
    }
    return { plan: report(plan, 'failed', 'uv could not lock the project within the tries danlu makes'), lock: null };
  } finally {
    await scratch.dispose();
  }
}

/** What a failed build lacked (a module of MISSING_BUILD_MODULES), when it was not given already. */
function buildFix(verdict: Extract<LockVerdict, { kind: 'build' }>, solved: Solved): { name: string; requirement: string; why: string } | null {
  if (!verdict.package || !verdict.missing) return null;
  const row = MISSING_BUILD_MODULES.rows.find((r) => r.module === verdict.missing);
  if (!row) return null;
  const name = normalizeName(verdict.package);
  if ((solved.builds ?? []).some((b) => b.name === name && b.requirement === row.requirement)) return null;
  return {
    name,
    requirement: row.requirement,
    why: `uv could not build ${name}: its build imports ${row.module}, which its isolated build environment lacks ("No module named '${row.module}'"); the build gets ${row.requirement}`,
  };
}

/**
 * uv's environment for one candidate. Test seam: DANLU_TEST_PYTORCH_INDEX (an index holding
 * every torch release, like PyPI) stands in for each PyTorch wheel index the candidate names,
 * by name (UV_INDEX=name=url), so the suite can lock where the PyTorch server is not reachable.
 */
function envFor(env: NodeJS.ProcessEnv, pyproject: string): NodeJS.ProcessEnv {
  const standIn = env.DANLU_TEST_PYTORCH_INDEX;
  if (!standIn) return env;
  let indexes: unknown = [];
  try {
    indexes = ((parseTomlStrict(pyproject, 'pyproject.toml').tool as { uv?: { index?: unknown } } | undefined)?.uv?.index ?? []) as unknown;
  } catch {
    return env;
  }
  const names = new Set(
    (Array.isArray(indexes) ? (indexes as { name?: unknown; url?: unknown }[]) : [])
      .filter((i) => typeof i.name === 'string' && typeof i.url === 'string' && /^https?:\/\/download\.pytorch\.org\/whl(\/|$)/.test(i.url))
      .map((i) => i.name as string),
  );
  if (names.size === 0) return env;
  return { ...env, UV_INDEX: [...names].map((n) => `${n}=${standIn}`).join(' ') };
}

/** An extra or group of the project as planned: its own, one danlu writes, or an extra its build declares. */
function isPart(input: PlanInput, plan: Plan, part: { kind: 'extra' | 'group'; name: string }): boolean {
  const data = input.project.pyprojectData as {
    project?: { 'optional-dependencies'?: Record<string, unknown> };
    'dependency-groups'?: Record<string, unknown>;
  } | null;
  const n = normalizeName(part.name);
  const names = (o: Record<string, unknown> | undefined) => Object.keys(o ?? {}).map(normalizeName);
  if (part.kind === 'group') return names(data?.['dependency-groups']).includes(n) || names(plan.pyproject.groups).includes(n);
  return (
    names(data?.project?.['optional-dependencies']).includes(n) ||
    names(plan.pyproject.extras).includes(n) ||
    (input.project.imported?.requirements ?? []).some((r) => normalizeName(r.group) === n)
  );
}

/** An extra or group danlu itself wrote from the project's other files (not one of the user's own pyproject.toml). */
function leaveable(input: PlanInput, plan: Plan, part: { kind: 'extra' | 'group'; name: string }): boolean {
  const data = input.project.pyprojectData as {
    project?: { 'optional-dependencies'?: Record<string, unknown> };
    'dependency-groups'?: Record<string, unknown>;
  } | null;
  const own = part.kind === 'extra' ? data?.project?.['optional-dependencies'] : data?.['dependency-groups'];
  if (own && part.name in own) return false;
  return part.kind === 'extra' ? part.name in plan.pyproject.extras : part.name in plan.pyproject.groups;
}

/** The one extra or group that lists a package the main dependencies do not: what brought it into the lock. */
function partHolding(plan: Plan, pkg: string | null): { kind: 'extra' | 'group'; name: string } | null {
  if (!pkg) return null;
  const name = requirementName(pkg);
  const has = (list: readonly string[]) => list.some((d) => requirementName(d) === name);
  if (has(plan.pyproject.dependencies)) return null;
  const parts = [
    ...Object.entries(plan.pyproject.extras)
      .filter(([, v]) => has(v))
      .map(([k]) => ({ kind: 'extra' as const, name: k })),
    ...Object.entries(plan.pyproject.groups)
      .filter(([, v]) => has(v))
      .map(([k]) => ({ kind: 'group' as const, name: k })),
  ];
  return parts.length === 1 ? parts[0]! : null;
}

/** What the failed build printed last (its own reason), else uv's cause. */
function buildReason(lines: string[]): string {
  const at = lines.findIndex((l) => /^\s*\[std(err|out)\]\s*$/.test(l));
  const own = at >= 0 ? lines.slice(at + 1).find((l) => l.trim() && !/^\s*(hint:|\[std)/.test(l)) : undefined;
  return (own?.trim() ?? firstCause(lines)).slice(0, 300);
}

/** Two of the project's extras or groups uv's conclusion says cannot go together (not the project's own dependencies), with uv's lines. */
function pairOf(verdict: LockVerdict): { parts: Part[]; lines: string[] } | null {
  return verdict.kind === 'unsatisfiable' && verdict.clash && !verdict.clash.project && verdict.clash.parts.length === 2
    ? { parts: verdict.clash.parts, lines: verdict.lines }
    : null;
}

/** uv's derivation up to the conclusion that two parts are incompatible, flattened and shortened. */
function incompatibleWhy(lines: string[]): string {
  const at = lines.findIndex((l) => /^\s*cause:/.test(l));
  const flat = lines
    .slice(at >= 0 ? at : 0)
    .join(' ')
    .replace(/^\s*cause:\s*/, '')
    .replace(/\s+/g, ' ');
  const end = flat.indexOf('are incompatible.');
  return `uv: ${(end >= 0 ? flat.slice(0, end + 'are incompatible.'.length) : flat).slice(0, 400)}`;
}

/** uv's first "cause" line, shortened. */
function firstCause(lines: string[]): string {
  const cause = lines.find((l) => /^\s*cause:/.test(l)) ?? lines.find((l) => /^error:/.test(l)) ?? lines[0] ?? 'no reason given';
  return cause.replace(/^\s*(cause|error):\s*/, '').slice(0, 300);
}

function failed(
  report: (plan: Plan, status: SolveReport['status'], summary: string, extra?: Partial<SolveReport>) => Plan,
  plan: Plan,
  verdict: LockVerdict,
  said: string[],
  opts: SolveOptions,
): Plan {
  const what =
    verdict.kind === 'build'
      ? `uv could not build ${verdict.package ?? 'a package'} to read its metadata`
      : verdict.kind === 'python'
        ? `${verdict.package} has no wheels for Python ${plan.python} (it has for ${verdict.pythons.join(', ')})`
        : verdict.kind === 'unsatisfiable'
          ? verdict.torch && !plan.torch.hostFit
            ? 'no torch runs on this host'
            : verdict.torch
              ? 'no torch that runs on this host satisfies the project'
              : "the project's requirements contradict each other"
          : 'uv could not lock the project';
  return report(plan, 'failed', `${what} (uv ${opts.uv.version})`, { uvSaid: said });
}

/** Where the project asks for a package: "requirements.txt:3", or "a dependency of its dependencies". */
/**
 * Packages of the lock with a source archive and no wheel, among those the project's files name
 * with a version (a pin or a bound): the ones `uv sync` would have to build.
 */
function sourceOnlyPins(lock: string, input: PlanInput, python: string): string[] {
  const named = new Set((input.project.imported?.requirements ?? []).filter((r) => r.specifier !== '' && !r.source).map((r) => r.name));
  for (const r of input.project.requirements) if (r.specifier) named.add(r.name);
  const out: string[] = [];
  for (const block of lock.split(/\n(?=\[\[package\]\]\n)/)) {
    const name = /^name = "([^"]+)"/m.exec(block)?.[1];
    if (!name || !named.has(name) || TORCH_FAMILY.has(name)) continue;
    if (/^sdist = /m.test(block) && !hasWheelFor(block, python)) out.push(name);
  }
  return out;
}

/** A wheel of the lock entry installs on this Python: its tag is py3, cpXY of this Python, or abi3 from an older cpXY. */
function hasWheelFor(block: string, python: string): boolean {
  const minor = Number(python.split('.')[1]);
  for (const m of block.matchAll(/-([a-z0-9_.]+)-([a-z0-9_.]+)-[a-z0-9_.]+\.whl"/gi)) {
    const [py, abi] = [m[1]!.split('.'), m[2]!];
    if (py.some((t) => t === 'py3' || t === 'py2.py3')) return true;
    for (const t of py) {
      const cp = /^cp3(\d+)$/.exec(t);
      if (!cp) continue;
      if (Number(cp[1]) === minor || (abi === 'abi3' && Number(cp[1]) <= minor)) return true;
    }
  }
  return false;
}

/** An exact `==` pin of a package (not torch's family) read from the project's other files: what the solve may relax. */
function exactPinOf(input: PlanInput, name: string | null): { name: string; specifier: string; origin: string } | null {
  if (!name || TORCH_FAMILY.has(name)) return null;
  const req = input.project.imported?.requirements.find((r) => r.name === name && /^===?\s*[^,;*\s]+$/.test(r.specifier.trim()));
  return req ? { name, specifier: req.specifier.trim(), origin: originOf(input, name) } : null;
}

/** `path` relative to `base` when it lies inside it (no trailing slash), else null. */
function relativeIn(base: string, path: string): string | null {
  const r = relative(base, path);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r.replace(/\/+$/, '') : null;
}

/** Where a conda environment file names `name` (file:line), or null when no conda file does. */
function condaOrigin(input: PlanInput, name: string): string | null {
  const imported = input.project.imported;
  const r = imported?.requirements.find((q) => requirementName(q.name) === requirementName(name));
  if (!r || !/(^|\/)[^/]*\.ya?ml$/i.test(r.origin.file) || /(^|\/)cog\.ya?ml$/i.test(r.origin.file)) return null;
  // A conda dependency line (`backports=1.0=pyhd8ed1ab_3`, `conda-forge::x`), not its pip: section (`x==1.0`).
  const line = imported!.report.find((e) => e.origin.file === r.origin.file && e.origin.line === r.origin.line)?.text ?? '';
  if (/==|@|^-/.test(line.trim())) return null;
  return `${r.origin.file}:${r.origin.line}`;
}

function originOf(input: PlanInput, name: string): string {
  const r = input.project.requirements.find((q) => requirementName(q.name) === requirementName(name));
  if (!r) return 'a dependency of its dependencies';
  const file = isAbsolute(r.origin.file) ? relative(input.project.dir, r.origin.file) || r.origin.file : r.origin.file;
  return where({ ...r.origin, file });
}

/** "capped at 2.6.0 by vllm==0.8.5 (requirements.txt:2)", from uv's derivation. */
function boundOf(input: PlanInput, bindings: Binding[], plan: Plan, version: string, said: readonly string[] = []): string {
  const own = new Set([`torch${plan.torch.specifier}`, `torch==${minorOf(plan.torch.version)}.*`]);
  // The requirement that bound it is one the torch taken meets (a clash names others too).
  const b = bindings.find((x) => !own.has(x.requirement.replace(/\s+/g, '')) && satisfiesOr(version, x.requirement.replace(/^torch\s*/, ''), false));
  const newest = plan.torch.version;
  const held = newest !== version ? `torch ${version}, not ${newest}` : `torch ${version}`;
  if (!b) {
    // "torch>=2.5.0 depends on sympy>=1.13.1 ... and your project depends on sympy==1.12": a pin of
    // the project's that the newer torch needs moved.
    const flat = said.join(' ').replace(/\s+/g, ' ');
    const needs = /Because torch(?:[=<>!~][^ ]*)? depends on ([A-Za-z0-9._-]+)([=<>!~][^ ,]*)/.exec(flat);
    const pin = needs ? exactPinOf(input, normalizeName(needs[1]!)) : null;
    if (needs && pin && flat.includes(`your project depends on ${needs[1]}${pin.specifier}`))
      return `${held}: torch ${newest} needs ${needs[1]}${needs[2]!.replace(/[.,]$/, '')}, and the project pins ${pin.name}${pin.specifier} (${pin.origin})`;
    return `${held}: the newest the project's whole dependency graph allows among the builds that run here`;
  }
  const name = b.by.replace(/[=<>!~[:].*$/, '');
  return `${held}: ${b.by} needs ${b.requirement} (${originOf(input, name)})`;
}
