// The annual information security report as the coordinator works with it: the
// "Rapporter" landing page, the list of annual reports (the demo's 2025 report approved,
// 2026 a draft), the draft with its figures linking to their records and its texts
// saved, a new report for one administration made through the form, the approved report
// read-only with its version and downloads. Every page is checked for its structure and
// with axe (no serious or critical WCAG 2.1 A/AA violations).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { axeViolations, formatViolations } from '../lib/axe.mjs';
import { COORDINATOR, signIn, testEnvironment } from '../lib/browser.mjs';
import { t } from '../lib/locale.mjs';
import { assertPageStructure, maybeScreenshot } from '../lib/page.mjs';

const env = testEnvironment();
const sv = (id) => t('sv', id);
const SERIOUS = new Set(['serious', 'critical']);
const THIS_YEAR = new Date().getFullYear();
const LAST_YEAR = THIS_YEAR - 1;

/** Structure, screenshot and axe for the current page; minor findings become diagnostics. */
async function checkCurrent(page, label, ctx) {
  await assertPageStructure(page, label);
  await maybeScreenshot(page, label);
  const violations = await axeViolations(page);
  const serious = violations.filter((v) => SERIOUS.has(v.impact));
  assert.equal(serious.length, 0, `axe on ${label}:\n${formatViolations(serious)}`);
  const minor = violations.filter((v) => !SERIOUS.has(v.impact));
  if (minor.length > 0) ctx.diagnostic(`axe, minor/moderate on ${label}:\n${formatViolations(minor)}`);
}

async function visit(page, path, label, ctx) {
  const response = await page.goto(path);
  assert.ok(response, `no response for ${path}`);
  assert.equal(response.status(), 200, `${path} should answer 200`);
  await checkCurrent(page, label, ctx);
}

/** The link of the report of `year` for the whole organisation in the list. */
function reportLink(page, year) {
  return page.locator('main table a', { hasText: new RegExp(`${year}$`) }).first();
}

describe('annual report: landing, list, draft texts, new report and the approved version', { timeout: 300_000 }, () => {
  let page;

  before(async () => {
    await env.start();
    page = await env.newPage();
    await signIn(page, COORDINATOR);
  });
  after(() => env.stop());

  it('the navigation leads to the reports landing page with its three cards', async (ctx) => {
    await visit(page, '/', 'start', ctx);
    const nav = page.locator(`nav a[href="/reports"]`);
    assert.equal(await nav.count() > 0, true, 'the Rapporter module is a link');
    await Promise.all([page.waitForURL(/\/reports$/), nav.first().click()]);
    await checkCurrent(page, '/reports', ctx);
    for (const href of ['/reports/annual', '/reports/reviews', '/reports/board']) {
      assert.equal(await page.locator(`main a[href="${href}"]`).count(), 1, href);
    }
  });

  it('the list shows last year approved and this year as a draft', async (ctx) => {
    await visit(page, '/reports/annual', '/reports/annual', ctx);
    const rows = await page.locator('main table tbody tr').allTextContents();
    const last = rows.find((r) => r.includes(String(LAST_YEAR)));
    const current = rows.find((r) => r.includes(String(THIS_YEAR)));
    assert.ok(last && last.includes(sv('report-status-approved')), `last year approved: ${rows}`);
    assert.ok(current && current.includes(sv('report-status-draft')), `this year a draft: ${rows}`);
  });

  it('the draft shows figures with links and saves its texts', async (ctx) => {
    await page.goto('/reports/annual');
    await Promise.all([page.waitForURL(/\/reports\/annual\/\d+$/), reportLink(page, THIS_YEAR).click()]);
    await checkCurrent(page, 'draft report', ctx);
    const links = await page.locator('main dl.report-figures a').count();
    assert.ok(links >= 10, `figures link to their records (${links})`);
    const summary = page.locator('textarea[name="summary"]');
    await summary.fill('Året i korthet, skrivet i webbläsartestet.');
    await Promise.all([
      page.waitForURL(/notice=report-saved$/),
      page.locator('form#report button[type="submit"]').click(),
    ]);
    await page.locator('main .notice[role="status"]', { hasText: sv('notice-report-saved') }).waitFor();
    assert.equal(await page.locator('textarea[name="summary"]').inputValue(), 'Året i korthet, skrivet i webbläsartestet.');
    await checkCurrent(page, 'draft report after saving', ctx);
  });

  it('a new report for one administration is made through the form', async (ctx) => {
    await page.goto('/reports/annual');
    await page.locator('#year').fill(String(THIS_YEAR));
    const option = page.locator('#unit_id option', { hasText: 'Hälso- och sjukvårdsförvaltningen' }).first();
    await page.locator('#unit_id').selectOption(await option.getAttribute('value'));
    await Promise.all([
      page.waitForURL(/\/reports\/annual\/\d+\?notice=report-created$/),
      page.locator('main form[action="/reports/annual"] button[type="submit"]').click(),
    ]);
    await checkCurrent(page, 'new unit report', ctx);
    assert.match(await page.locator('main .page-heading').textContent(), /Hälso- och sjukvårdsförvaltningen/);
  });

  it('the approved report is read-only, with its version and downloads', async (ctx) => {
    await page.goto('/reports/annual');
    await Promise.all([page.waitForURL(/\/reports\/annual\/\d+$/), reportLink(page, LAST_YEAR).click()]);
    await checkCurrent(page, 'approved report', ctx);
    assert.equal(await page.locator('textarea').count(), 0, 'no text fields');
    assert.equal(await page.locator('main #versions-heading + table tbody tr').count(), 1, 'one version');
    const pdf = await page.request.get(new URL('report.pdf', `${page.url()}/`).href);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');
  });
});
