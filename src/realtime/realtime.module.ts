import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ExercisesModule } from '../exercises/exercises.module.js';
import { ExercisesGateway } from './exercises.gateway.js';

@Module({
  imports: [AuthModule, ExercisesModule],
  providers: [ExercisesGateway],
})
export class RealtimeModule {}
