import { describe, expect, it } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { nullObject } from './null-object.js';
import { parseFile } from '../compiler/parse.js';
import { DiagnosticSink } from '../compiler/diagnostics.js';

// V8's own test of an object's property mode (allowed once the flag is set, before the function is compiled)
setFlagsFromString('--allow-natives-syntax');
const fastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;

describe('nullObject', () => {
  it('has no prototype, keeps "__proto__" as an own key, and its properties in fast mode (Object.create(null) is a dictionary)', () => {
    const o = nullObject<Record<string, unknown>>();
    o['name'] = 'web';
    o['__proto__'] = 'x';
    o['toString'] = 1;
    expect(Object.getPrototypeOf(o)).toBeNull();
    expect(Object.keys(o)).toEqual(['name', '__proto__', 'toString']);
    expect(o['constructor']).toBeUndefined();
    expect(fastProperties(o)).toBe(true);
    const dict = Object.create(null) as Record<string, unknown>;
    dict['name'] = 'web';
    expect(fastProperties(dict)).toBe(false); // what the parser made before
  });

  it("a parsed state file's mappings (the fast path and the full one) are such objects", () => {
    const text = 'apiVersion: claude.os/v1\nkind: ServiceManifest\nspec:\n  services:\n    - name: web\n      image: nginx\n      environment:\n        A: "1"\n';
    for (const fastPath of [true, false]) {
      const f = parseFile({ name: 'services.yaml', text: fastPath ? text : text.replace('image: nginx', 'image: &i nginx') }, new DiagnosticSink(), {}, { fastPath });
      const svc = ((f!.value['spec'] as Record<string, unknown>)['services'] as Record<string, unknown>[])[0]!;
      for (const o of [f!.value, f!.value['spec'] as object, svc, svc['environment'] as object]) {
        expect(Object.getPrototypeOf(o)).toBeNull();
        expect(fastProperties(o)).toBe(true);
      }
    }
  });
});
