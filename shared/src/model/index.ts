export type {
  Balance,
  ClusterModel,
  Conflict,
  DefaultBackend,
  Location,
  PassthroughHost,
  Pool,
  VirtualHost,
} from './cluster-model.js';
export { routeCount } from './cluster-model.js';
export type {
  AppRoute,
  BackendMode,
  Hsts,
  Redirect,
  RouteSpec,
  SslBackend,
  TlsSecrets,
} from './route-spec.js';
