// The audit page's "verify the whole trail now" button (htmx) shows the result in place.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN, signIn, testEnvironment } from '../lib/browser.mjs';
import { assertAccessible, assertPageStructure, textOf } from '../lib/page.mjs';
import { t } from '../lib/locale.mjs';

const env = testEnvironment();

describe('audit trail verification', { timeout: 180_000 }, () => {
  before(() => env.start());
  after(() => env.stop());

  it('shows that the trail is intact without leaving the page', async () => {
    const page = await env.newPage();
    await signIn(page, ADMIN);
    await page.goto('/audit');
    // htmx is loaded from /static and has processed the page.
    await page.waitForFunction(() => typeof window.htmx !== 'undefined');
    const button = page.locator('main form[action="/audit/verify"] button[type="submit"]');
    assert.equal((await button.textContent()).trim(), t('sv', 'audit-verify-now'));

    let fullPageLoads = 0;
    page.on('load', () => fullPageLoads++);
    const request = page.waitForRequest((r) => r.url().endsWith('/audit/verify') && r.method() === 'POST');
    await button.click();
    const sent = await request;
    assert.equal(sent.headers()['hx-request'], 'true', 'the request was sent by htmx');

    const result = page.locator('#verify-result .result');
    await result.waitFor();
    assert.ok(await result.evaluate((el) => el.classList.contains('result-ok')), 'the result is the intact one');
    const text = await textOf(page, '#verify-result');
    assert.ok(text.includes(t('sv', 'audit-intact')), `the result says the trail is intact: ${text}`);
    assert.equal(new URL(page.url()).pathname, '/audit', 'still on /audit');
    assert.equal(fullPageLoads, 0, 'no full page load');
    assert.equal(await page.locator('#verify-result h1').count(), 0, 'only the outcome was swapped in');
    await assertPageStructure(page, '/audit (verified)');
    await assertAccessible(page, '/audit (verified)');
  });

  it('works without JavaScript as a plain form', async () => {
    const context = await env.browser.newContext({ baseURL: env.baseURL, locale: 'sv-SE', javaScriptEnabled: false });
    env.contexts.push(context);
    const page = await context.newPage();
    await signIn(page, ADMIN);
    await page.goto('/audit');
    await Promise.all([page.waitForURL('**/audit/verify'), page.click('main form[action="/audit/verify"] button[type="submit"]')]);
    assert.ok((await textOf(page, '#verify-outcome')).includes(t('sv', 'audit-intact')));
    assert.equal(await page.locator('h1').count(), 1);
  });
});
