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

/**
 * Exit codes shared by every command; documented in docs/operating.md (CLI) and the usage text. 1: unusable
 * input or nothing found (no route for a host); 4: the coordinator could not be reached or refused the call.
 */
export const ExitCode = { ok: 0, badInput: 1, usage: 2, strictRejected: 3, coordinator: 4 } as const;
