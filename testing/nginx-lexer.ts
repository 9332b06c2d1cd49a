/**
 * A small reader of nginx's config syntax (words, quoted strings with backslash escapes, `#` comments,
 * `;`, `{`, `}`), used by tests to list every directive a rendered config contains and where.
 */
export interface Directive {
  /** Enclosing block names, outermost first, e.g. ['http', 'server', 'location']. */
  context: string[];
  name: string;
  args: string[];
}

export function readDirectives(text: string): Directive[] {
  const out: Directive[] = [];
  const stack: string[] = [];
  let words: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i] as string;
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === ';' || c === '{') {
      const [name, ...args] = words;
      if (name === undefined) throw new Error(`empty directive at offset ${i}`);
      out.push({ context: [...stack], name, args });
      if (c === '{') stack.push(name);
      words = [];
      i++;
      continue;
    }
    if (c === '}') {
      if (words.length > 0) throw new Error(`unterminated directive before offset ${i}`);
      if (stack.pop() === undefined) throw new Error(`unbalanced } at offset ${i}`);
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let word = '';
      i++;
      while (i < n && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < n) i++;
        word += text[i];
        i++;
      }
      if (i >= n) throw new Error('unterminated quoted string');
      i++;
      words.push(word);
      continue;
    }
    let word = '';
    while (i < n && !/[\s;{}]/.test(text[i] as string)) {
      if (text[i] === '\\' && i + 1 < n) i++;
      word += text[i];
      i++;
    }
    words.push(word);
  }
  if (stack.length > 0 || words.length > 0) throw new Error('config ends inside a block or directive');
  return out;
}
