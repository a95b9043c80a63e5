// The debugging UI in a real browser: playwright-core drives Debian's
// Chromium against `flow run` on loopback, at the root and under
// --server.http.ui-path-prefix. The list shows every component of a real
// pipeline with its health; a component turned unhealthy shows so; the
// detail page hides the secret; the graph has one node per component and
// one edge per reference; live data of a scrape appears within seconds; a
// custom component's page lists its components. A known secret is looked
// for in every page and API answer. Screenshots of each page go under the
// output directory, each checked to be more than a blank page.
//
// Usage: node test.mjs PATH/TO/flow OUTPUT_DIR

import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");

const [flow, output] = process.argv.slice(2);
const SECRET = "ui-e2e-hunter2-secret";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "flow-ui-"));
fs.mkdirSync(output, { recursive: true });

function fail(message) {
  console.error("FAIL: " + message);
  process.exit(1);
}

async function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function until(what, check, ms = 20000) {
  const start = Date.now();
  while (Date.now() - start < ms) {
    try {
      const result = await check();
      if (result) return result;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  fail(`timed out waiting for ${what}`);
}

function config(port, watched) {
  return `livedebugging {
  enabled = true
}

declare "pipeline" {
  argument "address" { }
  argument "forward_to" { }

  prometheus.scrape "self" {
    targets         = [{"__address__" = argument.address.value}]
    forward_to      = argument.forward_to.value
    scrape_interval = "1s"
    scrape_timeout  = "1s"
  }
}

pipeline "own" {
  address    = "127.0.0.1:${port}"
  forward_to = [prometheus.relabel.keep.receiver]
}

discovery.relabel "targets" {
  targets = [{"__address__" = "127.0.0.1:${port}"}]
}

prometheus.scrape "direct" {
  targets         = discovery.relabel.targets.output
  forward_to      = [prometheus.relabel.keep.receiver]
  scrape_interval = "1s"
  scrape_timeout  = "1s"
}

prometheus.relabel "keep" {
  forward_to = [prometheus.remote_write.out.receiver]
}

prometheus.remote_write "out" {
  endpoint {
    url = "http://127.0.0.1:9/api/v1/write"

    basic_auth {
      username = "flow"
      password = "${SECRET}"
    }
  }
}

local.file "watched" {
  filename       = "${watched}"
  detector       = "poll"
  poll_frequency = "200ms"
}
`;
}

async function startFlow(prefix) {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(work, "run-"));
  const watched = path.join(dir, "watched.txt");
  fs.writeFileSync(watched, "here");
  const file = path.join(dir, "config.river");
  fs.writeFileSync(file, config(port, watched));
  const args = ["run", file, `--server.http.listen-addr=127.0.0.1:${port}`, `--storage.path=${dir}/data`];
  if (prefix !== "/") args.push(`--server.http.ui-path-prefix=${prefix}`);
  const child = spawn(flow, args, { stdio: ["ignore", "ignore", fs.openSync(path.join(dir, "flow.log"), "w")] });
  const base = `http://127.0.0.1:${port}${prefix}`;
  await until("flow run to answer", async () => (await fetch(base + "api/v0/web/components")).ok);
  const reload = async (text) => {
    fs.writeFileSync(file, text);
    const answer = await fetch(`http://127.0.0.1:${port}/-/reload`, { method: "POST" });
    if (!answer.ok) fail(`reload: ${await answer.text()}`);
  };
  return { child, base, watched, reload, text: fs.readFileSync(file, "utf8") };
}

async function json(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

// Every API answer the pages use, and the pages' own HTML: none holds the secret.
async function noSecretAnywhere(base, components) {
  const urls = [base, base + "graph", base + "api/v0/web/components", base + "api/v0/web/graph"];
  for (const c of components) {
    urls.push(base + "component/" + c.id, base + "api/v0/web/components/" + c.id);
  }
  urls.push(base + "api/v0/web/modules/pipeline.own/components");
  for (const url of urls) {
    const text = await (await fetch(url)).text();
    if (text.includes(SECRET)) fail(`the secret shows in ${url}`);
  }
  return urls.length;
}

async function shot(page, name) {
  const file = path.join(output, name + ".png");
  await page.screenshot({ path: file, fullPage: true });
  // A blank page compresses to a few kilobytes; these hold text and boxes.
  const size = fs.statSync(file).size;
  if (size < 8000) fail(`${file} looks blank (${size} bytes)`);
  const painted = await page.evaluate(() => document.body.innerText.trim().length);
  if (painted < 20) fail(`${name}: the page shows almost nothing`);
}

async function check(browser, prefix) {
  const flowRun = await startFlow(prefix);
  const { base } = flowRun;
  const tag = prefix === "/" ? "root" : "prefix";
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const components = await until("every component to start", async () => {
      const all = await json(base + "api/v0/web/components");
      return all.length === 6 && all;
    });

    await page.goto(base);
    await until("the list to show every component", async () =>
      (await page.locator("#components tbody tr").count()) === components.length);
    for (const c of components) {
      const state = await page.locator(`tr[data-id="${c.id}"] .health`).getAttribute("data-state");
      if (state !== c.health.state) fail(`${c.id}: the list shows ${state}, the API ${c.health.state}`);
    }
    await page.fill("#filter", "relabel");
    await until("the filter", async () => (await page.locator("#components tbody tr").count()) === 2);
    await page.fill("#filter", "");
    fs.rmSync(flowRun.watched);
    await until("the list to show local.file.watched unhealthy", async () =>
      (await page.locator('tr[data-id="local.file.watched"] .health').getAttribute("data-state")) === "unhealthy");
    await shot(page, `${tag}-list`);
    console.log(`ok (${tag}): the list shows all ${components.length} components with their health; a removed file turns its component unhealthy`);
    await flowRun.reload(flowRun.text + '\ndiscovery.relabel "added" {\n  targets = []\n}\n');
    await until("the open list to show the component a reload added", async () =>
      (await page.locator('tr[data-id="discovery.relabel.added"]').count()) === 1);
    console.log(`ok (${tag}): a reload of the config shows on the open page`);

    await page.goto(base + "component/prometheus.remote_write.out");
    const args = await until("the arguments", async () => page.locator("#arguments").textContent());
    if (!args.includes("(secret)")) fail(`the arguments do not hide the password: ${args}`);
    const block = await page.locator("#block").textContent();
    if (!block.includes('"(secret)"') || block.includes(SECRET)) fail(`the block shows: ${block}`);
    if ((await page.content()).includes(SECRET)) fail("the secret is in the detail page");
    await shot(page, `${tag}-detail`);
    console.log(`ok (${tag}): the detail page shows arguments, exports and the block with the password as (secret)`);

    const now = await json(base + "api/v0/web/components");
    await page.goto(base + "graph");
    await until("the graph", async () => (await page.locator("svg#graph g.node").count()) === now.length);
    const references = now.reduce((n, c) => n + c.referencesTo.length, 0);
    const edges = await page.locator("svg#graph path.edge").count();
    if (edges !== references) fail(`the graph has ${edges} edges for ${references} references`);
    const rate = await until("data rates on the graph's edges", async () => {
      const rates = await page.locator("svg#graph text.rate").allTextContents();
      return rates.find((r) => parseFloat(r) > 0);
    });
    await shot(page, `${tag}-graph`);
    console.log(`ok (${tag}): the graph draws ${now.length} nodes and ${edges} edges, one per reference, with rates (${rate})`);

    await page.goto(base + "component/prometheus.scrape.direct");
    await until("live data of the scrape", async () => (await page.locator("#live .live-line").count()) > 5, 15000);
    const line = await page.locator("#live .live-line").first().textContent();
    await page.click("#live-pause");
    const paused = await page.locator("#live .live-line").count();
    await new Promise((r) => setTimeout(r, 2500));
    if ((await page.locator("#live .live-line").count()) !== paused) fail("pause did not stop the live data");
    await shot(page, `${tag}-live`);
    console.log(`ok (${tag}): live data of a scrape appears within seconds and pauses: ${line.slice(0, 80)}`);

    await page.goto(base + "component/pipeline.own");
    await until("the module's components", async () =>
      (await page.locator('#module tr[data-id="pipeline.own/prometheus.scrape.self"]').count()) === 1);
    await page.click('#module a[href$="pipeline.own/prometheus.scrape.self"]');
    await until("the nested component's page", async () =>
      (await page.locator("h1").textContent()) === "pipeline.own/prometheus.scrape.self");
    await shot(page, `${tag}-module`);
    console.log(`ok (${tag}): a custom component's page lists its components, which open under nested ids`);

    const peers = await json(base + "api/v0/web/peers");
    await page.goto(base + "clustering");
    await until("the clustering page", async () => (await page.locator("#peers tbody tr").count()) === 1);
    const mark = await page.locator("#peers tbody tr td.self").textContent();
    const state = await page.locator("#peers tbody tr").getAttribute("data-state");
    if (peers.length !== 1 || !peers[0].isSelf || !mark.includes("this node") || state !== "participant") {
      fail(`the clustering page of a node alone: ${JSON.stringify(peers)}, ${mark}, ${state}`);
    }
    console.log(`ok (${tag}): the clustering page lists the node alone as itself, a participant`);

    const checked = await noSecretAnywhere(base, components);
    console.log(`ok (${tag}): the secret is in none of ${checked} pages and API answers`);
    await page.close();
  } finally {
    flowRun.child.kill("SIGTERM");
  }
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  env: { ...process.env, HOME: work },
});
try {
  await check(browser, "/");
  await check(browser, "/agent/");
} finally {
  await browser.close();
}
console.log("ui e2e: passed");
// Kept when a check fails: the runs' logs say why.
fs.rmSync(work, { recursive: true, force: true });
