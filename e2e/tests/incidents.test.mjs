// Incidents as their users handle them: an employee reports a deviation through the
// intake form; the head of operations assesses it and escalates it to the NIS assessors;
// the NIS assessor answers the significance question, decides that it is reportable
// under the Cybersecurity Act, and the early warning's clock starts; the head of
// operations opens the early warning draft and marks it as submitted. The intake form
// refuses a discovery time in the future and keeps what was typed. Every page on the way
// is checked for its structure and with axe (no serious or critical WCAG 2.1 A/AA
// violations). The test creates its own case; it does not depend on demo incidents.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { axeViolations, formatViolations } from '../lib/axe.mjs';
import { signIn, testEnvironment } from '../lib/browser.mjs';
import { t } from '../lib/locale.mjs';
import { assertPageStructure, maybeScreenshot, textOf } from '../lib/page.mjs';

const env = testEnvironment();

/** Any signed-in employee may report a deviation. */
const EMPLOYEE = 'medarbetare@region.example';
/** Assesses deviations in Akutkliniken and holds the reporting mandate for cybersecurity. */
const HEAD_OF_OPERATIONS = 'verksamhetschef@region.example';
/** Decides whether an incident is significant under the Cybersecurity Act. */
const NIS_ASSESSOR = 'nis-bedomare@region.example';
/** The employee's own unit (under the head of operations' Akutkliniken). */
const EMPLOYEE_UNIT = 'Akutmottagningen';
/** The report planned first when the cybersecurity track is reportable. */
const EARLY_WARNING = 'Tidig varning';
const EARLY_WARNING_LABEL = `Cybersäkerhetslagen: ${EARLY_WARNING}`;

const sv = (id) => t('sv', id);

/** The fixed part of `clock-left = {$span} kvar`. */
const CLOCK_LEFT = ' kvar';
/** The fixed part of `incident-submitted-by = Lämnad av {$who}`. */
const SUBMITTED_BY = 'Lämnad av';

const SERIOUS = new Set(['serious', 'critical']);

/** Asserts that axe finds no serious or critical WCAG 2.1 A/AA violations. */
async function assertNoSeriousViolations(page, label) {
  const violations = await axeViolations(page);
  const serious = violations.filter((v) => SERIOUS.has(v.impact));
  assert.equal(
    serious.length,
    0,
    `axe found ${serious.length} serious/critical WCAG 2.1 A/AA violation(s) on ${label}:\n${formatViolations(serious)}`,
  );
  return violations.filter((v) => !SERIOUS.has(v.impact));
}

/** Structure, screenshot and axe for the current page; minor findings become diagnostics. */
async function checkCurrent(page, label, ctx) {
  await assertPageStructure(page, label);
  await maybeScreenshot(page, label);
  const minor = await assertNoSeriousViolations(page, label);
  if (minor.length > 0 && ctx) ctx.diagnostic(`axe, minor/moderate on ${label}:\n${formatViolations(minor)}`);
}

/** Opens `path`, expects `status`, and checks the page. */
async function visit(page, path, label, ctx, status = 200) {
  const response = await page.goto(path);
  assert.ok(response, `no response for ${path}`);
  assert.equal(response.status(), status, `${path} should answer ${status}`);
  await checkCurrent(page, label, ctx);
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

/**
 * A Swedish wall-clock time `minutes` from now in the datetime-local format
 * (YYYY-MM-DDTHH:MM), as the forms expect it.
 */
function swedishLocal(minutes) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Stockholm',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(Date.now() + minutes * 60_000))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** Chooses the employee's unit in #unit_id (or the first unit offered). */
async function chooseUnit(page) {
  const units = await page.locator('#unit_id option').evaluateAll((options) =>
    options.filter((o) => o.value).map((o) => ({ value: o.value, text: o.textContent.trim() })),
  );
  assert.ok(units.length > 0, 'the intake form offers units');
  const unit = units.find((u) => u.text === EMPLOYEE_UNIT) ?? units.find((u) => u.text.includes(EMPLOYEE_UNIT)) ?? units[0];
  await page.selectOption('#unit_id', unit.value);
  return unit;
}

/** The cells of the reports table row whose report link reads `label`, as trimmed text. */
async function reportRow(page, label) {
  const row = page.locator('section[aria-labelledby="reports-heading"] table tbody tr', {
    has: page.locator('td:first-child a', { hasText: label }),
  });
  assert.equal(await row.count(), 1, `the reports table lists "${label}" once`);
  const cells = await row.locator('td').evaluateAll((tds) => tds.map((td) => td.textContent.replace(/\s+/g, ' ').trim()));
  return { row, cells };
}

describe('incidents: intake, assessment, cybersecurity decision and the early warning', { timeout: 300_000 }, () => {
  let employee;
  let head;
  let assessor;
  let caseId;
  let casePath;
  let earlyWarningPath;
  const title = `Utpressningsattack E2E ${Date.now()}`;
  const reference = `CERT-E2E-${Date.now()}`;

  before(async () => {
    await env.start();
    employee = await env.newPage();
    head = await env.newPage();
    assessor = await env.newPage();
    await signIn(employee, EMPLOYEE);
    await signIn(head, HEAD_OF_OPERATIONS);
    await signIn(assessor, NIS_ASSESSOR);
  });
  after(() => env.stop());

  it('the employee reports a deviation with "care disrupted" and lands on the case page', async (ctx) => {
    await visit(employee, '/incidents/new', '/incidents/new', ctx);
    assert.equal(await textOf(employee, 'main h1'), sv('incident-report'));
    assert.equal(await textOf(employee, 'label[for="care_disrupted"]'), sv('incident-field-care-disrupted'));

    await employee.fill('#title', title);
    await employee.fill('#description', 'Journalen visar ett meddelande om lösensumma; vi dokumenterar på papper.');
    await employee.fill('#started_at', swedishLocal(-180));
    await employee.fill('#discovered_at', swedishLocal(-120));
    await chooseUnit(employee);
    // The systems are searched as the employee types.
    await employee.fill('#system_ids-q', 'Kosmos');
    const system = employee.locator('#system_ids-options input[name="system_ids"]').first();
    await system.waitFor();
    await system.check();
    await employee.check('#care_disrupted');
    assert.equal(await employee.isChecked('#personal_data'), false);
    assert.equal(await employee.isChecked('#patient_harm'), false);

    await submitAndWait(employee, 'main form[action="/incidents"] button[type="submit"]', /\/incidents\/\d+\?notice=incident-reported$/);
    caseId = Number(/\/incidents\/(\d+)\?/.exec(employee.url())[1]);
    casePath = `/incidents/${caseId}`;
    await expectNotice(employee, 'notice-incident-reported');
    assert.ok((await textOf(employee, 'main h1')).includes(title), 'the case page is headed by the title');
    assert.equal(await textOf(employee, '#reports-heading'), sv('incident-reports'));
    assert.equal(await textOf(employee, '#reports-heading + p'), sv('incident-no-reports'));
    assert.equal(await textOf(employee, '#assessment-heading + p'), sv('incident-not-assessed'));
    // The reporter cannot assess.
    assert.equal(await employee.locator('#assessment-category').count(), 0, 'no assessment form for the employee');
    await checkCurrent(employee, 'case page (reported, employee)', ctx);
  });

  it('the head of operations assesses the deviation and escalates it to cybersecurity', async (ctx) => {
    assert.ok(casePath, 'the case was reported');
    await visit(head, casePath, 'case page (head of operations)', ctx);
    assert.equal(await textOf(head, '#assessment-heading'), sv('incident-assessment'));
    // Care was disrupted, so the escalation to the NIS assessors is suggested.
    assert.equal(await head.isChecked('#escalate-cybersecurity'), true, 'the cybersecurity escalation is preselected');

    await head.selectOption('#assessment-category', 'it_security');
    await head.fill('#assessment-reasoning', 'Journalen är nere på hela akutmottagningen; misstänkt utpressningsprogram.');
    await head.fill('#assessment-measures_taken', 'Nätet isolerat, reservrutiner startade.');
    await head.check('#escalate-cybersecurity');
    const form = head.locator(`main form[action="${casePath}/assessment"]`);
    await Promise.all([
      head.waitForURL(new RegExp(`${casePath}\\?notice=incident-assessed$`)),
      form.getByRole('button', { name: sv('incident-assess') }).click(),
    ]);
    await head.waitForLoadState('load');
    await expectNotice(head, 'notice-incident-assessed');

    const assessment = await textOf(head, 'section[aria-labelledby="assessment-heading"] dl.facts');
    assert.ok(assessment.includes(sv('incident-category-it-security')), `the category is shown: ${assessment}`);
    assert.ok(assessment.includes('misstänkt utpressningsprogram'), `the reasoning is shown: ${assessment}`);
    const track = await textOf(head, '#track-cybersecurity');
    assert.ok(track.startsWith(sv('incident-track-cybersecurity')), `a cybersecurity track: ${track}`);
    assert.ok(track.includes(sv('incident-track-status-escalated')), `waiting for the NIS assessors: ${track}`);
    // The head of operations does not decide the cybersecurity track.
    assert.equal(await head.locator('#cybersecurity-decision').count(), 0, 'no decision form for the head of operations');
    await checkCurrent(head, 'case page (assessed)', ctx);
  });

  it('the NIS assessor finds an operational disruption, decides reportable and the early warning clock runs', async (ctx) => {
    assert.ok(casePath, 'the case was reported');
    await visit(assessor, casePath, 'case page (NIS assessor)', ctx);
    assert.equal(await assessor.locator('#assessment-category').count(), 0, 'no assessment form for the NIS assessor');
    const questions = assessor.locator('#cybersecurity-answer-operational-disruption');
    assert.equal(await questions.count(), 1, 'the significance question on operational disruption is asked');

    await assessor.check('#cybersecurity-operational-disruption-yes');
    assert.equal(await assessor.isChecked('#cybersecurity-operational-disruption-no'), false);
    await assessor.selectOption('#cybersecurity-decision', 'reportable');
    const awareness = swedishLocal(-60);
    await assessor.fill('#cybersecurity-awareness_at', awareness);
    await assessor.fill('#cybersecurity-reasoning', 'Betydande driftstörning i vården; journalen otillgänglig.');
    await assessor.fill('#cybersecurity-consulted', 'LVS, Intraservice');
    const form = assessor.locator(`main form[action="${casePath}/tracks/cybersecurity"]`);
    await Promise.all([
      assessor.waitForURL(new RegExp(`${casePath}\\?notice=incident-decided$`)),
      form.getByRole('button', { name: sv('incident-decide') }).click(),
    ]);
    await assessor.waitForLoadState('load');
    await expectNotice(assessor, 'notice-incident-decided');

    const track = await textOf(assessor, '#track-cybersecurity');
    assert.ok(track.includes(sv('incident-track-status-reportable')), `the track is reportable: ${track}`);
    const { row, cells } = await reportRow(assessor, EARLY_WARNING_LABEL);
    const [name, recipient, clockStart, due, status] = cells;
    assert.ok(name.includes(EARLY_WARNING), `the early warning is listed: ${name}`);
    assert.ok(recipient.length > 0, 'the recipient is shown');
    assert.ok(clockStart.startsWith(sv('incident-clock-start-awareness')), `the clock starts at awareness: ${clockStart}`);
    assert.ok(due.length > 0, 'the due time is shown');
    assert.ok(status.endsWith(CLOCK_LEFT), `the clock is running ("… kvar"): ${status}`);
    assert.equal(await row.locator('.clock-overdue').count(), 0, 'the early warning is not overdue');
    // 24 hours from an awareness one hour ago: about 23 hours left.
    const left = /(\d+) h (\d+) min/.exec(status);
    assert.ok(left, `the time left is in hours and minutes: ${status}`);
    const minutesLeft = Number(left[1]) * 60 + Number(left[2]);
    assert.ok(minutesLeft > 22 * 60 && minutesLeft <= 23 * 60 + 1, `about 23 hours left, got ${status}`);
    earlyWarningPath = await row.locator('td:first-child a').getAttribute('href');
    assert.match(earlyWarningPath, new RegExp(`^${casePath}/obligations/\\d+$`));
    await checkCurrent(assessor, 'case page (decided reportable)', ctx);
  });

  it('the head of operations opens the early warning draft and marks it as submitted', async (ctx) => {
    assert.ok(earlyWarningPath, 'the early warning was planned');
    await head.goto(casePath);
    await Promise.all([
      head.waitForURL((url) => url.pathname === earlyWarningPath),
      head.locator('section[aria-labelledby="reports-heading"] table a', { hasText: EARLY_WARNING_LABEL }).click(),
    ]);
    await head.waitForLoadState('load');
    await checkCurrent(head, 'early warning draft', ctx);
    assert.ok((await textOf(head, 'main h1')).includes(EARLY_WARNING), 'the draft is headed by the report');
    assert.equal(await head.locator(`main a[href="${casePath}"]`).count(), 1, 'the draft links back to the case');
    assert.equal(await textOf(head, '#submit-heading'), sv('incident-mark-submitted'));

    await head.fill('#submitted_at', swedishLocal(-5));
    await head.fill('#channel', 'IRON');
    await head.fill('#reference', reference);
    const form = head.locator(`main form[action="${earlyWarningPath}"]`);
    await Promise.all([
      head.waitForURL(new RegExp(`${casePath}\\?notice=incident-report-submitted$`)),
      form.getByRole('button', { name: sv('incident-mark-submitted') }).click(),
    ]);
    await head.waitForLoadState('load');
    await expectNotice(head, 'notice-incident-report-submitted');

    const { row, cells } = await reportRow(head, EARLY_WARNING_LABEL);
    const status = cells[4];
    assert.ok(status.startsWith(SUBMITTED_BY), `the early warning is shown as submitted: ${status}`);
    assert.ok(status.includes('IRON') && status.includes(reference), `the channel and reference are shown: ${status}`);
    assert.equal(cells[3], '', 'a submitted report has no running clock');
    assert.equal(await row.locator('.clock-overdue').count(), 0);
    await checkCurrent(head, 'case page (early warning submitted)', ctx);

    // The draft page says so too, and offers no second submission.
    await visit(head, earlyWarningPath, 'early warning draft (submitted)', ctx);
    const submitted = head.locator('main dl.facts > div', { has: head.locator('dt', { hasText: sv('incident-submitted') }) });
    assert.equal(await submitted.count(), 1, 'the draft has a "submitted" fact');
    const who = ((await submitted.locator('dd').textContent()) ?? '').replace(/\s+/g, ' ').trim();
    assert.ok(who.includes(HEAD_OF_OPERATIONS) && who.includes('IRON'), `the draft shows who submitted it and how: ${who}`);
    assert.equal(await head.locator('#submit-heading').count(), 0, 'no second submission');
  });

  it('the intake form refuses a discovery time in the future and keeps what was typed', async (ctx) => {
    await employee.goto('/incidents/new');
    const typed = `Fel brev E2E ${Date.now()}`;
    await employee.fill('#title', typed);
    await employee.fill('#description', 'Ett provsvar skickades till fel patient.');
    await employee.fill('#discovered_at', swedishLocal(180));
    await chooseUnit(employee);
    const [response] = await Promise.all([
      employee.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/incidents'),
      employee.locator('main form[action="/incidents"] button[type="submit"]').click(),
    ]);
    await employee.waitForLoadState('load');
    assert.equal(response.status(), 422, 'the form is refused');

    const summary = employee.locator('main .error-summary');
    await summary.waitFor();
    assert.equal(await summary.getAttribute('role'), 'alert');
    assert.equal(await textOf(employee, '.error-summary h2'), sv('error-summary-title'));
    const link = summary.locator('a[href="#discovered_at"]');
    assert.equal(await link.count(), 1, 'the summary links to the discovery time');
    const message = (await link.textContent()).trim();
    assert.ok(message.includes(sv('field-error-in-future')), `the message says the time is in the future: ${message}`);
    assert.equal(await employee.getAttribute('#discovered_at', 'aria-invalid'), 'true');
    assert.equal(await employee.getAttribute('#discovered_at', 'aria-describedby'), 'discovered_at-error');
    assert.ok(await employee.locator('#discovered_at-error').isVisible(), 'the field shows its error');
    assert.equal(await employee.inputValue('#title'), typed, 'the typed title is kept');
    await checkCurrent(employee, '/incidents/new (discovery in the future)', ctx);

    // Following the link puts the keyboard in the field.
    await link.click();
    await employee.waitForFunction(() => document.activeElement && document.activeElement.id === 'discovered_at');

    // Nothing was stored.
    await employee.goto(`/incidents?q=${encodeURIComponent(typed)}`);
    assert.equal(await employee.locator('main table tbody a', { hasText: typed }).count(), 0, 'the refused report is not listed');
  });

  it('the list of cases shows the new case and its running clocks', async (ctx) => {
    assert.ok(casePath, 'the case was reported');
    await visit(head, `/incidents?q=${encodeURIComponent(title)}`, '/incidents (search)', ctx);
    // The list of cases (the table with a caption); the running clocks have their own table.
    assert.equal(await head.locator(`main table:has(caption) tbody a[href="${casePath}"]`).count(), 1, 'the case is listed');
    const clocks = head.locator('section[aria-labelledby="clocks-heading"] tbody tr', { has: head.locator(`a[href="${casePath}"]`) });
    assert.ok((await clocks.count()) >= 1, "the case's running clocks are listed");
  });
});
