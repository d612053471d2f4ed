// Every page an administrator can reach, plus the login page and an error page, checked
// with axe-core (WCAG 2.1 A and AA) and for one h1 and one main landmark.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN, signIn, testEnvironment } from '../lib/browser.mjs';
import { assertAccessible, assertPageStructure, maybeScreenshot } from '../lib/page.mjs';

const env = testEnvironment();

/** The href of the first link in `scope` whose href matches `pattern`. */
async function firstLink(page, scope, pattern) {
  const hrefs = await page.locator(`${scope} a[href]`).evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  const href = hrefs.find((h) => pattern.test(h));
  assert.ok(href, `no link matching ${pattern} in ${scope} on ${page.url()}`);
  return href;
}

async function check(page, path, { status = 200, label = path } = {}) {
  const response = await page.goto(path);
  assert.ok(response, `no response for ${path}`);
  assert.equal(response.status(), status, `${path} should answer ${status}`);
  await assertPageStructure(page, label);
  await maybeScreenshot(page, label);
  await assertAccessible(page, label);
}

describe('accessibility of every page', { timeout: 180_000 }, () => {
  let page;

  before(async () => {
    await env.start();
    page = await env.newPage();
  });
  after(() => env.stop());

  it('login page, signed out', async () => {
    await check(page, '/login');
    assert.equal(await page.getAttribute('html', 'lang'), 'sv');
    // The skip link is the first thing the keyboard reaches, it shows when focused, and
    // it moves focus to the main landmark.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
    const box = await page.locator('a.skip-link').boundingBox();
    assert.ok(box && box.x >= 0 && box.y >= 0 && box.width > 1, `the focused skip link is on screen: ${JSON.stringify(box)}`);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'main');
  });

  it('login page with a wrong password', async () => {
    await page.goto('/login');
    await page.fill('#email', ADMIN);
    await page.fill('#password', 'not the password');
    await page.click('main form[action="/login"] button[type="submit"]');
    await page.locator('.error-summary a[href="#password"]').waitFor();
    assert.equal(await page.getAttribute('#password', 'aria-invalid'), 'true');
    await assertPageStructure(page, '/login (wrong password)');
    await assertAccessible(page, '/login (wrong password)');
  });

  it('start page', async () => {
    await signIn(page, ADMIN);
    await check(page, '/');
  });

  it('organisation', async () => {
    await check(page, '/organisation');
  });

  it('an organisation unit', async () => {
    await page.goto('/organisation');
    const unit = await firstLink(page, 'main table', /^\/organisation\/units\/\d+$/);
    await check(page, unit);
  });

  it('a data controller', async () => {
    await page.goto('/organisation');
    const controller = await firstLink(page, 'main table', /^\/organisation\/controllers\/\d+$/);
    await check(page, controller);
  });

  it('users', async () => {
    await check(page, '/users');
  });

  it('new user form', async () => {
    await check(page, '/users/new');
  });

  it('a user', async () => {
    await page.goto('/users');
    const user = await firstLink(page, 'main table', /^\/users\/\d+$/);
    await check(page, user);
  });

  it('register of networks and information systems', async () => {
    await check(page, '/register');
  });

  it('new system form', async () => {
    await check(page, '/register/systems/new');
  });

  it('a system in the register, after creating it through the form', async () => {
    await page.goto('/register/systems/new');
    await page.fill('#name', 'Journalsystemet');
    await Promise.all([
      page.waitForURL(/\/register\/systems\/\d+/),
      page.locator('main form[action="/register/systems"] button[type="submit"]').click(),
    ]);
    await check(page, new URL(page.url()).pathname);
  });

  it('audit trail', async () => {
    await check(page, '/audit');
  });

  it('an audit event', async () => {
    await page.goto('/audit');
    const event = await firstLink(page, 'main table', /^\/audit\/\d+$/);
    await check(page, event);
  });

  it('audit verification result as a full page (without htmx)', async () => {
    await page.goto('/audit');
    // form.submit() skips the submit event htmx listens for: a plain POST, as without JavaScript.
    await Promise.all([
      page.waitForURL('**/audit/verify'),
      page.locator('main form[action="/audit/verify"]').evaluate((form) => form.submit()),
    ]);
    await page.locator('#verify-outcome').waitFor();
    await assertPageStructure(page, '/audit/verify');
    await assertAccessible(page, '/audit/verify');
  });

  it('profile', async () => {
    await check(page, '/profile');
  });

  it('two-factor setup', async () => {
    await check(page, '/profile/two-factor');
  });

  it('error page for a unit that does not exist', async () => {
    await check(page, '/organisation/units/999999', { status: 404 });
  });

  it('the same pages in English', async () => {
    await page.goto('/');
    await page.click('header form.language-form button[type="submit"]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    try {
      for (const path of ['/', '/organisation', '/register', '/users', '/audit', '/profile', '/risks', '/risks/list', '/risks/analyses', '/risks/measures', '/risks/catalogue', '/risks/method']) {
        await check(page, path, { label: `${path} (English)` });
        assert.equal(await page.getAttribute('html', 'lang'), 'en');
      }
    } finally {
      await page.goto('/');
      await page.click('header form.language-form button[type="submit"]');
      await page.waitForFunction(() => document.documentElement.lang === 'sv');
    }
  });
});
