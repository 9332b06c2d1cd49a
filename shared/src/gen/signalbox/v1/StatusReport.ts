// Original file: proto/signalbox/v1/coordinator.proto

import type { ClusterStatus as _signalbox_v1_ClusterStatus, ClusterStatus__Output as _signalbox_v1_ClusterStatus__Output } from '../../signalbox/v1/ClusterStatus.js';
import type { QueueCounts as _signalbox_v1_QueueCounts, QueueCounts__Output as _signalbox_v1_QueueCounts__Output } from '../../signalbox/v1/QueueCounts.js';
import type { PlanMetrics as _signalbox_v1_PlanMetrics, PlanMetrics__Output as _signalbox_v1_PlanMetrics__Output } from '../../signalbox/v1/PlanMetrics.js';
import type { Rejection as _signalbox_v1_Rejection, Rejection__Output as _signalbox_v1_Rejection__Output } from '../../signalbox/v1/Rejection.js';

export interface StatusReport {
  'instance'?: (string);
  'leader'?: (boolean);
  'clusters'?: (_signalbox_v1_ClusterStatus)[];
  'queue'?: (_signalbox_v1_QueueCounts | null);
  'rejectedServices'?: (number);
  'unplacedServices'?: (number);
  'lastPassMillis'?: (number | string);
  'lastPassAt'?: (string);
  'plan'?: (_signalbox_v1_PlanMetrics | null);
  'rejections'?: (_signalbox_v1_Rejection)[];
}

export interface StatusReport__Output {
  'instance': (string);
  'leader': (boolean);
  'clusters': (_signalbox_v1_ClusterStatus__Output)[];
  'queue': (_signalbox_v1_QueueCounts__Output | null);
  'rejectedServices': (number);
  'unplacedServices': (number);
  'lastPassMillis': (number);
  'lastPassAt': (string);
  'plan': (_signalbox_v1_PlanMetrics__Output | null);
  'rejections': (_signalbox_v1_Rejection__Output)[];
}
