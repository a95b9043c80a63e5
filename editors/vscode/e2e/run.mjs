// End-to-end: our packaged extension in a real VS Code (code-server
// 1.100.3), driven in headless Chromium by Playwright. Opens a config,
// checks that River is the language and the tokens are coloured, sees a
// diagnostic in the Problems panel, triggers completion inside a component,
// hovers a component, and formats the document. A screenshot of each step
// goes to $RIVER_E2E_ARTIFACTS.
//
// Environment: RIVER_E2E_CACHE (install.sh's folder), FLOW_LSP (the
// server binary), RIVER_VSIX (the packaged extension).

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const cache = process.env.RIVER_E2E_CACHE;
const require = createRequire(join(cache, "package.json"));
const { chromium } = require("playwright-core");
const codeServer = join(cache, "node_modules/.bin/code-server");
const artifacts = process.env.RIVER_E2E_ARTIFACTS;
mkdirSync(artifacts, { recursive: true });

const MAIN = [
  'discovery.kubernetes "pods" {',
  '  role = "pod"',
  "}",
  "",
  'prometheus.scrape "pods" {',
  "  targets         = discovery.kubernetes.pods.targets",
  "  forward_to      = [prometheus.remote_write.default.receiver]",
  '  scrape_intervel = "30s"',
  "}",
  "",
].join("\n");
const BASE = 'prometheus.remote_write "default" {\n\tendpoint {\n\t\turl = "http://localhost:9009/api/v1/push"\n\t}\n}\n';

const home = mkdtempSync(join(tmpdir(), "river-e2e-"));
const ws = join(home, "workspace");
const udd = join(home, "user-data");
const exts = join(home, "extensions");
mkdirSync(ws);
mkdirSync(join(udd, "User"), { recursive: true });
writeFileSync(join(ws, "main.river"), MAIN);
writeFileSync(join(ws, "base.river"), BASE);
writeFileSync(
  join(udd, "User/settings.json"),
  JSON.stringify({
    "workbench.startupEditor": "none",
    "security.workspace.trust.enabled": false,
    "river.server.path": process.env.FLOW_LSP,
    "editor.hover.delay": 100,
  }),
);
const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), XDG_DATA_HOME: join(home, ".local") };
const common = ["--auth", "none", "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
  "--extensions-dir", exts, "--user-data-dir", udd];

const installed = spawnSync(codeServer, [...common, "--install-extension", process.env.RIVER_VSIX], { env, encoding: "utf8" });
if (installed.status !== 0) throw new Error(`installing the extension failed:\n${installed.stdout}${installed.stderr}`);

const port = 18000 + (process.pid % 1000);
const server = spawn(codeServer, [...common, "--bind-addr", `127.0.0.1:${port}`, ws], { env, detached: true, stdio: "ignore" });
const stopServer = () => { try { process.kill(-server.pid, "SIGKILL"); } catch {} };

/// Runs a command from the command palette.
async function command(page, title) {
  await page.keyboard.press("F1");
  await page.waitForSelector(".quick-input-widget input", { timeout: 10000 });
  await page.keyboard.type(title);
  await page.waitForTimeout(500);
  await page.keyboard.press("Enter");
}

const step = async (page, name) => page.screenshot({ path: join(artifacts, `${name}.png`) });
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); console.log(`${ok ? "ok  " : "FAIL"} ${what}`); };

let browser;
try {
  for (let i = 0; ; i++) {
    try { if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break; } catch {}
    if (i > 100) throw new Error("code-server did not start");
    await new Promise((r) => setTimeout(r, 200));
  }
  browser = await chromium.launchPersistentContext(join(home, "chromium"), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1400, height: 900 },
    env,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  await page.goto(`http://127.0.0.1:${port}/?folder=${ws}`);
  await page.waitForSelector(".monaco-workbench", { timeout: 60000 });
  await step(page, "01-workbench");

  // Open main.river from the explorer: River is the language, and tokens
  // have colours.
  const entry = page.locator(".explorer-folders-view .monaco-list-row", { hasText: "main.river" });
  await entry.first().waitFor({ timeout: 60000 });
  await entry.first().click();
  await page.waitForSelector(".monaco-editor .view-lines", { timeout: 30000 });
  const mode = page.locator("#status\\.editor\\.mode");
  await mode.waitFor({ timeout: 30000 });
  await page.waitForFunction(() => document.querySelector("#status\\.editor\\.mode")?.textContent?.includes("River"), null, { timeout: 30000 });
  check((await mode.textContent()).includes("River"), "the status bar shows River as the language");
  await page.waitForTimeout(1500);
  const colours = await page.evaluate(() => {
    const spans = [...document.querySelectorAll(".monaco-editor .view-lines .view-line span span")];
    return [...new Set(spans.map((s) => getComputedStyle(s).color))];
  });
  check(colours.length >= 3, `tokens are coloured (${colours.length} colours)`);
  await step(page, "02-opened");

  // The misspelt argument shows in the Problems panel.
  await page.keyboard.press("Control+Shift+M");
  const problem = page.locator(".markers-panel .monaco-list-row", { hasText: "scrape_intervel" });
  await problem.first().waitFor({ timeout: 30000 }).catch(() => {});
  check((await problem.count()) > 0, "the Problems panel lists the unknown argument");
  await step(page, "03-problems");

  // Completion on a new line inside prometheus.scrape.
  await page.locator(".monaco-editor .view-lines").first().click();
  await page.keyboard.press("Control+G");
  await page.keyboard.type("8");
  await page.keyboard.press("Enter");
  await page.keyboard.press("End");
  await page.keyboard.press("Enter");
  await page.waitForTimeout(500);
  // Typing starts suggestions, as it does for a user.
  await page.keyboard.type("s", { delay: 50 });
  const rows = page.locator(".suggest-widget .monaco-list-row");
  await rows.first().waitFor({ timeout: 30000 }).catch(() => {});
  const labels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute("aria-label") ?? ""));
  check(labels.some((l) => l.includes("scrape_timeout") || l.includes("basic_auth") || l.includes("body_size_limit")),
    `completion offers the component's arguments (${labels.slice(0, 4).join(" | ")})`);
  await step(page, "04-completion");
  await page.keyboard.press("Escape");
  // Undo the typing and the new line: back to the file as it is on disk.
  for (let i = 0; i < 2; i++) {
    await page.keyboard.press("Control+Z");
    await page.waitForTimeout(300);
  }

  // Hover on the component's name.
  const name = page.locator(".monaco-editor .view-lines .view-line span", { hasText: /^prometheus$/ }).first();
  await name.hover();
  const hover = page.locator(".monaco-hover-content", { hasText: "(component)" });
  await hover.first().waitFor({ timeout: 20000 }).catch(() => {});
  check((await hover.count()) > 0, "hovering the component explains it");
  await step(page, "05-hover");
  await page.mouse.move(5, 5);

  // Format Document, then save: the file is in the canonical style.
  await page.locator(".monaco-editor .view-lines").first().click();
  await command(page, "Format Document");
  await page.waitForTimeout(1500);
  await page.keyboard.press("Control+S");
  await page.waitForTimeout(1500);
  const saved = readFileSync(join(ws, "main.river"), "utf8");
  check(saved.includes('\trole = "pod"') && saved.includes("\ttargets         = discovery"), "Format Document gives the canonical style");
  await step(page, "06-formatted");
} catch (error) {
  failures.push(String(error));
  console.log(`FAIL ${error}`);
} finally {
  await browser?.close().catch(() => {});
  stopServer();
}
if (failures.length) {
  console.log(`e2e: ${failures.length} failed; screenshots in ${artifacts}`);
  process.exit(1);
}
console.log(`e2e: every step passed; screenshots in ${artifacts}`);
