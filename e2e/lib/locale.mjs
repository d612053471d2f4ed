// Reads simple `id = text` messages from every Fluent file of a language, so the tests
// check for the right message without copying its wording.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const localesDir = path.resolve(here, '../../crates/tillit-web/locales');
const cache = new Map();

function messages(lang) {
  if (!cache.has(lang)) {
    const map = new Map();
    const dir = path.join(localesDir, lang);
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.ftl'))) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      for (const line of text.split('\n')) {
        const match = /^([a-z][a-z0-9-]*)\s*=\s*(.*)$/.exec(line);
        if (match) map.set(match[1], match[2].trim());
      }
    }
    cache.set(lang, map);
  }
  return cache.get(lang);
}

/** The text of a message without placeables, e.g. t('sv', 'notice-unit-created'). */
export function t(lang, id) {
  const value = messages(lang).get(id);
  if (value === undefined) throw new Error(`no message ${id} in locales/${lang}/*.ftl`);
  if (value.includes('{')) throw new Error(`message ${id} has placeables; compare a fixed part instead`);
  return value;
}
