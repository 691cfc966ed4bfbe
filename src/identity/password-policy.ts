import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * What a new password must be (ASVS 2.1.1, 2.1.7; NIST SP 800-63B 5.1.1.2): at least 12 characters,
 * not a known common or breached password, not repetitive or sequential, not the account's own name.
 * No composition rules. The list is zxcvbn-ts's common-password dictionary, bundled with the build.
 */
export const MIN_PASSWORD_LENGTH = 12;

const COMMON = new Set<string>(dictionary['passwords-common'].map((p: string) => p.toLowerCase()));
const SEQUENCES = ['0123456789012345678901234567890', 'abcdefghijklmnopqrstuvwxyz', 'qwertyuiopasdfghjklzxcvbnm', '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p'];

function isSequential(text: string): boolean {
  for (const sequence of SEQUENCES) {
    const both = sequence + [...sequence].reverse().join('');
    // A password that is only a run of one keyboard or alphabet sequence, forwards or backwards.
    if (both.includes(text)) return true;
  }
  return false;
}

/** The reason a password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, context: { readonly username?: string; readonly displayName?: string } = {}): string | null {
  const text = password.normalize('NFC');
  if ([...text].length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  const lower = text.toLowerCase();
  // "password1234", "1234567890!!": a listed password with digits or symbols added still counts.
  const trimmed = lower.replace(/[\W_]+$/u, '').replace(/^[\W_]+/u, '');
  const core = lower.replace(/[\d\W_]+$/u, '').replace(/^[\d\W_]+/u, '');
  if ([lower, trimmed, core].some((candidate) => candidate.length >= 6 && COMMON.has(candidate))) return 'is a common or breached password; choose another';
  if ([lower, trimmed].some((candidate) => /^(.{1,4})\1+$/su.test(candidate))) return 'is a repeated pattern; choose another';
  if ([lower, trimmed].some((candidate) => candidate.length >= 6 && isSequential(candidate))) return 'is a keyboard or alphabet sequence; choose another';
  const username = context.username?.toLowerCase();
  if (username !== undefined && username.length >= 3 && lower.includes(username)) return 'must not contain the username';
  return null;
}
