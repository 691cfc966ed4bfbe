import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router-dom';
import { useSession } from '../realtime/hooks.js';
import { REVIEWER_NS } from './reviewer-i18n.js';

/** The header's "Results" entry, for reviewers, instructors and administrators. */
export function ResultsNavLink({ style }: { style: (state: { isActive: boolean }) => CSSProperties }) {
  const { t } = useTranslation(REVIEWER_NS);
  const { user } = useSession();
  if (!user?.roles.some((r) => r === 'reviewer' || r === 'instructor' || r === 'admin')) return null;
  return (
    <NavLink to="/results" style={style} data-testid="nav-results">
      {t('nav')}
    </NavLink>
  );
}
