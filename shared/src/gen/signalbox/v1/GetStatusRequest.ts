// Original file: proto/signalbox/v1/coordinator.proto


export interface GetStatusRequest {
}

export interface GetStatusRequest__Output {
}
