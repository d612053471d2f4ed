// The management review and the board's overview as leadership and the coordinator use
// them: the list with the demo's held spring review and prepared autumn review, a new
// review refused for a meeting day in the past and then prepared, its texts saved, a
// decision recorded and made a task, the review marked held; and the board's overview
// with its charts and tables. Every page on the way is checked with axe (WCAG 2.1 A/AA)
// and for its structure.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COORDINATOR, signIn, testEnvironment } from '../lib/browser.mjs';
import { t } from '../lib/locale.mjs';
import { assertAccessible, assertPageStructure, maybeScreenshot, textOf } from '../lib/page.mjs';

const env = testEnvironment();
const sv = (id) => t('sv', id);

async function checkCurrent(page, label) {
  await assertPageStructure(page, label);
  await maybeScreenshot(page, label);
  await assertAccessible(page, label);
}

async function visit(page, path, label = path, status = 200) {
  const response = await page.goto(path);
  assert.ok(response, `no response for ${path}`);
  assert.equal(response.status(), status, `${path} should answer ${status}`);
  await checkCurrent(page, label);
}

async function submitAndWait(page, selector, pattern) {
  await Promise.all([page.waitForURL(pattern), page.locator(selector).click()]);
  await page.waitForLoadState('load');
}

function isoDate(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

describe('management review and board overview', { timeout: 300_000 }, () => {
  let page;
  let reviewPath;

  before(async () => {
    await env.start();
    page = await env.newPage();
    await signIn(page, COORDINATOR);
  });
  after(() => env.stop());

  it("lists the demo's reviews and opens the held one", async () => {
    await visit(page, '/reports/reviews');
    assert.equal(await textOf(page, 'main h1'), sv('reviews-title'));
    const held = page.locator('main table a', { hasText: 'våren 2026' });
    assert.equal(await held.count(), 1, 'the spring review of the demo');
    await visit(page, await held.getAttribute('href'), 'held spring review');
    assert.equal(await textOf(page, '#review-status'), sv('review-status-held'));
    assert.equal(await page.locator('main textarea').count() > 0, true, 'decisions can still be recorded');
    assert.equal(await page.locator('main form[action$="/hold"]').count(), 0, 'a held review is not held again');
    assert.ok((await page.locator('#decisions tbody tr').count()) >= 3, 'the meeting took decisions');
    assert.ok((await page.locator('#decisions a[href^="/risks/measures/"]').count()) >= 1, 'one became a measure');
  });

  it('prepares a review, refusing a meeting day in the past', async () => {
    await visit(page, '/reports/reviews/new');
    await page.fill('#year', '2027');
    await page.check('#term-spring');
    await page.fill('#meeting_on', isoDate(-3));
    await page.fill('#participants', 'Regiondirektör\nIT-direktör');
    await page.locator('main form button[type="submit"]').click();
    await page.waitForLoadState('load');
    await page.locator('.error-summary a[href="#meeting_on"]').waitFor();
    await checkCurrent(page, 'new review (refused)');
    assert.equal(await page.inputValue('#participants'), 'Regiondirektör\nIT-direktör', 'what was typed is kept');

    await page.fill('#meeting_on', isoDate(20));
    await submitAndWait(page, 'main form button[type="submit"]', /\/reports\/reviews\/\d+\?notice=review-created/);
    reviewPath = new URL(page.url()).pathname;
    await checkCurrent(page, 'prepared review');
    assert.equal(await page.locator('main section[id^="item-"]').count(), 8, 'eight agenda items');
    assert.ok((await page.locator('#item-gaps td[data-figure]').count()) >= 1, 'the gaps item has figures');
  });

  it('saves a text, records a decision and makes it a task, then holds the review', async () => {
    await page.fill('#item_audits', 'Internrevisionen granskade loggningen i journalsystemet.');
    await submitAndWait(page, 'main form[action="' + reviewPath + '"] button[type="submit"]', /notice=review-updated/);
    assert.equal(await page.inputValue('#item_audits'), 'Internrevisionen granskade loggningen i journalsystemet.');

    await page.fill('#decision-text', 'Utbilda alla chefer i informationssäkerhet.');
    await page.selectOption('#decision-owner_id', { index: 1 });
    await page.fill('#decision-due_on', isoDate(60));
    await submitAndWait(page, `main form[action="${reviewPath}/decisions"] button[type="submit"]`, /notice=review-decision-added/);
    await checkCurrent(page, 'review with a decision');
    await submitAndWait(page, `#decisions form[action$="/task"] button`, /notice=review-decision-converted/);

    await submitAndWait(page, 'main form[action$="/hold"] button[type="submit"]', /notice=review-held/);
    assert.equal(await textOf(page, '#review-status'), sv('review-status-held'));
    assert.equal(await page.locator('#item_audits').count(), 0, 'held items are no longer editable');
    await checkCurrent(page, 'held review');
    const pdf = await page.request.get(`${reviewPath}/export.pdf`);
    assert.equal(pdf.status(), 200);
    assert.equal((await pdf.body()).subarray(0, 4).toString(), '%PDF');
  });

  it('shows the board overview as charts with tables', async () => {
    await visit(page, '/reports/board');
    assert.equal(await textOf(page, 'main h1'), sv('board-title'));
    const charts = page.locator('main svg[role="img"]');
    assert.ok((await charts.count()) >= 2, 'charts');
    for (const id of ['chart-incidents', 'chart-coverage']) {
      assert.equal(await page.locator(`main svg[aria-labelledby="${id}-title ${id}-desc"] title#${id}-title`).count(), 1, `${id} has a title`);
    }
    assert.ok((await page.locator('main table').count()) >= 4, 'each part has a table');
    assert.equal(await textOf(page, '#board-training p'), sv('board-no-data'));
    // The demo's latest completed maturity assessment, linked to the assessments.
    assert.match(await textOf(page, '#board-maturity p'), /^Nivå [0-4] av 4 /);
    assert.equal(await page.locator('#board-maturity a[href="/governance/maturity"]').count(), 1);
    assert.equal(await page.locator('[data-figure="documents-overdue"] a[href="/governance/documents?show=overdue"]').count(), 1);
  });
});
