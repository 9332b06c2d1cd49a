/**
 * Sets `key` in a map used as a small cache of immutable entries (content-named configs, rendered versions):
 * an entry already there is kept, and the oldest goes once `limit` entries are held.
 */
export function rememberAtMost<K, V>(map: Map<K, V>, limit: number, key: K, value: V): void {
  if (map.has(key)) return;
  if (map.size >= limit) map.delete(map.keys().next().value as K);
  map.set(key, value);
}
