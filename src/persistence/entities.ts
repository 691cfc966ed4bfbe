import { AuditEntryEntity } from '../audit/audit-entry.entity.js';
import { AuthSessionEntity } from '../auth/auth-session.entity.js';
import { LoginFailureEntity } from '../auth/login-failure.entity.js';
import { RefreshTokenEntity } from '../auth/refresh-token.entity.js';
import { SystemSecretEntity } from '../auth/system-secret.entity.js';
import { OrganisationEntity } from '../identity/organisation.entity.js';
import { UnitEntity } from '../identity/unit.entity.js';
import { UserRoleEntity } from '../identity/user-role.entity.js';
import { UserEntity } from '../identity/user.entity.js';
import { ExerciseEventEntity, ExerciseJournalEntity } from '../exercise-log/exercise-log.entity.js';
import {
  ExerciseEntity,
  ExerciseMemberEntity,
  ExerciseTeamEntity,
  ExerciseTransitionEntity,
} from '../exercises/exercise.entity.js';
import { ScenarioVersionEntity } from '../scenarios/scenario-version.entity.js';
import { ExerciseScoreEntity, ScoreAdjustmentEntity, ScoreboardStateEntity } from '../scoring/scoring.entity.js';

/** Every TypeORM entity of the server; each capability adds its own here. */
export const ENTITIES = [
  ScenarioVersionEntity,
  OrganisationEntity,
  UnitEntity,
  UserEntity,
  UserRoleEntity,
  AuthSessionEntity,
  LoginFailureEntity,
  RefreshTokenEntity,
  SystemSecretEntity,
  AuditEntryEntity,
  ExerciseEntity,
  ExerciseTeamEntity,
  ExerciseMemberEntity,
  ExerciseTransitionEntity,
  ExerciseEventEntity,
  ExerciseJournalEntity,
  ExerciseScoreEntity,
  ScoreAdjustmentEntity,
  ScoreboardStateEntity,
];
