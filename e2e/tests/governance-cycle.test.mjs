// The maturity assessment and the annual cycle: the demo's results and wheel, a new
// assessment answered and completed, an own duty added, and every page checked with axe.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN, signIn, testEnvironment } from '../lib/browser.mjs';
import { assertAccessible, assertPageStructure } from '../lib/page.mjs';

const env = testEnvironment();

async function check(page, path, label = path) {
  const response = await page.goto(path);
  assert.ok(response, `no response for ${path}`);
  assert.equal(response.status(), 200, `${path} should answer 200`);
  await assertPageStructure(page, label);
  await assertAccessible(page, label);
}

describe('maturity assessment and annual cycle', { timeout: 240_000 }, () => {
  let page;

  before(async () => {
    await env.start();
    page = await env.newPage();
    await signIn(page, ADMIN);
  });
  after(() => env.stop());

  it('shows the demo results as a radar chart with a table', async () => {
    await check(page, '/governance/maturity');
    assert.equal(await page.locator('main svg.radar-chart[role="img"]').count(), 1);
    assert.ok((await page.locator('main table tbody tr').count()) >= 3, 'the demo assessments are listed');
    const first = await page.locator('main table a[href^="/governance/maturity/"]').first().getAttribute('href');
    await check(page, first, 'a completed assessment');
    assert.equal(await page.locator('main input[type="radio"]').count(), 0, 'a completed assessment has no form');
  });

  it('starts, answers and completes an assessment', async () => {
    await page.goto('/governance/maturity');
    await page.fill('#title', '');
    await page.click('main form[action="/governance/maturity"] button[type="submit"]');
    await page.locator('.error-summary a[href="#title"]').waitFor();
    await assertAccessible(page, '/governance/maturity (missing name)');
    await page.fill('#title', 'Mognadsmätning i webbläsaren');
    await page.click('main form[action="/governance/maturity"] button[type="submit"]');
    await page.waitForURL(/\/governance\/maturity\/\d+/);
    await assertPageStructure(page, 'a draft assessment');
    await assertAccessible(page, 'a draft assessment');
    for (const id of ['M1-01', 'M1-02', 'M1-03', 'M1-04', 'M1-05', 'M1-06']) {
      await page.check(`#answer-${id}-met`);
    }
    await page.click('main button[name="action"][value="complete"]');
    await page.waitForURL(/notice=maturity-completed/);
    assert.match(await page.locator('main .lead strong').first().innerText(), /Nivå 1/);
  });

  it('shows the year wheel, adds a duty and shows it', async () => {
    await check(page, '/governance/calendar');
    assert.equal(await page.locator('main svg.wheel-chart[role="img"] path').count(), 12);
    await page.fill('#title', 'Behörighetsuppföljning i webbläsaren');
    await page.selectOption('#kind', 'access_review');
    await page.selectOption('#recurrence', 'quarterly');
    const due = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    await page.fill('#next_due', due);
    await page.click('main form[action="/governance/calendar/duties"] button[type="submit"]');
    await page.waitForURL(/notice=calendar-duty-created/);
    const link = page.locator('main a', { hasText: 'Behörighetsuppföljning i webbläsaren' }).first();
    await link.waitFor();
    await check(page, await link.getAttribute('href'), 'an own duty');
  });

  it('makes a personal calendar address that serves iCalendar', async () => {
    await page.goto('/governance/calendar');
    await page.click('main form[action="/governance/calendar/feed"] button[type="submit"]');
    const url = await page.locator('#feed-url').inputValue();
    assert.match(url, /\/calendar\/[^/]+\.ics$/);
    await assertAccessible(page, '/governance/calendar (new feed address)');
    const response = await page.request.get(url);
    assert.equal(response.status(), 200);
    const text = await response.text();
    assert.ok(text.startsWith('BEGIN:VCALENDAR\r\n'));
    assert.ok(text.includes('BEGIN:VTODO\r\n'));
  });
});
