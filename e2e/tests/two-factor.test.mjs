// Two-factor sign-in: a coordinator turns on TOTP, signs out, and signs in again with a
// code computed here (RFC 6238) from the secret the page shows.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COORDINATOR, signIn, signOut, submitLogin, testEnvironment } from '../lib/browser.mjs';
import { assertAccessible, assertPageStructure, clickAndWait, textOf } from '../lib/page.mjs';
import { t } from '../lib/locale.mjs';
import { timeStep, totp } from '../lib/totp.mjs';

const env = testEnvironment();

/**
 * A code the server has not seen accepted yet. The server accepts one step of clock skew,
 * so when the current step's code was already used, the next step's code is fresh.
 */
function freshCode(secret, usedStep) {
  const now = timeStep();
  const step = now > usedStep ? now : usedStep + 1;
  return { code: totp(secret, step), step };
}

describe('two-factor sign-in', { timeout: 180_000 }, () => {
  before(() => env.start());
  after(() => env.stop());

  it('turns on TOTP and asks for a code at the next sign-in', async () => {
    const page = await env.newPage();
    await signIn(page, COORDINATOR);

    // Turn it on.
    await page.goto('/profile/two-factor');
    await assertPageStructure(page);
    await clickAndWait(page, 'main form[action="/profile/two-factor"] button[type="submit"]');
    assert.equal(new URL(page.url()).pathname, '/profile/two-factor');
    const secret = await textOf(page, '#totp-secret');
    assert.match(secret, /^[A-Z2-7]{16,}=*$/, `the secret should be base32, got ${JSON.stringify(secret)}`);
    await assertPageStructure(page, '/profile/two-factor (setting up)');
    await assertAccessible(page, '/profile/two-factor (setting up)');

    // A wrong code is refused with an error linked to the field.
    const enrolStep = timeStep();
    const right = totp(secret, enrolStep);
    const wrong = right === '000000' ? '111111' : '000000';
    await page.fill('#code', wrong);
    await clickAndWait(page, 'main form[action="/profile/two-factor/confirm"] button[type="submit"]');
    await page.locator('.error-summary a[href="#code"]').waitFor();
    assert.equal(await page.getAttribute('#code', 'aria-invalid'), 'true');
    assert.equal(await textOf(page, '#totp-secret'), secret, 'the same secret is offered again');
    await assertAccessible(page, '/profile/two-factor (wrong code)');

    const usedStep = timeStep();
    await page.fill('#code', totp(secret, usedStep));
    await clickAndWait(page, 'main form[action="/profile/two-factor/confirm"] button[type="submit"]');
    assert.equal(new URL(page.url()).pathname, '/profile');
    assert.equal(await textOf(page, 'main .notice[role="status"]'), t('sv', 'notice-two-factor-enabled'));
    assert.ok((await textOf(page, 'main .facts')).includes(t('sv', 'two-factor-on')));

    await signOut(page);

    // The password alone is not enough any more.
    await submitLogin(page, COORDINATOR);
    assert.equal(new URL(page.url()).pathname, '/login/two-factor');
    await assertPageStructure(page);
    await assertAccessible(page);
    // Nothing but the second step is reachable with a half-finished sign-in.
    await page.goto('/organisation');
    assert.notEqual(new URL(page.url()).pathname, '/organisation', 'a pending sign-in must not reach /organisation');
    await page.goto('/login/two-factor');

    const { code } = freshCode(secret, usedStep);
    await page.fill('#code', code);
    await clickAndWait(page, 'main form[action="/login/two-factor"] button[type="submit"]');
    assert.equal(new URL(page.url()).pathname, '/', 'a right code leads to the start page');
    assert.ok(await page.locator('header nav a[href="/profile"]').isVisible(), 'signed in: the account menu is shown');
    await assertPageStructure(page);
  });
});
