import type { SwarmNetwork } from '../swarm/snapshot.js';
import type { LabelLimits } from './limits.js';

/** What parseServiceLabels checks a service's labels against. */
export interface LabelContext {
  networksById: ReadonlyMap<string, SwarmNetwork>;
  /** Known secrets by name; when given, ssl_cert and ssl_key must name one of them. */
  secrets?: ReadonlyMap<string, string>;
  /** Labels of the known secrets; when given, ssl_cert and ssl_key must name one the service may mount. */
  secretLabels?: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** With `[Tenancy]`: the label naming a service's (and a secret's) tenant. */
  tenantLabel?: string;
  /** What one service may ask for; DEFAULT_LABEL_LIMITS when absent. */
  limits?: LabelLimits;
  /**
   * `[Planner] ChooseNetworks`: a service on several networks without a network label is routed, and the
   * planner chooses the network (`RouteSpec.networkChoices`); absent or false, it is rejected, as Interlock did.
   */
  chooseNetworks?: boolean;
}
