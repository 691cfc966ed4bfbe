/** Longest base name, so that a suffix such as "-99" or "-1a2b3c4d" keeps it within the 63 characters of a username. */
const MAX_BASE_LENGTH = 54;

/**
 * A local username from the identity provider's name for a person (preferred_username, an e-mail,
 * a full name): ASCII without Vietnamese diacritics, lower case, only the username pattern's
 * characters. Only a starting point: accounts are linked by issuer and subject, never by this name.
 */
export function usernameFromHint(hint: string): string {
  const ascii = hint
    .split('@')[0]!
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, MAX_BASE_LENGTH)
    .replace(/[._-]+$/, '');
  return ascii.length >= 2 ? ascii : `sso-${ascii || 'user'}`;
}
