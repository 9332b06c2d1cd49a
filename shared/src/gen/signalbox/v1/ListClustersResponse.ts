// Original file: proto/signalbox/v1/coordinator.proto

import type { ClusterInfo as _signalbox_v1_ClusterInfo, ClusterInfo__Output as _signalbox_v1_ClusterInfo__Output } from '../../signalbox/v1/ClusterInfo.js';

export interface ListClustersResponse {
  'clusters'?: (_signalbox_v1_ClusterInfo)[];
}

export interface ListClustersResponse__Output {
  'clusters': (_signalbox_v1_ClusterInfo__Output)[];
}
