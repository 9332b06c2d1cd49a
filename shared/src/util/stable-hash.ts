import { hash } from 'node:crypto';

/** One-shot hashing: about 3x faster than createHash for the short keys hashed per pool. */
export const sha256Hex = (text: string): string => hash('sha256', text, 'hex');

/** Short, stable identifier for names inside generated config. */
export const shortHash = (text: string, length = 10): string => sha256Hex(text).slice(0, length);
