// The operator: signs in at /operator/login, sets up the mandatory second factor, signs
// in again with a TOTP code computed here, creates an organisation with its first
// administrator, suspends it, and finds no violations on any operator page. The new
// administrator then signs in with the one-time password.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_PASSWORD, testEnvironment } from '../lib/browser.mjs';
import { assertAccessible, assertPageStructure, clickAndWait, textOf } from '../lib/page.mjs';
import { t } from '../lib/locale.mjs';
import { timeStep, totp } from '../lib/totp.mjs';

const env = testEnvironment();
const OPERATOR = 'operator@drift.example';

/** A code the server has not seen accepted yet (one step of skew is accepted). */
function freshCode(secret, usedStep) {
  const now = timeStep();
  const step = now > usedStep ? now : usedStep + 1;
  return totp(secret, step);
}

async function checkPage(page, label) {
  await assertPageStructure(page, label);
  await assertAccessible(page, label);
}

async function submitOperatorLogin(page) {
  await page.goto('/operator/login');
  await page.fill('#email', OPERATOR);
  await page.fill('#password', DEMO_PASSWORD);
  await clickAndWait(page, 'main form[action="/operator/login"] button[type="submit"]');
}

describe('operator', { timeout: 240_000 }, () => {
  before(() => env.start());
  after(() => env.stop());

  it('signs in with TOTP, creates and suspends an organisation', async () => {
    const page = await env.newPage();
    await page.goto('/operator/login');
    await checkPage(page, '/operator/login');

    // First sign-in: the second factor must be set up before anything else.
    await submitOperatorLogin(page);
    await page.goto('/operator');
    assert.equal(new URL(page.url()).pathname, '/operator/two-factor');
    await checkPage(page, '/operator/two-factor');
    await clickAndWait(page, 'main form[action="/operator/two-factor"] button[type="submit"]');
    const secret = await textOf(page, '#totp-secret');
    assert.match(secret, /^[A-Z2-7]{16,}=*$/, `the secret should be base32, got ${JSON.stringify(secret)}`);
    await checkPage(page, '/operator/two-factor (setting up)');
    const usedStep = timeStep();
    await page.fill('#code', totp(secret, usedStep));
    await clickAndWait(page, 'main form[action="/operator/two-factor/confirm"] button[type="submit"]');
    assert.equal(new URL(page.url()).pathname, '/operator');
    assert.equal(await textOf(page, 'main .notice[role="status"]'), t('sv', 'notice-two-factor-enabled'));

    // Signed out, the password alone is not enough.
    await clickAndWait(page, 'header form[action="/operator/logout"] button[type="submit"]');
    assert.equal(new URL(page.url()).pathname, '/operator/login');
    await submitOperatorLogin(page);
    assert.equal(new URL(page.url()).pathname, '/operator/login/two-factor');
    await checkPage(page, '/operator/login/two-factor');
    await page.fill('#code', freshCode(secret, usedStep));
    await clickAndWait(page, 'main form[action="/operator/login/two-factor"] button[type="submit"]');
    assert.equal(new URL(page.url()).pathname, '/operator');
    await checkPage(page, '/operator');
    assert.ok((await textOf(page, 'main table')).includes('Region Sörmark'), 'the demo organisation is listed');

    // An organisation route refuses the operator.
    const refused = await page.goto('/organisation');
    assert.equal(refused.status(), 403);
    assert.equal(await textOf(page, 'h1'), t('sv', 'problem-operator-account-title'));

    // A bad organisation number is named, and the form keeps what was typed.
    await page.goto('/operator/organisations/new');
    await checkPage(page, '/operator/organisations/new');
    const name = `Omsorg E2E ${Date.now()}`;
    await page.fill('#name', name);
    await page.fill('#org_number', '556000-0002');
    await page.selectOption('#kind', 'social_care_provider');
    await page.fill('#admin_email', 'chef@omsorg-e2e.example');
    await page.fill('#admin_name', 'Chef E2E');
    await clickAndWait(page, 'main form[action="/operator/organisations"] button[type="submit"]');
    await page.locator('.error-summary a[href="#org_number"]').waitFor();
    assert.equal(await page.inputValue('#name'), name);
    await checkPage(page, '/operator/organisations (refused)');

    await page.fill('#org_number', '556000-0001');
    await clickAndWait(page, 'main form[action="/operator/organisations"] button[type="submit"]');
    assert.equal(await textOf(page, 'h1'), name);
    const password = await textOf(page, '#one-time-password');
    assert.match(password, /^[A-Za-z0-9]{4}(-[A-Za-z0-9]{4}){4}$/);
    await checkPage(page, '/operator/organisations (created)');

    // Suspend it from its page.
    await page.goto('/operator');
    await clickAndWait(page, `main table a:text-is("${name}")`);
    await clickAndWait(page, 'main form[action$="/suspend"] button[type="submit"]');
    assert.equal(await textOf(page, 'main .notice[role="status"]'), t('sv', 'notice-organisation-suspended'));
    assert.ok((await textOf(page, '#access-state')).startsWith(t('sv', 'operator-suspended')));
    await checkPage(page, 'operator organisation page (suspended)');

    // Its administrator cannot sign in while it is suspended, and can once reactivated.
    const admin = await env.newPage();
    await admin.goto('/login');
    await admin.fill('#email', 'chef@omsorg-e2e.example');
    await admin.fill('#password', password);
    await clickAndWait(admin, 'main form[action="/login"] button[type="submit"]');
    assert.ok((await textOf(admin, '.error-summary')).includes(t('sv', 'login-suspended')));
    await clickAndWait(page, 'main form[action$="/reactivate"] button[type="submit"]');
    assert.equal(await textOf(page, 'main .notice[role="status"]'), t('sv', 'notice-organisation-reactivated'));
    await admin.fill('#password', password);
    await clickAndWait(admin, 'main form[action="/login"] button[type="submit"]');
    assert.equal(new URL(admin.url()).pathname, '/profile/two-factor', 'the new administrator sets up two-factor first');
  });
});
