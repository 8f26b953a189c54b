import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanup, danlu, jsonOut, tempProject } from '../support/cli.js';

describe('danlu import', () => {
  it('takes the repository folder as its argument, like -C', () => {
    const dir = tempProject({ 'requirements.txt': 'numpy<2\neinops\n', 'sub/requirements.txt': 'scipy\n' });
    try {
      const byArg = jsonOut(danlu(['import', dir, '--json']));
      const byFlag = jsonOut(danlu(['import', '-C', dir, '--json']));
      expect(byArg.requirements.map((r: { name: string }) => r.name)).toEqual(['numpy', 'einops']);
      expect(byArg).toEqual(byFlag);
    } finally {
      cleanup(dir);
    }
  });

  it('still reads named files, relative to -C', () => {
    const dir = tempProject({ 'requirements.txt': 'numpy<2\n', 'sub/requirements.txt': 'scipy\n' });
    try {
      const r = jsonOut(danlu(['import', join('sub', 'requirements.txt'), '-C', dir, '--json']));
      expect(r.requirements.map((x: { name: string }) => x.name)).toEqual(['scipy']);
    } finally {
      cleanup(dir);
    }
  });

  it('prints its summary once, at the end of the report', () => {
    const dir = tempProject({ 'requirements.txt': 'numpy<2\neinops\n' });
    try {
      const r = danlu(['import', dir]);
      expect(r.code).toBe(0);
      expect(r.stdout.match(/2 dependencies/g)).toHaveLength(1);
      expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^Summary: 2 dependencies/);
    } finally {
      cleanup(dir);
    }
  });
});
