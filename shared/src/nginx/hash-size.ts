/**
 * Sizes for nginx's static hashes (server names, `map` keys, variables) whose keys come from labels. nginx
 * refuses the whole config when one key does not fit a bucket (`could not build server_names_hash, you
 * should increase server_names_hash_bucket_size`), so a fixed size turns one long but valid host name into
 * an outage for every service of the cluster. The sizes here follow from the longest key actually written.
 */

/** sizeof(void *) on the 64-bit builds the proxies run. */
const WORD = 8;

/** The bytes one key takes in a bucket: ngx_hash.h's NGX_HASH_ELT_SIZE (value pointer, length, name). */
const elementSize = (keyLength: number): number => WORD + Math.ceil((keyLength + 2) / WORD) * WORD;

const nextPowerOfTwo = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

export interface HashSize {
  bucketSize: number;
  maxSize: number;
}

/**
 * A bucket holds three of the longest keys plus nginx's terminating pointer: with room for only one, nginx
 * needs a collision-free table and warns that it could not build an optimal hash; with three, a table of
 * twice the key count is found (measured with 1,000 random 253-character names). `floor` is what the
 * operator configured, or nginx's own default, and is never lowered. `otherKeys` counts keys nginx adds
 * itself, whose length it knows to fit its defaults.
 */
export function hashSize(keys: Iterable<string>, floor: HashSize, otherKeys = 0): HashSize {
  let longest = 0;
  let count = otherKeys;
  for (const key of keys) {
    longest = Math.max(longest, Buffer.byteLength(key));
    count++;
  }
  return {
    bucketSize: Math.max(floor.bucketSize, nextPowerOfTwo(3 * elementSize(longest) + WORD)),
    maxSize: Math.max(floor.maxSize, nextPowerOfTwo(count * 2)),
  };
}
