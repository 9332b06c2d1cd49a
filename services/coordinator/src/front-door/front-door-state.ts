import type { DesiredState } from '#shared/desired/index.js';
import {
  defaultFrontDoorOptions,
  type FrontDoorCluster,
  type FrontDoorView,
  renderFrontDoor,
  renderFrontDoorHosts,
  renderFrontDoorTls,
} from '#shared/front-door/index.js';
import { rememberAtMost } from '#shared/util/bounded-map.js';
import { sha256Hex } from '#shared/util/stable-hash.js';

/** A front door agent that has not reported for this long no longer holds a cluster's routes. */
const REPORT_TTL_MS = 60_000;
/** Rendered host maps and configs remembered to read agents' reports by. */
const RENDERED_KEPT = 32;

/** How the front door sees one desired state: its clusters, and host → the cluster it should go to now. */
export interface FrontDoorInput {
  desired: DesiredState;
  clusters: () => FrontDoorCluster[];
  chosen: ReadonlyMap<string, string>;
}

/**
 * The coordinator's side of the front door: what it hands the agents (the HTTP instance's config, the TLS
 * instance's config and the HTTP host map, each rendered once per desired state however often agents ask)
 * and what the agents report running, read back as a view (host → cluster) by the version or sha256 they
 * name. Apps that move between clusters keep their old routes until every recent view has moved on.
 */
export class FrontDoorState {
  private httpText: { text: string; sha: string } | undefined;
  private tlsText: { for: DesiredState; text: string; sha: string } | undefined;
  private hostMap: { for: DesiredState; version: string; text: string } | undefined;
  private readonly rendered = new Map<string, FrontDoorView>();
  /** Per agent and kind of report, the view it runs and when it said so. */
  private readonly reports = new Map<string, { view: FrontDoorView; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The views of agents that reported lately; older reports are forgotten. */
  views(): FrontDoorView[] {
    const now = this.now();
    for (const [agent, r] of this.reports) if (now - r.at > REPORT_TTL_MS) this.reports.delete(agent);
    return [...this.reports.values()].map((r) => r.view);
  }

  /**
   * An agent says what it runs: the version of its host map or the sha256 of its TLS config. Something
   * rendered here and since forgotten, or never rendered, is ignored. True when the agent's view changed.
   */
  report(agent: string, kind: 'hosts' | 'tls', id: string): boolean {
    const view = this.rendered.get(id);
    if (!view) return false;
    const key = `${kind} ${agent}`;
    const before = this.reports.get(key)?.view;
    this.reports.set(key, { view, at: this.now() });
    return before !== view;
  }

  /** The HTTP instance's nginx.conf: no host in it, the same for every desired state. */
  httpConfig(): { text: string; sha: string } {
    if (!this.httpText) {
      const text = renderFrontDoor(defaultFrontDoorOptions());
      this.httpText = { text, sha: sha256Hex(text) };
    }
    return this.httpText;
  }

  /** The TLS instance's nginx.conf for a desired state (SNI → cluster). */
  tlsConfig(input: FrontDoorInput): { text: string; sha: string } {
    if (this.tlsText?.for !== input.desired) {
      const clusters = input.clusters();
      const text = renderFrontDoorTls(clusters, defaultFrontDoorOptions());
      this.tlsText = { for: input.desired, text, sha: sha256Hex(text) };
      // The config routes only TLS hosts (by SNI); its view must not vouch for the HTTP ones.
      this.remember(this.tlsText.sha, input.chosen, new Set(clusters.flatMap((c) => c.tlsHosts)));
    }
    return this.tlsText;
  }

  /** The HTTP host map (run-time, no reload) for a desired state, with its version. */
  hosts(input: FrontDoorInput): { version: string; text: string } {
    if (this.hostMap?.for !== input.desired) {
      const clusters = input.clusters();
      this.hostMap = { for: input.desired, ...renderFrontDoorHosts(clusters) };
      this.remember(this.hostMap.version, input.chosen, new Set(clusters.flatMap((c) => c.hosts)));
    }
    return this.hostMap;
  }

  private remember(id: string, chosen: ReadonlyMap<string, string>, routed: ReadonlySet<string>): void {
    rememberAtMost(this.rendered, RENDERED_KEPT, id, new Map([...chosen].filter(([h]) => routed.has(h))));
  }
}
