// The register of information assets: an asset created through the form (after a refused
// first try), linked to a system, found again in the list; the editing on a system's page.
// Every page on the way is checked with axe.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN, signIn, testEnvironment } from '../lib/browser.mjs';
import { assertAccessible, assertPageStructure, clickAndWait, maybeScreenshot, textOf } from '../lib/page.mjs';

const env = testEnvironment();
const CREATE_BUTTON = 'main form[action="/register/assets"] button[type="submit"]';

/** Checks the page's structure and runs axe on it. */
async function checkPage(page, label) {
  await assertPageStructure(page, label);
  await maybeScreenshot(page, label);
  await assertAccessible(page, label);
}

/** The value of the first option of `select` that is a real choice (not the empty one). */
async function firstChoice(page, select) {
  const values = await page.locator(`${select} option`).evaluateAll((list) => list.map((o) => o.value));
  const value = values.find((v) => v !== '');
  assert.ok(value, `${select} offers something to choose on ${page.url()}`);
  return value;
}

/** Asserts that the error summary links to the field and the field points at its message. */
async function assertFieldRefused(page, id) {
  const link = page.locator(`main .error-summary a[href="#${id}"]`);
  assert.equal(await link.count(), 1, `the error summary links to #${id}`);
  assert.ok((await link.textContent()).trim().length > 0, `the link to #${id} says what is wrong`);
  const describedBy = (await page.getAttribute(`#${id}`, 'aria-describedby')) ?? '';
  assert.ok(describedBy.split(' ').includes(`${id}-error`), `#${id} points at its message`);
  assert.ok(await page.locator(`#${id}-error`).isVisible(), `the message for #${id} is shown by the field`);
}

describe('register of information assets', { timeout: 180_000 }, () => {
  let page;
  const name = `Journalanteckningar E2E ${Date.now()}`;
  let assetPath;

  before(async () => {
    await env.start();
    page = await env.newPage();
    await signIn(page, ADMIN);
  });
  after(() => env.stop());

  it('the asset list, reached from the register of systems', async () => {
    await page.goto('/register');
    await clickAndWait(page, 'main nav a[href="/register/assets"]');
    assert.equal(new URL(page.url()).pathname, '/register/assets');
    assert.equal(await page.getAttribute('main nav a[href="/register/assets"]', 'aria-current'), 'page');
    await checkPage(page, '/register/assets');
  });

  it('the new asset form refuses a missing name and owner, naming both', async () => {
    const response = await page.goto('/register/assets/new');
    assert.equal(response.status(), 200);
    await checkPage(page, '/register/assets/new');

    await page.fill('#name', '  ');
    await page.fill('#description', 'Skrivs vid varje besök.');
    await page.selectOption('#form', 'paper');
    await clickAndWait(page, CREATE_BUTTON);
    await page.locator('main .error-summary').waitFor();
    await assertFieldRefused(page, 'name');
    await assertFieldRefused(page, 'owner_id');
    assert.equal(await page.inputValue('#description'), 'Skrivs vid varje besök.', 'what was typed is kept');
    assert.equal(await page.inputValue('#form'), 'paper', 'what was chosen is kept');
    await checkPage(page, '/register/assets/new (refused)');
  });

  it('creates an asset through the form and shows every field', async () => {
    await page.goto('/register/assets/new');
    await page.fill('#name', name);
    await page.fill('#description', 'Anteckningar i patientjournalen.');
    await page.selectOption('#form', 'digital');
    const owner = await firstChoice(page, '#owner_id');
    await page.selectOption('#owner_id', owner);
    const ownerName = (await page.locator(`#owner_id option[value="${owner}"]`).textContent()).trim();
    await page.selectOption('#unit_id', await firstChoice(page, '#unit_id'));
    await page.fill('#processes', 'Vård och behandling');
    await page.check('#contains_personal_data');
    await page.check('#category_health');
    await page.check('#category_protected_identity');
    await page.check('#business_critical');
    await clickAndWait(page, CREATE_BUTTON);

    const url = new URL(page.url());
    assert.match(url.pathname, /^\/register\/assets\/\d+$/, `after creating, the browser is on ${url.pathname}`);
    assetPath = url.pathname;
    assert.equal(await textOf(page, 'h1'), name);
    assert.equal(await page.locator('main .notice[role="status"]').count(), 1, 'a notice says it was created');
    const facts = await textOf(page, 'main .facts');
    for (const shown of [ownerName, 'Vård och behandling', 'Anteckningar i patientjournalen.']) {
      assert.ok(facts.includes(shown), `${shown} is among the facts: ${facts}`);
    }
    assert.equal(await page.locator('main .facts li').count(), 2, 'both categories of personal data are listed');
    assert.ok(await page.isChecked('#category_protected_identity'), 'the edit form shows what is stored');
    await checkPage(page, `${assetPath} (created)`);
  });

  it('links a system found with the search, without waiting for script', async () => {
    await page.goto(assetPath);
    const form = `main form[action="${assetPath}/systems"]`;
    await page.fill('#link-system_id-q', 'PACS');
    await clickAndWait(page, `${form} input[name="picker_search"]`);
    assert.equal(await page.inputValue('#link-system_id-q'), 'PACS', 'the search text is kept');
    assert.ok((await textOf(page, '#link-system_id-count')).length > 0, 'the count of matches is told');
    await checkPage(page, `${assetPath}/systems (searched)`);
    const match = page.locator('#link-system_id-options input[name="system_id"]').first();
    const system = await match.getAttribute('value');
    await match.check();
    await clickAndWait(page, `${form} button[type="submit"]`);
    assert.equal(new URL(page.url()).pathname, assetPath);
    const link = page.locator(`main section[aria-labelledby="systems-heading"] a[href="/register/systems/${system}"]`);
    assert.equal(await link.count(), 1, 'the system is listed as holding the asset');
    await checkPage(page, `${assetPath} (linked)`);

    // The system's page lists the asset, with its own editing forms.
    await clickAndWait(page, `main section[aria-labelledby="systems-heading"] a[href="/register/systems/${system}"]`);
    assert.equal(await page.locator(`main a[href="${assetPath}"]`).count(), 1, 'the system lists the asset');
    await checkPage(page, `/register/systems/${system}`);
  });

  it('a refused change on the system page is shown beside its form', async () => {
    const systemPath = new URL(page.url()).pathname;
    await page.fill('#recovery-acceptable_recovery_time_hours', 'ett dygn');
    await clickAndWait(page, `main form[action="${systemPath}/recovery-time"] button[type="submit"]`);
    await page.locator('main .error-summary').waitFor();
    await assertFieldRefused(page, 'recovery-acceptable_recovery_time_hours');
    assert.equal(await page.inputValue('#recovery-acceptable_recovery_time_hours'), 'ett dygn');
    await checkPage(page, `${systemPath} (refused recovery time)`);

    await page.goto(systemPath);
    // With script, typing searches as you type and tells the number of matches.
    await page.fill('#dependencies-depends_on_id-q', 'VIS');
    await page.locator('#dependencies-depends_on_id-options input[name="depends_on_id"]').first().waitFor();
    assert.ok((await textOf(page, '#dependencies-depends_on_id-count')).length > 0, 'the live region tells the matches');
    await checkPage(page, `${systemPath} (searched as typed)`);
    await page.goto(systemPath);
    await clickAndWait(page, `main form[action="${systemPath}/dependencies"] button[type="submit"]`);
    await page.locator('main .error-summary').waitFor();
    await assertFieldRefused(page, 'dependencies-depends_on_id');
    await checkPage(page, `${systemPath} (no dependency chosen)`);
  });

  it('finds the asset again with the filters', async () => {
    const query = new URLSearchParams({ q: name.toLowerCase(), form: 'digital', personal_data: 'yes', category: 'protected_identity', business_critical: 'yes' });
    const response = await page.goto(`/register/assets?${query}`);
    assert.equal(response.status(), 200);
    const rows = page.locator('main #asset-results tbody tr');
    assert.equal(await rows.count(), 1, 'exactly the new asset');
    assert.equal(await rows.first().locator(`a[href="${assetPath}"]`).count(), 1);
    assert.equal(await page.inputValue('#category'), 'protected_identity', 'the filter stays chosen');
    await checkPage(page, '/register/assets (filtered)');

    const none = await page.goto(`/register/assets?${new URLSearchParams({ q: name, form: 'paper' })}`);
    assert.equal(none.status(), 200);
    assert.equal(await page.locator('main #asset-results tbody tr').count(), 0, 'not on paper');
  });
});
