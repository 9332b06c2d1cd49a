// Original file: proto/signalbox/v1/coordinator.proto

import type { RouteInfo as _signalbox_v1_RouteInfo, RouteInfo__Output as _signalbox_v1_RouteInfo__Output } from '../../signalbox/v1/RouteInfo.js';

export interface ListRoutesResponse {
  'routes'?: (_signalbox_v1_RouteInfo)[];
  'rejected'?: (string)[];
}

export interface ListRoutesResponse__Output {
  'routes': (_signalbox_v1_RouteInfo__Output)[];
  'rejected': (string)[];
}
