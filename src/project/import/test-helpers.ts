/** Helpers shared by the importer tests (not used by danlu itself). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { importProject, type ImportOptions } from './import-project.js';
import { parsePep508 } from './pep508.js';
import { extractCommandLines, logicalLines } from './shell.js';
import type { ImportResult, ImportedRequirement, ReadInclude } from './types.js';

/** test/fixtures/repos: dependency files of real ML repositories (see its INDEX.md). */
export const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/repos/', import.meta.url));

/** A readInclude over an in-memory folder, resolving relative to the including file. */
export function memoryFs(files: Record<string, string>): ReadInclude {
  return (path, from) => {
    const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/') + 1) : '';
    const parts: string[] = [];
    for (const p of (dir + path).split('/')) {
      if (p === '..') parts.pop();
      else if (p !== '.' && p !== '') parts.push(p);
    }
    const file = parts.join('/');
    return file in files ? { file, text: files[file]! } : null;
  };
}

/** Imports a fixture repository with its INSTALL_COMMANDS.txt as the install guide, and checks the invariants. */
export async function importFixture(name: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const r = await importProject(join(FIXTURES, name), { installGuides: ['INSTALL_COMMANDS.txt'], ...opts });
  checkInvariants(r, join(FIXTURES, name));
  return r;
}

export function req(r: ImportResult, name: string, group = 'main'): ImportedRequirement {
  const found = r.requirements.find((q) => q.name === name && q.group === group);
  if (!found) throw new Error(`no ${name} in group ${group}: ${r.requirements.map((q) => `${q.name}[${q.group}]`).join(' ')}`);
  return found;
}

export const names = (r: ImportResult, group = 'main') => r.requirements.filter((q) => q.group === group).map((q) => q.name);
export const warningIds = (r: ImportResult) => r.warnings.map((w) => w.id);
export const leftOutLines = (r: ImportResult) => r.report.filter((e) => e.kind === 'left-out').map((e) => `${e.origin.file}:${e.origin.line}`);

/**
 * What must hold for every import: each requirement is clean PEP 508 with a report line;
 * every meaningful line of every file read has at least one report line (nothing silently dropped).
 */
export function checkInvariants(r: ImportResult, dir: string): void {
  for (const q of r.requirements) {
    const again = parsePep508(q.raw);
    expect(again.ok, `${q.raw} is PEP 508`).toBe(true);
    expect(q.raw, 'no local version, hash or option in raw').not.toMatch(/\+|--|#/);
    if (again.ok) expect(again.name).toBe(q.name);
  }
  for (const f of r.files.filter((x) => x.role === 'imported')) {
    if (f.format !== 'requirements' && f.format !== 'install-commands') continue;
    const text = readFileSync(join(dir, f.file), 'utf8');
    const lines = /\.(md|rst)$/i.test(f.file) ? extractCommandLines(text) : logicalLines(text);
    const reported = new Set(r.report.filter((e) => e.origin.file === f.file).map((e) => e.origin.line));
    for (const l of lines) {
      if (l.text.replace(/(^|\s)#.*$/, '').trim() === '') continue;
      expect(reported.has(l.line), `${f.file}:${l.line} "${l.text}" is in the report`).toBe(true);
    }
  }
}
