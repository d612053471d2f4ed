// Starts `tillit serve --demo` on a free loopback port with a fresh SQLite data
// directory, waits for /readyz, and stops it again.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const e2eDir = path.resolve(here, '..');

/** The binary under test: TILLIT_BIN (relative to e2e/), default ../target/debug/tillit. */
export function binaryPath() {
  const configured = process.env.TILLIT_BIN || '../target/debug/tillit';
  return path.resolve(e2eDir, configured);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a demo server. Returns { baseURL, stop(), log() }.
 * The server's output is kept in memory and printed when it fails to start.
 */
export async function startServer({ timeoutMs = 90_000 } = {}) {
  const bin = binaryPath();
  if (!existsSync(bin)) {
    throw new Error(`tillit binary not found at ${bin}; build it with \`cargo build -p tillit\` or set TILLIT_BIN`);
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tillit-e2e-'));
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const env = { ...process.env, TILLIT_DATA_DIR: dataDir, RUST_LOG: process.env.RUST_LOG || 'warn' };
  // The tests always use SQLite in a fresh directory, whatever the caller's environment says.
  delete env.TILLIT_DATABASE_URL;
  delete env.TILLIT_BIND;
  const child = spawn(bin, ['serve', '--demo', '--bind', `127.0.0.1:${port}`], {
    cwd: dataDir, // no stray ./tillit.toml is picked up
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  // Never leave a server behind, even when the test process ends abruptly.
  const killOnExit = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      process.off('exit', killOnExit);
      resolve(exited);
    });
  });

  const cleanup = () => rmSync(dataDir, { recursive: true, force: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      cleanup();
      throw new Error(`tillit exited before it was ready (${JSON.stringify(exited)}):\n${output}`);
    }
    try {
      const response = await fetch(`${baseURL}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      cleanup();
      throw new Error(`tillit was not ready within ${timeoutMs} ms:\n${output}`);
    }
    await sleep(150);
  }

  return {
    baseURL,
    dataDir,
    log: () => output,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const forced = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exitPromise;
        clearTimeout(forced);
      }
      cleanup();
    },
  };
}
