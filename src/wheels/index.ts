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
export { flashAttnArchs, flashAttnParallelism, extensionMaxJobs, torchArchList } from './build.js';
export { pygPage, mmcvPage } from './indexes.js';
export { vllmTorch, vllmFor, nunchakuWheel, exactPin } from './pinned.js';
export { parseGitUrl } from './others.js';
