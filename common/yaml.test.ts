import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as yamlPackage from 'yaml';
import { describe, expect, it } from 'vitest';
import { packageRoot } from './paths.js';
import { loadYaml } from './yaml.js';

describe('loadYaml', () => {
  it('loads the one-file copy from generated/, with the same exports as the package', () => {
    const y = loadYaml();
    const bundled = createRequire(import.meta.url)(join(packageRoot(), 'generated', 'yaml.cjs')) as object;
    expect(y).toBe(bundled);
    expect(y).not.toBe(yamlPackage);
    expect(Object.keys(y).sort()).toEqual(Object.keys(yamlPackage).filter((k) => k !== 'default').sort());
  });

  it('makes nodes the package recognises, and the same data', () => {
    const text = 'a: [1, {b: x}]\nc: &k "v"\nd: *k\n';
    const doc = loadYaml().parseDocument(text);
    expect(yamlPackage.isMap(doc.contents)).toBe(true);
    expect(doc.toJS()).toEqual(yamlPackage.parse(text));
    expect(String(doc)).toBe(String(yamlPackage.parseDocument(text)));
  });
});
