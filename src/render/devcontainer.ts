import type { Plan } from '../plan/types.js';
import { CACHE_DIRS, SERVICE } from './compose.js';
import { CONTAINER_VENV } from './dockerfile.js';

export const VSCODE_EXTENSIONS = [
  'ms-python.python',
  'ms-python.debugpy',
  'ms-toolsai.jupyter',
  'charliermarsh.ruff',
  'tamasfe.even-better-toml',
  'ms-vscode.cmake-tools',
  'ms-vscode.cpptools',
  'ms-vscode.hexeditor',
  'GitHub.copilot',
];

/** devcontainer.json: points VS Code at the compose service instead of repeating its settings. */
export function devcontainerObject(plan: Plan): Record<string, unknown> {
  return {
    name: plan.project.name,
    dockerComposeFile: ['../docker-compose.yml', './docker-compose.extend.yml'],
    service: SERVICE,
    workspaceFolder: plan.project.workspace,
    shutdownAction: 'none',
    // The image's user already has this machine's UID/GID (build args from .env): the CLI's own
    // UID-update build would only add an image per rebuild.
    updateRemoteUserUID: false,
    // Runs on the host before compose: cache folders must exist, or Docker creates them as root.
    initializeCommand: ['mkdir', '-p', ...CACHE_DIRS.map((d) => `\${localEnv:HOME}/${d}`)],
    updateContentCommand: 'bash .devcontainer/uv-sync.sh',
    // Terminals and `devcontainer exec` get the environment a login shell probes, and a login
    // shell's profile may set PATH anew: the image's own PATH (the project's environment first)
    // and VIRTUAL_ENV are put back, so `python` is the project's there too.
    remoteEnv: { PATH: '${containerEnv:PATH}', VIRTUAL_ENV: '${containerEnv:VIRTUAL_ENV}' },
    hostRequirements: { gpu: 'optional' },
    customizations: {
      vscode: {
        extensions: VSCODE_EXTENSIONS,
        settings: {
          'python.defaultInterpreterPath': `${CONTAINER_VENV}/bin/python`,
          'python.terminal.activateEnvironment': false,
          'C_Cpp.intelliSenseEngine': 'default',
        },
      },
    },
  };
}

export function vscodeExtensions(): Record<string, unknown> {
  return { recommendations: VSCODE_EXTENSIONS };
}

export function vscodeSettings(): Record<string, unknown> {
  return {
    'python.terminal.activateEnvironment': false,
    'files.watcherExclude': { '**/.venv/**': true, '**/.cache/**': true },
    '[python]': { 'editor.defaultFormatter': 'charliermarsh.ruff' },
  };
}

export function vscodeLaunch(): Record<string, unknown> {
  return {
    version: '0.2.0',
    configurations: [
      {
        name: 'Python: current file',
        type: 'debugpy',
        request: 'launch',
        program: '${file}',
        console: 'integratedTerminal',
        justMyCode: false,
      },
    ],
  };
}

/** JSON with a leading comment block: devcontainer.json and .vscode files are JSONC. */
export function jsoncText(obj: unknown): string {
  return `${JSON.stringify(obj, null, 2)}\n`;
}
