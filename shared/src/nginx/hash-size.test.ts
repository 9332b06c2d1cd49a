import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashSize } from './hash-size.js';

const floor = { bucketSize: 128, maxSize: 512 };
/** NGX_HASH_ELT_SIZE on 64-bit. */
const element = (key: string): number => 8 + Math.ceil((key.length + 2) / 8) * 8;

describe('hashSize', () => {
  it('keeps the configured floor for ordinary names', () => {
    expect(hashSize(['shop.example.org', 'www.shop.example.org'], floor)).toEqual(floor);
    expect(hashSize([], floor)).toEqual(floor);
  });

  it('grows the bucket with the longest name: 253 characters need 1024 bytes, not 128', () => {
    expect(hashSize(['a'.repeat(253)], floor).bucketSize).toBe(1024);
    expect(hashSize(['a'.repeat(120)], floor).bucketSize).toBe(512);
    expect(hashSize(['a'.repeat(253)], { bucketSize: 4096, maxSize: 512 }).bucketSize).toBe(4096);
  });

  it('sizes the table at twice the key count, nginx keys included', () => {
    expect(
      hashSize(
        Array.from({ length: 1000 }, (_, i) => `h${i}`),
        floor,
      ).maxSize,
    ).toBe(2048);
    expect(hashSize(['a'], { bucketSize: 64, maxSize: 1024 }, 600).maxSize).toBe(2048);
  });

  it('always gives a power-of-two bucket that holds three of the longest keys (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'b', '.', '-'), maxLength: 253 }), { maxLength: 20 }),
        fc.constantFrom(32, 64, 128, 256),
        (keys, bucketSize) => {
          const size = hashSize(keys, { bucketSize, maxSize: 512 });
          expect(size.bucketSize).toBeGreaterThanOrEqual(bucketSize);
          expect(Math.log2(size.bucketSize) % 1).toBe(0);
          const longest = keys.reduce((a, k) => (k.length > a.length ? k : a), '');
          // nginx ends every bucket with a null pointer.
          expect(3 * element(longest) + 8).toBeLessThanOrEqual(size.bucketSize);
          expect(size.maxSize).toBeGreaterThanOrEqual(keys.length * 2);
        },
      ),
      { numRuns: 200, seed: 14 },
    );
  });
});
