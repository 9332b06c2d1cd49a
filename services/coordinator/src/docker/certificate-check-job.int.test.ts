import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../../../testing/certificates.js';
import { docker, removeTestObjects, TEST_LABEL, testPrefix } from '../../../../testing/swarm.js';
import { type CertificateCheckSite, runCertificateCheck } from './certificate-check-job.js';

/**
 * Issue 14, item 5 on the real swarm: whether nginx accepts a TLS secret pair is decided by the proxy image's
 * own nginx in a one-shot job that mounts the pair (neither the Engine API nor the workers can read secrets).
 */
const client = docker();
const prefix = testPrefix();
const site: CertificateCheckSite = {
  image: process.env.SIGNALBOX_PROXY_IMAGE ?? 'signalbox/proxy:local',
  constraints: [],
  labels: { [TEST_LABEL]: prefix },
  namePrefix: prefix,
};
const ids = new Map<string, string>();

const secret = async (name: string, data: string) => {
  const created = (await client.createSecret({
    Name: `${prefix}-${name}`,
    Data: Buffer.from(data).toString('base64'),
    Labels: { [TEST_LABEL]: prefix },
  })) as unknown as { id: string };
  ids.set(name, created.id);
};

const pair = (cert: string, key: string) => ({
  cert: `${prefix}-${cert}`,
  key: `${prefix}-${key}`,
  certId: ids.get(cert) ?? '',
  keyId: ids.get(key) ?? '',
});

beforeAll(async () => {
  const good = await selfSignedCertificate('good.test');
  const other = await selfSignedCertificate('other.test');
  await secret('good.crt', good.cert);
  await secret('good.key', good.key);
  await secret('other.key', other.key);
  await secret('junk', 'not a certificate');
}, 60_000);

afterAll(async () => {
  await removeTestObjects(client, prefix);
}, 60_000);

describe('runCertificateCheck', () => {
  it('accepts a certificate and its key, refuses junk and a key of another certificate, with nginx’s reason', async () => {
    const [good, junk, mismatch] = await Promise.all([
      runCertificateCheck(client, pair('good.crt', 'good.key'), site),
      runCertificateCheck(client, pair('junk', 'junk'), site),
      runCertificateCheck(client, pair('good.crt', 'other.key'), site),
    ]);
    expect(good).toEqual({ usable: true });
    expect(junk?.usable).toBe(false);
    expect(junk && !junk.usable && junk.reason).toMatch(/^cannot load certificate/);
    expect(mismatch?.usable).toBe(false);
    expect(mismatch && !mismatch.usable && mismatch.reason).toMatch(
      /key values mismatch|SSL_CTX_use_PrivateKey/,
    );
    // The jobs remove themselves.
    const left = await client.listServices({ filters: JSON.stringify({ name: [`${prefix}-certcheck`] }) });
    expect(left).toEqual([]);
  }, 120_000);
});
