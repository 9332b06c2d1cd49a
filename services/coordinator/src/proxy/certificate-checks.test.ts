import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { CertificatePair, CertificateVerdict } from '#shared/desired/index.js';
import { CertificateChecks, type VerdictStore } from './certificate-checks.js';

const pair = (name: string): CertificatePair => ({
  cert: name,
  key: `${name}.key`,
  certId: `id-${name}`,
  keyId: `id-${name}.key`,
});

function memoryStore(): VerdictStore & { data: Map<string, CertificateVerdict> } {
  const data = new Map<string, CertificateVerdict>();
  return { data, get: async (k) => data.get(k), set: async (k, v) => void data.set(k, v) };
}

/** A check that answers when the test says so, recording how many run at once. */
function controlledCheck() {
  const pending = new Map<string, (v: CertificateVerdict | undefined) => void>();
  const state = { running: 0, most: 0, calls: [] as string[] };
  const check = (p: CertificatePair) =>
    new Promise<CertificateVerdict | undefined>((resolve) => {
      state.calls.push(p.cert);
      state.running += 1;
      state.most = Math.max(state.most, state.running);
      pending.set(p.cert, (v) => {
        state.running -= 1;
        resolve(v);
      });
    });
  return { check, pending, state };
}

const settle = () => new Promise((r) => setTimeout(r, 10));

describe('CertificateChecks', () => {
  it('runs each pair once, two at a time, keeps the verdicts and stores them', async () => {
    const { check, pending, state } = controlledCheck();
    const store = memoryStore();
    let changed = 0;
    const checks = new CertificateChecks(check, store, () => changed++, pino({ level: 'silent' }), 2);
    for (const name of ['a', 'b', 'c', 'a', 'b']) checks.request(pair(name));
    await settle();
    expect(state.calls).toEqual(['a', 'b']);
    pending.get('a')?.({ usable: true });
    pending.get('b')?.({ usable: false, reason: 'key values mismatch' });
    await settle();
    expect(state.calls).toEqual(['a', 'b', 'c']);
    pending.get('c')?.({ usable: true });
    await settle();
    expect(state.most).toBe(2);
    expect(changed).toBe(3);
    expect(checks.verdict(pair('b'))).toEqual({ usable: false, reason: 'key values mismatch' });
    expect(store.data.get('id-b:id-b.key')).toEqual({ usable: false, reason: 'key values mismatch' });
    checks.request(pair('a'));
    await settle();
    expect(state.calls).toHaveLength(3);
  });

  it('takes a stored verdict (a former leader’s) instead of running the check again', async () => {
    const { check, state } = controlledCheck();
    const store = memoryStore();
    store.data.set('id-a:id-a.key', { usable: false, reason: 'no certificate' });
    const checks = new CertificateChecks(check, store, () => {}, pino({ level: 'silent' }));
    checks.request(pair('a'));
    await settle();
    expect(state.calls).toEqual([]);
    expect(checks.verdict(pair('a'))).toEqual({ usable: false, reason: 'no certificate' });
  });

  it('gives no verdict when the check could not run, and does not ask again at once', async () => {
    const { check, pending, state } = controlledCheck();
    const checks = new CertificateChecks(check, memoryStore(), () => {}, pino({ level: 'silent' }));
    checks.request(pair('a'));
    await settle();
    pending.get('a')?.(undefined);
    await settle();
    expect(checks.verdict(pair('a'))).toBeUndefined();
    checks.request(pair('a'));
    await settle();
    expect(state.calls).toEqual(['a']);
  });
});
