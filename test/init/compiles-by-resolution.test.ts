import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanup, danlu, HOST_FILES, tempProject } from '../support/cli.js';

interface PlanJson {
  torch: { version: string; backend: string };
  cuda: { image: string; version: string };
  warnings: { id: string }[];
  compilesCuda: boolean;
  decisions: { what: string; choice: string; why: string }[];
}

function plan(files: Record<string, string>, host: string): PlanJson {
  const dir = tempProject(files);
  try {
    const r = danlu(['plan', dir, '--host', join(HOST_FILES, host), '--no-solve', '--json']);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as PlanJson;
  } finally {
    cleanup(dir);
  }
}

const REQUIREMENTS = 'torch>=2.4\n';
const readme = (line: string) => `\`\`\`bash\npip install -r requirements.txt\n${line}\n\`\`\`\n`;
const compilation = (p: PlanJson) => p.decisions.find((d) => d.what === 'CUDA compilation');

/**
 * A special package the install guide builds without isolation compiles only when its resolution
 * here is a source build: a package left out on these GPUs, or installed from a prebuilt wheel,
 * compiles nothing, so it neither moves the torch choice towards a CUDA the driver runs natively
 * nor makes the image a compiling one.
 */
describe('whether the image compiles is decided by what each package resolves to', () => {
  it('flash-attn on a V100 (left out there): the plan is the one without it', () => {
    const without = plan({ 'requirements.txt': REQUIREMENTS }, 'v100-550.json');
    const withFa = plan({ 'requirements.txt': REQUIREMENTS, 'README.md': readme('pip install flash-attn --no-build-isolation') }, 'v100-550.json');
    expect({ torch: withFa.torch, image: withFa.cuda.image }).toEqual({ torch: without.torch, image: without.cuda.image });
    expect(withFa.compilesCuda).toBe(false);
    expect(compilation(withFa)).toBeUndefined();
  });

  it('flash-attn with a prebuilt build on an H100: installed, not compiled', () => {
    const p = plan({ 'requirements.txt': REQUIREMENTS, 'README.md': readme('pip install flash-attn --no-build-isolation') }, 'h100-580.json');
    expect(p.compilesCuda).toBe(false);
    expect(compilation(p)).toBeUndefined();
    expect(p.decisions.find((d) => d.what === 'flash-attn')?.choice).toMatch(/^(?:prebuilt|index|find-links)/);
  });

  it('flash-attn pinned where no prebuilt build fits: built from source, with nvcc of the CUDA torch was built with', () => {
    const p = plan({ 'requirements.txt': REQUIREMENTS, 'README.md': readme('pip install flash-attn==2.5.0 --no-build-isolation') }, 'rtx4090-ubuntu2204.json');
    expect(p.compilesCuda).toBe(true);
    expect(compilation(p)?.why).toMatch(/^flash-attn is built from source here/);
    expect(`cu${p.cuda.version.split('.').slice(0, 2).join('')}`).toBe(p.torch.backend);
    expect(p.warnings.map((w) => w.id)).not.toContain('compile-cuda-mismatch');
  });

  it("the project's own extension still compiles, whatever its special packages resolve to", () => {
    const p = plan(
      {
        'requirements.txt': REQUIREMENTS,
        'README.md': readme('pip install flash-attn --no-build-isolation'),
        'setup.py':
          'from setuptools import setup\nfrom torch.utils.cpp_extension import BuildExtension, CUDAExtension\n' +
          "setup(name='myops', ext_modules=[CUDAExtension('myops', ['k.cu'])], cmdclass={'build_ext': BuildExtension})\n",
      },
      'v100-550.json',
    );
    expect(p.compilesCuda).toBe(true);
    expect(compilation(p)?.why).not.toMatch(/flash-attn/);
  });
});
