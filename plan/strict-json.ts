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

function checkDuplicateKeys(text: string): void {
  // Stack of key sets, one per open object; arrays push null.
  const stack: (Set<string> | null)[] = [];
  let i = 0;
  const n = text.length;
  let expectKey = false;
  while (i < n) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const raw = text.slice(i, j + 1);
      const top = stack[stack.length - 1];
      if (expectKey && top) {
        const key = JSON.parse(raw) as string;
        if (top.has(key)) throw new SyntaxError(`duplicate key ${raw} at offset ${i}`);
        top.add(key);
        expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (c === '{') {
      stack.push(new Set());
      expectKey = true;
    } else if (c === '[') {
      stack.push(null);
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      expectKey = stack[stack.length - 1] != null;
    }
    i++;
  }
}
