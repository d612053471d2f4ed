// Debian's chromium driven by playwright-core (no browser downloads), plus the
// sign-in steps every test needs.

import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';
import { clickAndWait } from './page.mjs';

export const DEMO_PASSWORD = 'tillit-demo-2026';
export const ADMIN = 'admin@region.example';
export const COORDINATOR = 'samordnare@region.example';
export const AUDITOR = 'granskare@region.example';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * One server and one browser for a test file. `await env.start()` in `before`,
 * `await env.stop()` in `after`; `env.newPage()` gives a page in a fresh context
 * (own cookies), with the CSP bypassed so axe-core can be injected.
 */
export function testEnvironment() {
  const env = {
    server: null,
    browser: null,
    contexts: [],
    get baseURL() {
      return env.server.baseURL;
    },
    async start() {
      env.server = await startServer();
      env.browser = await launchBrowser();
    },
    async newPage() {
      const context = await env.browser.newContext({
        baseURL: env.server.baseURL,
        bypassCSP: true,
        locale: 'sv-SE',
        timezoneId: 'Europe/Stockholm',
        viewport: { width: 1280, height: 900 },
      });
      context.setDefaultTimeout(15_000);
      env.contexts.push(context);
      const page = await context.newPage();
      // Any uncaught script error on a page is a failure of the test that loaded it.
      page.errors = [];
      page.on('pageerror', (error) => page.errors.push(error));
      return page;
    },
    async stop() {
      for (const context of env.contexts) await context.close().catch(() => {});
      if (env.browser) await env.browser.close().catch(() => {});
      if (env.server) await env.server.stop();
    },
    /** The server's output, for failure messages. */
    serverLog() {
      return env.server ? env.server.log() : '';
    },
  };
  return env;
}

/** Fills the login form and submits it; waits for the navigation that follows. */
export async function submitLogin(page, email, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await clickAndWait(page, 'main form[action="/login"] button[type="submit"]');
}

/** Signs in a user without two-factor and checks that the start page is shown. */
export async function signIn(page, email, password = DEMO_PASSWORD) {
  await submitLogin(page, email, password);
  const url = new URL(page.url());
  if (url.pathname !== '/') {
    throw new Error(`signing in as ${email} ended on ${url.pathname}, not the start page`);
  }
}

/** Signs out with the header button. */
export async function signOut(page) {
  await clickAndWait(page, 'header form[action="/logout"] button[type="submit"]');
  const path = new URL(page.url()).pathname;
  if (path !== '/login') throw new Error(`signing out ended on ${path}, not /login`);
}
