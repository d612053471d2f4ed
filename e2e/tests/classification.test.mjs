// The classification flow as a coordinator uses it: name a process, answer the guiding
// questions, let the levels be suggested, approve, self-assess a requirement; every page
// on the way is checked with axe.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COORDINATOR, signIn, testEnvironment } from '../lib/browser.mjs';
import { t } from '../lib/locale.mjs';
import { assertAccessible, assertPageStructure, maybeScreenshot } from '../lib/page.mjs';

const env = testEnvironment();

async function checkCurrent(page, label) {
  await assertPageStructure(page, label);
  await maybeScreenshot(page, label);
  await assertAccessible(page, label);
}

describe('information classification', { timeout: 180_000 }, () => {
  let page;
  let objectPath;

  before(async () => {
    await env.start();
    page = await env.newPage();
    await signIn(page, COORDINATOR);
  });
  after(() => env.stop());

  it('overview with coverage chart and data table', async () => {
    const response = await page.goto('/classification');
    assert.equal(response.status(), 200);
    assert.equal(await page.locator('main svg[role="img"]').count(), 1);
    assert.ok((await page.locator('main table caption').count()) >= 1);
    await checkCurrent(page, '/classification');
  });

  it('the wizard, reached by naming a process', async () => {
    await page.fill('#named-name', 'Läkemedelshantering');
    await Promise.all([
      page.waitForURL(/\/classification\/classify\?object_id=\d+/),
      page.locator('main form[action="/classification/objects"] button[type="submit"]').click(),
    ]);
    assert.ok((await page.textContent('main h1')).includes('Läkemedelshantering'));
    await checkCurrent(page, 'classification wizard');
  });

  it('suggests levels from the answers', async () => {
    await page.check('#q_K-Q-01-3');
    await Promise.all([
      page.waitForLoadState('load'),
      page.locator('#aspect-k button[value="suggest"]').click(),
    ]);
    await page.locator('.notice', { hasText: t('sv', 'classify-suggested') }).waitFor();
    assert.equal(await page.isChecked('#level_k-3'), true);
    await checkCurrent(page, 'classification wizard with suggestions');
  });

  it('refuses approval without levels, naming the fields', async () => {
    await page.fill('#participants', 'Apotekare, verksamhetschef, samordnare');
    await Promise.all([
      page.waitForLoadState('load'),
      page.locator('button[value="approve"]').click(),
    ]);
    await page.locator('.error-summary a[href="#level_r"]').waitFor();
    assert.equal(await page.getAttribute('#level_r', 'aria-invalid'), 'true');
    await checkCurrent(page, 'classification wizard with errors');
  });

  it('approves and shows the classification with its requirements', async () => {
    await page.check('#level_r-2');
    await page.check('#level_t-2');
    await Promise.all([
      page.waitForURL(/\/classification\/\d+/),
      page.locator('button[value="approve"]').click(),
    ]);
    objectPath = new URL(page.url()).pathname;
    await page.locator('.notice', { hasText: t('sv', 'notice-classification-approved') }).waitFor();
    assert.ok((await page.locator('main article.requirement').count()) > 0);
    await checkCurrent(page, 'classified object');
  });

  it('self-assesses a requirement, refusing an empty answer', async () => {
    const first = page.locator('main article.requirement').first();
    await first.locator('summary').click();
    await first.locator('select[name="status"]').selectOption('not_fulfilled');
    await Promise.all([page.waitForLoadState('load'), first.locator('button[type="submit"]').click()]);
    await page.locator('.error-summary').waitFor();
    await checkCurrent(page, 'self-assessment with errors');
    const open = page.locator('main article.requirement details[open]').first();
    await open.locator('textarea[name="how"]').fill('Rutinen saknas.');
    await Promise.all([page.waitForURL(/notice=assessment-saved/), open.locator('button[type="submit"]').click()]);
  });

  it('lists the unmet requirement as a proposed measure', async () => {
    await page.goto('/classification/measures');
    assert.ok((await page.textContent('main')).includes('Rutinen saknas.'));
    await checkCurrent(page, '/classification/measures');
  });

  it('procurement view and requirement catalogue', async () => {
    await page.goto(`${objectPath}/procurement`);
    await checkCurrent(page, 'procurement view');
    await page.goto('/classification/requirements');
    await checkCurrent(page, '/classification/requirements');
  });
});
