import { connect, createServer, type Server, type Socket } from 'node:net';
import { EPOCH_LABEL } from '#shared/labels/index.js';

/** A service create or update a coordinator sent to Docker, with the leader epoch its labels carry. */
export interface EpochWrite {
  at: number;
  epoch: number;
  request: string;
}

const EPOCH_WRITE = new RegExp(
  `POST (\\S*/services/(?:create|[^/\\s]+/update)\\S*) HTTP/1\\.[01]\\r\\n[\\s\\S]*?"${EPOCH_LABEL.replaceAll('.', '\\.')}":"(\\d+)"`,
);

/**
 * Reads the requests of one Docker API connection as they pass and records every service write with its
 * epoch label, in the order they were sent.
 */
function epochTap(into: EpochWrite[]): (chunk: Buffer) => void {
  let text = '';
  return (chunk) => {
    text += chunk.toString('latin1');
    for (let m = EPOCH_WRITE.exec(text); m; m = EPOCH_WRITE.exec(text)) {
      into.push({ at: Date.now(), epoch: Number(m[2]), request: m[1] ?? '' });
      text = text.slice(m.index + m[0].length);
    }
    // Bodies without an epoch (reads, configs) are never matched; keep only a tail a request line may span.
    if (text.length > 1 << 20) text = text.slice(-65_536);
  };
}

/**
 * A unix socket that pipes to `target`. `break()` cuts every open stream and refuses new ones; `hang()` is a
 * dockerd that accepts and never answers: open streams go silent, new connections are held unanswered.
 * `heal()` ends either; what was held or silenced is dropped, as a restarted dockerd would drop it.
 */
export class BreakableSocketProxy {
  private server: Server | undefined;
  private state: 'up' | 'broken' | 'hung' = 'up';
  private readonly open = new Set<Socket>();
  /** Every service write that passed, with its epoch (see epochTap). */
  readonly epochWrites: EpochWrite[] = [];

  constructor(
    readonly path: string,
    private readonly target: string,
  ) {}

  listen(): Promise<void> {
    this.server = createServer((downstream) => {
      if (this.state === 'broken') return downstream.destroy();
      this.track(downstream);
      if (this.state === 'hung') return downstream.pause();
      const upstream = this.track(connect(this.target));
      downstream.on('data', epochTap(this.epochWrites));
      downstream.pipe(upstream).pipe(downstream);
      downstream.on('close', () => upstream.destroy());
      upstream.on('close', () => downstream.destroy());
    });
    return new Promise((resolve) => this.server?.listen(this.path, resolve));
  }

  break(): void {
    this.state = 'broken';
    this.dropAll();
  }

  hang(): void {
    this.state = 'hung';
    for (const s of this.open) {
      s.unpipe();
      s.pause();
    }
  }

  heal(): void {
    if (this.state === 'hung') this.dropAll();
    this.state = 'up';
  }

  close(): void {
    this.break();
    this.server?.close();
  }

  private track(s: Socket): Socket {
    this.open.add(s);
    s.on('close', () => this.open.delete(s));
    s.on('error', () => undefined);
    return s;
  }

  private dropAll(): void {
    for (const s of this.open) s.destroy();
  }
}

/**
 * Listens on host:port and hands each connection to the next of `ports` (on host) in turn, skipping one that
 * refuses: what DNS round robin over `tasks.signalbox_coordinator` gives the agents in the stack.
 */
export function forwardInTurn(host: string, port: number, ports: number[]): Server {
  let turn = 0;
  const server = createServer((client) => {
    client.pause();
    client.on('error', () => undefined);
    const first = turn++;
    const attempt = (tried: number) => {
      if (tried >= ports.length) return client.destroy();
      const upstream = connect(ports[(first + tried) % ports.length] as number, host);
      let connected = false;
      upstream.on('error', () => (connected ? client.destroy() : attempt(tried + 1)));
      upstream.once('connect', () => {
        connected = true;
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.resume();
      });
    };
    attempt(0);
  });
  server.listen(port, host);
  return server;
}
