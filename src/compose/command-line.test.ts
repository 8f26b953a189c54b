import { describe as group, expect, it } from 'vitest';
import {
  buildLine,
  describe,
  downLine,
  execLine,
  logsLine,
  psLine,
  removeServiceLine,
  runLine,
  shellLine,
  upLine,
  volumeRemoveLine,
  type ComposeFlavor,
} from './command-line.js';

const v2: ComposeFlavor = { kind: 'v2', docker: 'docker', plugin: 'compose', version: '2.39.1' };
const v1: ComposeFlavor = { kind: 'v1', bin: 'docker-compose', version: '1.29.2' };

group('compose command lines', () => {
  const cases: [string, ReturnType<typeof upLine>, string][] = [
    ['up v2', upLine(v2), 'docker compose up -d devcontainer'],
    ['up --build v1', upLine(v1, { build: true }), 'docker-compose up -d --build devcontainer'],
    [
      'build v2, no cache, plain progress',
      buildLine(v2, { noCache: true, progressPlain: true }),
      'docker compose build --no-cache --progress plain devcontainer',
    ],
    ['build v1', buildLine(v1), 'docker-compose build devcontainer'],
    ['exec with a TTY', execLine(v2, ['nvidia-smi'], { tty: true }), 'docker compose exec devcontainer nvidia-smi'],
    ['exec without a TTY', execLine(v1, ['sh', '-c', 'exit 3'], { tty: false }), "docker-compose exec -T devcontainer sh -c 'exit 3'"],
    [
      'exec with workdir and env',
      execLine(v2, ['env'], { tty: false, workdir: '/workspace/x', env: { A: '1' } }),
      'docker compose exec -T --workdir /workspace/x -e A=1 devcontainer env',
    ],
    [
      'run goes through uv run',
      runLine(v2, ['python', 'train.py', '--lr', '3e-4'], { tty: false }),
      'docker compose exec -T devcontainer uv run -- python train.py --lr 3e-4',
    ],
    ['shell', shellLine(v2, { tty: true }), 'docker compose exec devcontainer bash -l'],
    ['logs -f', logsLine(v2, { follow: true, tail: '100' }), 'docker compose logs --follow --tail 100 devcontainer'],
    ['logs into a pipe, v1: no colour codes', logsLine(v1, { color: false }), 'docker-compose logs --no-color devcontainer'],
    ['down', downLine(v2), 'docker compose down'],
    ['down --volumes, v1', downLine(v1, { volumes: true, timeout: 1 }), 'docker-compose down --volumes --timeout 1'],
    ['only the dev container, v2', removeServiceLine(v2), 'docker compose rm --stop --force devcontainer'],
    ['only the dev container, v1', removeServiceLine(v1), 'docker-compose rm --stop --force devcontainer'],
    ['the venv volume', volumeRemoveLine('docker', 'my-proj', 'venv'), 'docker volume rm --force my-proj_venv'],
    [
      'ps by labels',
      psLine('docker', 'my-proj'),
      "docker ps --all --no-trunc --filter label=com.docker.compose.project=my-proj --filter label=com.docker.compose.service=devcontainer --format '{{json .}}'",
    ],
  ];
  for (const [name, line, text] of cases) it(name, () => expect(describe(line)).toBe(text));

  it('builds use BuildKit, also through compose v1', () => {
    expect(buildLine(v1).env).toMatchObject({ DOCKER_BUILDKIT: '1', COMPOSE_DOCKER_CLI_BUILD: '1' });
    expect(upLine(v1, { build: true }).env).toMatchObject({ DOCKER_BUILDKIT: '1' });
  });
});
