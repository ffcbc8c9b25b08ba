// smppd's dashboard: plain JS, served by smppd, talking only to this origin.
"use strict";

const $ = (id) => document.getElementById(id);
const tokenKey = "smppd-admin-token";
const historySeconds = 300;
const pollMs = 2000;

let currentTab = "overview";
let timer = null;
let previous = null;                 // the last /metrics sample: {t, submit, final, errors}
const rates = [];                    // [{t, submit, final, errors}] per second, oldest first
let selectedAccount = null;

class Unauthorized extends Error {}

// ---- the admin API

async function api(method, path, body) {
  const token = sessionStorage.getItem(tokenKey);
  if (!token) throw new Unauthorized();
  const init = { method, headers: { Authorization: "Bearer " + token } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const r = await fetch("/api/admin" + path, init);
  if (r.status === 401) throw new Unauthorized();
  const text = await r.text();
  const data = text ? JSON.parse(text) : null;
  if (!r.ok) throw new Error((data && data.error) || (method + " " + path + ": HTTP " + r.status));
  return data;
}

function showError(e) {
  if (e instanceof Unauthorized) {
    signOut("The token was refused: sign in again.");
    return;
  }
  $("error").textContent = String(e.message || e);
  $("error").hidden = false;
}

function clearError() { $("error").hidden = true; }

// Runs an async action, reporting failures on the page.
function guarded(fn) {
  return async (...args) => {
    try { clearError(); await fn(...args); } catch (e) { showError(e); }
  };
}

// ---- tables

function cell(row, value, className) {
  const td = document.createElement("td");
  if (value instanceof Node) td.appendChild(value); else td.textContent = value == null ? "" : String(value);
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

// columns: [{title, value: (item) => text or Node, num?}]
function fillTable(table, columns, items, emptyText) {
  table.textContent = "";
  const head = table.createTHead().insertRow();
  for (const c of columns) {
    const th = document.createElement("th");
    th.textContent = c.title;
    if (c.num) th.className = "num";
    head.appendChild(th);
  }
  const body = table.createTBody();
  if (items.length === 0) {
    const td = cell(body.insertRow(), emptyText, "empty");
    td.colSpan = columns.length;
    return;
  }
  for (const item of items) {
    const row = body.insertRow();
    for (const c of columns) cell(row, c.value(item), c.num ? "num" : "");
  }
}

function button(text, attrs, onClick) {
  const b = document.createElement("button");
  b.textContent = text;
  for (const [k, v] of Object.entries(attrs)) b.setAttribute(k, v);
  b.addEventListener("click", guarded(onClick));
  return b;
}

function time(unixSeconds) {
  return unixSeconds ? new Date(unixSeconds * 1000).toLocaleString() : "";
}

function showSecret(what, secret) {
  $("secret-what").textContent = what;
  $("new-password").textContent = secret;
  $("secret-box").hidden = false;
}

// ---- /metrics (Prometheus text format)

// Returns [{name, labels: {k: v}, value}].
function parseMetrics(text) {
  const out = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    if (m[3]) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
      let l;
      while ((l = re.exec(m[3])) !== null) labels[l[1]] = l[2].replace(/\\(.)/g, (_, c) => (c === "n" ? "\n" : c));
    }
    out.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return out;
}

function sum(samples, name, filter) {
  let total = 0;
  for (const s of samples) if (s.name === name && (!filter || filter(s.labels))) total += s.value;
  return total;
}

async function pollMetrics() {
  const r = await fetch("/metrics");
  if (!r.ok) throw new Error("/metrics: HTTP " + r.status);
  const samples = parseMetrics(await r.text());
  const now = Date.now() / 1000;
  const sample = {
    t: now,
    submit: sum(samples, "smppd_submit_sm_total"),
    final: sum(samples, "smppd_messages_final_total"),
    errors: sum(samples, "smppd_submit_sm_total", (l) => l.status !== "ESME_ROK") +
            sum(samples, "smppd_binds_refused_total"),
  };
  if (previous && now > previous.t) {
    const dt = now - previous.t;
    // A restarted smppd starts its counters at 0 again: no negative rates.
    const rate = (k) => Math.max(0, (sample[k] - previous[k]) / dt);
    rates.push({ t: now, submit: rate("submit"), final: rate("final"), errors: rate("errors") });
    while (rates.length && rates[0].t < now - historySeconds) rates.shift();
    const last = rates[rates.length - 1];
    $("rate-submit").textContent = last.submit.toFixed(1);
    $("rate-final").textContent = last.final.toFixed(1);
    $("rate-errors").textContent = last.errors.toFixed(1);
  }
  previous = sample;

  const binds = samples.filter((s) => s.name === "smppd_sessions");
  fillTable($("sessions-by-bind"), [
    { title: "bind", value: (s) => s.labels.bind },
    { title: "sessions", value: (s) => s.value, num: true },
  ], binds, "none");
  $("webhooks-pending").textContent = sum(samples, "smppd_webhooks_pending");
  drawChart();
}

function drawChart() {
  const canvas = $("rates-chart");
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || canvas.width, height = canvas.clientHeight || canvas.height;
  if (canvas.width !== width * ratio) { canvas.width = width * ratio; canvas.height = height * ratio; }
  const g = canvas.getContext("2d");
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  const left = 50, right = 10, top = 10, bottom = 20;
  const w = width - left - right, h = height - top - bottom;
  let max = 1;
  for (const p of rates) max = Math.max(max, p.submit, p.final, p.errors);
  max = niceCeiling(max);
  g.font = "11px system-ui, sans-serif";
  g.fillStyle = "#6b7280";
  g.strokeStyle = "#e2e6ee";
  g.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const y = top + h - (h * i) / 4;
    g.beginPath(); g.moveTo(left, y); g.lineTo(left + w, y); g.stroke();
    g.fillText(String(Number(((max * i) / 4).toPrecision(3))), 4, y + 4);
  }
  g.fillText("-5 min", left, height - 4);
  g.fillText("now", left + w - 20, height - 4);
  const now = Date.now() / 1000;
  const x = (t) => left + w - ((now - t) / historySeconds) * w;
  const y = (v) => top + h - (v / max) * h;
  for (const [key, colour] of [["submit", "#2563eb"], ["final", "#16a34a"], ["errors", "#dc2626"]]) {
    g.strokeStyle = colour;
    g.lineWidth = 2;
    g.beginPath();
    rates.forEach((p, i) => (i ? g.lineTo(x(p.t), y(p[key])) : g.moveTo(x(p.t), y(p[key]))));
    g.stroke();
  }
}

function niceCeiling(v) {
  const step = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) if (v <= m * step) return m * step;
  return 10 * step;
}

async function loadQueues() {
  const q = await api("GET", "/queues");
  $("receipts-pending").textContent = q.receipts_pending;
  $("messages-waiting").textContent =
    q.messages_waiting_in_memory + " in memory, " + q.messages_waiting_in_store + " in the store";
  fillTable($("queues-table"), [
    { title: "account", value: (a) => a.system_id },
    { title: "receipts pending", value: (a) => a.receipts_pending, num: true },
    { title: "receivers", value: (a) => a.receivers, num: true },
  ], q.accounts, "no receipts waiting");
}

async function refreshOverview() {
  await Promise.all([pollMetrics(), loadQueues()]);
}

// ---- accounts

async function loadAccounts() {
  const accounts = await api("GET", "/accounts");
  fillTable($("accounts-table"), [
    { title: "system_id", value: (a) => a.system_id },
    { title: "max binds", value: (a) => a.max_binds, num: true },
    { title: "throughput/s", value: (a) => a.throughput, num: true },
    { title: "max priority", value: (a) => a.max_priority, num: true },
    { title: "classes", value: (a) => (a.classes || []).join(", ") },
    { title: "webhook", value: (a) => a.webhook_url || "" },
    { title: "", value: (a) => actions(a) },
  ], accounts, "no accounts yet");
  if (selectedAccount && !accounts.some((a) => a.system_id === selectedAccount)) selectAccount(null);
}

function actions(a) {
  const span = document.createElement("span");
  span.appendChild(button("Credentials and tokens", { "data-account-id": a.system_id, class: "open-account" },
    () => selectAccount(a.system_id)));
  span.appendChild(document.createTextNode(" "));
  span.appendChild(button("Reset password", { "data-reset-id": a.system_id, class: "reset-password" },
    async () => {
      if (!confirm("A new password for " + a.system_id + "? The old one stops working.")) return;
      const r = await api("POST", "/accounts/" + encodeURIComponent(a.system_id) + "/password");
      showSecret("New SMPP password of " + r.system_id + ":", r.password);
    }));
  return span;
}

async function selectAccount(id) {
  selectedAccount = id;
  $("account-detail").hidden = !id;
  if (!id) return;
  $("detail-id").textContent = id;
  $("detail-system-id").textContent = id;
  $("detail-host").textContent = location.hostname;
  await loadTokens();
}

async function loadTokens() {
  if (!selectedAccount) return;
  const tokens = await api("GET", "/accounts/" + encodeURIComponent(selectedAccount) + "/tokens");
  fillTable($("tokens-table"), [
    { title: "id", value: (t) => t.id },
    { title: "label", value: (t) => t.label },
    { title: "created", value: (t) => time(t.created_at) },
    { title: "", value: (t) => button("Delete", { "data-token-id": t.id, class: "delete-token" }, async () => {
      if (!confirm("Delete token " + t.id + "?")) return;
      await api("DELETE", "/tokens/" + encodeURIComponent(t.id));
      await loadTokens();
    }) },
  ], tokens, "no API tokens");
}

async function createAccount(event) {
  event.preventDefault();
  const body = { system_id: $("new-account-id").value.trim() };
  for (const [key, field] of [["max_binds", "new-account-binds"], ["throughput", "new-account-throughput"]]) {
    if ($(field).value !== "") body[key] = Number($(field).value);
  }
  const r = await api("POST", "/accounts", body);
  showSecret("SMPP password of the new account " + r.system_id + ":", r.password);
  $("new-account-form").reset();
  await loadAccounts();
  await selectAccount(r.system_id);
}

async function createToken(event) {
  event.preventDefault();
  const r = await api("POST", "/accounts/" + encodeURIComponent(selectedAccount) + "/tokens",
                      { label: $("new-token-label").value });
  showSecret("API token of " + r.system_id + " (HTTP Basic user name, or ?token=):", r.token);
  $("new-token-form").reset();
  await loadTokens();
}

// ---- sessions and carriers

async function loadSessions() {
  const sessions = await api("GET", "/sessions");
  fillTable($("sessions-table"), [
    { title: "id", value: (s) => s.id, num: true },
    { title: "system_id", value: (s) => s.system_id },
    { title: "bind", value: (s) => s.bind },
    { title: "peer", value: (s) => s.peer },
    { title: "since", value: (s) => time(s.since) },
    { title: "submits", value: (s) => s.submits, num: true },
    { title: "deliveries", value: (s) => s.deliveries, num: true },
    { title: "in flight", value: (s) => s.in_flight, num: true },
    { title: "", value: (s) => button("Unbind", { "data-session-id": s.id, class: "unbind" }, async () => {
      await api("DELETE", "/sessions/" + s.id);
      await loadSessions();
    }) },
  ], sessions, "no sessions");
}

async function loadCarriers() {
  const carriers = await api("GET", "/carriers");
  fillTable($("carriers-table"), [
    { title: "name", value: (c) => c.name },
    { title: "sessions", value: (c) => c.sessions, num: true },
    { title: "queue", value: (c) => c.queue, num: true },
    { title: "in flight", value: (c) => c.in_flight, num: true },
  ], carriers, "none configured");
}

// ---- tabs, polling, sign in

const loaders = { overview: refreshOverview, accounts: loadAccounts, sessions: loadSessions, carriers: loadCarriers };

function showTab(name) {
  currentTab = name;
  for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("active", b.dataset.tab === name);
  for (const p of document.querySelectorAll(".page")) p.hidden = p.id !== "page-" + name;
  location.hash = name;
  tick();
}

// Every 2 s: the metrics (so the chart has no gaps whatever the tab), and the open
// tab's data except the accounts (forms there would lose what is being typed).
async function tick() {
  clearTimeout(timer);
  try {
    if (currentTab === "overview") await refreshOverview();
    else {
      await pollMetrics();
      if (currentTab !== "accounts") await loaders[currentTab]();
      else if (!$("accounts-table").rows.length) await loadAccounts();
    }
    clearError();
  } catch (e) {
    showError(e);
    if (e instanceof Unauthorized) return;
  }
  timer = setTimeout(tick, pollMs);
}

function signedIn() {
  $("signin-page").hidden = true;
  $("tabs").hidden = false;
  $("signout").hidden = false;
  const tab = location.hash.slice(1);
  showTab(loaders[tab] ? tab : "overview");
}

function signOut(message) {
  clearTimeout(timer);
  sessionStorage.removeItem(tokenKey);
  for (const p of document.querySelectorAll(".page")) p.hidden = true;
  $("tabs").hidden = true;
  $("signout").hidden = true;
  $("error").hidden = true;
  $("signin-page").hidden = false;
  $("signin-error").textContent = message || "";
  $("signin-error").hidden = !message;
  $("token").focus();
}

async function signIn(event) {
  event.preventDefault();
  sessionStorage.setItem(tokenKey, $("token").value.trim());
  try {
    await api("GET", "/queues");  // checks the token
  } catch (e) {
    if (e instanceof Unauthorized) return signOut("Wrong token.");
    return showError(e);
  }
  $("token").value = "";
  $("signin-error").hidden = true;
  signedIn();
}

$("signin-form").addEventListener("submit", signIn);
$("signout").addEventListener("click", () => signOut());
for (const b of document.querySelectorAll("#tabs button")) b.addEventListener("click", () => showTab(b.dataset.tab));
$("new-account-form").addEventListener("submit", guarded(createAccount));
$("new-token-form").addEventListener("submit", guarded(createToken));
$("secret-close").addEventListener("click", () => { $("secret-box").hidden = true; });
$("refresh-sessions").addEventListener("click", guarded(loadSessions));
$("refresh-carriers").addEventListener("click", guarded(loadCarriers));

if (sessionStorage.getItem(tokenKey)) signedIn(); else signOut();
document.documentElement.dataset.ready = "1";  // the handlers are in place (for the tests)
