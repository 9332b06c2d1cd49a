// Original file: proto/signalbox/v1/coordinator.proto


export interface ListClustersRequest {
}

export interface ListClustersRequest__Output {
}
