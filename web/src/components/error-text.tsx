import { Alert } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/api-client.js';

/** A server error in words, always with its stable code (users quote the code to support). */
export function describeError(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    const key = `errors.${error.code}`;
    const known = t(key, { defaultValue: '' });
    const message = error.code === 'NETWORK_ERROR' ? t('errors.network') : known || error.message;
    return t('common.errorWithCode', { message, code: error.code });
  }
  return t('common.errorWithCode', { message: error instanceof Error ? error.message : String(error), code: 'CLIENT_ERROR' });
}

export function ErrorText({ error, title }: { error: unknown; title?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  const details = error instanceof ApiError ? error.details : [];
  return (
    <Alert color="red" variant="light" title={title} role="alert" data-testid="error">
      {describeError(t, error)}
      {details.length > 0 && (
        <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
          {details.slice(0, 10).map((d, i) => (
            <li key={i}>
              {d.line !== undefined ? `${t('scenarios.line')} ${d.line}: ` : ''}
              {d.path ? `${d.path} — ` : ''}
              {d.message}
            </li>
          ))}
        </ul>
      )}
    </Alert>
  );
}

export function isMissingEndpoint(error: unknown): boolean {
  return error instanceof ApiError && (error.code === 'ROUTE_NOT_FOUND' || (error.status === 404 && error.code !== 'EXERCISE_NOT_FOUND'));
}
