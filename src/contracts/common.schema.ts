import { z } from 'zod';

/** Stable identifiers used across a scenario: lowercase slug, may contain dots for namespacing. */
export const IdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,79}$/, 'must be a lowercase slug: a-z, 0-9, ".", "_" or "-", at most 80 characters')
  .meta({ description: 'Stable identifier (lowercase slug).' });
export type Id = z.infer<typeof IdSchema>;

/** Every user-facing text is bilingual; Vietnamese is the primary language of the product. */
export const TextSchema = z
  .object({
    vi: z.string().min(1).max(20_000).meta({ description: 'Vietnamese text (the primary language), UTF-8, stored NFC-normalised.' }),
    en: z.string().min(1).max(20_000).meta({ description: 'English text.' }),
  })
  .strict()
  .meta({ description: 'Bilingual text: Vietnamese (vi) and English (en).' });
export type Text = z.infer<typeof TextSchema>;

export const LANGUAGES = ['vi', 'en'] as const;
export const LanguageSchema = z.enum(LANGUAGES);
export type Language = z.infer<typeof LanguageSchema>;

const DURATION_PATTERN = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * Parses "1h20m", "90s", "2d" into seconds. Returns null when the text is not a duration,
 * so callers can report the exact field rather than throw.
 */
export function parseDuration(text: string): number | null {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match || text.trim() === '') return null;
  const [, d, h, m, s] = match;
  return Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3_600 + Number(m ?? 0) * 60 + Number(s ?? 0);
}

export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const parts: string[] = [];
  let rest = Math.floor(seconds);
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('');
}

/**
 * A virtual-time duration written either as seconds or as "1h20m30s" / "5d".
 * Parsed to whole seconds so the engine only ever sees numbers.
 */
export const DurationSchema = z
  .union([
    z
      .number()
      .int()
      .min(0)
      .max(366 * 86_400),
    z
      .string()
      .regex(/^(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?$/, 'must be a duration like "90s", "15m", "1h20m" or "5d"')
      .min(2),
  ])
  .transform((value) => (typeof value === 'number' ? value : (parseDuration(value) ?? 0)))
  .meta({ description: 'Virtual-time duration: seconds, or a text such as "90s", "15m", "1h20m", "5d".' });

export const SeveritySchema = z.enum(['low', 'medium', 'high', 'critical']).meta({
  description: 'Severity: low (Thấp), medium (Trung bình), high (Cao), critical (Nghiêm trọng).',
});
export type Severity = z.infer<typeof SeveritySchema>;
export const SEVERITY_RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3, critical: 4 };

export const LayerSchema = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).meta({
  description: 'Four-layer model: 1 on-site force, 2 professional monitoring (SOC), 3 independent assessment, 4 national monitoring.',
});
export type Layer = z.infer<typeof LayerSchema>;

export const ERAS = ['pre-2025', '2025'] as const;
export const EraSchema = z.enum(ERAS).meta({
  description: 'Institutional era: "pre-2025" (Sở TT&TT + NCSC) or "2025" (Công an tỉnh + Trung tâm An ninh mạng quốc gia).',
});
export type Era = z.infer<typeof EraSchema>;

/** ATT&CK technique id such as T1190 or T1505.003. */
export const AttackTechniqueSchema = z
  .string()
  .regex(/^T\d{4}(?:\.\d{3})?$/, 'must be an ATT&CK technique id such as T1190 or T1505.003')
  .meta({ description: 'MITRE ATT&CK technique id such as T1190 or T1505.003.' });
