/**
 * The container engine a machine runs the dev container with. A closed set: adding a member
 * (Podman) makes the compiler list every place that has to learn it, because each engine fact
 * lives in ENGINES, keyed by this type, and every choice between engines is a switch on a field
 * of it.
 */
export type EngineKind = 'docker';

/** How a compose service asks the engine for GPUs. */
export type GpuRequestModel =
  /** `deploy.resources.reservations.devices` with a driver and capabilities (Docker's NVIDIA runtime or CDI). */
  'deploy-devices';

/** Everything that differs between engines, in the files danlu writes, the commands it runs and what it says. */
export interface EngineSpec {
  /** What users call it. */
  name: string;
  /** The client binary danlu runs when DANLU_DOCKER names none. */
  binary: string;
  /** The compose plugin's subcommand of that binary (`docker compose`). */
  composePlugin: string;
  /** The standalone compose program (Compose v1), or null. */
  composeStandalone: string | null;
  /** The name a container reaches the host by (a proxy on the host's 127.0.0.1). */
  hostAlias: string;
  /** The compose `extra_hosts` value that maps it to the host (null: the engine maps it itself). */
  hostAliasTarget: string | null;
  /** How a compose service asks for GPUs. */
  gpuRequest: GpuRequestModel;
  /** The `run` options that give a one-off container every GPU (doctor --deep's real GPU container). */
  gpuRunArgs: readonly string[];
  /** The engine's client configuration with its proxy settings. */
  clientConfig: string;
  /** Starting the engine's service, per init system: what a stopped engine's error says to run. */
  startHint: string;
  /** Reaching the engine's socket without root. */
  socketAccessHint: string;
  /** Installing the engine (its client missing). */
  installHint: string;
  /** Installing its compose (neither the plugin nor the standalone program answers). */
  composeInstallHint: string;
}

export const ENGINES: Record<EngineKind, EngineSpec> = {
  docker: {
    name: 'Docker',
    binary: 'docker',
    composePlugin: 'compose',
    composeStandalone: 'docker-compose',
    hostAlias: 'host.docker.internal',
    hostAliasTarget: 'host-gateway',
    gpuRequest: 'deploy-devices',
    gpuRunArgs: ['--gpus', 'all'],
    clientConfig: '~/.docker/config.json',
    startHint: 'start it: `sudo systemctl start docker` (Docker Engine) or start Docker Desktop; on WSL2 without systemd: `sudo service docker start`',
    socketAccessHint: 'add yourself to the docker group: `sudo usermod -aG docker "$USER"`, then log out and in (or run `newgrp docker`)',
    installHint: '`danlu setup-host --print` shows how to install Docker Engine',
    composeInstallHint: "install the plugin: `sudo apt-get install docker-compose-plugin` (Docker's apt repository)",
  },
};

/** The engine danlu drives on every machine today. */
export const DEFAULT_ENGINE: EngineKind = 'docker';
