import { ApiError, session } from '../api/api-client.js';
import { currentLang } from '../i18n/i18n.js';

/** Fetches an authenticated file (the access token lives in memory, so a plain link cannot carry it). */
async function fetchBlob(path: string, retry = true): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(`/api${path}`, { headers: session.accessToken ? { authorization: `Bearer ${session.accessToken}` } : {} });
  } catch (error) {
    throw new ApiError(0, 'NETWORK_ERROR', error instanceof Error ? error.message : 'network error');
  }
  if (response.status === 401 && retry && (await session.refresh())) return fetchBlob(path, false);
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    try {
      const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
      if (body.error?.code) throw new ApiError(response.status, body.error.code, body.error.message ?? response.statusText);
    } catch (error) {
      if (error instanceof ApiError) throw error;
    }
    throw new ApiError(response.status, 'INTERNAL_ERROR', response.statusText);
  }
  return response.blob();
}

/** Saves `/api${path}` under `filename`. */
export async function downloadFile(path: string, filename: string): Promise<void> {
  const url = URL.createObjectURL(await fetchBlob(path));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Opens a team's after-action review (printable HTML, no scripts) in a new tab. */
export async function openReview(reviewHref: string): Promise<void> {
  const tab = window.open('', '_blank');
  const path = reviewHref.replace(/^\/api/, '');
  const blob = await fetchBlob(`${path}${path.includes('?') ? '&' : '?'}format=html&lang=${currentLang()}`);
  const url = URL.createObjectURL(new Blob([await blob.text()], { type: 'text/html' }));
  if (tab) tab.location.href = url;
  else window.location.href = url;
  setTimeout(() => URL.revokeObjectURL(url), 120_000);
}
