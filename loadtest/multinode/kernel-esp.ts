import { execFileSync } from 'node:child_process';

/**
 * Whether this kernel can carry Docker's encrypted overlays between nodes: Swarm programs an ESP security
 * association with AES-GCM (rfc4106) per pair of nodes. Without ESP (a kernel built without esp4, as this
 * machine's), dockerd logs "Failed Adding … function not implemented" and the encrypted networks silently
 * carry nothing between nodes, while traffic within one node still flows. Probed in a scratch network
 * namespace, so the host's IPsec state is never touched.
 */
export function kernelHasEsp(): boolean {
  const ns = `sbesp-${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    execFileSync(
      'ip',
      [
        ...['-n', ns, 'xfrm', 'state', 'add', 'src', '10.0.0.1', 'dst', '10.0.0.2'],
        ...['proto', 'esp', 'spi', '0x100', 'mode', 'transport'],
        ...['aead', 'rfc4106(gcm(aes))', '0x0102030405060708090a0b0c0d0e0f1011121314', '64'],
      ],
      { stdio: 'ignore' },
    );
    return true;
  } catch {
    return false;
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
}
