import { z } from 'zod';

/**
 * Exports for sharing outside the platform: STIX 2.1 bundles for the national centre (Lớp 4), and
 * a team's alert queue with its verdicts as OCSF Detection Findings or ECS alerts for a province's SIEM.
 */

/** TLP 2.0 levels (FIRST), as the STIX marking definitions name them in lower case. */
export const TLP_LEVELS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export const TlpSchema = z.enum(TLP_LEVELS).meta({ description: 'TLP 2.0 level of the bundle (default amber).' });
export type Tlp = z.infer<typeof TlpSchema>;

export const ExportLangSchema = z.enum(['vi', 'en']);
export type ExportLang = z.infer<typeof ExportLangSchema>;

export const TeamStixQuerySchema = z
  .object({
    teamId: z.string().min(1).max(64).optional().meta({ description: "Default: the caller's own team; staff name one." }),
    incidentId: z
      .string()
      .min(1)
      .max(120)
      .optional()
      .meta({ description: "One incident of the team (INC-…); default: every incident the team opened that isn't merged." }),
    tlp: TlpSchema.default('amber'),
    lang: ExportLangSchema.default('vi'),
  })
  .strict();
export type TeamStixQuery = z.output<typeof TeamStixQuerySchema>;

export const GroundTruthStixQuerySchema = z
  .object({
    tlp: TlpSchema.default('amber'),
    lang: ExportLangSchema.default('vi'),
  })
  .strict();
export type GroundTruthStixQuery = z.output<typeof GroundTruthStixQuerySchema>;

export const AlertQueueExportQuerySchema = z
  .object({
    teamId: z.string().min(1).max(64).optional().meta({ description: "Default: the caller's own team; staff name one." }),
    lang: ExportLangSchema.default('vi').meta({ description: 'Language of titles and descriptions.' }),
  })
  .strict();
export type AlertQueueExportQuery = z.output<typeof AlertQueueExportQuerySchema>;

/** A STIX 2.1 bundle (the objects are described by the OASIS schemas, not here). */
export const StixBundleSchema = z
  .object({
    type: z.literal('bundle'),
    id: z.string(),
    objects: z.array(z.record(z.string(), z.unknown())),
  })
  .meta({ id: 'StixBundle' });
export type StixBundle = z.infer<typeof StixBundleSchema>;

/** OCSF Detection Findings (class 2004), one per alert delivered to the team. */
export const OcsfFindingsSchema = z.array(z.record(z.string(), z.unknown())).meta({ id: 'OcsfDetectionFindings' });
