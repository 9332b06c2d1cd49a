// Original file: proto/signalbox/v1/coordinator.proto


export interface GetClusterSnapshotRequest {
  'cluster'?: (string);
  'version'?: (string);
}

export interface GetClusterSnapshotRequest__Output {
  'cluster': (string);
  'version': (string);
}
