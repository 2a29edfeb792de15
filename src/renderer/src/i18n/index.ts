/** Chinese and English text. Chinese by default when the browser/system language is Chinese. */
import { createI18n } from 'vue-i18n';
import { en } from './en';
import { zh } from './zh';

export function defaultLanguage(): 'zh' | 'en' {
  return (navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export const i18n = createI18n({
  legacy: false,
  locale: defaultLanguage(),
  fallbackLocale: 'en',
  messages: { en, zh },
});
