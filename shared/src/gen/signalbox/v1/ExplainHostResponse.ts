// Original file: proto/signalbox/v1/coordinator.proto

import type { RouteInfo as _signalbox_v1_RouteInfo, RouteInfo__Output as _signalbox_v1_RouteInfo__Output } from '../../signalbox/v1/RouteInfo.js';
import type { TaskInfo as _signalbox_v1_TaskInfo, TaskInfo__Output as _signalbox_v1_TaskInfo__Output } from '../../signalbox/v1/TaskInfo.js';

export interface ExplainHostResponse {
  'routes'?: (_signalbox_v1_RouteInfo)[];
  'reasons'?: ({[key: string]: string});
  'labelErrors'?: (string)[];
  'tasks'?: (_signalbox_v1_TaskInfo)[];
  'serverBlock'?: (string);
}

export interface ExplainHostResponse__Output {
  'routes': (_signalbox_v1_RouteInfo__Output)[];
  'reasons': ({[key: string]: string});
  'labelErrors': (string)[];
  'tasks': (_signalbox_v1_TaskInfo__Output)[];
  'serverBlock': (string);
}
