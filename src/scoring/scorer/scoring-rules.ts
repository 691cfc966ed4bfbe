/** The scorer's weights and shares (documented in docs/scoring.md; change both together). */

export const SCORING_RULES = {
  /**
   * Detection parts: true positives and noise are judged separately so that a drill with a hundred
   * low-severity noise alerts still makes a missed critical alert expensive.
   */
  detectionShares: { 'true-positives': 0.65, noise: 0.35 },
  /** Detection: share of a true positive's weight for the verdict, the rest for the severity. */
  tpVerdictShare: 0.6,
  tpSeverityShare: 0.4,
  /** A true positive closed as noise or never triaged additionally costs this share of its weight. */
  missedPenaltyShare: 0.5,
  /** A noise alert called a true positive costs this share of its weight. */
  falseAlarmPenaltyShare: 0.25,
  /** Noise closed with the other non-TP verdict (benign vs false positive). */
  otherNoiseVerdictShare: 0.75,
  /** Noise closed without a reason. */
  noReasonShare: 0.5,
  /** Severity one step off earns this share of the severity part. */
  severityOneOffShare: 0.5,
  /** Response: share earned for being inside the window; the rest scales with speed. */
  responseOnTimeShare: 0.5,
  /** Report: shares for timeliness, recipients and content; a late report keeps this factor of the last two. */
  reportTimelyShare: 0.4,
  reportRecipientsShare: 0.3,
  reportContentShare: 0.3,
  lateReportFactor: 0.5,
  /** Coordination parts. */
  coordinationShares: { routing: 0.4, reporting: 0.45, 'legal-class': 0.15 },
  /** Incident handling, per key incident. */
  incidentShares: { grouping: 0.4, severity: 0.1, phases: 0.3, closed: 0.2 },
  /** An incident matching no key incident counts as this many incidents scoring zero. */
  spuriousIncidentWeight: 0.5,
} as const;

/** Response actions that contain (for mean time to contain). */
export const CONTAINMENT_ACTIONS = new Set(['isolate-host', 'block-ip', 'block-domain', 'maintenance-page', 'disable-account', 'rate-limit']);
