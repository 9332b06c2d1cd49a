const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A valid host name of `length` characters (at most 253) in labels of up to 63, with letters drawn from
 * `seed`: as random as real names, since sequential names spread over nginx's hash more evenly than real ones.
 */
export function longHostName(seed: number, length = 253): string {
  let x = (seed * 2654435761) % 2 ** 31;
  const label = (n: number): string =>
    Array.from({ length: n }, () => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return ALNUM[x % ALNUM.length];
    }).join('');
  return [label(63), label(63), label(63), label(61)].join('.').slice(0, length).replace(/\.$/, 'x');
}
