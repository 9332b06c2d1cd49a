import { createSocket, type Socket } from 'node:dgram';

/**
 * A DNS server on 127.0.0.1 that answers A queries from a table the test can change, standing in for
 * Docker's embedded DNS (127.0.0.11 exists only inside containers) so the front door's run-time resolution
 * of `tasks.NAME` can be exercised on real nginx outside Docker. Unknown names get NXDOMAIN.
 */
export interface TestDns {
  address: string;
  records: Map<string, string[]>;
  close: () => Promise<void>;
}

function questionName(msg: Buffer): { name: string; end: number } {
  const labels: string[] = [];
  let i = 12;
  while (i < msg.length && msg[i] !== 0) {
    const len = msg[i] ?? 0;
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('ascii'));
    i += len + 1;
  }
  return { name: labels.join('.').toLowerCase(), end: i + 5 };
}

function answer(query: Buffer, addresses: string[] | undefined): Buffer {
  const { end } = questionName(query);
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  header.writeUInt16BE(addresses ? 0x8180 : 0x8183, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(addresses?.length ?? 0, 6);
  const records = (addresses ?? []).map((ip) => {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0);
    rr.writeUInt16BE(1, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(0, 6);
    rr.writeUInt16BE(4, 10);
    ip.split('.').forEach((octet, k) => {
      rr.writeUInt8(Number(octet), 12 + k);
    });
    return rr;
  });
  return Buffer.concat([header, query.subarray(12, end), ...records]);
}

export async function startTestDns(): Promise<TestDns> {
  const records = new Map<string, string[]>();
  const socket: Socket = createSocket('udp4');
  socket.on('message', (msg, peer) => {
    const { name } = questionName(msg);
    const found = records.get(name);
    socket.send(answer(msg, found && found.length > 0 ? found : undefined), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  return {
    address: `127.0.0.1:${port}`,
    records,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
