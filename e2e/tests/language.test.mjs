// The header's language button switches the interface between Swedish and English.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN, signIn, testEnvironment } from '../lib/browser.mjs';
import { clickAndWait } from '../lib/page.mjs';

const env = testEnvironment();
const LANGUAGE_BUTTON = 'header form.language-form button[type="submit"]';

async function accountNav(page) {
  return page.locator('header nav.account-nav a').evaluateAll((links) => links.map((a) => a.textContent.replace(/\s+/g, ' ').trim()));
}

describe('language', { timeout: 180_000 }, () => {
  before(() => env.start());
  after(() => env.stop());

  it('switches to English and back with the header button', async () => {
    const page = await env.newPage();
    await signIn(page, ADMIN);
    await page.goto('/organisation');
    assert.equal(await page.getAttribute('html', 'lang'), 'sv');
    assert.ok((await accountNav(page)).includes('Användare'));

    assert.equal((await page.textContent(LANGUAGE_BUTTON)).trim(), 'In English');
    await clickAndWait(page, LANGUAGE_BUTTON);
    assert.equal(new URL(page.url()).pathname, '/organisation', 'the same page is shown again');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    const english = await accountNav(page);
    assert.ok(english.includes('Users'), `nav should show "Users": ${english.join(' | ')}`);
    assert.ok(english.includes('Audit trail'), `nav should show "Audit trail": ${english.join(' | ')}`);

    // The choice is kept on the account: it holds on other pages too.
    await page.goto('/users');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');

    assert.equal((await page.textContent(LANGUAGE_BUTTON)).trim(), 'På svenska');
    await clickAndWait(page, LANGUAGE_BUTTON);
    assert.equal(new URL(page.url()).pathname, '/users');
    assert.equal(await page.getAttribute('html', 'lang'), 'sv');
    const swedish = await accountNav(page);
    assert.ok(swedish.includes('Användare') && swedish.includes('Granskningslogg'), `nav should be Swedish again: ${swedish.join(' | ')}`);
  });

  it('switches the login page too, before signing in', async () => {
    const page = await env.newPage();
    await page.goto('/login');
    assert.equal(await page.getAttribute('html', 'lang'), 'sv');
    await clickAndWait(page, LANGUAGE_BUTTON);
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal((await page.textContent('h1')).trim(), 'Sign in');
    await clickAndWait(page, LANGUAGE_BUTTON);
    assert.equal(await page.getAttribute('html', 'lang'), 'sv');
  });
});
