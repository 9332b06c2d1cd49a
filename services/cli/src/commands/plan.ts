import { parseArgs } from 'node:util';
import { isSignalboxError } from '#shared/errors/index.js';
import {
  type Assignment,
  type PlanOptions,
  parseHmetis,
  parsePartitionFile,
  parsePlanInput,
  parsePreviousAssignment,
  plan,
  type Topology,
} from '#shared/planner/index.js';
import { type CliIo, ExitCode } from '../cli-io.js';

const USAGE = `usage: signalbox plan --input FILE [--previous FILE] [--time-budget-ms N] [--seed N]
                     [--move-cost X] [--max-moves N]
       signalbox plan --format hmetis --input FILE.hgr --k N [--epsilon E] [--fix FILE] [--previous FILE.part]`;

class UsageError extends Error {}
/** Input that parses as arguments but cannot be planned: exit 1. */
class InputError extends Error {}

interface Values {
  input?: string;
  previous?: string;
  'time-budget-ms'?: string;
  seed?: string;
  'move-cost'?: string;
  'max-moves'?: string;
  format?: string;
  fix?: string;
  k?: string;
  epsilon?: string;
}

function numberOption(values: Values, name: keyof Values, integer: boolean, min: number): number | undefined {
  const text = values[name];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value)))
    throw new UsageError(
      `--${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, got ${JSON.stringify(text)}`,
    );
  return value;
}

function parseJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path} is not JSON: ${(e as Error).message}`);
  }
}

async function readInputs(values: Values, io: CliIo): Promise<{ topology: Topology; previous?: Assignment }> {
  const input = values.input as string;
  const text = await io.readFile(input);
  if (values.format === 'hmetis') {
    const k = numberOption(values, 'k', true, 1);
    if (k === undefined) throw new UsageError('--format hmetis needs --k N (the number of blocks)');
    const fix = values.fix === undefined ? undefined : await io.readFile(values.fix);
    const topology = parseHmetis({
      hgr: text,
      k,
      epsilon: numberOption(values, 'epsilon', false, 0) ?? 0.03,
      fix,
    });
    if (values.previous === undefined) return { topology };
    const previous = parsePartitionFile(await io.readFile(values.previous), topology.apps.length, k);
    return { topology, previous };
  }
  const topology = parsePlanInput(parseJson(input, text));
  if (values.previous === undefined) return { topology };
  const previous = parsePreviousAssignment(parseJson(values.previous, await io.readFile(values.previous)));
  return { topology, previous };
}

function options(values: Values): PlanOptions {
  const seed = numberOption(values, 'seed', true, 0);
  const timeBudgetMs = numberOption(values, 'time-budget-ms', false, 1);
  const moveCost = numberOption(values, 'move-cost', false, 0);
  const maxMoves = numberOption(values, 'max-moves', true, 0);
  return {
    ...(seed === undefined ? {} : { seed }),
    ...(timeBudgetMs === undefined ? {} : { timeBudgetMs }),
    ...(moveCost === undefined ? {} : { moveCost }),
    ...(maxMoves === undefined ? {} : { maxMoves }),
  };
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ');

/**
 * `signalbox plan`: a public interface. The JSON on stdout (assignment, metrics, explanations) and the exit
 * codes (0 planned, 1 unusable or infeasible input with a one-line reason, 2 usage) must stay stable.
 */
export async function runPlanCommand(args: string[], io: CliIo): Promise<number> {
  let values: Values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        input: { type: 'string' },
        previous: { type: 'string' },
        'time-budget-ms': { type: 'string' },
        seed: { type: 'string' },
        'move-cost': { type: 'string' },
        'max-moves': { type: 'string' },
        format: { type: 'string' },
        fix: { type: 'string' },
        k: { type: 'string' },
        epsilon: { type: 'string' },
      },
      strict: true,
    }));
    if (!values.input) throw new UsageError('--input FILE is required');
    if (values.format !== undefined && values.format !== 'json' && values.format !== 'hmetis')
      throw new UsageError(`--format must be json or hmetis, got ${JSON.stringify(values.format)}`);
    if (values.format !== 'hmetis' && (values.fix ?? values.k ?? values.epsilon) !== undefined)
      throw new UsageError('--fix, --k and --epsilon only apply to --format hmetis');
    const planOptions = options(values);
    const { topology, previous } = await readInputs(values, io);
    const result = plan(topology, previous, planOptions);
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return ExitCode.ok;
  } catch (e) {
    if (e instanceof UsageError || (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`signalbox plan: ${oneLine((e as Error).message)}\n${USAGE}\n`);
      return ExitCode.usage;
    }
    if (e instanceof InputError || isSignalboxError(e)) {
      io.stderr(`signalbox plan: ${oneLine(e.message)}\n`);
      return ExitCode.badInput;
    }
    const errno = e as NodeJS.ErrnoException;
    if (errno.code === 'ENOENT' || errno.code === 'EACCES' || errno.code === 'EISDIR') {
      io.stderr(`signalbox plan: cannot read ${errno.path}: ${errno.code}\n`);
      return ExitCode.badInput;
    }
    throw e;
  }
}
