import { parseArgs } from 'node:util';
import { type ConfigCheck, type ConfigIssue, checkConfig, UNKNOWN_KEY } from '#shared/config/index.js';
import { isSignalboxError } from '#shared/errors/index.js';
import { type CliIo, ExitCode } from '../cli-io.js';
import { formatTable } from '../table.js';

interface KeyLine {
  key: string;
  status: string;
  meaning: string;
}

const within = (path: string, key: string): boolean => path === key || path.startsWith(`${key}.`);

/** Every key of the file with its fate; each issue marks the deepest key that holds it as invalid. */
function keyLines(check: ConfigCheck): KeyLine[] {
  const issuesOf = new Map<string, ConfigIssue[]>();
  for (const issue of check.issues) {
    const holder = check.keys
      .filter((k) => within(issue.path, k.path))
      .reduce<string>((deepest, k) => (k.path.length > deepest.length ? k.path : deepest), '');
    issuesOf.set(holder, [...(issuesOf.get(holder) ?? []), issue]);
  }
  const lines: KeyLine[] = check.keys.map((k) => {
    const issues = issuesOf.get(k.path);
    if (issues)
      return {
        key: k.path,
        status: 'invalid',
        meaning: issues.map((i) => (i.path === k.path ? i.message : `${i.path}: ${i.message}`)).join('; '),
      };
    return { key: k.path, status: k.inert ? 'ignored (empty)' : k.fate, meaning: k.meaning };
  });
  // Unknown keys inside Signalbox's own tables, which the key listing reports as one key each.
  const listed = new Set(check.keys.map((k) => k.path));
  for (const path of check.unknown)
    if (!listed.has(path)) lines.push({ key: path, status: 'unknown', meaning: UNKNOWN_KEY });
  for (const issue of issuesOf.get('') ?? [])
    lines.push({ key: issue.path, status: 'invalid', meaning: issue.message });
  return lines;
}

/** `signalbox config check FILE`: what each key of a config.toml does in Signalbox; exit 1 if any is invalid. */
export async function runConfigCheckCommand(args: string[], io: CliIo): Promise<number> {
  let parsed: { values: { json?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      options: { json: { type: 'boolean', default: false } },
      allowPositionals: true,
    });
  } catch (e) {
    io.stderr(`signalbox config check: ${(e as Error).message}\n`);
    return ExitCode.usage;
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined || extra.length > 0) {
    io.stderr('signalbox config check: usage: signalbox config check [--json] FILE\n');
    return ExitCode.usage;
  }
  let check: ConfigCheck;
  try {
    check = checkConfig(await io.readFile(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (isSignalboxError(e)) io.stderr(`signalbox config check: ${e.message}\n`);
    else if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR')
      io.stderr(`signalbox config check: cannot read ${file}: ${code}\n`);
    else throw e;
    return ExitCode.badInput;
  }
  const lines = keyLines(check);
  const invalid = lines.filter((l) => l.status === 'invalid').length;
  if (parsed.values.json) {
    io.stdout(
      `${JSON.stringify({ file, valid: invalid === 0, keys: lines, warnings: check.warnings }, null, 2)}\n`,
    );
  } else {
    io.stdout(
      formatTable(
        ['KEY', 'STATUS', 'IN SIGNALBOX'],
        lines.map((l) => [l.key, l.status, l.meaning]),
      ),
    );
    const count = (status: string) => lines.filter((l) => l.status.startsWith(status)).length;
    io.stdout(
      `\n${lines.length} keys: ${count('applied')} applied, ${count('replaced')} replaced, ${count('ignored')} ignored, ` +
        `${count('unknown')} unknown, ${invalid} invalid\n`,
    );
  }
  return invalid > 0 ? ExitCode.badInput : ExitCode.ok;
}
