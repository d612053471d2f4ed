// Small page helpers shared by the tests.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { axeViolations, formatViolations } from './axe.mjs';

/** Clicks and waits for the main frame's next navigation to finish loading. */
export async function clickAndWait(page, selector) {
  const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame() });
  await page.click(selector);
  await navigated;
  await page.waitForLoadState('load');
}

/** Asserts that axe finds no WCAG 2.1 A/AA violations on the page. */
export async function assertAccessible(page, label = new URL(page.url()).pathname) {
  const violations = await axeViolations(page);
  assert.equal(
    violations.length,
    0,
    `axe found ${violations.length} WCAG 2.1 A/AA violation(s) on ${label}:\n${formatViolations(violations)}`,
  );
}

/** Asserts the page structure every page must have: one h1 and one main landmark. */
export async function assertPageStructure(page, label = new URL(page.url()).pathname) {
  const h1 = await page.locator('h1').count();
  assert.equal(h1, 1, `${label} should have exactly one h1, found ${h1}`);
  const main = await page.locator('main, [role="main"]').count();
  assert.equal(main, 1, `${label} should have exactly one main landmark, found ${main}`);
  // Every in-page link (skip link, error summary) leads to an element that exists.
  const broken = await page.locator('a[href^="#"]').evaluateAll((links) =>
    links.map((a) => a.getAttribute('href')).filter((href) => href.length > 1 && !document.getElementById(decodeURIComponent(href.slice(1)))),
  );
  assert.deepEqual(broken, [], `${label} has in-page links to missing ids`);
  const title = await page.title();
  assert.ok(title.trim().length > 0, `${label} should have a title`);
  assert.deepEqual(page.errors ?? [], [], `${label} raised script errors`);
}

/** The trimmed text of the first element matching `selector`. */
export async function textOf(page, selector) {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * Saves a full-page screenshot to $E2E_SCREENSHOT_DIR/<name>.png when that variable is
 * set (for looking at the pages by eye); does nothing otherwise.
 */
export async function maybeScreenshot(page, name) {
  const dir = process.env.E2E_SCREENSHOT_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const file = name.replace(/^\/(?=\s|$)/, 'start').replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'start';
  await page.screenshot({ path: path.join(dir, `${file}.png`), fullPage: true });
}
