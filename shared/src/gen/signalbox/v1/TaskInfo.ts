// Original file: proto/signalbox/v1/coordinator.proto


export interface TaskInfo {
  'service'?: (string);
  'task'?: (string);
  'state'?: (string);
  'desiredState'?: (string);
  'address'?: (string);
  'target'?: (boolean);
}

export interface TaskInfo__Output {
  'service': (string);
  'task': (string);
  'state': (string);
  'desiredState': (string);
  'address': (string);
  'target': (boolean);
}
