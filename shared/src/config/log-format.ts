/**
 * A `MainLogFormat`/`TraceLogFormat` value is written unquoted after `log_format NAME`, so it is checked the
 * way nginx will read it: as an argument list of quoted strings and plain words. Interlock's template adds
 * no `;` of its own and its documented values end in `';`, so one trailing `;` is accepted and dropped;
 * anything else that could end the directive or open a block (`;`, `{`, `}`, a `#` comment) must sit
 * inside quotes, where nginx reads it as text.
 */
export type LogFormatResult = { ok: true; args: string } | { ok: false; reason: string };

const PLAIN_STOP = /[\s'";{}\\#]/;
const ESCAPE = /^escape=(default|json|none)$/;

export function parseLogFormat(value: string): LogFormatResult {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused here.
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(value))
    return { ok: false, reason: 'must not contain control characters' };
  const text = value.trim().replace(/;$/, '').trimEnd();
  const args: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"') {
      i++;
      while (i < text.length && text.charAt(i) !== c) {
        // nginx reads a backslash in a quoted string as escaping the next character, quotes included.
        i += text.charAt(i) === '\\' ? 2 : 1;
      }
      if (i >= text.length) return { ok: false, reason: `unterminated ${c} string` };
      i++;
      if (/[\r\n]/.test(text.slice(start, i)))
        return { ok: false, reason: 'a quoted string must not span lines' };
    } else {
      while (i < text.length && !PLAIN_STOP.test(text.charAt(i))) i++;
    }
    // nginx also refuses a quote straight after an argument, so every argument must end in a space.
    if (i === start || (i < text.length && !/\s/.test(text.charAt(i))))
      return { ok: false, reason: `${JSON.stringify(text.charAt(i))} is only allowed inside quotes` };
    args.push(text.slice(start, i));
  }
  // nginx takes a first argument starting with escape= as the escaping mode and refuses any other mode.
  const escapeMode = args[0]?.startsWith('escape=') === true;
  if (escapeMode && !ESCAPE.test(args[0] ?? ''))
    return { ok: false, reason: 'escape= must be default, json or none' };
  if (args.length === (escapeMode ? 1 : 0)) return { ok: false, reason: 'must not be empty' };
  return { ok: true, args: args.join(' ') };
}
