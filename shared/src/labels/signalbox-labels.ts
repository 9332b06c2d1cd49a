/**
 * The labels Signalbox puts on what it creates: the contract between the coordinator, which writes them, and
 * everyone who reads them (tests, the deploy check, the load suite, operators' filters). Not to be confused
 * with the `com.docker.lb.*` labels users put on their services (label-keys.ts).
 */

/**
 * Marks what Signalbox itself creates (proxy services, configs, token secrets); the coordinator never changes
 * a service without it. On a secret it means "never mount into a proxy": a tenant naming one in `ssl_cert`
 * would otherwise get an agent or API token into an internet-facing container. Anyone may put the label on
 * their own secret; that only locks themselves out.
 */
export const MANAGED_LABEL = 'io.signalbox.managed-by';
export const MANAGED_VALUE = 'signalbox';
/** The service cluster a proxy service, stored config or agent secret belongs to. */
export const CLUSTER_LABEL = 'io.signalbox.cluster';
/** Hash of the spec Signalbox last wrote, so an unchanged proxy is never updated (and never restarted). */
export const SPEC_LABEL = 'io.signalbox.spec';
/** The config a proxy's agents should run; a label, so changing it replaces no task. */
export const CONFIG_LABEL = 'io.signalbox.config';
/** Hash of what a change to would replace the proxy's tasks (task template, ports). */
export const TASK_SPEC_LABEL = 'io.signalbox.task-spec';
/** What a managed service is for; absent on proxies. */
export const ROLE_LABEL = 'io.signalbox.role';
/**
 * Which Signalbox installation owns a managed service (its SIGNALBOX_KEY_PREFIX): two installations on one
 * swarm each keep and remove only their own. A service without it belongs to the default installation.
 */
export const INSTALLATION_LABEL = 'io.signalbox.installation';
export const DEFAULT_INSTALLATION = 'signalbox';
/** The leader epoch that last wrote a proxy service: a newer leader's term is marked on Docker. */
export const EPOCH_LABEL = 'io.signalbox.epoch';
/** On a stored config: `gzip` when its data is compressed (configs over Swarm's size limit). */
export const ENCODING_LABEL = 'io.signalbox.encoding';
/** On a secret: the further tenants (comma-separated) whose services may use it, e.g. a shared wildcard. */
export const TLS_TENANTS_LABEL = 'io.signalbox.tls.tenants';
