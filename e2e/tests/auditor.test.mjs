// The auditor (granskare) reads everything and changes nothing.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AUDITOR, signIn, testEnvironment } from '../lib/browser.mjs';
import { assertAccessible, assertPageStructure } from '../lib/page.mjs';

const env = testEnvironment();

describe('auditor, read-only', { timeout: 180_000 }, () => {
  let page;

  before(async () => {
    await env.start();
    page = await env.newPage();
    await signIn(page, AUDITOR);
  });
  after(() => env.stop());

  it('can read the users list', async () => {
    const response = await page.goto('/users');
    assert.equal(response.status(), 200);
    assert.ok((await page.locator('main table tbody tr').count()) > 0, 'users are listed');
    assert.equal(await page.locator('main a[href="/users/new"]').count(), 0, 'no "new user" button');
    await assertPageStructure(page);
    await assertAccessible(page, '/users (auditor)');
  });

  it('can read the audit trail', async () => {
    const response = await page.goto('/audit');
    assert.equal(response.status(), 200);
    assert.ok((await page.locator('main table tbody tr').count()) > 0, 'events are listed');
    await assertPageStructure(page);
  });

  it('sees no create form on the organisation page', async () => {
    const response = await page.goto('/organisation');
    assert.equal(response.status(), 200);
    assert.ok((await page.locator('main table.tree tbody tr').count()) > 0, 'the units are listed');
    assert.equal(await page.locator('form[action="/organisation/units"]').count(), 0, 'no unit create form');
    assert.equal(await page.locator('form[action="/organisation/controllers"]').count(), 0, 'no controller create form');
    const editable = 'main :is(input:not([type="hidden"]), select, textarea):not(form[role="search"] *)';
    assert.equal(await page.locator(editable).count(), 0, 'no editable fields beside the unit filter');
    assert.equal(await page.locator('main form[role="search"][method="get"] select#unit_id').count(), 1, 'the unit filter is there');
    await assertPageStructure(page);
    await assertAccessible(page, '/organisation (auditor)');
  });

  it('sees a unit without edit or delete forms', async () => {
    await page.goto('/organisation');
    const href = await page.locator('main table.tree a').first().getAttribute('href');
    await page.goto(href);
    assert.equal(await page.locator('main form').count(), 0, 'no forms on a unit page');
    await assertPageStructure(page);
  });
});
