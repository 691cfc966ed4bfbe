import { ScenarioVersions1763880000000 } from './1763880000000-scenario-versions.js';
import { Identity1763890000000 } from './1763890000000-identity.js';
import { AuthSessions1763890000100 } from './1763890000100-auth-sessions.js';
import { AuditLog1763890000200 } from './1763890000200-audit-log.js';
import { Exercises1763900000000 } from './1763900000000-exercises.js';
import { TriageLog1763910000000 } from './1763910000000-triage-log.js';
import { Scoring1763930000000 } from './1763930000000-scoring.js';
import { AlertRefs1763950000000 } from './1763950000000-alert-refs.js';
import { SealedTeamLogs1763960000000 } from './1763960000000-sealed-team-logs.js';
import { JournalActionIndex1763970000000 } from './1763970000000-journal-action-index.js';
import { JournalTeamSeqIndex1763980000000 } from './1763980000000-journal-team-seq-index.js';
import { JournalActionUnique1765000000000 } from './1765000000000-journal-action-unique.js';
import { ScenarioOwnership1765000000100 } from './1765000000100-scenario-ownership.js';
import { ExerciseOvertime1765000000200 } from './1765000000200-exercise-overtime.js';
import { AccountSecurity1765000000400 } from './1765000000400-account-security.js';
import { DropSealedTeamLogs1765000000500 } from './1765000000500-drop-sealed-team-logs.js';
import { JournalTeamRead1765000000600 } from './1765000000600-journal-team-read.js';
import { UserSsoLinks1765000000800 } from './1765000000800-user-sso-links.js';
import { ReportGrades1765000000900 } from './1765000000900-report-grades.js';
import { SavedLogQueries1765000001200 } from './1765000001200-saved-log-queries.js';

/** Migrations in order (by their timestamp); each capability appends its own, one per line. */
export const MIGRATIONS = [
  ScenarioVersions1763880000000,
  Identity1763890000000,
  AuthSessions1763890000100,
  AuditLog1763890000200,
  Exercises1763900000000,
  TriageLog1763910000000,
  Scoring1763930000000,
  AlertRefs1763950000000,
  SealedTeamLogs1763960000000,
  JournalActionIndex1763970000000,
  JournalTeamSeqIndex1763980000000,
  JournalActionUnique1765000000000,
  ScenarioOwnership1765000000100,
  ExerciseOvertime1765000000200,
  AccountSecurity1765000000400,
  DropSealedTeamLogs1765000000500,
  JournalTeamRead1765000000600,
  UserSsoLinks1765000000800,
  ReportGrades1765000000900,
  SavedLogQueries1765000001200,
];
