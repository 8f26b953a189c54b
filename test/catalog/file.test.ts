import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CatalogFormatError, parseCatalogFile, stringifyCatalogFile, validateCatalogFile, type CatalogFile } from '../../src/catalog/file.js';
import { EMBEDDED_CATALOG } from '../../src/catalog/index.js';
import { loadCatalog, mergeCatalog, readCatalogState, userCatalogPaths } from '../../src/catalog/load.js';
import { SNAPSHOT } from '../../src/catalog/snapshot.js';
import { TOOLS } from '../../src/catalog/tools.js';

const SNAPSHOT_PATH = join(__dirname, '..', '..', 'src', 'catalog', 'snapshot.json');

let dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'danlu-catalog-file-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function userFile(parts: CatalogFile['parts'], asOf = '2027-01-15'): CatalogFile {
  return { kind: 'danlu-catalog', schema: 1, asOf, generatedBy: 'test', parts, origins: {} };
}

describe('the catalog file format', () => {
  it('the embedded snapshot is a valid catalog file, written as the serializer writes it', () => {
    const text = readFileSync(SNAPSHOT_PATH, 'utf8');
    const file = parseCatalogFile(text);
    expect(Object.keys(file.parts)).toEqual(['torch', 'cudaImages', 'wheelImage', 'wheels', 'astral']);
    expect(stringifyCatalogFile(file)).toBe(text);
    expect(EMBEDDED_CATALOG.torch).toBe(SNAPSHOT.parts.torch);
    expect(EMBEDDED_CATALOG.torch.indexBase).toBe('https://download.pytorch.org/whl');
    expect(EMBEDDED_CATALOG.asOf).toBe(SNAPSHOT.asOf > TOOLS.asOf ? SNAPSHOT.asOf : TOOLS.asOf);
  });

  it('is plain data: a JSON round trip changes nothing', () => {
    const parts = {
      torch: EMBEDDED_CATALOG.torch,
      cudaImages: EMBEDDED_CATALOG.cudaImages,
      wheelImage: EMBEDDED_CATALOG.wheelImage,
      wheels: EMBEDDED_CATALOG.wheels,
    };
    expect(JSON.parse(JSON.stringify(parts))).toEqual(parts);
  });

  it('keeps table rows on one line', () => {
    const text = stringifyCatalogFile(userFile({ cudaImages: EMBEDDED_CATALOG.cudaImages }));
    expect(text).toContain('\n        {"version": "12.8.1", "ubuntu": ["20.04", "22.04", "24.04"], "supported": true},\n');
  });

  it.each([
    ['not JSON', '{', '$: not valid JSON'],
    ['another kind', '{"kind": "x"}', '$.kind: expected "danlu-catalog"'],
    ['a newer schema', '{"kind": "danlu-catalog", "schema": 2}', '$.schema: schema 2 was written by a newer danlu; this one reads schema 1'],
    ['no parts', '{"kind": "danlu-catalog", "schema": 1}', '$.parts: expected an object'],
    [
      'an unknown part',
      '{"kind": "danlu-catalog", "schema": 1, "asOf": "2027-01-15", "generatedBy": "x", "parts": {"gpus": {}}}',
      '$.parts.gpus: unknown part',
    ],
  ])('rejects %s', (_name, text, message) => {
    expect(() => parseCatalogFile(text)).toThrow(CatalogFormatError);
    expect(() => parseCatalogFile(text)).toThrow(message);
  });

  it('names the path of a wrong field deep inside', () => {
    const bad = JSON.parse(JSON.stringify(userFile({ torch: EMBEDDED_CATALOG.torch })));
    bad.parts.torch.releases[3].backends[1].abi = 'gnu';
    expect(() => validateCatalogFile(bad)).toThrow('$.parts.torch.releases[3].backends[1].abi: expected "cxx11" or "pre-cxx11"');
    const bad2 = JSON.parse(JSON.stringify(userFile({ cudaImages: EMBEDDED_CATALOG.cudaImages })));
    bad2.parts.cudaImages.rows[0].version = '12.8';
    expect(() => validateCatalogFile(bad2)).toThrow('$.parts.cudaImages.rows[0].version: unexpected value "12.8"');
    const bad3 = JSON.parse(JSON.stringify(userFile({ torch: { ...EMBEDDED_CATALOG.torch, releases: [] } })));
    expect(() => validateCatalogFile(bad3)).toThrow('$.parts.torch.releases: expected at least one release');
  });
});

describe('loadCatalog', () => {
  it('finds the user catalog: DANLU_CATALOG_DIR, XDG_CONFIG_HOME, ~/.config', () => {
    expect(userCatalogPaths({ DANLU_CATALOG_DIR: '/c', XDG_CONFIG_HOME: '/x', HOME: '/h' })).toEqual({
      dir: '/c',
      file: '/c/catalog.json',
      prev: '/c/catalog.prev.json',
    });
    expect(userCatalogPaths({ XDG_CONFIG_HOME: '/x', HOME: '/h' }).file).toBe('/x/danlu/catalog.json');
    expect(userCatalogPaths({ HOME: '/h' }).file).toBe('/h/.config/danlu/catalog.json');
    expect(userCatalogPaths({ XDG_CONFIG_HOME: ' ', HOME: '/h' }).file).toBe('/h/.config/danlu/catalog.json');
  });

  it('no user catalog: the embedded one, silently', async () => {
    const warnings: string[] = [];
    expect(await loadCatalog({ env: { DANLU_CATALOG_DIR: tempDir() }, warn: (l) => warnings.push(l) })).toBe(EMBEDDED_CATALOG);
    expect(warnings).toEqual([]);
  });

  it('merges part by part: newer user parts win, older or missing ones stay embedded', async () => {
    const newTorch = { ...EMBEDDED_CATALOG.torch, asOf: '2027-01-15', releases: EMBEDDED_CATALOG.torch.releases.slice(1) };
    const oldImages = { ...EMBEDDED_CATALOG.cudaImages, asOf: '2026-01-01', rows: EMBEDDED_CATALOG.cudaImages.rows.slice(0, 2) };
    const file = userFile({ torch: newTorch, cudaImages: oldImages });
    file.origins.torch = { fetchedAt: '2027-01-15T09:00:00.000Z', urls: ['https://download.pytorch.org/whl'] };
    const { catalog, parts, used } = mergeCatalog(EMBEDDED_CATALOG, file, '/c/catalog.json');
    expect(used).toEqual(['torch']);
    expect(catalog.torch).toBe(newTorch);
    expect(catalog.cudaImages).toBe(EMBEDDED_CATALOG.cudaImages);
    expect(catalog.wheels).toBe(EMBEDDED_CATALOG.wheels);
    expect(catalog.gpus).toBe(EMBEDDED_CATALOG.gpus);
    expect([catalog.name, catalog.asOf]).toEqual(['user', '2027-01-15']);
    expect(parts.torch).toEqual({
      from: 'user',
      asOf: '2027-01-15',
      file: '/c/catalog.json',
      fetchedAt: '2027-01-15T09:00:00.000Z',
      urls: ['https://download.pytorch.org/whl'],
    });
    expect(parts.cudaImages).toEqual({ from: 'embedded', asOf: EMBEDDED_CATALOG.cudaImages.asOf });
  });

  it('a user catalog older than the embedded one is not used', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'catalog.json'), stringifyCatalogFile(userFile({ torch: { ...EMBEDDED_CATALOG.torch, asOf: '2026-01-01' } }, '2026-01-01')));
    const state = await readCatalogState({ DANLU_CATALOG_DIR: dir });
    expect(state.user).toMatchObject({ state: 'valid', used: [] });
    expect(state.catalog.name).toBe('embedded');
  });

  it.each([
    ['empty', '', '$: not valid JSON (Unexpected end of JSON input)'],
    ['truncated', '{"kind": "danlu-catalog", "schema": 1, "parts": {"torch": {"source"', '$: not valid JSON'],
    ['from the future', '{"kind": "danlu-catalog", "schema": 7, "parts": {}}', '$.schema: schema 7 was written by a newer danlu'],
    ['a folder', null, 'cannot read it (EISDIR)'],
  ])('a broken user catalog (%s) warns and falls back to the embedded one', async (_name, text, message) => {
    const dir = tempDir();
    if (text === null) {
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(dir, 'catalog.json'));
    } else {
      writeFileSync(join(dir, 'catalog.json'), text);
    }
    const warnings: string[] = [];
    const catalog = await loadCatalog({ env: { DANLU_CATALOG_DIR: dir }, warn: (l) => warnings.push(l) });
    expect(catalog).toBe(EMBEDDED_CATALOG);
    expect(warnings[0]).toContain(message);
    expect(warnings[0]).toMatch(/^danlu: warning: ignoring the user catalog .*catalog\.json: .*; using the embedded catalog$/);
    expect(warnings[1]).toBe('  hint: run `danlu catalog update` to write a new one, or delete the file');
  });
});
