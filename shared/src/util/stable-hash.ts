import { createHash } from 'node:crypto';

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Short, stable identifier for names inside generated config. */
export const shortHash = (text: string, length = 10): string => sha256Hex(text).slice(0, length);
