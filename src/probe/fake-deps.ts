import { readFileSync } from 'node:fs';
import type { ExecResult } from '../lib/exec.js';
import type { ProbeDeps, UserInfoLike } from './deps.js';

/** What a stand-in command returns; unlisted commands are "not installed". */
export type FakeCommand = Partial<Omit<ExecResult, 'missing' | 'ms'>> | ((args: readonly string[]) => Partial<ExecResult>);

export interface FakeMachine {
  files?: Record<string, string>;
  dirs?: Record<string, string[]>;
  /** Keyed by the full command line: "nvidia-smi -q", "docker version --format {{json .}}". */
  commands?: Record<string, FakeCommand>;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  user?: UserInfoLike | (() => UserInfoLike);
}

/** A machine made of tables, for unit tests. `calls` records every command run. */
export function fakeDeps(m: FakeMachine = {}): ProbeDeps & { calls: string[] } {
  const files = m.files ?? {};
  const dirs = m.dirs ?? {};
  const calls: string[] = [];
  const user = m.user ?? { username: 'alice', uid: 1000, gid: 1000, homedir: '/home/alice' };
  return {
    calls,
    exec: async (cmd, args) => {
      const line = [cmd, ...args].join(' ');
      calls.push(line);
      const entry = m.commands?.[line];
      if (entry === undefined) return { code: null, stdout: '', stderr: '', missing: true, timedOut: false, ms: 0 };
      const r = typeof entry === 'function' ? entry(args) : entry;
      return { code: 0, stdout: '', stderr: '', timedOut: false, ...r, missing: false, ms: 1 };
    },
    readFile: async (path) => files[path] ?? null,
    exists: async (path) => path in files || path in dirs,
    listDir: async (path) => dirs[path] ?? [],
    env: m.env ?? { PATH: '/usr/bin:/bin' },
    platform: m.platform ?? 'linux',
    arch: 'x64',
    kernel: () => '6.8.0-45-generic',
    userInfo: typeof user === 'function' ? user : () => user,
    cpuCount: () => 16,
    totalMemory: () => 64 * 1024 ** 3,
    intlTimeZone: () => 'Asia/Shanghai',
  };
}

/** A file under test/fixtures/hosts/, e.g. fixture('h100-driver580-ubuntu2404/nvidia-smi.txt'). */
export function fixture(relative: string): string {
  return readFileSync(new URL(`../../test/fixtures/hosts/${relative}`, import.meta.url), 'utf8');
}

/** One "== name" section of host-probe.txt, without its heading. */
export function hostProbeSection(text: string, name: string): string {
  const start = text.indexOf(`== ${name}\n`);
  if (start < 0) throw new Error(`no section ${name}`);
  const body = text.slice(start + name.length + 4);
  const end = body.search(/^== /m);
  return end < 0 ? body : body.slice(0, end);
}
