// The risk-analysis module as its users use it: the coordinator reads the management
// overview and the method, records a new method version, starts an analysis, adds a risk
// from the sector catalogue and decides its treatment; the information owner approves
// the analysis; the coordinator starts a revision, compares it with the approved version,
// downloads the PDF and plans a measure with its yearly follow-up. Every page on the way
// is checked with axe (WCAG 2.1 A/AA) and for its structure.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COORDINATOR, signIn, testEnvironment } from '../lib/browser.mjs';
import { t } from '../lib/locale.mjs';
import { assertAccessible, assertPageStructure, clickAndWait, maybeScreenshot, textOf } from '../lib/page.mjs';

const env = testEnvironment();

/** The demo's information owner: may approve analyses and accept risks. */
const INFORMATION_OWNER = 'informationsagare@region.example';
/** The demo analyses loaded by `serve --demo` (may not exist in every build yet). */
const JOURNAL_ANALYSIS = 'Riskanalys VIS Kosmos – vårdinformationssystem';
const OVERALL_ANALYSIS = 'Övergripande riskanalys 2026';
const CATALOGUE_RISK = 'RC-RANSOM';

const sv = (id) => t('sv', id);

async function checkCurrent(page, label) {
  await assertPageStructure(page, label);
  await maybeScreenshot(page, label);
  await assertAccessible(page, label);
}

/** Opens `path`, expects `status`, and checks the page. */
async function visit(page, path, label = path, status = 200) {
  const response = await page.goto(path);
  assert.ok(response, `no response for ${path}`);
  assert.equal(response.status(), status, `${path} should answer ${status}`);
  await checkCurrent(page, label);
}

/** Clicks a submit button and waits until the address matches `pattern`. */
async function submitAndWait(page, selector, pattern) {
  await Promise.all([page.waitForURL(pattern), page.locator(selector).click()]);
  await page.waitForLoadState('load');
}

/** The notice shown after a redirect with ?notice=…. */
async function expectNotice(page, id) {
  await page.locator('main .notice[role="status"]', { hasText: sv(id) }).waitFor();
}

/** A date `days` from today as YYYY-MM-DD (the date inputs' value format). */
function isoDate(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** The values of the selected options of a (multiple) select. */
function selectedValues(page, selector) {
  return page.locator(selector).evaluate((select) => [...select.selectedOptions].map((o) => o.value));
}

/** How many systems the systems picker has ticked. */
function chosenSystems(page) {
  return page.locator('#system_ids-options input[name="system_ids"]:checked').count();
}

/** The href of the first link in `scope` whose text contains `text`, or null. */
async function linkWithText(page, scope, text) {
  const link = page.locator(`${scope} a`, { hasText: text });
  return (await link.count()) > 0 ? link.first().getAttribute('href') : null;
}

describe('risk analysis', { timeout: 420_000 }, () => {
  let page;
  let ownerPage;
  let analysisId;
  let analysisPath;
  let riskId;
  let measurePath;
  const analysisTitle = `Riskanalys E2E ${Date.now()}`;

  before(async () => {
    await env.start();
    page = await env.newPage();
    await signIn(page, COORDINATOR);
  });
  after(() => env.stop());

  it('management overview: two heat maps with data tables, the largest and the untreated serious risks', async () => {
    await visit(page, '/risks');
    assert.equal(await textOf(page, 'main h1'), sv('risks-title'));
    // Current and expected residual risk, each an SVG image with a name and a table.
    const maps = page.locator('main figure.heat-map svg[role="img"]');
    assert.equal(await maps.count(), 2, 'two heat maps');
    for (const id of ['current-title', 'residual-title']) {
      assert.equal(await page.locator(`main svg[role="img"][aria-labelledby="${id}"] title#${id}`).count(), 1, `the heat map ${id} is named by its title`);
    }
    const heatTables = page.locator('main table caption', { hasText: sv('risk-heat-table') });
    assert.equal(await heatTables.count(), 2, 'each heat map has a data table');
    assert.equal(await textOf(page, '#current-heading'), sv('risks-current-title'));
    assert.equal(await textOf(page, '#residual-heading'), sv('risks-residual-title'));
    assert.equal(await textOf(page, '#largest-heading'), sv('risks-largest-title'));
    assert.ok((await page.locator('main ol.largest-risks > li').count()) <= 5, 'at most five largest risks');
    assert.equal(await textOf(page, '#untreated-heading'), sv('risks-untreated-title'));
    // The unit filter is a plain GET form.
    assert.equal(await page.locator('main form[action="/risks"] select#unit_id').count(), 1);
  });

  it('all risks, filtered by level', async () => {
    await visit(page, '/risks/list');
    assert.equal(await textOf(page, 'main h1'), sv('risk-list-title'));
    const level = 'very_high';
    // htmx replaces the results and puts the filter in the address.
    await Promise.all([page.waitForURL(/[?&]level=very_high/), page.selectOption('#level', level)]);
    await page.waitForLoadState('load');
    const filtered = new URL(page.url());
    // The same address loaded as a whole page: the server-side filter, checked with axe.
    await visit(page, `${filtered.pathname}${filtered.search}`, '/risks/list (very high)');
    assert.equal(await page.inputValue('#level'), level);
    const badges = await page.locator('#risk-results tbody tr td:nth-child(3) .level-badge').evaluateAll((spans) => spans.map((s) => s.className));
    assert.ok(badges.every((c) => c.split(/\s+/).includes(`level-${level}`)), `only very high risks are listed: ${badges.join(', ')}`);
  });

  it('method and matrix, recording a new method version through the form', async () => {
    await visit(page, '/risks/method');
    assert.equal(await textOf(page, 'main h1'), sv('method-title'));
    assert.equal(await page.locator('main table.risk-matrix caption', { hasText: sv('method-matrix-caption') }).count(), 1, 'the matrix is a table');
    const versionsBefore = await page.locator('section[aria-labelledby="versions-heading"] tbody tr').count();
    const name = `Regionens riskmetod E2E ${Date.now()}`;
    await page.fill('#name', name);
    await page.fill('#standard', 'SS-ISO/IEC 27005:2022');
    await page.fill('#description', 'Dokumenterad av webbläsartesterna.');
    await page.fill('#decided_by', 'Regiondirektören');
    await page.fill('#decided_on', isoDate(-3));
    await submitAndWait(page, 'main form[action="/risks/method"] button[type="submit"]', /\/risks\/method\?notice=method-recorded/);
    await expectNotice(page, 'notice-method-recorded');
    const current = await textOf(page, 'section[aria-labelledby="current-heading"] dl.facts');
    assert.ok(current.includes(name), `the new version is the one that applies: ${current}`);
    assert.equal(await page.locator('section[aria-labelledby="versions-heading"] tbody tr').count(), versionsBefore + 1, 'one more version is kept');
    await checkCurrent(page, '/risks/method (recorded)');
  });

  it('sector catalogue', async () => {
    await visit(page, '/risks/catalogue');
    assert.equal(await textOf(page, 'main h1'), sv('sector-catalogue-title'));
    assert.equal(await page.locator(`main section#${CATALOGUE_RISK}`).count(), 1, `${CATALOGUE_RISK} is in the catalogue`);
    assert.equal(await page.locator(`main nav a[href="#${CATALOGUE_RISK}"]`).count(), 1, 'the contents link to it');
  });

  it('analyses list, and the overdue filter', async () => {
    await visit(page, '/risks/analyses');
    assert.equal(await textOf(page, 'main h1'), sv('analyses-title'));
    await page.selectOption('#show', 'overdue');
    await clickAndWait(page, 'main form[action="/risks/analyses"] button[type="submit"]');
    assert.equal(new URL(page.url()).searchParams.get('show'), 'overdue');
    await checkCurrent(page, '/risks/analyses (overdue)');
    const rows = page.locator('main table tbody tr');
    const count = await rows.count();
    for (let i = 0; i < count; i++) {
      assert.ok((await rows.nth(i).textContent()).includes(sv('analyses-overdue-badge')), `row ${i + 1} is marked overdue`);
    }
  });

  it('creates an analysis: scope and a system', async () => {
    await visit(page, '/risks/analyses/new');
    assert.equal(await textOf(page, 'main h1'), sv('analyses-new'));
    await page.fill('#title', analysisTitle);
    await page.check('#scope-systems');
    // Searched without waiting for script: the form comes back with what was typed.
    await page.fill('#system_ids-q', 'Kosmos');
    await clickAndWait(page, '#system_ids input[name="picker_search"]');
    assert.equal(await page.inputValue('#title'), analysisTitle, 'the title is kept');
    assert.ok(await page.isChecked('#scope-systems'), 'the scope is kept');
    const match = page.locator('#system_ids-options input[name="system_ids"]').first();
    assert.ok(await match.count(), 'the register offers a match');
    const system = { text: (await textOf(page, `label[for="${await match.getAttribute('id')}"]`)).replace(/^\S+ /, '') };
    await match.check();
    // The analysis belongs to the administration where the information owner holds the role.
    const units = await page.locator('#unit_id option').evaluateAll((options) => options.map((o) => ({ value: o.value, text: o.textContent.trim() })));
    const unit = units.find((u) => u.text.endsWith('Hälso- och sjukvårdsförvaltningen'));
    assert.ok(unit, 'the unit is offered');
    await page.selectOption('#unit_id', unit.value);
    await page.fill('#participants', 'Informationsägare, systemförvaltare, samordnare');
    await page.fill('#external_developments', 'Fler angrepp med utpressningsprogram mot vården.');
    await submitAndWait(page, 'main form[action="/risks/analyses"] button[type="submit"]', /\/risks\/analyses\/\d+\?notice=analysis-created/);
    analysisId = Number(/\/risks\/analyses\/(\d+)/.exec(page.url())[1]);
    analysisPath = `/risks/analyses/${analysisId}`;
    await expectNotice(page, 'notice-analysis-created');
    assert.ok((await textOf(page, 'main h1')).includes(analysisTitle));
    assert.ok((await textOf(page, 'section[aria-labelledby="about-heading"]')).includes(system.text), 'the chosen system is shown');
    assert.equal(await textOf(page, '#risks p:not(:has(a))'), sv('analysis-no-risks'));
    await checkCurrent(page, 'new analysis');
  });

  it('refuses an empty risk with an error summary linked to the fields', async () => {
    await visit(page, `${analysisPath}/risks`, 'new risk form');
    assert.equal(await textOf(page, 'main h1'), sv('risk-new'));
    // Nothing filled: the analysis's systems are preselected, so take them away too.
    for (const chosen of await page.locator('#system_ids-options input[name="system_ids"]:checked').all()) await chosen.uncheck();
    await clickAndWait(page, `main form[action="${analysisPath}/risks"] button[type="submit"]`);
    const summary = page.locator('main .error-summary');
    await summary.waitFor();
    assert.equal(await summary.getAttribute('role'), 'alert');
    assert.equal(await textOf(page, '.error-summary h2'), sv('error-summary-title'));
    const targets = await summary.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    for (const field of ['#title', '#likelihood', '#consequence']) {
      assert.ok(targets.includes(field), `the summary links to ${field}: ${targets.join(' ')}`);
    }
    assert.equal(await page.getAttribute('#title', 'aria-invalid'), 'true');
    const describedBy = await page.getAttribute('#title', 'aria-describedby');
    assert.ok(describedBy && (await page.locator(`#${describedBy}`).isVisible()), 'the title points at its visible error message');
    for (const id of ['likelihood', 'consequence']) {
      assert.ok(await page.locator(`fieldset#${id} .error-message`).isVisible(), `the ${id} fieldset shows its error`);
    }
    await checkCurrent(page, 'new risk form (errors)');
    // Following a link puts the keyboard in the field.
    await summary.locator('a[href="#title"]').click();
    await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'title');
  });

  it('adds a risk from the sector catalogue through its start form', async () => {
    await page.goto('/risks/catalogue');
    const form = page.locator(`main section#${CATALOGUE_RISK} form[action="/risks/catalogue/start"]`);
    assert.equal(await form.count(), 1, 'the coordinator can start a risk from the catalogue');
    await page.selectOption(`#analysis-${CATALOGUE_RISK}`, String(analysisId));
    await Promise.all([
      page.waitForURL(new RegExp(`${analysisPath}/risks\\?catalogue=${CATALOGUE_RISK}$`)),
      form.locator('button[type="submit"]').click(),
    ]);
    await page.waitForLoadState('load');
    await checkCurrent(page, 'new risk from the catalogue');
    assert.equal(await textOf(page, 'main p.notice'), sv('risk-from-catalogue-notice'));
    assert.ok((await page.inputValue('#title')).length > 0, 'the title comes from the catalogue');
    assert.ok((await page.inputValue('#threat')).length > 0, 'the threat comes from the catalogue');
    assert.ok((await chosenSystems(page)) > 0, "the analysis's systems are preselected");

    await page.check('#likelihood-3');
    await page.check('#consequence-4');
    await page.fill('#likelihood_reason', 'Angrepp mot regioner har skett flera gånger de senaste åren.');
    await submitAndWait(page, `main form[action="${analysisPath}/risks"] button[type="submit"]`, /\/risks\/\d+\?notice=risk-created/);
    riskId = Number(/\/risks\/(\d+)\?/.exec(page.url())[1]);
    await expectNotice(page, 'notice-risk-created');
    const assessment = await textOf(page, 'section[aria-labelledby="assessment-heading"] dl.facts');
    assert.ok(assessment.includes(sv('risk-treatment-none')), 'no treatment is decided yet');
    assert.ok((await page.locator('section[aria-labelledby="assessment-heading"] .level-badge').count()) >= 1, 'the level is shown');
    assert.equal(await page.locator('main h3', { hasText: sv('risk-suggested-measures') }).count(), 1, 'the catalogue suggests measures');
    await checkCurrent(page, 'risk page');
  });

  it('decides to reduce the risk, with a justification', async () => {
    await page.check('#treatment-reduce');
    await page.fill('#justification', 'Risken är för hög för att accepteras; säkerhetskopior och segmentering minskar den.');
    await submitAndWait(page, `main form[action="/risks/${riskId}/treatment"] button[type="submit"]`, /\/risks\/\d+\?notice=risk-treatment-decided/);
    await expectNotice(page, 'notice-risk-treatment-decided');
    const assessment = await textOf(page, 'section[aria-labelledby="assessment-heading"] dl.facts');
    assert.ok(assessment.includes(sv('risk-treatment-reduce')), `the treatment is shown: ${assessment}`);
    assert.equal(await page.isChecked('#treatment-reduce'), true);
    await checkCurrent(page, 'risk page (treatment decided)');
  });

  it('the coordinator cannot approve the analysis', async () => {
    await visit(page, analysisPath, 'analysis with a treated risk');
    assert.equal(await page.locator(`main form[action="${analysisPath}/approve"]`).count(), 0, 'no approve button for the coordinator');
    assert.equal(await textOf(page, 'section[aria-labelledby="decision-heading"] p'), sv('analysis-approve-who'));
    assert.equal(await page.locator(`#risks a[href="/risks/${riskId}"]`).count(), 1, 'the risk is listed');
    // Nor by sending the form anyway.
    const csrf = await page.locator('main input[name="csrf_token"]').first().inputValue();
    const version = await page.locator(`main form[action="${analysisPath}"] input[name="version"]`).inputValue();
    const refused = await page.request.post(`${analysisPath}/approve`, { form: { csrf_token: csrf, version }, maxRedirects: 0 });
    assert.equal(refused.status(), 403, 'approving as the coordinator is forbidden');
  });

  it('the information owner approves it', async () => {
    ownerPage = await env.newPage();
    await signIn(ownerPage, INFORMATION_OWNER);
    await visit(ownerPage, analysisPath, 'analysis (information owner)');
    assert.equal(await textOf(ownerPage, 'section[aria-labelledby="decision-heading"] p'), sv('analysis-approve-help'));
    await submitAndWait(ownerPage, `main form[action="${analysisPath}/approve"] button[type="submit"]`, /\/risks\/analyses\/\d+\?notice=analysis-approved/);
    await expectNotice(ownerPage, 'notice-analysis-approved');
    assert.equal(await ownerPage.locator(`main a[href="${analysisPath}/versions/1"]`).count(), 1, 'version 1 is listed');
    assert.ok((await textOf(ownerPage, 'section[aria-labelledby="decision-heading"]')).includes(sv('analysis-frozen-help')));
    await checkCurrent(ownerPage, 'approved analysis (information owner)');
  });

  it('the approved version, frozen', async () => {
    await visit(page, `${analysisPath}/versions/1`, 'analysis version 1');
    assert.equal(await textOf(page, 'main p.notice'), sv('analysis-version-frozen'));
    assert.ok((await textOf(page, 'section[aria-labelledby="risks-heading"] tbody')).includes(sv('risk-treatment-reduce')));
    assert.equal(await page.locator(`main a[href="${analysisPath}/export.pdf?version=1"]`).count(), 1, 'the version can be downloaded as PDF');
    // The risk of an approved analysis is read-only until a revision starts.
    await visit(page, `/risks/${riskId}`, 'risk of an approved analysis');
    assert.equal(await textOf(page, 'main p.notice'), sv('risk-frozen-notice'));
    assert.equal(await page.locator(`main form[action="/risks/${riskId}/treatment"]`).count(), 0, 'no treatment form');
  });

  it('starts a revision and compares it with version 1', async () => {
    await page.goto(analysisPath);
    await submitAndWait(page, `main form[action="${analysisPath}/revise"] button[type="submit"]`, /\/risks\/analyses\/\d+\?notice=analysis-revising/);
    await expectNotice(page, 'notice-analysis-revising');
    assert.equal(await page.locator(`main form[action="${analysisPath}"]`).count(), 1, 'the analysis can be edited again');
    await checkCurrent(page, 'analysis under revision');

    await page.goto(`${analysisPath}/versions/1`);
    const compare = await page.locator('main a', { hasText: sv('analysis-compare-with-current') }).getAttribute('href');
    assert.equal(compare, `${analysisPath}/compare?left=1`);
    await visit(page, compare, 'compare version 1 with the working copy');
    assert.equal(await page.inputValue('#left'), '1');
    assert.equal(await page.inputValue('#right'), '');
    assert.ok((await page.locator('main table.compare tbody tr').count()) >= 1, 'the risk is compared');
    assert.ok((await textOf(page, 'main table.compare caption')).includes(sv('analysis-working-copy')));
  });

  it('offers the analysis as PDF and XLSX', async () => {
    await page.goto(analysisPath);
    const pdf = page.locator(`main a[href="${analysisPath}/export.pdf"]`);
    const xlsx = page.locator(`main a[href="${analysisPath}/export.xlsx"]`);
    assert.equal(await pdf.count(), 1, 'a PDF link');
    assert.equal(await xlsx.count(), 1, 'an XLSX link');
    const response = await page.request.get(await pdf.getAttribute('href'), { timeout: 120_000 });
    assert.equal(response.status(), 200, 'the PDF is served');
    assert.match(response.headers()['content-type'] ?? '', /^application\/pdf/);
    const body = await response.body();
    assert.equal(body.subarray(0, 5).toString('latin1'), '%PDF-', 'the body is a PDF');
    const sheet = await page.request.get(await xlsx.getAttribute('href'), { timeout: 60_000 });
    assert.equal(sheet.status(), 200, 'the XLSX is served');
    assert.match(sheet.headers()['content-type'] ?? '', /spreadsheetml|octet-stream/);
  });

  it('action plan', async () => {
    await visit(page, '/risks/measures');
    assert.equal(await textOf(page, 'main h1'), sv('action-plan-title'));
    assert.equal(await page.locator('main a[href="/risks/measures/new"]').count(), 1, 'the coordinator can add a measure');
  });

  it('plans a measure for the risk', async () => {
    await visit(page, `/risks/measures/new?risk=${riskId}`, 'new measure for the risk');
    assert.equal(await textOf(page, 'main h1'), sv('measure-new-title'));
    assert.deepEqual(await selectedValues(page, '#risk_ids'), [String(riskId)], 'the risk is preselected');
    assert.ok((await chosenSystems(page)) > 0, "the risk's systems are preselected");
    await page.fill('#title', 'Inför offline-säkerhetskopior av journalen');
    await page.fill('#description', 'Dagliga kopior som inte kan nås från nätverket.');
    await page.selectOption('#category', 'technical');
    await page.selectOption('#function', 'corrective');
    await page.fill('#reason', 'Återställning utan att betala lösen; segmentering övervägdes men räcker inte ensam.');
    await page.selectOption('#residual_likelihood', '2');
    await page.selectOption('#residual_consequence', '2');
    const responsible = await page.inputValue('#responsible_id');
    assert.ok(responsible, 'the responsible person is preselected');
    await page.selectOption('#responsible_id', responsible);
    await page.fill('#planned_on', isoDate(60));
    await submitAndWait(page, 'main form[action="/risks/measures"] button[type="submit"]', /\/risks\/measures\/\d+\?notice=measure-created/);
    measurePath = new URL(page.url()).pathname;
    await expectNotice(page, 'notice-measure-created');

    // The ten items of the action plan, in order.
    const items = await page.locator('main ol.plan-items > li > h3').evaluateAll((hs) => hs.map((h) => h.textContent.trim()));
    assert.deepEqual(items, [
      'measure-item-risks',
      'measure-item-systems',
      'measure-item-measure',
      'measure-item-reason',
      'measure-item-residual',
      'measure-item-responsible',
      'measure-item-planned',
      'measure-item-done',
      'measure-item-handled-risks',
      'measure-item-carried-out',
    ].map(sv));
    assert.ok((await page.locator(`main ol.plan-items a[href="/risks/${riskId}"]`).count()) >= 1, 'the risk is linked');
    assert.ok((await textOf(page, 'main ol.plan-items')).includes(sv('measure-carried-out-no')));
    assert.equal(await textOf(page, '#follow-ups-heading + p + p'), sv('measure-no-follow-ups'));
    await checkCurrent(page, 'measure page');

    // The risk now lists the measure.
    await page.goto(`/risks/${riskId}`);
    assert.equal(await page.locator(`main a[href="${measurePath}"]`).count(), 1, 'the risk links to its measure');
  });

  it('records a follow-up of the measure', async () => {
    await page.goto(measurePath);
    // This year is suggested (the server's year may differ from ours around New Year).
    const year = Number(await page.inputValue('#follow-year'));
    assert.ok(Math.abs(year - new Date().getFullYear()) <= 1, `this year is suggested, got ${year}`);
    await page.fill('#follow-effect', 'Återläsning provad i mars; journalen var tillbaka inom fyra timmar.');
    await page.check('#follow-still_valid');
    await submitAndWait(page, `main form[action="${measurePath}/follow-ups"] button[type="submit"]`, /\/risks\/measures\/\d+\?notice=measure-followed-up/);
    await expectNotice(page, 'notice-measure-followed-up');
    const table = page.locator('section[aria-labelledby="follow-ups-heading"] table');
    assert.equal(await table.count(), 1, 'the follow-ups are listed');
    assert.ok((await table.textContent()).includes('Återläsning provad i mars'));
    await checkCurrent(page, 'measure page (followed up)');
  });

  it("the demo's approved journal analysis, one of its risks and measures", async (ctx) => {
    await page.goto(`/risks/analyses?q=${encodeURIComponent('VIS Kosmos')}`);
    const journal = await linkWithText(page, 'main table', JOURNAL_ANALYSIS);
    if (!journal) {
      ctx.skip(`the demo data has no analysis "${JOURNAL_ANALYSIS}" yet`);
      return;
    }
    await visit(page, journal, 'demo journal analysis');
    assert.equal(await page.locator(`main form[action="${journal}/revise"]`).count(), 1, 'approved: a revision can be started');
    const risks = page.locator('#risks table a[href^="/risks/"]');
    if ((await risks.count()) === 0) {
      ctx.skip(`the demo analysis "${JOURNAL_ANALYSIS}" has no risks yet`);
      return;
    }
    await visit(page, await risks.first().getAttribute('href'), 'demo journal risk');
    const measures = page.locator('section[aria-labelledby="measures-heading"] a[href^="/risks/measures/"]');
    let measure = (await measures.count()) > 0 ? await measures.first().getAttribute('href') : null;
    if (!measure) {
      await page.goto(`/risks/measures?analysis_id=${/\d+$/.exec(journal)[0]}`);
      const planned = page.locator('#measure-results tbody a[href^="/risks/measures/"]');
      if ((await planned.count()) === 0) {
        ctx.skip(`the demo analysis "${JOURNAL_ANALYSIS}" has no measures yet`);
        return;
      }
      measure = await planned.first().getAttribute('href');
    }
    await visit(page, measure, 'demo journal measure');
  });

  it("the demo's draft overall analysis", async (ctx) => {
    await page.goto(`/risks/analyses?q=${encodeURIComponent('Övergripande')}`);
    const overall = await linkWithText(page, 'main table', OVERALL_ANALYSIS);
    if (!overall) {
      ctx.skip(`the demo data has no analysis "${OVERALL_ANALYSIS}" yet`);
      return;
    }
    await visit(page, overall, 'demo overall analysis (draft)');
    assert.equal(await page.locator(`main form[action="${overall}"]`).count(), 1, 'a draft can be edited');
  });
});
