// Today's controls on the supervisor page: close or reopen a service, today's quota, notices with an expiry,
// moving a line, ending a counter session. Each is one API call; the page reloads the state after the stream moves.
import { api, el, t } from "./supervisor.js";

const config = JSON.parse(document.getElementById("aufruf-config").textContent);
const $ = (id) => document.getElementById(id);
const site = encodeURIComponent(config.site);
// German and English are required; the other languages the displays speak are optional translations.
const LANGUAGES = [
  ["de", true], ["en", true], ["tr", false], ["ar", false], ["uk", false], ["ru", false],
];
// Events after which the controls' state may have changed.
const RELOAD_ON = new Set(["snapshot", "queue.changed", "service.closed", "service.reopened", "notices.changed",
  "counter.session", "counter.changed", "day.closed"]);
let zone = null;
let pending = null;
let services = [];

function textFields(container) {
  const prefix = container.dataset.prefix;
  const more = el("details");
  more.append(el("summary", t("controls.more_languages")));
  for (const [language, required] of LANGUAGES) {
    const id = `${prefix}-text-${language}`;
    const label = el("label", t(`controls.text_${language}`));
    label.htmlFor = id;
    const input = el("textarea");
    input.id = id;
    input.name = language;
    input.rows = 2;
    input.maxLength = 200;
    input.lang = language;
    if (language === "ar") input.dir = "rtl";
    input.required = required;
    (required ? container : more).append(label, input);
  }
  container.append(more);
}

function texts(form) {
  const out = {};
  for (const [language] of LANGUAGES) {
    const value = form.querySelector(`textarea[name="${language}"]`).value.trim();
    if (value) out[language] = value;
  }
  return out;
}

function time(iso) {
  return iso ? new Date(iso).toLocaleTimeString(config.lang, { hour: "2-digit", minute: "2-digit",
    ...(zone ? { timeZone: zone } : {}) }) : t("stats.none");
}

async function say(response, doneKey, values = {}) {
  if (response.ok) {
    $("controls-status").textContent = t(doneKey, values);
    $("controls-status").className = "controls-status ok";
  } else {
    let body = {};
    try { body = await response.json(); } catch { body = {}; }
    const known = body.code && t(`controls.error.${body.code}`) !== `controls.error.${body.code}`;
    $("controls-status").textContent = known ? t(`controls.error.${body.code}`)
      : t("controls.failed", { detail: typeof body.detail === "string" ? body.detail : response.status });
    $("controls-status").className = "controls-status error";
  }
  await load();
  return response.ok;
}

function call(path, method, body) {
  return api(path, { method, headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body) });
}

function fillSelect(select, keep) {
  const before = select.value;
  select.replaceChildren(...services.map((service) => {
    const option = el("option", `${service.name} (${t("controls.waiting_n", { n: service.waiting })})`);
    option.value = service.id;
    return option;
  }));
  if (keep && services.some((service) => service.id === before)) select.value = before;
}

function renderServices() {
  const body = $("control-services").tBodies[0];
  // A quota being typed survives a reload the stream triggers meanwhile.
  const typing = body.contains(document.activeElement) && document.activeElement.name === "quota"
    ? { service: document.activeElement.closest("tr").dataset.service, value: document.activeElement.value } : null;
  body.replaceChildren();
  for (const service of services) {
    const row = el("tr");
    row.dataset.service = service.id;
    const name = el("th", service.name);
    name.scope = "row";
    const state = el("td", service.closed ? t("controls.closed") : t("controls.open"),
      service.closed ? "state-closed-service" : "state-open");
    if (service.closed) state.append(el("div", service.message[config.lang] || service.message.de, "note"));
    const quota = el("td");
    const form = el("form", null, "quota-form");
    const input = el("input");
    input.type = "number";
    // Not below today's issued tickets: the server says so in words, the field only refuses negatives.
    input.min = "0";
    input.name = "quota";
    input.value = service.quota ?? "";
    input.placeholder = t("controls.no_quota");
    input.setAttribute("aria-label", t("controls.quota_for", { service: service.name }));
    const save = el("button", t("controls.quota_save"));
    save.type = "submit";
    form.append(input, save);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const quota = input.value === "" ? null : Number(input.value);
      await say(await call(`/sites/${site}/services/${encodeURIComponent(service.id)}/quota`, "PUT", { quota }),
        "controls.quota_done", { service: service.name });
    });
    quota.append(form);
    const actions = el("td");
    if (service.closed) {
      const reopen = el("button", t("controls.reopen"));
      reopen.type = "button";
      reopen.dataset.action = "reopen";
      reopen.setAttribute("aria-label", t("controls.reopen_for", { service: service.name }));
      reopen.addEventListener("click", async () => {
        await say(await call(`/sites/${site}/services/${encodeURIComponent(service.id)}/reopen`, "POST"),
          "controls.reopen_done", { service: service.name });
      });
      actions.append(reopen);
    }
    row.append(name, state, el("td", service.issued, "num"), quota, actions);
    body.append(row);
  }
  if (typing) {
    const input = body.querySelector(`tr[data-service="${CSS.escape(typing.service)}"] input[name="quota"]`);
    if (input) { input.value = typing.value; input.focus(); }
  }
  fillSelect($("close-service"), true);
  fillSelect($("move-from"), true);
  fillSelect($("move-to"), true);
}

function renderNotices(notices) {
  const list = $("notices");
  list.replaceChildren();
  const showing = notices.filter((notice) => notice.showing);
  for (const notice of showing) {
    const item = el("li");
    item.dataset.notice = notice.id;
    item.append(el("span", notice.texts[config.lang] || notice.texts.de),
      el("span", ` · ${t("controls.until", { time: time(notice.expires_at) })} `, "note"));
    const withdraw = el("button", t("controls.withdraw"));
    withdraw.type = "button";
    withdraw.addEventListener("click", async () => {
      await say(await call(`/sites/${site}/notices/${notice.id}`, "DELETE"), "controls.withdraw_done");
    });
    item.append(withdraw);
    list.append(item);
  }
  $("notices-none").hidden = showing.length > 0;
}

function renderSessions(counters) {
  const body = $("sessions").tBodies[0];
  body.replaceChildren();
  for (const counter of counters) {
    const row = el("tr");
    row.dataset.counter = counter.key;
    const name = el("th", counter.name);
    name.scope = "row";
    const actions = el("td");
    if (counter.session !== null) {
      const end = el("button", t("controls.end_session"));
      end.type = "button";
      end.setAttribute("aria-label", t("controls.end_session_for", { counter: counter.name }));
      end.addEventListener("click", async () => {
        await say(await call(`/sites/${site}/counters/${encodeURIComponent(counter.key)}/end-session`, "POST"),
          "controls.end_session_done", { counter: counter.name });
      });
      actions.append(end);
    }
    row.append(name, el("td", counter.clerk ?? t("controls.nobody")), el("td", counter.workstation || t("stats.none")),
      el("td", counter.session !== null ? time(counter.opened_at) : t("stats.none")),
      el("td", counter.current ?? t("stats.none")), actions);
    body.append(row);
  }
}

async function load() {
  const response = await api(`/sites/${site}/day-controls?lang=${config.lang}`);
  if (!response.ok) return;
  const data = await response.json();
  services = data.services;
  renderServices();
  renderNotices(data.notices);
  renderSessions(data.counters);
  $("day-controls").dataset.loaded = "true";
}

$("close-service-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const service = $("close-service").value;
  const name = services.find((found) => found.id === service)?.name ?? service;
  if (await say(await call(`/sites/${site}/services/${encodeURIComponent(service)}/close`, "POST",
    { message: texts(form) }), "controls.close_done", { service: name })) form.reset();
});

$("move-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const from = $("move-from").value;
  const to = $("move-to").value;
  const response = await call(`/sites/${site}/services/${encodeURIComponent(from)}/move`, "POST", { to });
  const moved = response.ok ? (await response.clone().json()).moved.length : 0;
  await say(response, "controls.move_done", { n: moved });
});

$("notice-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  if (await say(await call(`/sites/${site}/notices`, "POST",
    { texts: texts(form), minutes: Number($("notice-minutes").value) }), "controls.notice_done")) form.reset();
});

for (const container of document.querySelectorAll("#day-controls .texts")) textFields(container);

document.addEventListener("aufruf:site-event", (event) => {
  const message = event.detail;
  if (message.type === "snapshot" && message.data?.site?.timezone) zone = message.data.site.timezone;
  if (!RELOAD_ON.has(message.type)) return;
  // A burst of events (a moved line) needs one reload.
  if (pending === null) pending = setTimeout(() => { pending = null; load(); }, 150);
});
