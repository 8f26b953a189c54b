export * from './types.js';
export {
  SPECIAL_PACKAGES,
  findSpecial,
  isPrebuilt,
  isSpecial,
  normalizeName,
  prebuiltAvailable,
  resolveSpecial,
  type RegistryEntry,
  type Resolver,
} from './registry.js';
export { searchFlashAttn, wheelMarker, type FaSearch } from './flash-attn.js';
export { flashAttnArchs, flashAttnParallelism, extensionMaxJobs, torchArchList, PKG_RESOURCES_SETUPTOOLS, torchImportsPkgResources } from './build.js';
export { buildsOwnExtension, sourceBuildEnv, type OwnBuildFacts } from './source-build-env.js';
export { pygPage, mmcvPage } from './indexes.js';
export { vllmTorch, vllmFor, nunchakuWheel, exactPin } from './pinned.js';
export { parseGitUrl } from './others.js';
