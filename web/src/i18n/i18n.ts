import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en.js';
import { vi } from './vi.js';

export type Lang = 'vi' | 'en';
const STORAGE_KEY = 'socdrill.lang';

function initialLanguage(): Lang {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  // Vietnamese unless the user chose English: the console is for Vietnamese provincial staff.
  return saved === 'en' ? 'en' : 'vi';
}

void i18next.use(initReactI18next).init({
  resources: { vi: { translation: vi }, en: { translation: en } },
  lng: initialLanguage(),
  fallbackLng: 'vi',
  // React escapes text itself; escaping here would double-escape scenario texts.
  interpolation: { escapeValue: false },
  returnNull: false,
});
document.documentElement.lang = i18next.language;

export function setLanguage(lang: Lang): void {
  localStorage.setItem(STORAGE_KEY, lang);
  void i18next.changeLanguage(lang);
  document.documentElement.lang = lang;
}

export function currentLang(): Lang {
  return i18next.language === 'en' ? 'en' : 'vi';
}

/** BCP 47 locale for Intl: dates and numbers follow the chosen language. */
export function intlLocale(): string {
  return currentLang() === 'en' ? 'en-GB' : 'vi-VN';
}

export { i18next };
