// Local stand-ins for the two registry images the generated Dockerfile starts from, for the
// end-to-end test of the daily loop and its bench (no registry is reachable here):
//   danlu-test/uv:local        the real uv and uvx (the ones CI installed from PyPI) at /, as
//                              ghcr.io/astral-sh/uv has them
//   danlu-test/cuda-apt:local  the 24.04 stand-in (scripts/ci/make-base-images.sh) with Debian's
//                              mirror in place of Ubuntu's and NVIDIA's archives, and this
//                              machine's CA bundle (pip's) as SSL_CERT_FILE, as a company base
//                              image carries its proxy's CA
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const LOOP_UV_IMAGE = 'danlu-test/uv:local';
export const LOOP_BASE_IMAGE = 'danlu-test/cuda-apt:local';
export const LOOP_STANDIN = 'danlu-test/ubuntu24.04:local';

function build(docker, context, tag) {
  const r = spawnSync(docker, ['build', '--network', 'host', '-q', '-t', tag, context], {
    encoding: 'utf8',
    env: { ...process.env, DOCKER_BUILDKIT: '1' },
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`docker build ${tag} failed: ${(r.stderr || r.error?.message || '').slice(-1500)}`);
}

/** Builds both images; `uv` is the path of the uv binary (uvx next to it), `cert` a CA bundle or null. */
export function buildLoopImages({ docker, uv, cert = null, standIn = LOOP_STANDIN }) {
  const work = mkdtempSync(join(tmpdir(), 'danlu-loop-images-'));
  try {
    const uvCtx = join(work, 'uv');
    mkdirSync(uvCtx);
    for (const f of ['uv', 'uvx']) copyFileSync(join(dirname(uv), f), join(uvCtx, f));
    writeFileSync(join(uvCtx, 'Dockerfile'), 'FROM scratch\nCOPY uv uvx /\n');
    build(docker, uvCtx, LOOP_UV_IMAGE);

    const baseCtx = join(work, 'base');
    mkdirSync(baseCtx);
    const ca = cert && existsSync(cert) ? cert : null;
    if (ca) copyFileSync(ca, join(baseCtx, 'ca.crt'));
    writeFileSync(
      join(baseCtx, 'Dockerfile'),
      `FROM ${standIn}\n` +
        'RUN rm -f /etc/apt/sources.list.d/ubuntu.sources /etc/apt/sources.list.d/cuda-*.list && cp /usr/share/danlu-test/debian.sources /etc/apt/sources.list.d/\n' +
        (ca ? 'COPY ca.crt /etc/ssl/danlu-test-ca.crt\nENV SSL_CERT_FILE=/etc/ssl/danlu-test-ca.crt\n' : ''),
    );
    build(docker, baseCtx, LOOP_BASE_IMAGE);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { uvImage: LOOP_UV_IMAGE, baseImage: LOOP_BASE_IMAGE };
}
