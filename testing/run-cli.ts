import { readFile } from 'node:fs/promises';
import { main } from '../services/cli/src/main.js';

/** Runs the CLI as a user would, with real files, and returns what it printed and its exit code (for tests). */
export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    readFile: (p) => readFile(p, 'utf8'),
  });
  return { code, stdout, stderr };
}
