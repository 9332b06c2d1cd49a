/** Byte-order comparison: unlike localeCompare it never depends on the machine's locale. */
export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const byKey =
  <T>(key: (item: T) => string) =>
  (a: T, b: T): number =>
    byString(key(a), key(b));
