// Original file: proto/signalbox/v1/coordinator.proto

import type { PlanMetrics as _signalbox_v1_PlanMetrics, PlanMetrics__Output as _signalbox_v1_PlanMetrics__Output } from '../../signalbox/v1/PlanMetrics.js';
import type { PlanMove as _signalbox_v1_PlanMove, PlanMove__Output as _signalbox_v1_PlanMove__Output } from '../../signalbox/v1/PlanMove.js';

export interface PlanChange {
  'before'?: (_signalbox_v1_PlanMetrics | null);
  'after'?: (_signalbox_v1_PlanMetrics | null);
  'moves'?: (_signalbox_v1_PlanMove)[];
  'applied'?: (boolean);
  'millis'?: (number | string);
}

export interface PlanChange__Output {
  'before': (_signalbox_v1_PlanMetrics__Output | null);
  'after': (_signalbox_v1_PlanMetrics__Output | null);
  'moves': (_signalbox_v1_PlanMove__Output)[];
  'applied': (boolean);
  'millis': (number);
}
