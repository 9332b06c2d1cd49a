/**
 * How much routing one service may ask for. Any tenant may label a service, so these caps keep one service's
 * labels from costing every other service its routes: a host × path product in the hundreds of thousands
 * builds a model the coordinator takes seconds over and a config the worker cannot even render as a string.
 */
export interface LabelLimits {
  /** Characters in one label value; longer values are refused before they are split. @defaultValue 4096 */
  valueLength: number;
  /** Distinct names in `com.docker.lb.hosts`. @defaultValue 256 */
  hostsPerService: number;
  /** Paths a service routes: its context root plus each `com.docker.lb.websocket_endpoints` entry. @defaultValue 64 */
  pathsPerService: number;
  /** nginx locations the service adds: hosts × paths. @defaultValue 2048 */
  locationsPerService: number;
  /** Entries in `com.docker.lb.redirects`. @defaultValue 64 */
  redirectsPerService: number;
}

export const DEFAULT_LABEL_LIMITS: Readonly<LabelLimits> = Object.freeze({
  valueLength: 4096,
  hostsPerService: 256,
  pathsPerService: 64,
  locationsPerService: 2048,
  redirectsPerService: 64,
});
