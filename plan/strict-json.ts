/**
 * JSON.parse that refuses duplicate object keys anywhere in the document (a plan with two
 * "steps" keys must not mean one thing to the verifier and another to the executor).
 * It scans the text for object keys, then lets JSON.parse build the value.
 */
export function parseStrictJson(text: string): unknown {
  const value: unknown = JSON.parse(text); // syntax errors first, with JSON.parse's message
  checkDuplicateKeys(text);
  return value;
}

/** The characters the scan stops at; everything between them (numbers, literals, spaces) is skipped by the regex engine. */
const STRUCTURE = /["{}[\],]/g;
const BACKSLASH = 92;

/**
 * Throws on the first key written twice in one object. Runs on text JSON.parse accepted, so
 * every string is closed. Each string is skipped in one step to its closing quote (the next
 * `"` after an even run of backslashes) rather than character by character: `claude plan`
 * checks its own plan as apply would, in a process that is just starting, and this loop runs
 * interpreted (strict-json.test.ts checks it against the plain character loop).
 */
export function checkDuplicateKeys(text: string): void {
  // Stack of key sets, one per open object; arrays push null.
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  const re = new RegExp(STRUCTURE);
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const i = m.index;
    const c = m[0];
    if (c === '"') {
      let j = text.indexOf('"', i + 1);
      for (;;) {
        let k = j - 1;
        while (text.charCodeAt(k) === BACKSLASH) k--;
        if ((j - 1 - k) % 2 === 0) break; // not escaped
        j = text.indexOf('"', j + 1);
      }
      if (j < 0) return; // not JSON (JSON.parse refused it first)
      const top = stack[stack.length - 1];
      if (expectKey && top) {
        const raw = text.slice(i, j + 1);
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (top.has(key)) throw new SyntaxError(`duplicate key ${raw} at offset ${i}`);
        top.add(key);
        expectKey = false;
      }
      re.lastIndex = j + 1;
    } else if (c === '{') {
      stack.push(new Set());
      expectKey = true;
    } else if (c === '[') {
      stack.push(null);
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else {
      expectKey = stack[stack.length - 1] != null; // ','
    }
  }
}
