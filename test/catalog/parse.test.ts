import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCudaTag } from '../../src/catalog/update/derive.js';
import { parseHubPage } from '../../src/catalog/update/dockerhub.js';
import { parseFlashAttnAsset, parseLinkHeader, parseReleasesPage, rateLimitMessage } from '../../src/catalog/update/github.js';
import {
  abiFromPlatforms,
  comparePython,
  decodeEntities,
  normalizeName,
  parseSimpleHtml,
  parseSimpleJson,
  parseSimplePage,
  parseWheelFilename,
  platformFamily,
  wheelPythons,
} from '../../src/catalog/update/simple-index.js';
import { FIXTURES } from './support/servers.js';

const fixture = (p: string) => readFileSync(join(FIXTURES, p), 'utf8');

describe('PEP 427 wheel file names', () => {
  it.each([
    [
      'torch-2.9.1+cu128-cp312-cp312-manylinux_2_28_x86_64.whl',
      {
        name: 'torch',
        version: '2.9.1+cu128',
        publicVersion: '2.9.1',
        local: 'cu128',
        build: null,
        pythonTags: ['cp312'],
        abiTags: ['cp312'],
        platformTags: ['manylinux_2_28_x86_64'],
      },
    ],
    ['torch-2.9.1+cu128-cp313-cp313t-manylinux_2_28_aarch64.whl', { local: 'cu128', abiTags: ['cp313t'], platformTags: ['manylinux_2_28_aarch64'] }],
    ['torch-2.9.1-cp312-none-macosx_11_0_arm64.whl', { local: null, publicVersion: '2.9.1', abiTags: ['none'] }],
    ['xformers-0.0.33.post2-cp39-abi3-manylinux_2_28_x86_64.whl', { name: 'xformers', publicVersion: '0.0.33.post2', abiTags: ['abi3'] }],
    ['flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl', { name: 'flash-attn', local: 'cu12torch2.8cxx11abiTRUE' }],
    [
      'flash_attn-2.8.3+cu128torch2.9-cp312-cp312-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl',
      { platformTags: ['manylinux_2_24_x86_64', 'manylinux_2_28_x86_64'] },
    ],
    ['pkg-1.0-1-py2.py3-none-any.whl', { build: '1', pythonTags: ['py2', 'py3'], platformTags: ['any'] }],
  ])('%s', (filename, expected) => {
    expect(parseWheelFilename(filename)).toMatchObject(expected);
  });

  it.each(['torch-2.9.1.tar.gz', 'torch-2.9.1-cp312.whl', 'pkg-1.0-x-py3-none-any.whl', 'a-b-c-d-e-f-g.whl'])('%s is not a wheel name', (name) => {
    expect(parseWheelFilename(name)).toBeNull();
  });

  it('normalises names, platforms, ABI and Python tags', () => {
    expect(normalizeName('Flash_Attn.3')).toBe('flash-attn-3');
    expect(platformFamily('manylinux_2_28_x86_64')).toBe('linux_x86_64');
    expect(platformFamily('manylinux2014_aarch64')).toBe('linux_aarch64');
    expect(platformFamily('manylinux1_x86_64')).toBe('linux_x86_64');
    expect(platformFamily('musllinux_1_2_x86_64')).toBe('musllinux_x86_64');
    expect(platformFamily('macosx_11_0_arm64')).toBe('macosx_arm64');
    expect(platformFamily('win_amd64')).toBe('win_amd64');
    // knowledge §3.3: manylinux_2_28 wheels carry the CXX11 ABI; manylinux2014 ones do not.
    expect(abiFromPlatforms(['manylinux_2_28_x86_64'])).toBe('cxx11');
    expect(abiFromPlatforms(['manylinux_2_17_x86_64', 'manylinux2014_x86_64'])).toBe('pre-cxx11');
    expect(abiFromPlatforms(['manylinux1_x86_64'])).toBe('pre-cxx11');
    expect(abiFromPlatforms(['linux_x86_64'])).toBeNull();
    expect(wheelPythons({ pythonTags: ['cp313'], abiTags: ['cp313t'] })).toEqual(['3.13t']);
    expect(wheelPythons({ pythonTags: ['cp39'], abiTags: ['abi3'] })).toEqual(['>=3.9']);
    expect(wheelPythons({ pythonTags: ['cp38'], abiTags: ['cp38m'] })).toEqual(['3.8']);
    expect(wheelPythons({ pythonTags: ['py3'], abiTags: ['none'] })).toEqual([]);
    expect(['3.13t', '3.10', '3.9', '3.13'].sort(comparePython)).toEqual(['3.9', '3.10', '3.13', '3.13t']);
    expect(decodeEntities('&gt;=3.10&#44;&#x3C;4 &amp; &bogus;')).toBe('>=3.10,<4 & &bogus;');
  });
});

describe('simple repository pages', () => {
  it('reads the PEP 691 JSON page of torch on cu128, yanked files flagged', () => {
    const files = parseSimpleJson(fixture('pytorch/cu128/torch.json'), 'http://127.0.0.1:1/whl/cu128/torch/');
    expect(files[0]).toEqual({
      filename: 'torch-2.9.0+cu128-cp310-cp310-manylinux_2_28_x86_64.whl',
      url: 'http://127.0.0.1:1/whl/cu128/torch-2.9.0%2Bcu128-cp310-cp310-manylinux_2_28_x86_64.whl',
      requiresPython: '>=3.10',
      yanked: false,
      uploadTime: '2026-01-10T08:00:00.000000Z',
    });
    expect(files.filter((f) => f.yanked).map((f) => f.filename)).toEqual([
      'torch-2.11.1+cu128-cp310-cp310-manylinux_2_28_x86_64.whl',
      'torch-2.11.1+cu128-cp310-cp310-manylinux_2_28_aarch64.whl',
      'torch-2.11.1+cu128-cp310-cp310-win_amd64.whl',
    ]);
    const versions = new Set(files.filter((f) => !f.yanked).map((f) => parseWheelFilename(f.filename)!.publicVersion));
    expect([...versions]).toEqual(['2.9.0', '2.9.1', '2.10.0', '2.11.0']);
  });

  it('reads the PEP 503 HTML page of torchvision: entities, absolute-path hrefs, hash fragments', () => {
    const files = parseSimpleHtml(fixture('pytorch/cu130/torchvision.html'), 'https://download.pytorch.org/whl/cu130/torchvision/');
    // 10 versions x their Pythons (5, 5, 5, 5, 5, 5, 6, 6, 5, 5) x 2 platforms
    expect(files).toHaveLength(104);
    expect(files[0]).toEqual({
      filename: 'torchvision-0.24.0+cu130-cp310-cp310-manylinux_2_28_x86_64.whl',
      url: 'https://download.pytorch.org/whl/cu130/torchvision-0.24.0%2Bcu130-cp310-cp310-manylinux_2_28_x86_64.whl',
      requiresPython: '>=3.10',
      yanked: false,
      uploadTime: null,
    });
  });

  it('handles hand-written HTML: relative hrefs, <base>, single quotes, yanked, anchors without text', () => {
    const html = `<html><head><base href="https://mirror.example/simple/torch/"></head><body>
      <a href='../../files/torch-2.0.1-cp310-cp310-linux_x86_64.whl#sha256=ab' data-yanked="">torch-2.0.1-cp310-cp310-linux_x86_64.whl</a>
      <A HREF="torch-2.0.0%2Bcu118-cp39-cp39-linux_x86_64.whl"></A>
      <a name="nohref">x</a></body></html>`;
    expect(parseSimpleHtml(html, 'https://ignored.example/')).toEqual([
      {
        filename: 'torch-2.0.1-cp310-cp310-linux_x86_64.whl',
        url: 'https://mirror.example/files/torch-2.0.1-cp310-cp310-linux_x86_64.whl',
        requiresPython: null,
        yanked: true,
        uploadTime: null,
      },
      {
        filename: 'torch-2.0.0+cu118-cp39-cp39-linux_x86_64.whl',
        url: 'https://mirror.example/simple/torch/torch-2.0.0%2Bcu118-cp39-cp39-linux_x86_64.whl',
        requiresPython: null,
        yanked: false,
        uploadTime: null,
      },
    ]);
  });

  it('picks the parser from the content type and rejects the rest', () => {
    expect(parseSimplePage('application/vnd.pypi.simple.v1+json', '{"meta":{"api-version":"1.0"},"name":"x","files":[]}', 'http://h/').format).toBe('json');
    expect(parseSimplePage('text/html; charset=utf-8', '<a href="x-1.0-py3-none-any.whl">x-1.0-py3-none-any.whl</a>', 'http://h/').files).toHaveLength(1);
    expect(() => parseSimplePage('application/vnd.pypi.simple.v1+json', '{"meta":{"api-version":"2.0"},"files":[]}', 'http://h/')).toThrow(
      /unsupported simple API version "2.0"/,
    );
    expect(() => parseSimplePage('application/json', '{"files": [', 'http://h/')).toThrow(/not valid JSON/);
    expect(() => parseSimplePage('application/octet-stream', 'xx', 'http://h/')).toThrow(/unexpected content type/);
  });
});

describe('Docker Hub tag pages', () => {
  it('reads results, architectures and the next link', () => {
    const page = parseHubPage(fixture('dockerhub/tags-page1.json'));
    expect(page.count).toBe(51);
    expect(page.next).toBe('{{BASE}}/v2/repositories/nvidia/cuda/tags?name=devel-ubuntu&page=2&page_size=100');
    expect(page.tags[0]).toEqual({ name: '13.3.0-cudnn-devel-ubuntu26.04', arch: ['amd64', 'arm64'] });
    expect(parseHubPage(fixture('dockerhub/tags-page3.json')).next).toBeNull();
    expect(() => parseHubPage('{"detail": "Not found"}')).toThrow(/"results" array/);
  });

  it.each([
    ['12.8.1-devel-ubuntu24.04', { version: '12.8.1', flavour: 'devel', distro: 'ubuntu', release: '24.04' }],
    ['12.8.1-cudnn-devel-ubuntu22.04', { flavour: 'cudnn-devel' }],
    ['11.8.0-cudnn8-devel-ubuntu20.04', { flavour: 'cudnn8-devel' }],
    ['13.0.0-tensorrt-devel-ubuntu24.04', { flavour: 'tensorrt-devel' }],
    ['12.4.1-devel-ubi9', { distro: 'ubi', release: '9' }],
  ])('tag %s', (tag, expected) => {
    expect(parseCudaTag(tag)).toMatchObject(expected);
  });

  it.each(['latest', '12.8-devel-ubuntu24.04', '12.8.1-devel', 'devel-ubuntu24.04'])('tag %s is not a CUDA image tag', (tag) => {
    expect(parseCudaTag(tag)).toBeNull();
  });
});

describe('GitHub releases', () => {
  it('reads Link headers', () => {
    expect(
      parseLinkHeader(
        '<https://api.github.com/repositories/1/releases?per_page=100&page=2>; rel="next", <https://api.github.com/repositories/1/releases?per_page=100&page=5>; rel="last"',
      ),
    ).toEqual({
      next: 'https://api.github.com/repositories/1/releases?per_page=100&page=2',
      last: 'https://api.github.com/repositories/1/releases?per_page=100&page=5',
    });
    expect(parseLinkHeader('<https://x/?page=1>; rel="prev first"')).toEqual({ prev: 'https://x/?page=1', first: 'https://x/?page=1' });
    expect(parseLinkHeader(undefined)).toEqual({});
    expect(parseLinkHeader('garbage')).toEqual({});
  });

  it('reads a releases page', () => {
    const releases = parseReleasesPage(fixture('github/flash-attention-page1.json'));
    expect(releases.map((r) => [r.tag, r.prerelease, r.assets.length])).toEqual([
      ['fa4-v4.0.0.beta4', true, 1],
      ['v2.8.3.post1', false, 49],
      ['v2.8.3', false, 49],
    ]);
    expect(() => parseReleasesPage('{"message": "Not Found"}')).toThrow(/JSON array/);
  });

  const asset = (name: string) => ({
    name,
    url: `https://github.com/o/r/releases/download/v1/${encodeURIComponent(name)}`,
    digest: `sha256:${'a'.repeat(64)}`,
  });

  it.each([
    [
      'flash_attn-2.8.3+cu12torch2.8cxx11abiFALSE-cp310-cp310-linux_x86_64.whl',
      { package: 'flash-attn', version: '2.8.3', cuda: '12', torch: '2.8', cxx11abi: false, python: '3.10', platform: 'linux_x86_64', sha256: 'a'.repeat(64) },
    ],
    ['flash_attn-2.6.3+cu123torch2.4cxx11abiTRUE-cp312-cp312-linux_x86_64.whl', { cuda: '12.3', torch: '2.4', cxx11abi: true }],
    ['flash_attn-2.5.9.post1+cu118torch2.0cxx11abiTRUE-cp39-cp39-linux_x86_64.whl', { version: '2.5.9.post1', cuda: '11.8', torch: '2.0' }],
    ['flash_attn-2.8.3+cu130torch2.10-cp313-cp313t-win_amd64.whl', { cuda: '13.0', torch: '2.10', cxx11abi: null, python: '3.13t', platform: 'win_amd64' }],
    ['flash_attn-2.8.3+cu128torch2.9-cp312-cp312-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl', { platform: 'manylinux_2_24_x86_64.manylinux_2_28_x86_64' }],
    ['flash_attn_3-3.0.0+cu128torch2.8gite2743ab-cp39-abi3-linux_x86_64.whl', { package: 'flash-attn-3', version: '3.0.0', cuda: '12.8', python: '>=3.9' }],
  ])('asset %s', (name, expected) => {
    expect(parseFlashAttnAsset(asset(name), 'community', 'v1')).toMatchObject({ ...expected, filename: name, channel: 'community', release: 'v1' });
  });

  it.each([
    'flash_attn-2.5.9.post1+cu118torch1.13cxx11abiTRUE-cp39-cp39-linux_x86_64.whl',
    'flash_attn-2.8.3.tar.gz',
    'flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl',
    'vllm-0.9.0+cu128-cp38-abi3-manylinux_2_35_x86_64.whl',
    'checksums.txt',
  ])('asset %s is left out', (name) => {
    expect(parseFlashAttnAsset(asset(name), 'official', 'v1')).toBeNull();
  });

  it('describes a rate limit from its headers', () => {
    const res = (status: number, headers: Record<string, string>) => ({ url: 'u', status, headers, body: '' });
    const limited = res(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-limit': '60', 'x-ratelimit-reset': '1796000000' });
    const now = 1796000000 * 1000 - 25 * 60_000;
    expect(rateLimitMessage(limited, false, now)).toBe(
      'GitHub API rate limit reached (60 requests an hour); it resets at 2026-11-30T00:53:20Z (in 25 min); set GITHUB_TOKEN or GH_TOKEN for a higher limit',
    );
    expect(rateLimitMessage({ ...limited, status: 429 }, true, now)).toBe(
      'GitHub API rate limit reached (60 requests an hour); it resets at 2026-11-30T00:53:20Z (in 25 min)',
    );
    expect(rateLimitMessage(res(403, { 'x-ratelimit-remaining': '12' }), false)).toBeNull();
    expect(rateLimitMessage(res(200, { 'x-ratelimit-remaining': '0' }), false)).toBeNull();
  });
});
