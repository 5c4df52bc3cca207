// Supervisor page: log in, follow the site live over two websockets, load figures with the token.
const config = JSON.parse(document.getElementById("aufruf-config").textContent);
const messages = config.messages[config.lang] || config.messages.de;
const TOKEN_KEY = `aufruf.supervisor.${config.site}`;
const $ = (id) => document.getElementById(id);

function t(key, values = {}) {
  const template = messages[key] ?? config.messages.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

const state = {
  counters: new Map(),
  queues: [],
  notes: [],
  devices: new Map(),
  alarms: new Map(),
  acknowledged: new Map(),
  clockOffset: 0, // server time minus browser time, from the last snapshot
};
let sockets = [];
let retry = 0;

const token = () => sessionStorage.getItem(TOKEN_KEY);
const now = () => Date.now() + state.clockOffset;

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function minutesSince(iso) {
  return iso ? Math.max(0, Math.floor((now() - Date.parse(iso)) / 60000)) : null;
}

/** A moment as the site's wall-clock time (not the browser's zone). */
function clockTime(iso) {
  return new Date(iso).toLocaleTimeString(config.lang, {
    hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZone: config.timezone,
  });
}

/** Today's date at the site, as YYYY-MM-DD. */
function siteToday() {
  return new Intl.DateTimeFormat("sv-SE", { timeZone: config.timezone }).format(new Date(now()));
}

// ---- log-in ---------------------------------------------------------------------------------------

function showLogin(reason) {
  for (const socket of sockets) socket.close();
  sockets = [];
  sessionStorage.removeItem(TOKEN_KEY);
  $("app").hidden = true;
  $("logout").hidden = true;
  $("login").hidden = false;
  $("login-error").textContent = reason ? t(reason) : "";
  $("username").focus();
}

async function api(path, options = {}) {
  const response = await fetch(`/api/v1${path}`, {
    ...options,
    headers: { ...(options.headers || {}), Authorization: `Bearer ${token()}` },
  });
  if (response.status === 401) showLogin("login.expired");
  if (response.status === 403) showLogin("login.forbidden");
  return response;
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const response = await fetch("/api/v1/auth/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: $("username").value, password: $("password").value }),
  });
  if (!response.ok) {
    $("login-error").textContent = t("login.failed");
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, (await response.json()).access_token);
  // Only supervisors may see the live picture; a clerk's token is turned away here, not later.
  const check = await api(`/sites/${encodeURIComponent(config.site)}/supervision?lang=${config.lang}`);
  if (check.ok) start();
});

// Single sign-on: the server opens the sign-in (state, nonce, PKCE) and the provider sends the browser
// back to /supervisor/sso/callback, which finishes it and returns here with the token.
for (const button of document.querySelectorAll("button.sso")) {
  button.addEventListener("click", async () => {
    const response = await fetch(`/api/v1/auth/oidc/${encodeURIComponent(button.dataset.provider)}/start`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ redirect_uri: `${location.origin}/supervisor/sso/callback` }),
    });
    const body = await response.json();
    if (!response.ok) {
      $("login-error").textContent = t("login.sso_failed", { reason: body.detail || response.status });
      return;
    }
    const back = { site: config.site, lang: config.lang, provider: button.dataset.provider };
    sessionStorage.setItem(`aufruf.sso.${body.state}`, JSON.stringify(back));
    location.assign(body.authorization_url);
  });
}

$("logout").addEventListener("click", () => showLogin(null));

// ---- rendering ------------------------------------------------------------------------------------

function renderCounters() {
  const body = $("counters").tBodies[0];
  body.replaceChildren();
  for (const counter of state.counters.values()) {
    const row = el("tr");
    row.dataset.counter = counter.id;
    row.append(el("th", counter.name));
    row.firstChild.scope = "row";
    row.append(el("td", t(`status.${counter.status}`), `state-${counter.status}`));
    row.append(el("td", counter.clerk ?? t("stats.none")));
    const current = counter.current;
    row.append(el("td", current ? `${current.number} (${t(`ticket.${current.status}`)})` : t("stats.none")));
    const since = current ? minutesSince(current.started_at || current.called_at) : null;
    row.append(el("td", since === null ? t("stats.none") : t("minutes", { n: since }), "num"));
    body.append(row);
  }
}

function renderQueues() {
  const body = $("queues").tBodies[0];
  body.replaceChildren();
  for (const queue of state.queues) {
    const row = el("tr");
    row.dataset.service = queue.id;
    const name = el("th", `${queue.prefix} · ${queue.name}`);
    name.scope = "row";
    const longest = minutesSince(queue.oldest_queued_at);
    const over = longest !== null && longest > queue.target_wait_minutes;
    const wait = el("td", longest === null ? t("stats.none") : t("minutes", { n: longest }), over ? "num over" : "num");
    if (over) wait.append(el("span", ` (${t("queues.over_target")})`));
    row.append(name, el("td", queue.waiting, "num"), wait, el("td", t("minutes", { n: queue.target_wait_minutes }), "num"));
    body.append(row);
  }
}

// Transfer notes are staff-only; this page is for supervisors, the public display never gets them.
function renderNotes() {
  const list = $("notes");
  list.replaceChildren();
  for (const note of state.notes) {
    const item = el("li");
    item.dataset.number = note.number;
    item.append(el("strong", `${note.number} · ${note.service ?? ""}`), el("span", ` „${note.note}“`));
    list.append(item);
  }
  $("notes-none").hidden = state.notes.length > 0;
}

function health(stateName) {
  if (stateName === "ok") return "health-ok";
  return stateName === "paper_near_end" ? "health-warn" : "health-bad";
}

function renderDevices() {
  const body = $("devices").tBodies[0];
  body.replaceChildren();
  for (const device of state.devices.values()) {
    const row = el("tr");
    row.dataset.device = device.id;
    const name = el("th", device.id);
    name.scope = "row";
    const cell = el("td");
    const parts = Object.entries(device.components);
    if (parts.length === 0) cell.append(el("span", t("devices.no_reports")));
    for (const [component, report] of parts) {
      const line = el("div", `${t(`component.${component}`)}: ${t(`state.${report.state}`)}`, health(report.state));
      line.dataset.component = component;
      if (report.detail) line.append(el("span", ` – ${report.detail}`));
      cell.append(line);
    }
    const seen = device.last_seen ? clockTime(device.last_seen) : t("stats.none");
    row.append(name, el("td", t(`kind.${device.kind}`)), cell, el("td", seen));
    body.append(row);
  }
}

function renderAlarms() {
  const list = $("alarms");
  list.replaceChildren();
  const alarms = [...state.alarms.values()].sort((a, b) => b.id - a.id);
  const open = alarms.filter((alarm) => !state.acknowledged.has(alarm.id));
  $("alarms-none").hidden = open.length > 0;
  for (const alarm of alarms) {
    const by = state.acknowledged.get(alarm.id);
    const item = el("li", null, by === undefined ? "open" : "done");
    item.dataset.alarm = alarm.id;
    item.append(el("strong", t("alarms.new", { counter: alarm.counter_name, clerk: alarm.clerk })));
    if (alarm.room) item.append(el("span", alarm.room));
    if (alarm.note) item.append(el("span", `„${alarm.note}“`));
    item.append(el("span", clockTime(alarm.at), "when"));
    if (by === undefined) {
      const button = el("button", t("alarms.acknowledge"));
      button.type = "button";
      button.addEventListener("click", () => acknowledge(alarm.id));
      item.append(button);
    } else {
      item.append(el("span", t("alarms.acknowledged", { by })));
    }
    list.append(item);
  }
}

function renderLive() {
  renderCounters();
  renderQueues();
  renderNotes();
  renderDevices();
  renderAlarms();
}

async function acknowledge(id) {
  const response = await api(`/sites/${encodeURIComponent(config.site)}/alarms/${id}/acknowledge`, { method: "POST" });
  if (response.ok) {
    state.acknowledged.set(id, state.acknowledged.get(id) ?? "…");
    renderAlarms();
  }
}

// "Close the day now": a second, explicit press, because every waiting ticket ends.
function askCloseDay(asking) {
  $("close-day").hidden = asking;
  $("close-day-confirm").hidden = !asking;
}

$("close-day").addEventListener("click", () => askCloseDay(true));
$("close-day-no").addEventListener("click", () => askCloseDay(false));
$("close-day-yes").addEventListener("click", async () => {
  askCloseDay(false);
  const response = await api(`/sites/${encodeURIComponent(config.site)}/close-day`, { method: "POST" });
  $("close-day-result").textContent = response.ok
    ? t("close_day.done", { n: (await response.json()).expired })
    : t("close_day.failed");
});

// ---- live streams ---------------------------------------------------------------------------------

function applySnapshot(data) {
  state.clockOffset = Date.parse(data.now) - Date.now();
  state.counters = new Map(data.counters.map((counter) => [counter.id, counter]));
  state.queues = data.queues;
  state.notes = data.notes ?? [];
  state.devices = new Map(data.devices.map((device) => [device.id, device]));
  for (const [id, by] of Object.entries(data.acknowledged)) state.acknowledged.set(Number(id), by);
}

function onSiteEvent(message, resync) {
  const data = message.data;
  if (message.type === "counter.changed") {
    const known = state.counters.get(data.id);
    const before = known?.current;
    const current = data.current
      ? {
          number: data.current.number,
          service: data.current.service,
          status: data.current.status,
          called_at: data.current.called_at,
          started_at: before && before.number === data.current.number ? before.started_at : null,
        }
      : null;
    state.counters.set(data.id, { ...known, id: data.id, name: data.name, room: data.room, status: data.status,
      clerk: known?.clerk ?? null, current });  // clerks' names never travel on the public stream
  } else if (message.type === "ticket.serving" && data.counter) {
    const counter = state.counters.get(data.counter);
    if (counter?.current?.number === data.number) {
      counter.current = { ...counter.current, status: "serving", started_at: message.at };
    }
  } else if (message.type === "queue.changed") {
    // The event carries whole minutes only; a fresh snapshot gives each line's exact oldest ticket.
    resync();
  } else if (message.type === "device.status") {
    const device = state.devices.get(data.device) ?? { id: data.device, kind: data.kind, active: true, components: {} };
    device.components = { ...device.components, [data.component]: { state: data.state, detail: data.detail, at: message.at } };
    device.last_seen = message.at;
    state.devices.set(data.device, device);
  }
}

function onAlarmEvent(message) {
  if (message.type === "snapshot") {
    state.alarms = new Map(message.data.alarms.map((alarm) => [alarm.id, alarm]));
  } else if (message.type === "counter.alarm") {
    const alarm = { ...message.data, id: message.seq, at: message.at };
    state.alarms.set(alarm.id, alarm);
    $("alarm-announcer").textContent = t("alarms.new", { counter: alarm.counter_name, clerk: alarm.clerk });
  } else if (message.type === "alarm.acknowledged") {
    state.acknowledged.set(message.data.alarm, message.data.by);
  }
}

function setOnline(online) {
  const line = $("connection");
  line.textContent = t(online ? "live.connected" : "live.offline");
  line.className = `connection ${online ? "online" : "offline"}`;
}

function openStream(path, handle) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const url = `${scheme}://${location.host}${path}?token=${encodeURIComponent(token())}&lang=${config.lang}`;
  const socket = new WebSocket(url);
  let seq = null;
  let pending = null;
  const resync = () => {
    // Several queue changes in a row need only one fresh snapshot.
    if (pending === null) pending = setTimeout(() => { pending = null; socket.send(JSON.stringify({ type: "resync" })); }, 200);
  };
  socket.addEventListener("open", () => { retry = 0; setOnline(true); });
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    if (message.type !== "snapshot" && seq !== null && message.seq !== seq + 1) {
      socket.send(JSON.stringify({ type: "resync" }));
    }
    seq = message.seq;
    handle(message, resync);
    renderLive();
  });
  socket.addEventListener("close", (event) => {
    if (!sockets.includes(socket)) return;
    if (event.code === 1008) {
      showLogin("login.expired");
      return;
    }
    setOnline(false);
    sockets = sockets.filter((other) => other !== socket);
    retry = Math.min(retry + 1, 5);
    setTimeout(() => { if (token()) sockets.push(openStream(path, handle)); }, 500 * 2 ** retry);
  });
  return socket;
}

function start() {
  $("login").hidden = true;
  $("app").hidden = false;
  $("logout").hidden = false;
  const site = encodeURIComponent(config.site);
  sockets = [
    openStream(`/ws/sites/${site}/supervision`, (message, resync) => {
      if (message.type === "snapshot") applySnapshot(message.data);
      else onSiteEvent(message, resync);
      // The day's controls (day-controls.js) follow the same stream.
      document.dispatchEvent(new CustomEvent("aufruf:site-event", { detail: message }));
    }),
    openStream(`/ws/sites/${site}/supervisor`, (message) => onAlarmEvent(message)),
  ];
  checkBus();
  if (!$("stats-date").value) $("stats-date").value = siteToday();
  loadStats();
}

// Whether live updates cross the server's workers; while they do not, they arrive late from the database.
async function checkBus() {
  try {
    const response = await fetch("/api/v1/health");
    const bus = (await response.json()).bus;
    const degraded = bus !== undefined && bus.state !== "ok";
    $("bus").hidden = !degraded;
    $("bus").textContent = degraded ? t("live.bus_degraded", { detail: bus.detail }) : "";
  } catch {
    // The stream's own line already says the server cannot be reached.
  }
}
setInterval(() => { if (!$("app").hidden) checkBus(); }, 5000);

// Durations tick between events.
setInterval(() => { if (!$("app").hidden) { renderCounters(); renderQueues(); } }, 15000);

// ---- figures --------------------------------------------------------------------------------------

const KPIS = ["issued", "served", "no_show", "cancelled", "still_open", "appointments", "walk_ins", "no_show_rate",
  "wait_minutes_median", "wait_minutes_p90", "service_minutes_median", "within_target_share", "not_served_today"];
const SHARES = new Set(["no_show_rate", "within_target_share", "no_show_share"]);
const BOOKINGS = ["booked", "came", "no_show", "cancelled", "late_walk_in", "pending", "no_show_share"];
const MINUTES = new Set(["wait_minutes_median", "wait_minutes_p90", "service_minutes_median"]);

function figure(name, value) {
  if (value === null || value === undefined) return t("stats.none");
  if (SHARES.has(name)) return `${(value * 100).toLocaleString(config.lang, { maximumFractionDigits: 1 })} %`;
  if (MINUTES.has(name)) return t("minutes", { n: value.toLocaleString(config.lang, { maximumFractionDigits: 1 }) });
  return value.toLocaleString(config.lang);
}

function fillTable(table, head, rows) {
  table.replaceChildren();
  const thead = el("thead");
  const headRow = el("tr");
  for (const title of head) {
    const th = el("th", title);
    th.scope = "col";
    headRow.append(th);
  }
  thead.append(headRow);
  const tbody = el("tbody");
  for (const cells of rows) {
    const row = el("tr");
    cells.forEach((value, index) => {
      const cell = el(index === 0 ? "th" : "td", value, index === 0 ? null : "num");
      if (index === 0) cell.scope = "row";
      row.append(cell);
    });
    tbody.append(row);
  }
  table.append(thead, tbody);
}

function figureRows(rows) {
  return rows.map((row) => [row.label, ...KPIS.map((name) => figure(name, row[name]))]);
}

function statsQuery() {
  const period = $("stats-period").value;
  return { period, query: `date=${$("stats-date").value}&period=${period}&lang=${config.lang}` };
}

async function showChart(name, period, query, alt) {
  const response = await api(`/sites/${encodeURIComponent(config.site)}/stats/charts/${name}.svg?${query}`);
  if (!response.ok) return;
  const image = el("img");
  image.alt = alt;
  image.dataset.chart = name;
  image.src = URL.createObjectURL(await response.blob());
  $("charts").append(image);
}

async function loadStats() {
  const { period, query } = statsQuery();
  $("stats-status").textContent = t("stats.loading");
  const site = encodeURIComponent(config.site);
  const response = await api(`/sites/${site}/stats${period === "week" ? "/week" : ""}?${query}`);
  if (!response.ok) {
    $("stats-status").textContent = t("stats.failed");
    return;
  }
  const report = await response.json();
  const summary = $("summary");
  summary.replaceChildren();
  for (const name of KPIS) {
    const item = el("div");
    item.dataset.kpi = name;
    item.append(el("dt", t(`kpi.${name}`)), el("dd", figure(name, report[name])));
    summary.append(item);
  }
  const head = [t("kpi.name"), ...KPIS.map((name) => t(`kpi.${name}`))];
  fillTable($("by-service"), head, figureRows(report.services));
  fillTable($("by-counter"), head, figureRows(report.counters));
  $("periods-title").textContent = t(period === "week" ? "stats.by_day" : "stats.by_hour");
  fillTable($("by-period"), head, figureRows(period === "week" ? report.days : report.hours));
  $("staffing-block").hidden = period === "week";
  $("staffing-title").hidden = period === "week";
  $("download-staffing").hidden = period === "week";
  if (period === "day") {
    const goal = `${Math.round(report.staffing_goal * 100)} %`;
    $("staffing-intro").textContent = t("stats.staffing_intro", { goal });
    // The plan (needed, with the queue carried in from earlier hours) beside what happened (open, waits).
    fillTable($("staffing"),
      ["hour", "arrivals", "service_minutes", "target", "load", "backlog", "needed", "open", "gap", "actual_wait",
        "actual_within"].map((key) => t(`staff.${key}`)),
      report.staffing.map((hour) => [hour.hour, hour.arrivals, hour.service_minutes ?? t("stats.none"),
        hour.target_wait_minutes ?? t("stats.none"), hour.load_erlang, hour.backlog_in, hour.counters_needed,
        hour.counters_open, hour.gap, hour.wait_minutes_median ?? t("stats.none"),
        figure("within_target_share", hour.within_target_share_actual)]));
  }
  // Bookings: the site, each service and, for a week, each day; a late check-in counts as a walk-in.
  const bookingRows = [[t("booking.all"), report.bookings], ...report.booking_services.map((row) => [row.label, row]),
    ...(period === "week" ? report.booking_days.map((row) => [row.label, row]) : [])];
  fillTable($("bookings"), [t("kpi.name"), ...BOOKINGS.map((name) => t(`booking.${name}`))],
    bookingRows.map(([label, row]) => [label, ...BOOKINGS.map((name) => figure(name, row[name]))]));
  for (const image of $("charts").querySelectorAll("img")) URL.revokeObjectURL(image.src);
  $("charts").replaceChildren();
  const charts = period === "week"
    ? [["days", "chart.days"], ["waits", "chart.day_waits"], ["bookings", "chart.bookings"]]
    : [["arrivals", "chart.arrivals"], ["waits", "chart.waits"], ["staffing", "chart.staffing"],
      ["bookings", "chart.bookings"]];
  await Promise.all(charts.map(([name, alt]) => showChart(name, period, query, t(alt))));
  $("stats-body").hidden = false;
  $("stats-status").textContent = "";
}

$("stats-form").addEventListener("submit", (event) => {
  event.preventDefault();
  loadStats();
});

async function download(extension, extra = "") {
  const { query } = statsQuery();
  const response = await api(`/sites/${encodeURIComponent(config.site)}/stats/export.${extension}?${query}${extra}`);
  if (!response.ok) return;
  const match = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") || "");
  const link = el("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = match ? match[1] : `aufruf.${extension}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

$("download-xlsx").addEventListener("click", () => download("xlsx"));
$("download-csv").addEventListener("click", () => download("csv"));
$("download-staffing").addEventListener("click", () => download("csv", "&table=staffing"));
$("download-bookings").addEventListener("click", () => download("csv", "&table=bookings"));

if (token()) start();
else showLogin(null);

export { api, el, t };
