// The organisation page's forms: create a unit, and the error summary for a bad one.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN, signIn, testEnvironment } from '../lib/browser.mjs';
import { assertAccessible, assertPageStructure, clickAndWait, textOf } from '../lib/page.mjs';
import { t } from '../lib/locale.mjs';

const env = testEnvironment();
const CREATE_BUTTON = 'main form[action="/organisation/units"] button[type="submit"]';

/** The value of the option in `select` whose visible text (indent trimmed) is `label`. */
async function optionValue(page, select, label) {
  const options = await page.locator(`${select} option`).evaluateAll((list) =>
    list.map((o) => ({ value: o.value, text: o.textContent.replace(/\s+/g, ' ').trim() })),
  );
  const found = options.find((o) => o.text === label || o.text.endsWith(` ${label}`) || o.text.replace(/^[^\p{L}\d(]+/u, '') === label);
  assert.ok(found, `no option ${JSON.stringify(label)} in ${select}: ${options.map((o) => o.text).join(' | ')}`);
  return found.value;
}

describe('organisation units', { timeout: 180_000 }, () => {
  let page;

  before(async () => {
    await env.start();
    page = await env.newPage();
    await signIn(page, ADMIN);
  });
  after(() => env.stop());

  it('creates a unit under a parent', async () => {
    const name = `Avdelning E2E ${Date.now()}`;
    await page.goto('/organisation');
    await page.fill('#name', name);
    await page.selectOption('#kind', 'unit');
    const parent = await optionValue(page, '#parent_id', 'Akutkliniken');
    await page.selectOption('#parent_id', parent);
    await page.fill('#description', 'Skapad av webbläsartesterna.');
    await clickAndWait(page, CREATE_BUTTON);

    const url = new URL(page.url());
    assert.match(url.pathname, /^\/organisation\/units\/\d+$/, `after creating, the browser is on ${url.pathname}`);
    assert.equal(await textOf(page, 'h1'), name);
    assert.equal(await textOf(page, 'main .notice[role="status"]'), t('sv', 'notice-unit-created'));
    assert.ok((await textOf(page, 'main .facts')).includes(t('sv', 'unit-kind-unit')));
    // The edit form shows the chosen parent.
    assert.equal(await page.inputValue('#parent_id'), parent);
    await assertPageStructure(page);
    await assertAccessible(page, 'unit page after creating');

    // The new unit is in the tree, right below its parent's other children.
    await page.goto('/organisation');
    const link = page.locator('main table.tree a', { hasText: name });
    assert.equal(await link.count(), 1, 'the new unit is listed once on /organisation');
    assert.equal(await link.getAttribute('href'), url.pathname);

    // Narrowed to the parent, the list holds the parent, the new unit and nothing beside them.
    const units = () => page.locator('main table.tree tbody tr').count();
    const everything = await units();
    await page.selectOption('#unit_id', parent);
    await clickAndWait(page, 'main form[action="/organisation"][method="get"] button[type="submit"]');
    assert.equal(new URL(page.url()).searchParams.get('unit_id'), parent);
    const narrowed = await units();
    assert.ok(narrowed >= 2 && narrowed < everything, `${narrowed} of ${everything} units below the parent`);
    assert.equal(await page.locator('main table.tree a', { hasText: name }).count(), 1);
    assert.match(await textOf(page, 'main p[role="status"]'), new RegExp(`^${narrowed}\\b`));
    assert.equal(await page.inputValue('#unit_id'), parent);
    await assertAccessible(page, '/organisation narrowed to a unit');
  });

  it('shows an error summary linked to the name field when the name is empty', async () => {
    await page.goto('/organisation');
    await page.fill('#name', '   ');
    await page.selectOption('#kind', 'operation');
    const parent = await optionValue(page, '#parent_id', 'Regionservice');
    await page.selectOption('#parent_id', parent);
    await clickAndWait(page, CREATE_BUTTON);

    const summary = page.locator('main .error-summary');
    await summary.waitFor();
    assert.equal(await summary.getAttribute('role'), 'alert');
    assert.equal(await textOf(page, '.error-summary h2'), t('sv', 'error-summary-title'));
    const link = summary.locator('a[href="#name"]');
    assert.equal(await link.count(), 1, 'the summary links to #name');
    assert.ok((await link.textContent()).trim().length > 0, 'the link says what is wrong');
    assert.equal(await page.getAttribute('#name', 'aria-invalid'), 'true');
    const describedBy = await page.getAttribute('#name', 'aria-describedby');
    assert.ok(describedBy, '#name points at its error message');
    assert.ok(await page.locator(`#${describedBy}`).isVisible(), 'the error message is shown by the field');
    // What was chosen is kept.
    assert.equal(await page.inputValue('#kind'), 'operation');
    assert.equal(await page.inputValue('#parent_id'), parent);
    await assertPageStructure(page, '/organisation (errors)');
    await assertAccessible(page, '/organisation (errors)');

    // Following the link puts the keyboard in the field.
    await link.click();
    await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'name');
  });

  it('the collapsed forms are accessible when opened', async () => {
    await page.goto('/organisation');
    const summaries = page.locator('main details > summary');
    const count = await summaries.count();
    assert.ok(count > 0, 'the administrator has collapsed forms on /organisation');
    for (let i = 0; i < count; i++) await summaries.nth(i).click();
    const closed = await page.locator('main details:not([open])').count();
    assert.equal(closed, 0, 'every details panel opens with a click on its summary');
    await assertPageStructure(page, '/organisation (panels open)');
    await assertAccessible(page, '/organisation (panels open)');
  });

  it('a refused data controller keeps its panel open with the error summary', async () => {
    await page.goto('/organisation');
    const panel = page.locator('main details:has(form[action="/organisation/controllers"])');
    await panel.locator('summary').click();
    await panel.locator('input[name="name"]').fill('');
    await clickAndWait(page, 'main form[action="/organisation/controllers"] button[type="submit"]');
    const refused = page.locator('main details:has(form[action="/organisation/controllers"])');
    await refused.locator('.error-summary').waitFor();
    assert.equal(await refused.getAttribute('open'), '', 'the panel with the errors is open');
    const links = await refused.locator('.error-summary a').count();
    assert.ok(links > 0, 'the summary lists what is wrong');
    await assertPageStructure(page, '/organisation (controller errors)');
    await assertAccessible(page, '/organisation (controller errors)');
  });
});
