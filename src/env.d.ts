/// <reference types="astro/client" />

interface ImportMetaEnv {
  /** The project root, defined by astro.config.mjs. */
  readonly IW_ROOT: string;
  /** The edition being built ('default' or 'instructor'; src/lib/edition.ts), defined by astro.config.mjs. */
  readonly IW_EDITION?: string;
}
