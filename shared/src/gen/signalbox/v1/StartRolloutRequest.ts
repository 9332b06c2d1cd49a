// Original file: proto/signalbox/v1/coordinator.proto

import type { UpdateOrder as _signalbox_v1_UpdateOrder, UpdateOrder__Output as _signalbox_v1_UpdateOrder__Output } from '../../signalbox/v1/UpdateOrder.js';
import type { Long } from '@grpc/proto-loader';

export interface StartRolloutRequest {
  'cluster'?: (string);
  'configName'?: (string);
  'order'?: (_signalbox_v1_UpdateOrder);
  'delayMs'?: (number);
  'parallelism'?: (number);
  'monitorMs'?: (number);
  'lockToken'?: (number | string | Long);
}

export interface StartRolloutRequest__Output {
  'cluster': (string);
  'configName': (string);
  'order': (_signalbox_v1_UpdateOrder__Output);
  'delayMs': (number);
  'parallelism': (number);
  'monitorMs': (number);
  'lockToken': (string);
}
