/** Who may open the results pages (the API answers FORBIDDEN to anyone else). */
export const RESULTS_ROLES = ['reviewer', 'instructor', 'admin'] as const;

/** A reviewer with no other role: no exercise of their own, so the results are their home. */
export function isReviewerOnly(roles: readonly string[]): boolean {
  return roles.includes('reviewer') && !roles.some((r) => r === 'trainee' || r === 'instructor' || r === 'admin');
}
