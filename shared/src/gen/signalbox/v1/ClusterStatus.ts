// Original file: proto/signalbox/v1/coordinator.proto

import type { Rollout as _signalbox_v1_Rollout, Rollout__Output as _signalbox_v1_Rollout__Output } from '../../signalbox/v1/Rollout.js';

export interface ClusterStatus {
  'name'?: (string);
  'extension'?: (string);
  'proxyService'?: (string);
  'desiredVersion'?: (string);
  'liveVersion'?: (string);
  'liveConfig'?: (string);
  'inSync'?: (boolean);
  'behindSeconds'?: (number | string);
  'networks'?: (number);
  'routes'?: (number);
  'services'?: (number);
  'rollout'?: (_signalbox_v1_Rollout | null);
  'jobRetry'?: (string);
}

export interface ClusterStatus__Output {
  'name': (string);
  'extension': (string);
  'proxyService': (string);
  'desiredVersion': (string);
  'liveVersion': (string);
  'liveConfig': (string);
  'inSync': (boolean);
  'behindSeconds': (number);
  'networks': (number);
  'routes': (number);
  'services': (number);
  'rollout': (_signalbox_v1_Rollout__Output | null);
  'jobRetry': (string);
}
