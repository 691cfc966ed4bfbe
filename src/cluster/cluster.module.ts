import { Global, Module } from '@nestjs/common';
import { ClockLeases } from './clock-leases.js';
import { ClusterNode } from './cluster-node.js';
import { ClusterTopics } from './cluster-topics.js';
import { OwnerRouter } from './owner-router.js';

/** What the nodes of one platform share through Redis (REDIS_URL); on a single node each service acts alone. */
@Global()
@Module({
  providers: [ClusterNode, ClockLeases, ClusterTopics, OwnerRouter],
  exports: [ClusterNode, ClockLeases, ClusterTopics, OwnerRouter],
})
export class ClusterModule {}
