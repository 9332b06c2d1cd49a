import { readFile } from 'node:fs/promises';

/** What a command may touch; tests pass their own to capture output. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readFile: (path: string) => Promise<string>;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: (path) => readFile(path, 'utf8'),
};

/** Exit codes shared by every command; documented in the README. */
export const ExitCode = { ok: 0, badInput: 1, usage: 2, strictRejected: 3 } as const;
