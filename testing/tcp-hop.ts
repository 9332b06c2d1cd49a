import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP hop to `host:port` on a free loopback port that can go silent, as a network partition does: `cut()`
 * stops every byte both ways without closing anything (no FIN, no RST), so the client learns of it only by
 * its own deadlines; `heal()` ends the partition by dropping every connection that lived through it (as TCP
 * gives up after a long one) and lets new ones through.
 */
export class TcpHop {
  private server: Server | undefined;
  private silent = false;
  private readonly open = new Set<Socket>();
  port = 0;

  constructor(
    private readonly host: string,
    private readonly targetPort: number,
  ) {}

  async listen(): Promise<void> {
    const server = createServer((inbound) => {
      const outbound = connect(this.targetPort, this.host);
      for (const s of [inbound, outbound]) {
        this.open.add(s);
        s.on('close', () => this.open.delete(s));
        s.on('error', () => undefined);
      }
      inbound.on('data', (d) => {
        if (!this.silent) outbound.write(d);
      });
      outbound.on('data', (d) => {
        if (!this.silent) inbound.write(d);
      });
      inbound.on('close', () => outbound.destroy());
      outbound.on('close', () => inbound.destroy());
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
  }

  cut(): void {
    this.silent = true;
  }

  heal(): void {
    for (const s of this.open) s.destroy();
    this.silent = false;
  }

  close(): void {
    this.heal();
    this.server?.close();
  }
}
