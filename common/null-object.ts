/**
 * An empty object with no prototype whose properties V8 keeps in fast mode. `Object.create(null)`
 * (and `{ __proto__: null }`) make a dictionary-mode object: a hash table per object, about 3×
 * the memory of a fast one and slower to read. A parsed state file is ~70,000 such mappings at
 * 10,000 services (docs/plans.md, "Session 15"). The same semantics: no inherited members, and a
 * key named "__proto__" set by assignment is an ordinary own property.
 * Must not: depend on anything.
 */
export function nullObject<T extends object = Record<string, unknown>>(): T {
  const o = {};
  Object.setPrototypeOf(o, null);
  return o as T;
}
