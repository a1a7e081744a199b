/**
 * The version of Claude.OS this CLI is (package.json's), as `claude --version` says it and as
 * `claude upgrade` takes for the running slot when no upgrade recorded one. Read from the
 * package two levels up from the built module (dist/cli/ or dist/bundle/).
 */
import { readFileSync } from 'node:fs';

export function ownVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
