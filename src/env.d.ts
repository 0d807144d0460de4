/// <reference types="astro/client" />

interface ImportMetaEnv {
  /** The project root, defined by astro.config.mjs. */
  readonly IW_ROOT: string;
}
