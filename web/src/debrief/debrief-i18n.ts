import { i18next } from '../i18n/i18n.js';
import { debriefEn, debriefVi } from './debrief-texts.js';

i18next.addResourceBundle('vi', 'debrief', debriefVi, true, true);
i18next.addResourceBundle('en', 'debrief', debriefEn, true, true);

export const DEBRIEF_NS = 'debrief';
