/** Importers: what an existing ML repository needs, read without running any of its code. */
export * from './types.js';
export { parseRequirements, type RequirementsOptions } from './requirements.js';
export { parseCondaEnv, parseCondaSpec } from './conda.js';
export { CONDA_MAP, CONDA_PYPI, mapCondaName, pypiNameOf, type CondaAction, type CondaMapping } from './conda-map.js';
export { parseCog } from './cog.js';
export { parsePyprojectDeps } from './pyproject.js';
export { poetryConstraint } from './poetry.js';
export { scanSetupFiles, type SetupFile } from './setup-scan.js';
export { parseGitmodules } from './gitmodules.js';
export { parseInstallCommands, type InstallCommandOptions, type InstallCommandsResult, type IncludeRef } from './install-commands.js';
export { mergeResults, intersectSpecifiers, RANK, type MergePart } from './merge.js';
export { importProject, importFiles, type ImportOptions } from './import-project.js';
export { ProjectReader } from './reader.js';
export { classifyRequirementsFile, findProjectFiles, formatOf } from './discover.js';
export { formatReport, summarize } from './report.js';
export { parseSpec, type Spec } from './spec.js';
export { parsePep508, normalize } from './pep508.js';
export { checkMarker } from './marker.js';
