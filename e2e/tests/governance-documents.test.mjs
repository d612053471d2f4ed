// Styrning as its users use it: the coordinator opens the landing page, the document
// library with its overdue filter, the demo's information security policy and one of its
// earlier versions, and the checklist of required documents; adds a routine from the
// checklist (first refused for a review date in the past, with the input kept); saves a
// new version; then opens the internal control plan and reports for an administration.
// Every page on the way is checked with axe (WCAG 2.1 A/AA) and for its structure.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COORDINATOR, signIn, testEnvironment } from '../lib/browser.mjs';
import { t } from '../lib/locale.mjs';
import { assertAccessible, assertPageStructure, maybeScreenshot, textOf } from '../lib/page.mjs';

const env = testEnvironment();
const sv = (id) => t('sv', id);

/** Titles of the demo data (crates/tillit/src/demo/governance.rs). */
const POLICY = 'Informationssäkerhetspolicy';
const OVERDUE = 'Rutin för incidenthantering';

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

describe('governance', { timeout: 300_000 }, () => {
  let page;

  before(async () => {
    await env.start();
    page = await env.newPage();
    await signIn(page, COORDINATOR);
  });
  after(() => env.stop());

  it('the landing page links to every part of Styrning', async () => {
    await visit(page, '/governance');
    assert.equal(await textOf(page, 'main h1'), sv('governance-title'));
    for (const href of ['/governance/documents', '/governance/internal-control', '/governance/maturity', '/governance/calendar']) {
      assert.equal(await page.locator(`main a[href="${href}"]`).count(), 1, `a link to ${href}`);
    }
    assert.equal(await page.locator('nav.module-nav a[href="/governance"]').count(), 1, 'Styrning is in the module navigation');
  });

  it('the library lists the documents and flags the overdue review', async () => {
    await visit(page, '/governance/documents');
    assert.ok((await textOf(page, 'main table')).includes(POLICY));
    await visit(page, '/governance/documents?show=overdue', '/governance/documents (overdue)');
    const rows = page.locator('main table tbody tr');
    assert.equal(await rows.count(), 1, 'one overdue document');
    assert.ok((await textOf(page, 'main table tbody')).includes(OVERDUE));
    assert.equal(await page.locator('main table .badge', { hasText: sv('documents-overdue-badge') }).count(), 1);
  });

  it('the policy keeps its earlier versions readable', async () => {
    await page.goto('/governance/documents');
    await Promise.all([page.waitForURL(/\/governance\/documents\/\d+$/), page.locator('main table a', { hasText: POLICY }).first().click()]);
    await checkCurrent(page, '/governance/documents/{policy}');
    assert.ok((await textOf(page, 'main dl.facts')).includes('Regionfullmäktige'));
    const versions = page.locator('main table tbody tr');
    assert.equal(await versions.count(), 2, 'two earlier versions');
    await Promise.all([page.waitForURL(/\/versions\/1$/), page.locator('main table a', { hasText: sv('document-version') }).last().click()]);
    await checkCurrent(page, '/governance/documents/{policy}/versions/1');
    assert.ok((await textOf(page, 'main dl.facts')).includes('LS/566/2015'));
  });

  it('a document is added from the checklist after a refused review date', async () => {
    await visit(page, '/governance/documents/checklist');
    assert.equal(await textOf(page, 'main h1'), sv('checklist-title'));
    await Promise.all([
      page.waitForURL(/checklist_item=software-management/),
      page.locator('#item-software-management a', { hasText: sv('checklist-add-document') }).click(),
    ]);
    await checkCurrent(page, '/governance/documents/new');
    assert.equal(await page.inputValue('#checklist_item'), 'software-management');
    const title = `Sårbarhetsrutin E2E ${Date.now()}`;
    await page.fill('#title', title);
    await page.selectOption('#status', 'approved');
    await page.fill('#approver', 'Regiondirektören');
    await page.fill('#case_number', 'RS/1/2026');
    await page.fill('#valid_from', isoDate(-10));
    await page.fill('#next_review', isoDate(-1));
    await page.selectOption('#consultation', 'done');
    await Promise.all([page.waitForLoadState('load'), page.locator('main form button[type="submit"]').click()]);
    await page.locator('.error-summary').waitFor();
    await checkCurrent(page, '/governance/documents (refused)');
    assert.ok((await textOf(page, '.error-summary')).includes(sv('field-error-review-date-past')));
    assert.equal(await page.inputValue('#title'), title, 'what was typed is kept');
    assert.equal(await page.getAttribute('#next_review', 'aria-invalid'), 'true');

    await page.fill('#next_review', isoDate(200));
    await submitAndWait(page, 'main form button[type="submit"]', /\/governance\/documents\/\d+\?notice=document-created/);
    await checkCurrent(page, '/governance/documents/{new}');
    assert.equal(await textOf(page, 'main h1'), title);

    await visit(page, '/governance/documents/checklist', '/governance/documents/checklist (fulfilled)');
    const row = await textOf(page, '#item-software-management');
    assert.ok(row.includes(title), `the checklist lists the new document: ${row}`);
  });

  it('a new version keeps the previous one', async () => {
    await page.goto('/governance/documents?show=overdue');
    await Promise.all([page.waitForURL(/\/governance\/documents\/\d+$/), page.locator('main table a', { hasText: OVERDUE }).click()]);
    const detail = new URL(page.url()).pathname;
    await visit(page, `${detail}/edit`, '/governance/documents/{id}/edit');
    await page.fill('#next_review', isoDate(365));
    await page.fill('#change_note', 'Reviderad efter årets incidentövning.');
    await submitAndWait(page, 'main form button[value="new_version"]', /notice=document-new-version/);
    await checkCurrent(page, '/governance/documents/{id} (new version)');
    assert.ok((await textOf(page, 'main table')).includes('Reviderad efter årets incidentövning.'));
  });

  it('the internal control plan shows the reporting per administration and takes a report', async () => {
    await visit(page, '/governance/internal-control');
    assert.ok((await page.locator('main table').count()) >= 2, 'the plan and the reporting matrix');
    assert.ok((await textOf(page, 'main')).includes(sv('ic-status-deviation')));
    await Promise.all([page.waitForURL(/\/governance\/internal-control\/\d+$/), page.locator('main table tbody a').first().click()]);
    await checkCurrent(page, '/governance/internal-control/{id}');
    const open = page.locator('main details').filter({ hasNotText: 'Tolv stickprov' }).last();
    await open.locator('summary').click();
    await open.locator('textarea[name="result"]').fill('Kontrollen gjord av webbläsartesterna.');
    await Promise.all([page.waitForURL(/notice=control-report-saved/), open.locator('button[type="submit"]').click()]);
    await page.waitForLoadState('load');
    await checkCurrent(page, '/governance/internal-control/{id} (reported)');
    assert.ok((await textOf(page, 'main table')).includes('Kontrollen gjord av webbläsartesterna.'));
  });
});
