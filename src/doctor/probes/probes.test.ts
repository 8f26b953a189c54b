import { describe, expect, it } from 'vitest';
import { fixture } from '../../probe/fake-deps.js';
import { cacheHome, cachePaths, probeCaches } from './caches.js';
import { composeProjectName, parseDfSizeBytes, parseTorchLine, probeContainer } from './container.js';
import { parseDaemonExtra, probeDisk, probeImages } from './docker-daemon.js';
import { fakeDoctorDeps } from './fake-doctor-deps.js';
import { pickProbeImage, probeGpuContainer } from './gpu-container.js';
import { parseDpkgInstalled, probeDriverPackages } from './packages.js';
import { findMirrorHits, mirrorHosts, probeProjectFiles, venvHome } from './project-files.js';

const DPKG = 'dpkg-query -W -f ${Package}\\t${Status}\\n nvidia-driver-* libnvidia-compute-* cuda-drivers* nvidia-utils-* nvidia-dkms-*';

describe('driver packages (dpkg-query)', () => {
  it('keeps only installed packages, even when some patterns match nothing (exit 1)', async () => {
    const stdout = 'nvidia-driver-550\tinstall ok installed\nnvidia-utils-550\tdeinstall ok config-files\ncuda-drivers\tinstall ok installed\n';
    expect(parseDpkgInstalled(stdout)).toEqual(['cuda-drivers', 'nvidia-driver-550']);
    const deps = fakeDoctorDeps({ commands: { [DPKG]: { code: 1, stdout, stderr: 'dpkg-query: no packages found matching nvidia-dkms-*\n' } } });
    expect(await probeDriverPackages(deps)).toEqual(['cuda-drivers', 'nvidia-driver-550']);
  });
  it('is null without dpkg or when it hangs', async () => {
    expect(await probeDriverPackages(fakeDoctorDeps())).toBeNull();
    expect(await probeDriverPackages(fakeDoctorDeps({ commands: { [DPKG]: { code: null, timedOut: true } } }))).toBeNull();
  });
});

describe('cache folders', () => {
  it('lists the mounted caches and the folders above them', () => {
    expect(cachePaths()).toEqual([
      '.cache',
      '.cache/huggingface',
      '.cache/danlu',
      '.cache/danlu/uv',
      '.cache/torch',
      '.cache/torch/hub',
      '.local',
      '.local/share',
      '.local/share/uv',
    ]);
  });
  it('takes HOST_HOME from the shell, then .env, then the user', () => {
    expect(cacheHome({ HOST_HOME: '/srv/h' }, { HOST_HOME: '/e' }, '/home/a')).toEqual({ home: '/srv/h', source: 'HOST_HOME (shell)' });
    expect(cacheHome({}, { HOST_HOME: '/e' }, '/home/a')).toEqual({ home: '/e', source: 'HOST_HOME (.env)' });
    expect(cacheHome({}, null, '/home/a')).toEqual({ home: '/home/a', source: 'user home' });
  });
  it('records owner and kind with stat', async () => {
    const deps = fakeDoctorDeps({ dirs: { '/h': [], '/h/.cache': [], '/h/.cache/huggingface': [] }, stats: { '/h/.cache/huggingface': { uid: 0, gid: 0 } } });
    const c = await probeCaches(deps, '/h', 'user home');
    expect(c.homeExists).toBe(true);
    expect(c.dirs.find((d) => d.rel === '.cache/huggingface')).toEqual({
      rel: '.cache/huggingface',
      path: '/h/.cache/huggingface',
      exists: true,
      isDir: true,
      uid: 0,
      gid: 0,
    });
    expect(c.dirs.find((d) => d.rel === '.cache/danlu/uv')).toMatchObject({ exists: false, uid: null });
  });
});

describe('docker daemon extras', () => {
  it('reads root dir, cgroup driver and proxies from the recorded docker info', () => {
    expect(parseDaemonExtra(fixture('docker/info-nvidia-runtime.json'))).toMatchObject({
      rootDir: '/var/lib/docker',
      cgroupDriver: 'systemd',
      proxy: { http: null },
    });
    expect(parseDaemonExtra(fixture('docker/info-daemon-down.json'))).toBeNull();
  });
  it('measures free space at the nearest folder that exists', async () => {
    const deps = fakeDoctorDeps({ statfs: { '/var/lib': { freeBytes: 5, totalBytes: 10 } } });
    expect(await probeDisk(deps, '/var/lib/docker')).toEqual({ path: '/var/lib/docker', freeBytes: 5, totalBytes: 10 });
  });
  it('tells a missing image from a daemon that cannot say', async () => {
    const deps = fakeDoctorDeps({
      commands: {
        'docker image inspect --format {{.Id}} here:1': { stdout: 'sha256:abc\n' },
        'docker image inspect --format {{.Id}} gone:1': { code: 1, stderr: 'Error response from daemon: no such image: gone:1: No such image: gone:1\n' },
        'docker image inspect --format {{.Id}} down:1': {
          code: 1,
          stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n',
        },
      },
    });
    expect(await probeImages(deps, ['here:1', 'gone:1', 'down:1', '', 'here:1'])).toEqual([
      { ref: 'here:1', present: true },
      { ref: 'gone:1', present: false },
      { ref: 'down:1', present: null },
    ]);
  });
});

describe('project files', () => {
  it('reads .env, pyproject, .python-version, uv.lock, pyvenv.cfg and finds mirrors in committed files', async () => {
    const deps = fakeDoctorDeps({
      files: {
        '/p/.env': 'USER_UID=1000\nPYPI_MIRROR=https://pypi.example.cn/simple\n',
        '/p/pyproject.toml': '[project]\nname = "p"\n[[tool.uv.index]]\nurl = "https://mirrors.aliyun.com/pypi/simple/"\n',
        '/p/.python-version': '3.12\n',
        '/p/uv.lock': 'source = { registry = "https://pypi.example.cn/simple" }\n',
        '/p/.venv/pyvenv.cfg': 'home = /usr/local/bin\nversion_info = 3.12.3\n',
      },
      stats: { '/p/uv.lock': { mtimeMs: 20 }, '/p/pyproject.toml': { mtimeMs: 10 } },
    });
    const f = await probeProjectFiles(deps, '/p');
    expect(f.env).toEqual({ USER_UID: '1000', PYPI_MIRROR: 'https://pypi.example.cn/simple' });
    expect(f.pyproject).toMatchObject({ project: { name: 'p' } });
    expect(f.pythonVersion).toBe('3.12');
    expect(f.uvLock).toEqual({ exists: true, mtimeMs: 20, pyprojectMtimeMs: 10 });
    expect(f.venv).toEqual({ home: '/usr/local/bin', homeExists: false });
    expect(f.mirrorHits).toEqual([
      { file: 'pyproject.toml', line: 4, url: 'https://mirrors.aliyun.com/pypi/simple/' },
      { file: 'uv.lock', line: 1, url: 'https://pypi.example.cn/simple' },
    ]);
  });

  it('keeps parse errors as data with file:line', async () => {
    const f = await probeProjectFiles(fakeDoctorDeps({ files: { '/p/.env': 'oops\n', '/p/pyproject.toml': '[project\n' } }), '/p');
    expect(f.envError).toMatch(/^\/p\/\.env:1:1: expected KEY=VALUE/);
    expect(f.pyprojectError).toMatch(/^\/p\/pyproject\.toml:1:\d+: invalid TOML/);
  });

  it('knows the mirror hosts and ignores canonical URLs', () => {
    expect(mirrorHosts({ HF_ENDPOINT: 'https://huggingface.co' })).not.toContain('huggingface.co');
    expect(mirrorHosts(null)).toEqual(expect.arrayContaining(['mirrors.aliyun.com', 'hf-mirror.com', 'docker.m.daocloud.io']));
    expect(findMirrorHits('x', 'a\nFROM docker.m.daocloud.io/nvidia/cuda:12.8.1\n', ['docker.m.daocloud.io'])).toEqual([
      { file: 'x', line: 2, url: 'docker.m.daocloud.io/nvidia/cuda:12.8.1' },
    ]);
    expect(venvHome('home=/opt/py/bin\n')).toBe('/opt/py/bin');
  });
});

describe('running container', () => {
  const PS = 'docker ps -q --filter label=com.docker.compose.project=proj --filter label=com.docker.compose.service=devcontainer';

  it('derives the compose project name like compose', () => {
    expect(composeProjectName('/x/My Proj', {}, null)).toBe('myproj');
    expect(composeProjectName('/x/y', {}, { COMPOSE_PROJECT_NAME: 'named' })).toBe('named');
  });

  it('parses df and the torch line', () => {
    expect(parseDfSizeBytes('Filesystem 1024-blocks Used Available Capacity Mounted on\nshm 65536 0 65536 0% /dev/shm\n')).toBe(64 * 1024 * 1024);
    expect(parseTorchLine('noise\nDANLU_TORCH {"version": "2.11.0+cu130", "cuda": "13.0", "available": true}\n')).toEqual({
      version: '2.11.0+cu130',
      cuda: '13.0',
      available: true,
      error: null,
      extensions: {},
    });
    const ext =
      'DANLU_TORCH {"version": "2.8.0", "cuda": "12.8", "available": true}\nDANLU_TRY flash_attn\nDANLU_EXT ["flash_attn", "ImportError: x"]\nDANLU_TRY mamba_ssm\nDANLU_EXT ["mamba_ssm", null]\n';
    expect(parseTorchLine(ext)!.extensions).toEqual({ flash_attn: 'ImportError: x', mamba_ssm: null });
    // Cut off by the time limit while importing causal_conv1d: torch's answer and the rest stay.
    expect(parseTorchLine(`${ext}DANLU_TRY causal_conv1d\n`, 8000)).toEqual({
      version: '2.8.0',
      cuda: '12.8',
      available: true,
      error: null,
      extensions: {
        flash_attn: 'ImportError: x',
        mamba_ssm: null,
        causal_conv1d: 'TimeoutError: importing causal_conv1d took longer than the 8 s the check allows',
      },
    });
    expect(parseTorchLine('', 8000)).toMatchObject({ version: null, error: 'timed out after 8 s' });
    expect(parseTorchLine('sh: 1: exec: python3: not found\n')).toMatchObject({ error: 'sh: 1: exec: python3: not found' });
  });

  it('finds the container by its compose labels and runs the checks in it', async () => {
    const deps = fakeDoctorDeps({
      commands: {
        [PS]: { stdout: 'abc123\n' },
        'docker exec abc123 df -Pk /dev/shm': { stdout: 'Filesystem 1024-blocks Used Available Capacity Mounted on\nshm 33554432 0 33554432 0% /dev/shm\n' },
        'docker exec abc123 nvidia-smi -L': { stdout: 'GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-1c0a9baf-0145-ba6f-785c-472c90d07688)\n' },
        // The torch script runs through `sh -c`; any args match.
      },
    });
    const exec = deps.exec;
    deps.exec = (cmd, args, o) =>
      args[0] === 'exec' && args[2] === 'sh'
        ? Promise.resolve({
            code: 0,
            stdout: 'DANLU_TORCH {"version": "2.11.0+cu130", "cuda": "13.0", "available": true}\n',
            stderr: '',
            missing: false,
            timedOut: false,
            ms: 1,
          })
        : exec(cmd, args, o);
    const c = await probeContainer(deps, '/x/proj', null);
    expect(c).toEqual({
      running: true,
      id: 'abc123',
      error: null,
      shmBytes: 32 * 1024 ** 3,
      gpu: { ok: true, output: 'GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-1c0a9baf-0145-ba6f-785c-472c90d07688)' },
      torch: { version: '2.11.0+cu130', cuda: '13.0', available: true, error: null, extensions: {} },
    });
  });

  it('is "not running" with no container and says why when docker fails', async () => {
    expect(await probeContainer(fakeDoctorDeps({ commands: { [PS]: { stdout: '' } } }), '/x/proj', null)).toMatchObject({ running: false, error: null });
    const down = await probeContainer(
      fakeDoctorDeps({
        commands: { [PS]: { code: 1, stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n' } },
      }),
      '/x/proj',
      null,
    );
    expect(down).toMatchObject({ running: false, error: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' });
  });
});

describe('GPU container (--deep)', () => {
  it('picks the first local candidate and never pulls', async () => {
    expect(
      pickProbeImage(
        ['a', 'b'],
        [
          { ref: 'a', present: false },
          { ref: 'b', present: true },
        ],
      ),
    ).toBe('b');
    expect(pickProbeImage(['a'], [{ ref: 'a', present: null }])).toBeNull();
    const deps = fakeDoctorDeps({
      commands: {
        'docker run --rm --pull=never --network none --gpus all b nvidia-smi -L': {
          code: 125,
          stderr:
            'docker: Error response from daemon: could not select device driver "" with capabilities: [[gpu]].\n\nRun \'docker run --help\' for more information\n',
        },
      },
    });
    expect(await probeGpuContainer(deps, 'b', 'docker')).toEqual({
      image: 'b',
      ok: false,
      output: 'docker: Error response from daemon: could not select device driver "" with capabilities: [[gpu]].',
      timedOut: false,
    });
  });
});
