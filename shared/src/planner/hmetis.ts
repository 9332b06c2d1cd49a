import { SignalboxError } from '../errors/index.js';
import type { AppSpec, Assignment, Topology } from './types.js';

/**
 * The hMETIS formats KaHyPar, Mt-KaHyPar, PaToH and hMETIS read, so the planner can be run on the same
 * instances they are: `.hgr` hypergraphs, fix files (pins) and partition files (a previous plan).
 * Vertex i (1-based) becomes app `v<i>`, net j becomes network `e<j>`, and block b becomes cluster `<b>`.
 */
export interface HmetisInput {
  readonly hgr: string;
  readonly k: number;
  /** ε: each block holds at most ⌊(1 + ε)·⌈total weight / k⌉⌋, KaHyPar's and Mt-KaHyPar's definition. */
  readonly epsilon: number;
  readonly fix?: string | undefined;
}

/** Net weights are expanded into parallel copies; this bounds the copies a file may ask for. */
const MAX_EXPANDED_NETS = 5_000_000;

const invalid = (what: string, line: number, message: string): SignalboxError =>
  new SignalboxError('PLAN_INPUT_INVALID', `${what} line ${line}: ${message}`, { line });

/** Non-comment lines with their 1-based line numbers; `%` starts a comment line. */
function dataLines(text: string): { line: number; fields: string[] }[] {
  const lines: { line: number; fields: string[] }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('%')) return;
    lines.push({ line: i + 1, fields: trimmed.split(/\s+/) });
  });
  return lines;
}

function integer(what: string, line: number, field: string | undefined, min: number, max: number): number {
  const value = Number(field);
  if (field === undefined || !/^-?\d+$/.test(field) || value < min || value > max)
    throw invalid(what, line, `expected an integer in [${min}, ${max}], got ${JSON.stringify(field ?? '')}`);
  return value;
}

/** Block ids, one line per vertex: `-1` for free (fix files) or 0..k−1. */
function blockLines(what: string, text: string, n: number, k: number, allowFree: boolean): number[] {
  const lines = dataLines(text);
  if (lines.length !== n)
    throw invalid(what, lines[0]?.line ?? 1, `expected ${n} lines (one per vertex), got ${lines.length}`);
  return lines.map(({ line, fields }) => integer(what, line, fields[0], allowFree ? -1 : 0, k - 1));
}

export function parseHmetis(input: HmetisInput): Topology {
  const { k, epsilon } = input;
  if (!Number.isInteger(k) || k < 1)
    throw new SignalboxError('PLAN_INPUT_INVALID', 'hmetis: k must be a positive integer');
  if (!(epsilon >= 0)) throw new SignalboxError('PLAN_INPUT_INVALID', 'hmetis: epsilon must be ≥ 0');
  const lines = dataLines(input.hgr);
  const header = lines[0];
  if (!header) throw invalid('hgr', 1, 'missing header "<nets> <vertices> [fmt]"');
  const m = integer('hgr', header.line, header.fields[0], 0, 50_000_000);
  const n = integer('hgr', header.line, header.fields[1], 0, 50_000_000);
  const fmt = header.fields[2] ?? '0';
  if (!['0', '1', '10', '11'].includes(fmt))
    throw invalid('hgr', header.line, `unknown fmt ${JSON.stringify(fmt)} (0, 1, 10 or 11)`);
  const netWeights = fmt === '1' || fmt === '11';
  const vertexWeights = fmt === '10' || fmt === '11';
  if (lines.length !== 1 + m + (vertexWeights ? n : 0))
    throw invalid(
      'hgr',
      header.line,
      `expected ${m} net lines${vertexWeights ? ` and ${n} weight lines` : ''}, got ${lines.length - 1} lines`,
    );
  const networks: string[][] = Array.from({ length: n }, () => []);
  let expanded = 0;
  for (let j = 0; j < m; j++) {
    const { line, fields } = lines[1 + j] as { line: number; fields: string[] };
    const copies = netWeights ? integer('hgr', line, fields[0], 1, MAX_EXPANDED_NETS) : 1;
    expanded += copies;
    if (expanded > MAX_EXPANDED_NETS)
      throw invalid('hgr', line, `net weights add up to more than ${MAX_EXPANDED_NETS}`);
    const names = Array.from({ length: copies }, (_, c) => (c === 0 ? `e${j + 1}` : `e${j + 1}#${c + 1}`));
    for (const field of fields.slice(netWeights ? 1 : 0))
      networks[integer('hgr', line, field, 1, n) - 1]?.push(...names);
  }
  const weights = vertexWeights
    ? lines.slice(1 + m).map(({ line, fields }) => integer('hgr', line, fields[0], 1, 1_000_000_000))
    : Array.from({ length: n }, () => 1);
  const pins = input.fix === undefined ? undefined : blockLines('fix file', input.fix, n, k, true);
  const total = weights.reduce((a, b) => a + b, 0);
  const capacity = Math.max(1, Math.floor((1 + epsilon) * Math.ceil(total / k)));
  const apps: AppSpec[] = networks.map((nets, i) => {
    const pin = pins?.[i] ?? -1;
    return {
      id: `v${i + 1}`,
      networks: nets,
      cluster: pin >= 0 ? String(pin) : null,
      weight: weights[i] as number,
    };
  });
  return {
    balance: epsilon,
    clusters: Array.from({ length: k }, (_, b) => ({ name: String(b), auto: true, capacity })),
    apps,
  };
}

/** A partition file (one block id per vertex) as an assignment, to re-plan from another tool's result. */
export function parsePartitionFile(text: string, n: number, k: number): Assignment {
  return Object.fromEntries(
    blockLines('partition file', text, n, k, false).map((b, i) => [`v${i + 1}`, String(b)]),
  );
}
