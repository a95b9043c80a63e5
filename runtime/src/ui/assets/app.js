// The debugging UI of `flow run`: plain JavaScript over the JSON API, no
// build step. Pages, as the reference lays them out: `/` the component
// list, `/component/<id>` one component (nested ids hold `/`), `/graph`
// (and `/graph/<module id>`) the graph, `/clustering` the cluster's
// members. Every page asks the API again
// every two seconds, so a reload of the config shows without reloading
// the page. All paths are relative to <base href>, which the server sets
// to --server.http.ui-path-prefix.
"use strict";

const base = new URL(document.baseURI).pathname;
const route = decodeURI(location.pathname.slice(base.length));
const page = document.getElementById("page");
const REFRESH_MS = 2000;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

async function api(path) {
  const response = await fetch("api/v0/web/" + path);
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

function componentLink(id) {
  return el("a", { href: "component/" + encodeURI(id) }, id);
}

function healthBadge(health) {
  return el("span", { class: "health " + health.state, "data-state": health.state }, health.state);
}

// A JSON value (as the API gives River values) written as River.
function river(value, indent = "") {
  const inner = indent + "\t";
  if (value === null) return "null";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return "[\n" + value.map((v) => inner + river(v, inner)).join(",\n") + ",\n" + indent + "]";
  }
  if (typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 0) return "{}";
    const key = (k) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : JSON.stringify(k));
    const fields = keys.map((k) => `${inner}${key(k)} = ${river(value[k], inner)}`);
    return "{\n" + fields.join(",\n") + ",\n" + indent + "}";
  }
  if (value === "(secret)") return "(secret)";
  return JSON.stringify(value);
}

// Top-level arguments or exports as attribute lines.
function body(value) {
  if (!value || typeof value !== "object" || Object.keys(value).length === 0) return "(none)";
  return Object.entries(value).map(([k, v]) => `${k} = ${river(v)}`).join("\n");
}

function navActive(name) {
  for (const a of document.querySelectorAll("nav a[data-nav]")) {
    a.classList.toggle("active", a.dataset.nav === name);
  }
}

function every(render) {
  const run = () => render().catch((e) => {
    page.replaceChildren(el("p", { class: "error" }, String(e.message || e)));
  });
  run();
  return setInterval(run, REFRESH_MS);
}

// The component list, with a filter on ids that survives refreshes.
function listPage() {
  navActive("list");
  const filter = el("input", { class: "filter", placeholder: "Filter by id", id: "filter" });
  const rows = el("tbody");
  const table = el("table", { id: "components" },
    el("thead", {}, el("tr", {}, el("th", {}, "Health"), el("th", {}, "ID"), el("th", {}, "Message"))),
    rows);
  page.replaceChildren(el("h1", {}, "Components"), filter, table);
  let last = [];
  const draw = () => {
    const wanted = filter.value.trim().toLowerCase();
    rows.replaceChildren(...last.filter((c) => c.id.toLowerCase().includes(wanted)).map((c) =>
      el("tr", { "data-id": c.id }, el("td", {}, healthBadge(c.health)), el("td", {}, componentLink(c.id)),
        el("td", { class: "muted" }, c.health.message || ""))));
  };
  filter.addEventListener("input", draw);
  every(async () => { last = await api("components"); draw(); });
}

function section(title, ...content) {
  return [el("h2", {}, title), ...content];
}

function refList(ids) {
  if (!ids || ids.length === 0) return el("p", { class: "muted" }, "(none)");
  return el("ul", { class: "refs" }, ids.map((id) => el("li", {}, componentLink(id))));
}

// One component: health and its history, arguments, exports, debug info,
// references both ways, the block it came from, a module's components,
// and live data.
function componentPage(id) {
  navActive("list");
  const live = liveSection(id);
  every(async () => {
    const c = await api("components/" + encodeURI(id));
    const parts = [
      el("h1", {}, c.id),
      el("p", {}, healthBadge(c.health), " ", c.health.message || "",
        el("span", { class: "muted" }, "  since " + c.health.updatedTime)),
      ...section("Health history", el("table", { id: "history" }, el("tbody", {},
        (c.healthHistory || []).map((h) => el("tr", {}, el("td", {}, h.updatedTime),
          el("td", {}, healthBadge(h)), el("td", {}, h.message || "")))))),
      ...section("Arguments", el("pre", { id: "arguments" }, body(c.arguments))),
      ...section("Exports", el("pre", { id: "exports" }, body(c.exports))),
      ...section("Debug info", el("pre", { id: "debug" }, c.debugInfo ? river(c.debugInfo) : "(none)")),
      ...section("References", refList(c.referencesTo)),
      ...section("Referenced by", refList(c.referencedBy)),
      ...section(`Block (${c.file}:${c.line})`, el("pre", { id: "block" }, c.block || "")),
    ];
    if (c.moduleInfo) {
      parts.push(...section("Module components",
        el("p", {}, el("a", { href: "graph/" + encodeURI(c.id) }, "Graph of the module")),
        el("table", { id: "module" }, el("tbody", {}, c.moduleInfo.map((m) =>
          el("tr", { "data-id": m.id }, el("td", {}, healthBadge(m.health)),
            el("td", {}, componentLink(m.id)), el("td", { class: "muted" }, m.health.message || "")))))));
    }
    page.replaceChildren(...parts, ...live);
  });
}

const NODE_W = 240, NODE_H = 48, GAP_X = 40, GAP_Y = 70;
const COLOURS = { healthy: "#1a7f37", unhealthy: "#cf222e", unknown: "#6e7781", exited: "#bc4c00" };
const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

// The graph: one <g class="node"> per component and one <path
// class="edge"> per reference, laid out by the server.
function graphPage(module) {
  navActive("graph");
  every(async () => {
    const graph = await api("graph" + (module ? "?module=" + encodeURIComponent(module) : ""));
    for (const node of graph.nodes) {
      if (node.rate !== null && node.rate !== undefined) graphRates[node.id] = node.rate;
    }
    const at = (n) => ({ x: 20 + n.slot * (NODE_W + GAP_X), y: 20 + n.layer * (NODE_H + GAP_Y) });
    const width = 40 + Math.max(1, graph.slots) * (NODE_W + GAP_X);
    const height = 40 + Math.max(1, graph.layers) * (NODE_H + GAP_Y);
    const byId = Object.fromEntries(graph.nodes.map((n) => [n.id, n]));
    const drawing = svg("svg", { id: "graph", width, height, viewBox: `0 0 ${width} ${height}` },
      svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5,
        markerWidth: 8, markerHeight: 8, orient: "auto" }, svg("path", { d: "M0,0L10,5L0,10z", fill: "#57606a" }))));
    for (const edge of graph.edges) {
      const a = at(byId[edge.from]), b = at(byId[edge.to]);
      const [x1, y1, x2, y2] = [a.x + NODE_W / 2, a.y + NODE_H, b.x + NODE_W / 2, b.y];
      const d = `M${x1},${y1} C${x1},${y1 + GAP_Y / 2} ${x2},${y2 - GAP_Y / 2} ${x2},${y2}`;
      drawing.append(svg("path", { class: "edge", d, "data-from": edge.from, "data-to": edge.to }));
      const rate = graphRates[edge.from];
      if (rate !== undefined) {
        const label = svg("text", { class: "rate", x: (x1 + x2) / 2 + 4, y: (y1 + y2) / 2 });
        label.textContent = rate.toFixed(1) + "/s";
        drawing.append(label);
      }
    }
    for (const node of graph.nodes) {
      const { x, y } = at(node);
      const title = svg("text", { x: x + 10, y: y + 20 });
      title.textContent = node.name;
      const label = svg("text", { x: x + 10, y: y + 37 });
      label.textContent = node.label || node.localID;
      const group = svg("g", { class: "node", "data-id": node.id, "data-state": node.health },
        svg("rect", { x, y, width: NODE_W, height: NODE_H, fill: COLOURS[node.health] || COLOURS.unknown }),
        title, label);
      group.addEventListener("click", () => { location.href = "component/" + encodeURI(node.id); });
      drawing.append(group);
    }
    page.replaceChildren(el("h1", {}, module ? "Graph of " + module : "Graph"), drawing);
  });
}

// The cluster's members as this node sees them, as the reference's
// clustering page shows them: name, advertised address, state, and which
// one is this node. A node without clustering lists itself alone.
function clusteringPage() {
  navActive("clustering");
  every(async () => {
    const peers = await api("peers");
    const rows = peers.map((p) => el("tr", { "data-name": p.name, "data-state": p.state },
      el("td", {}, p.name), el("td", {}, p.addr), el("td", {}, p.state),
      el("td", { class: "self" }, p.isSelf ? "✓ this node" : "")));
    page.replaceChildren(el("h1", {}, "Clustering"),
      el("p", { class: "muted" }, `${peers.length} node${peers.length === 1 ? "" : "s"}`),
      el("table", { id: "peers" },
        el("thead", {}, el("tr", {}, el("th", {}, "Node name"), el("th", {}, "Advertised address"),
          el("th", {}, "Current state"), el("th", {}, "Local node"))),
        el("tbody", {}, rows)));
  });
}

// Items per second each component passes on (samples, log entries), while
// live debugging is on: shown on the edges leaving it.
const graphRates = {};

// Live data of a component: what passes through it now, over
// server-sent events, with a pause button (the server limits the rate).
function liveSection(id) {
  const list = el("div", { id: "live" });
  const status = el("span", { class: "muted", id: "live-status" }, "");
  let paused = false;
  const pause = el("button", { id: "live-pause", onclick: () => {
    paused = !paused;
    pause.textContent = paused ? "Resume" : "Pause";
  } }, "Pause");
  const source = new EventSource("api/v0/web/debug/" + encodeURI(id));
  source.onmessage = (event) => {
    if (paused) return;
    list.prepend(el("div", { class: "live-line" }, event.data));
    while (list.childElementCount > 200) list.lastChild.remove();
  };
  source.addEventListener("off", (event) => { status.textContent = event.data; source.close(); });
  return section("Live data", el("p", {}, pause, status), list);
}

if (route === "" || route === "/") listPage();
else if (route.startsWith("component/")) componentPage(route.slice("component/".length));
else if (route === "graph") graphPage("");
else if (route.startsWith("graph/")) graphPage(route.slice("graph/".length));
else if (route === "clustering") clusteringPage();
else page.replaceChildren(el("h1", {}, "Not found"));
