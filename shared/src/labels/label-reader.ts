import type { SwarmService } from '../swarm/snapshot.js';
import { LabelError, LabelLimitError } from './label-error.js';
import type { LabelKey } from './label-keys.js';
import type { LabelLimits } from './limits.js';
import { type Check, countItems, splitList } from './validators.js';

/** How parseServiceLabels reads one service's labels, every problem going into `errors`. */
export interface LabelReader {
  bad: (label: string, value: string, reason: string) => void;
  overLimit: (label: string, value: string, what: string, count: number, limit: number) => void;
  /** True, and reported, when the value is longer than `[Limits]` allows. */
  oversized: (label: string, raw: string) => boolean;
  read: <T>(label: LabelKey, check: (raw: string) => Check<T>) => T | undefined;
  readList: <T>(
    label: LabelKey,
    check: (raw: string) => Check<T>,
    max: number,
    tooMany: (count: number, raw: string) => void,
  ) => T[];
}

export function labelReader(service: SwarmService, limits: LabelLimits, errors: LabelError[]): LabelReader {
  const labels = service.labels;
  const bad = (label: string, value: string, reason: string): void => {
    errors.push(new LabelError({ service: service.name, label, value, reason }));
  };
  const overLimit = (label: string, value: string, what: string, count: number, limit: number): void => {
    errors.push(new LabelLimitError({ service: service.name, label, value, what, count, limit }));
  };
  const oversized = (label: string, raw: string): boolean => {
    if (raw.length <= limits.valueLength) return false;
    overLimit(label, raw, 'characters', raw.length, limits.valueLength);
    return true;
  };
  const read = <T>(label: LabelKey, check: (raw: string) => Check<T>): T | undefined => {
    const raw = labels[label];
    if (raw === undefined || oversized(label, raw)) return undefined;
    const result = check(raw);
    if (result.ok) return result.value;
    bad(label, raw, result.reason);
    return undefined;
  };
  /** Items past `max` are neither split off nor checked: the label is refused for its count alone. */
  const readList = <T>(
    label: LabelKey,
    check: (raw: string) => Check<T>,
    max: number,
    tooMany: (count: number, raw: string) => void,
  ): T[] => {
    const raw = labels[label];
    if (raw === undefined || oversized(label, raw)) return [];
    const items = splitList(raw, ',', max + 1);
    if (items.length > max) {
      tooMany(countItems(raw, ','), raw);
      return [];
    }
    const out: T[] = [];
    for (const item of items) {
      const result = check(item);
      if (result.ok) out.push(result.value);
      else bad(label, raw, `has an item ${JSON.stringify(item.slice(0, 120))} that ${result.reason}`);
    }
    return out;
  };
  return { bad, overLimit, oversized, read, readList };
}
