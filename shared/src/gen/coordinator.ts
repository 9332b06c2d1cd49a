import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { ClusterInfo as _signalbox_v1_ClusterInfo, ClusterInfo__Output as _signalbox_v1_ClusterInfo__Output } from './signalbox/v1/ClusterInfo.js';
import type { ClusterSnapshot as _signalbox_v1_ClusterSnapshot, ClusterSnapshot__Output as _signalbox_v1_ClusterSnapshot__Output } from './signalbox/v1/ClusterSnapshot.js';
import type { ClusterStatus as _signalbox_v1_ClusterStatus, ClusterStatus__Output as _signalbox_v1_ClusterStatus__Output } from './signalbox/v1/ClusterStatus.js';
import type { CoordinatorClient as _signalbox_v1_CoordinatorClient, CoordinatorDefinition as _signalbox_v1_CoordinatorDefinition } from './signalbox/v1/Coordinator.js';
import type { ExplainHostRequest as _signalbox_v1_ExplainHostRequest, ExplainHostRequest__Output as _signalbox_v1_ExplainHostRequest__Output } from './signalbox/v1/ExplainHostRequest.js';
import type { ExplainHostResponse as _signalbox_v1_ExplainHostResponse, ExplainHostResponse__Output as _signalbox_v1_ExplainHostResponse__Output } from './signalbox/v1/ExplainHostResponse.js';
import type { GetClusterSnapshotRequest as _signalbox_v1_GetClusterSnapshotRequest, GetClusterSnapshotRequest__Output as _signalbox_v1_GetClusterSnapshotRequest__Output } from './signalbox/v1/GetClusterSnapshotRequest.js';
import type { GetPlanRequest as _signalbox_v1_GetPlanRequest, GetPlanRequest__Output as _signalbox_v1_GetPlanRequest__Output } from './signalbox/v1/GetPlanRequest.js';
import type { GetStatusRequest as _signalbox_v1_GetStatusRequest, GetStatusRequest__Output as _signalbox_v1_GetStatusRequest__Output } from './signalbox/v1/GetStatusRequest.js';
import type { ListClustersRequest as _signalbox_v1_ListClustersRequest, ListClustersRequest__Output as _signalbox_v1_ListClustersRequest__Output } from './signalbox/v1/ListClustersRequest.js';
import type { ListClustersResponse as _signalbox_v1_ListClustersResponse, ListClustersResponse__Output as _signalbox_v1_ListClustersResponse__Output } from './signalbox/v1/ListClustersResponse.js';
import type { ListRoutesRequest as _signalbox_v1_ListRoutesRequest, ListRoutesRequest__Output as _signalbox_v1_ListRoutesRequest__Output } from './signalbox/v1/ListRoutesRequest.js';
import type { ListRoutesResponse as _signalbox_v1_ListRoutesResponse, ListRoutesResponse__Output as _signalbox_v1_ListRoutesResponse__Output } from './signalbox/v1/ListRoutesResponse.js';
import type { PlanChange as _signalbox_v1_PlanChange, PlanChange__Output as _signalbox_v1_PlanChange__Output } from './signalbox/v1/PlanChange.js';
import type { PlanChangeRequest as _signalbox_v1_PlanChangeRequest, PlanChangeRequest__Output as _signalbox_v1_PlanChangeRequest__Output } from './signalbox/v1/PlanChangeRequest.js';
import type { PlanMetrics as _signalbox_v1_PlanMetrics, PlanMetrics__Output as _signalbox_v1_PlanMetrics__Output } from './signalbox/v1/PlanMetrics.js';
import type { PlanMove as _signalbox_v1_PlanMove, PlanMove__Output as _signalbox_v1_PlanMove__Output } from './signalbox/v1/PlanMove.js';
import type { PlanSummary as _signalbox_v1_PlanSummary, PlanSummary__Output as _signalbox_v1_PlanSummary__Output } from './signalbox/v1/PlanSummary.js';
import type { ProxyPorts as _signalbox_v1_ProxyPorts, ProxyPorts__Output as _signalbox_v1_ProxyPorts__Output } from './signalbox/v1/ProxyPorts.js';
import type { QueueCounts as _signalbox_v1_QueueCounts, QueueCounts__Output as _signalbox_v1_QueueCounts__Output } from './signalbox/v1/QueueCounts.js';
import type { Rejection as _signalbox_v1_Rejection, Rejection__Output as _signalbox_v1_Rejection__Output } from './signalbox/v1/Rejection.js';
import type { RollbackRequest as _signalbox_v1_RollbackRequest, RollbackRequest__Output as _signalbox_v1_RollbackRequest__Output } from './signalbox/v1/RollbackRequest.js';
import type { Rollout as _signalbox_v1_Rollout, Rollout__Output as _signalbox_v1_Rollout__Output } from './signalbox/v1/Rollout.js';
import type { RouteInfo as _signalbox_v1_RouteInfo, RouteInfo__Output as _signalbox_v1_RouteInfo__Output } from './signalbox/v1/RouteInfo.js';
import type { StartRolloutRequest as _signalbox_v1_StartRolloutRequest, StartRolloutRequest__Output as _signalbox_v1_StartRolloutRequest__Output } from './signalbox/v1/StartRolloutRequest.js';
import type { StatusReport as _signalbox_v1_StatusReport, StatusReport__Output as _signalbox_v1_StatusReport__Output } from './signalbox/v1/StatusReport.js';
import type { StoreConfigRequest as _signalbox_v1_StoreConfigRequest, StoreConfigRequest__Output as _signalbox_v1_StoreConfigRequest__Output } from './signalbox/v1/StoreConfigRequest.js';
import type { StoreConfigResponse as _signalbox_v1_StoreConfigResponse, StoreConfigResponse__Output as _signalbox_v1_StoreConfigResponse__Output } from './signalbox/v1/StoreConfigResponse.js';
import type { TaskInfo as _signalbox_v1_TaskInfo, TaskInfo__Output as _signalbox_v1_TaskInfo__Output } from './signalbox/v1/TaskInfo.js';
import type { WatchRolloutRequest as _signalbox_v1_WatchRolloutRequest, WatchRolloutRequest__Output as _signalbox_v1_WatchRolloutRequest__Output } from './signalbox/v1/WatchRolloutRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  signalbox: {
    v1: {
      ClusterInfo: MessageTypeDefinition<_signalbox_v1_ClusterInfo, _signalbox_v1_ClusterInfo__Output>
      ClusterSnapshot: MessageTypeDefinition<_signalbox_v1_ClusterSnapshot, _signalbox_v1_ClusterSnapshot__Output>
      ClusterStatus: MessageTypeDefinition<_signalbox_v1_ClusterStatus, _signalbox_v1_ClusterStatus__Output>
      Coordinator: SubtypeConstructor<typeof grpc.Client, _signalbox_v1_CoordinatorClient> & { service: _signalbox_v1_CoordinatorDefinition }
      ExplainHostRequest: MessageTypeDefinition<_signalbox_v1_ExplainHostRequest, _signalbox_v1_ExplainHostRequest__Output>
      ExplainHostResponse: MessageTypeDefinition<_signalbox_v1_ExplainHostResponse, _signalbox_v1_ExplainHostResponse__Output>
      GetClusterSnapshotRequest: MessageTypeDefinition<_signalbox_v1_GetClusterSnapshotRequest, _signalbox_v1_GetClusterSnapshotRequest__Output>
      GetPlanRequest: MessageTypeDefinition<_signalbox_v1_GetPlanRequest, _signalbox_v1_GetPlanRequest__Output>
      GetStatusRequest: MessageTypeDefinition<_signalbox_v1_GetStatusRequest, _signalbox_v1_GetStatusRequest__Output>
      ListClustersRequest: MessageTypeDefinition<_signalbox_v1_ListClustersRequest, _signalbox_v1_ListClustersRequest__Output>
      ListClustersResponse: MessageTypeDefinition<_signalbox_v1_ListClustersResponse, _signalbox_v1_ListClustersResponse__Output>
      ListRoutesRequest: MessageTypeDefinition<_signalbox_v1_ListRoutesRequest, _signalbox_v1_ListRoutesRequest__Output>
      ListRoutesResponse: MessageTypeDefinition<_signalbox_v1_ListRoutesResponse, _signalbox_v1_ListRoutesResponse__Output>
      PlanChange: MessageTypeDefinition<_signalbox_v1_PlanChange, _signalbox_v1_PlanChange__Output>
      PlanChangeRequest: MessageTypeDefinition<_signalbox_v1_PlanChangeRequest, _signalbox_v1_PlanChangeRequest__Output>
      PlanMetrics: MessageTypeDefinition<_signalbox_v1_PlanMetrics, _signalbox_v1_PlanMetrics__Output>
      PlanMove: MessageTypeDefinition<_signalbox_v1_PlanMove, _signalbox_v1_PlanMove__Output>
      PlanSummary: MessageTypeDefinition<_signalbox_v1_PlanSummary, _signalbox_v1_PlanSummary__Output>
      ProxyPorts: MessageTypeDefinition<_signalbox_v1_ProxyPorts, _signalbox_v1_ProxyPorts__Output>
      QueueCounts: MessageTypeDefinition<_signalbox_v1_QueueCounts, _signalbox_v1_QueueCounts__Output>
      Rejection: MessageTypeDefinition<_signalbox_v1_Rejection, _signalbox_v1_Rejection__Output>
      RollbackRequest: MessageTypeDefinition<_signalbox_v1_RollbackRequest, _signalbox_v1_RollbackRequest__Output>
      Rollout: MessageTypeDefinition<_signalbox_v1_Rollout, _signalbox_v1_Rollout__Output>
      RouteInfo: MessageTypeDefinition<_signalbox_v1_RouteInfo, _signalbox_v1_RouteInfo__Output>
      StartRolloutRequest: MessageTypeDefinition<_signalbox_v1_StartRolloutRequest, _signalbox_v1_StartRolloutRequest__Output>
      StatusReport: MessageTypeDefinition<_signalbox_v1_StatusReport, _signalbox_v1_StatusReport__Output>
      StoreConfigRequest: MessageTypeDefinition<_signalbox_v1_StoreConfigRequest, _signalbox_v1_StoreConfigRequest__Output>
      StoreConfigResponse: MessageTypeDefinition<_signalbox_v1_StoreConfigResponse, _signalbox_v1_StoreConfigResponse__Output>
      TaskInfo: MessageTypeDefinition<_signalbox_v1_TaskInfo, _signalbox_v1_TaskInfo__Output>
      UpdateOrder: EnumTypeDefinition
      WatchRolloutRequest: MessageTypeDefinition<_signalbox_v1_WatchRolloutRequest, _signalbox_v1_WatchRolloutRequest__Output>
    }
  }
}

