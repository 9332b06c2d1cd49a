// Original file: proto/signalbox/v1/coordinator.proto


export interface QueueCounts {
  'waiting'?: (number);
  'active'?: (number);
  'delayed'?: (number);
  'failed'?: (number);
  'completed'?: (number);
}

export interface QueueCounts__Output {
  'waiting': (number);
  'active': (number);
  'delayed': (number);
  'failed': (number);
  'completed': (number);
}
