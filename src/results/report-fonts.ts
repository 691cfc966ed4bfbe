import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let fontFacesCache: string | null = null;

/**
 * The console's font (Be Vietnam Pro, bundled with the app) as inline @font-face rules, so the
 * PDF looks the same on any server and never fetches anything.
 */
export function reportFontFaces(): string {
  if (fontFacesCache !== null) return fontFacesCache;
  try {
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve('@fontsource/be-vietnam-pro/package.json'));
    const css = ['400.css', '700.css'].map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    fontFacesCache = css
      .replace(/,\s*url\([^)]*\.woff\)\s*format\('woff'\)/g, '')
      .replace(
        /url\(\.\/files\/([^)]+\.woff2)\)/g,
        (_m, file: string) => `url(data:font/woff2;base64,${readFileSync(join(dir, 'files', file)).toString('base64')})`,
      );
  } catch {
    // Without the package the report falls back to the system's sans-serif font.
    fontFacesCache = '';
  }
  return fontFacesCache;
}
