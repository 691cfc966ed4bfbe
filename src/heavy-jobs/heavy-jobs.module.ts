import { Module } from '@nestjs/common';
import { HeavyJobsService } from './heavy-jobs.service.js';

@Module({
  providers: [HeavyJobsService],
  exports: [HeavyJobsService],
})
export class HeavyJobsModule {}
