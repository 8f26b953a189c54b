import { describe, expect, it } from 'vitest';
import { markerError, requirementError, specifierSetError } from './pep508.js';

describe('the PEP 508 recognizer used to check generated files', () => {
  it.each([
    'torch',
    'torch==2.9.1',
    'torch>=2.1,<3',
    'torch (>=2.1, <3)',
    'torch==2.9.*',
    'torch==2.1.2+cu118',
    'Flash_Attn[test] >= 2.6.3',
    'requests[security,socks]~=2.31',
    "triton; sys_platform == 'linux'",
    "torch==2.9.1 ; sys_platform == 'linux' or sys_platform == 'win32'",
    "nvidia-dali-cuda120; platform_machine == 'x86_64' and (python_version >= '3.10' and python_version < '3.13')",
    'clip @ git+https://github.com/openai/CLIP.git@main',
    "flash-attn @ https://example.org/flash_attn-2.8.3+cu12torch2.8-cp312-cp312-linux_x86_64.whl ; python_version == '3.12'",
    "dev-thing; extra == 'dev'",
    "x; 'linux' in sys_platform",
    'weird===foo-bar',
  ])('accepts %s', (req) => expect(requirementError(req)).toBeNull());

  it.each([
    ['', /no package name/],
    ['-torch', /no package name/],
    ['torch=2.1', /operator|unexpected/],
    ['torch>=2.1,', /no comparison operator/],
    ['torch>=banana', /not a PEP 440 version/],
    ['torch>=2.*', /wildcard only goes with/],
    ['torch>=2.1+cu118', /local version/],
    ['torch~=2', /two release numbers/],
    ['torch[bad extra]', /bad extra/],
    ["torch; sys_platform = 'linux'", /marker operator/],
    ["torch; platform.machine == 'x86_64'", /unknown marker variable/],
    ['torch; sys_platform == os_name', /not two variables/],
    ["torch; (sys_platform == 'linux'", /expected "\)"/],
    ["torch; sys_platform == 'linux", /unterminated/],
    ['clip @ github.com/openai/CLIP', /needs a URL/],
    ["clip @ https://x.org/c.whl; python_version == '3.12'", /space must follow the URL/],
  ])('refuses %s', (req, why) => expect(requirementError(req)).toMatch(why));

  it('checks specifier sets and markers on their own', () => {
    expect(specifierSetError('>=3.10,<3.14')).toBeNull();
    expect(specifierSetError('>=3.10,,<3.14')).toMatch(/no comparison operator/);
    expect(markerError("python_version >= '3.9' and python_version < '3.13'")).toBeNull();
    expect(markerError("python_version >= '3.9' andpython_version < '3.13'")).not.toBeNull();
  });
});
