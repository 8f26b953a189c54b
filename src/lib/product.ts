/** danlu's own version (set by the bundler from package.json; '0.0.0-dev' when run from source). */
export const VERSION: string = typeof __DANLU_VERSION__ === 'string' ? __DANLU_VERSION__ : '0.0.0-dev';

declare const __DANLU_VERSION__: string | undefined;
