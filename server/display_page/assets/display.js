// The browser call display: connects to the site's event stream and renders the waiting-room screen.
import {
  AnnouncementQueue, DisplayState, backoff, callLanguages, minNumberFontPx, retryAfterMs, screenful,
} from "./display-core.js";

const config = JSON.parse(document.getElementById("aufruf-config").textContent);
const options = config.options;
const languages = options.languages;
const $ = (id) => document.getElementById(id);

const state = new DisplayState(
  { services: options.services, counters: options.counters },
  options.recent + 1,
);
const announced = [];
const renders = [];
const queue = new AnnouncementQueue(playAnnouncement);
// A call whose audio has ended may give up its row.
queue.onDone = () => renderCalls();
// Calls for people who cannot hear them: number → time (ms) their highlight ends.
const visualUntil = new Map();
const VISUAL_SECONDS = options.visual;
let soundAllowed = options.sound;
let socket = null;
let attempt = 0;
let flashTimer = null;
let watchdog = null;

// Exposed for tests and the latency benchmark only; nothing here is secret.
window.aufrufDisplay = { state, queue, announced, renders, config, fit: () => fit() };

function message(language, key, values = {}) {
  const template = (config.messages[language] || {})[key] ?? config.fallback[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

function languageSpan(language, text, className) {
  const span = document.createElement("span");
  span.className = className;
  span.lang = language;
  span.dir = config.rtl[language] ? "rtl" : "ltr";
  span.textContent = text;
  return span;
}

/** Fill an element with a text in the main language and, smaller, in the other languages. */
function fillMultilingual(element, texts) {
  element.replaceChildren(languageSpan(languages[0], texts[0], "primary"));
  if (element.hasAttribute("data-single")) return;
  // One line for the other languages, each in a span of its own language: screen readers pick the voice.
  const line = document.createElement("span");
  line.className = "secondary";
  texts.forEach((text, index) => {
    if (index === 0 || !text || texts.indexOf(text) !== index) return;
    if (line.childNodes.length) line.append(" · ");
    line.append(languageSpan(languages[index], text, "other"));
  });
  if (line.childNodes.length) element.append(line);
}

function translateStatic() {
  for (const element of document.querySelectorAll("[data-msg]")) {
    const key = element.getAttribute("data-msg");
    fillMultilingual(element, languages.map((lang) => message(lang, key)));
  }
  $("site-name").textContent = config.siteName;
  $("ticker").hidden = !options.ticker;
  if (options.ticker) {
    $("ticker").textContent = options.ticker;
    $("ticker-bar").hidden = false;
  }
}

// The supervisor's notices, in the screen's languages (German when a language has no text), until they expire.
let noticeTimer = null;
function renderNotices() {
  clearTimeout(noticeTimer);
  const notices = state.activeNotices();
  const bar = $("notice");
  if (!notices.length) {
    bar.hidden = true;
    bar.replaceChildren();
  } else {
    bar.hidden = false;
    bar.replaceChildren(...notices.map((notice) => {
      const line = document.createElement("p");
      line.className = "notice-line";
      fillMultilingual(line, languages.map((lang) => notice.texts[lang] || notice.texts.de));
      return line;
    }));
  }
  $("ticker-bar").hidden = !notices.length && !options.ticker;
  const wait = state.nextExpiryMs();
  // No request at expiry: the screen's own timer takes the notice down.
  if (wait !== null) noticeTimer = setTimeout(renderNotices, wait + 20);
  fit();
}

function closedText(service) {
  const texts = service.closed_message;
  if (service.closed_reason === "closed_by_supervisor" && texts) return texts[languages[0]] || texts.de;
  return message(languages[0], "display.closed");
}

function serviceName(service) {
  return languages.map((lang) => (service.names && service.names[lang]) || service.name);
}

function renderLines() {
  const items = state.visibleServices().map((service) => {
    const item = document.createElement("li");
    item.dataset.service = service.id;
    const name = document.createElement("span");
    name.className = "service-name";
    fillMultilingual(name, serviceName(service));
    const count = document.createElement("span");
    count.className = "count";
    count.textContent = String(service.waiting);
    const range = document.createElement("span");
    range.className = "range";
    if (!service.open) {
      item.classList.add("closed");
      range.textContent = closedText(service);
    } else if (service.served_now === false) {
      item.classList.add("unserved");
      range.textContent = service.served_from_time
        ? message(languages[0], "display.not_served_from", { time: service.served_from_time })
        : message(languages[0], "display.not_served");
    } else if (service.waiting > 0 && service.eta_minutes) {
      const [low, high] = service.eta_minutes;
      range.textContent = message(languages[0], "display.wait_range", { low, high });
    } else {
      range.textContent = "–";
    }
    item.append(name, count, range);
    return item;
  });
  $("lines").replaceChildren(...items);
  fit();
}

function callRow(call) {
  const item = document.createElement("li");
  item.dataset.number = call.number;
  if (call.recall || call.recalls > 0) item.classList.add("recalled");
  if (isHighlighted(call)) item.classList.add("visual");
  const number = document.createElement("bdi");
  number.className = "number";
  number.dir = "ltr";
  number.textContent = call.number;
  const arrow = document.createElement("span");
  arrow.className = "arrow";
  arrow.setAttribute("aria-hidden", "true"); // decoration: screen readers read number and counter
  arrow.textContent = "→";
  const counter = document.createElement("bdi");
  counter.className = "counter";
  counter.dir = "ltr";
  counter.textContent = call.counter;
  item.append(number, arrow, counter);
  return item;
}

function isHighlighted(call) {
  return (visualUntil.get(call.number) || 0) > Date.now();
}

function renderCalls() {
  const { current, recent: older } = screenful(state.calls, queue.unfinished(), options.recent);
  $("current").classList.toggle("visual", Boolean(current && isHighlighted(current)));
  $("current-call").hidden = !current;
  $("idle").hidden = Boolean(current);
  $("current-number").textContent = current ? current.number : "";
  $("current-counter").textContent = current ? current.counter : "";
  $("current-counter-name").textContent = current ? current.counter_name || "" : "";
  // The way to the counter: in the screen's language and in the language the citizen chose.
  const where = (current && current.counter_location) || {};
  const wayLanguages = [...new Set([languages[0], current && current.language].filter((l) => l && where[l]))];
  $("current-location").replaceChildren(
    ...wayLanguages.map((lang, i) => languageSpan(lang, where[lang], i ? "secondary" : "primary")),
  );
  // A recall looks different from a new call: marked, in the display's languages.
  const recall = Boolean(current && (current.recall || current.recalls > 0));
  $("current").classList.toggle("recall", recall);
  $("current-recall").hidden = !recall;
  $("recent-list").replaceChildren(...older.slice(0, options.recent).map(callRow));
  fit();
}

/** Size the big number: as large as fits, never below the legibility rule for the viewing distance. */
function fitNumber(scale = 1) {
  const row = $("current-call");
  const minimum = minNumberFontPx({
    minMm: config.minNumberMm, diagonalInches: options.diagonal, width: innerWidth, height: innerHeight,
  });
  // The number shrinks half as much as the other texts on a crowded screen.
  let size = Math.max(minimum, Math.min(innerHeight, innerWidth) * 0.24 * ((1 + scale) / 2));
  row.style.setProperty("--number-size", `${size}px`);
  if (!row.hidden) {
    // Shrink a long number or counter id to the panel's width, but not below the minimum.
    const room = row.parentElement.clientWidth * 0.92;
    if (row.scrollWidth > room) size = Math.max(minimum, (size * room) / row.scrollWidth);
    row.style.setProperty("--number-size", `${size}px`);
  }
  row.dataset.minFontPx = minimum.toFixed(1);
}

// How far the texts may shrink on a crowded screen (many languages, a small TV), in steps.
const FIT_STEPS = [1, 0.92, 0.85, 0.78, 0.72, 0.66, 0.6, 0.55, 0.5, 0.45];

/** Whether some text or row needs more room than the screen gives it. */
function overflowing() {
  const screen = $("screen");
  if (screen.scrollHeight > screen.clientHeight + 1 || screen.scrollWidth > screen.clientWidth + 1) return true;
  for (const panel of document.querySelectorAll(".current, .recent, .top")) {
    if (panel.scrollHeight > panel.clientHeight + 1 || panel.scrollWidth > panel.clientWidth + 1) return true;
  }
  return false;
}

/** Shrink every text step by step until the whole screen fits (the number never below the rule). */
function fit() {
  const screen = $("screen");
  for (const step of FIT_STEPS) {
    screen.style.setProperty("--fit", String(step));
    fitNumber(step);
    if (!overflowing()) break;
  }
  screen.dataset.fit = screen.style.getPropertyValue("--fit");
}

function flash(call) {
  const panel = $("current");
  panel.classList.remove("fresh");
  void panel.offsetWidth; // restart the animation for a call that follows a call
  clearTimeout(flashTimer);
  // Someone who cannot hear the call gets a longer flash, at least while others merely glance.
  const seconds = call && call.visual_call ? Math.max(VISUAL_SECONDS, options.flash) : options.flash;
  if (seconds <= 0) return;
  panel.classList.add("fresh");
  flashTimer = setTimeout(() => panel.classList.remove("fresh"), seconds * 1000);
}

// A call alone gets the full gong before its words; one with less time left than this the short form.
const FULL_FORM_SECONDS = 1.5;

function audioUrl(calls, within, chime) {
  const site = `/display/${encodeURIComponent(config.site)}/audio`;
  if (calls.length > 1 || !chime || within[0] < FULL_FORM_SECONDS) {
    // Calls that queued up: one chime and the short form "A 17 Schalter 3, B 4 Schalter 5", in time.
    const list = calls.map((c) => `${c.number}:${c.counter}`).join(",");
    const language = (options.announce && options.announce[0]) || "de";
    const limits = within.map((seconds) => seconds.toFixed(2)).join(",");
    return `${site}/catch-up.wav?calls=${encodeURIComponent(list)}&language=${language}&within=${limits}${chime ? "" : "&chime=false"}`;
  }
  const [call] = calls;
  const spoken = callLanguages(call, options.announce).join(",");
  const recall = call.recall ? "&recall=1" : "";
  return `${site}/${encodeURIComponent(call.number)}/${encodeURIComponent(call.counter)}.wav?languages=${spoken}${recall}`;
}

const seconds = (header) => (header || "").split(",").filter(Boolean).map(Number);

/**
 * Play the gong and speech of the calls that waited; resolves when it ended, failed or sound is blocked,
 * or with "handover" when others came during a lone call's gong. A lone call's further languages give
 * way to calls that wait.
 */
async function playAnnouncement(calls, { within = calls.map(() => 5), chime = true, waiting = () => 0 } = {}) {
  const url = audioUrl(calls, within, chime);
  const records = calls.map((call) => ({ number: call.number, counter: call.counter, seq: call.seq, url, requestedAt: Date.now() }));
  announced.push(...records);
  const note = (fields) => records.forEach((record) => Object.assign(record, fields));
  if (!soundAllowed) {
    note({ skipped: "sound off" });
    return undefined;
  }
  let response;
  try {
    response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
  } catch (error) {
    note({ outcome: "error", error: String(error), endedAt: Date.now() });
    return undefined;
  }
  const starts = seconds(response.headers.get("X-Call-Starts"));
  const ends = seconds(response.headers.get("X-Piece-Ends"));
  const source = URL.createObjectURL(await response.blob());
  return new Promise((resolve) => {
    const audio = new Audio(source);
    const timers = [];
    let outcome = null;
    const finish = (result) => {
      if (outcome) return;
      outcome = result;
      timers.forEach(clearTimeout);
      clearTimeout(guard);
      audio.pause();
      URL.revokeObjectURL(source);
      if (result === "handover") {
        // Not spoken yet: the calls are announced again with those that came during the gong.
        records.forEach((record) => announced.splice(announced.indexOf(record), 1));
        resolve("handover");
        return;
      }
      note({ outcome, endedAt: Date.now() });
      resolve(undefined);
    };
    // A clip that never ends (broken device) must not hold up the calls behind it.
    const guard = setTimeout(() => finish("timeout"), 60000);
    audio.addEventListener("ended", () => finish("ended"), { once: true });
    audio.addEventListener("error", () => finish("error"), { once: true });
    audio.addEventListener("playing", () => {
      const startedAt = Date.now();
      records.forEach((record, index) => Object.assign(record, { startedAt, spokenAt: startedAt + 1000 * (starts[index] ?? 0) }));
      if (ends.length > 1) {
        // A lone call: gong, German, then the ticket's language. Stop in the pause after a piece if others wait.
        timers.push(setTimeout(() => waiting() > 0 && finish("handover"), 1000 * ends[0] + 100));
        if (ends.length > 2) timers.push(setTimeout(() => waiting() > 0 && finish("shortened"), 1000 * ends[1] + 100));
      }
    }, { once: true });
    audio.play().catch((error) => {
      if (error.name === "NotAllowedError") $("sound-off").hidden = false;
      finish(error.name);
    });
  });
}

function setOnline(online) {
  $("offline").hidden = online;
  fit();
  document.body.dataset.online = String(online);
}

function handle(message) {
  if (message.type === "snapshot") {
    const missed = state.applySnapshot(message, options.missed);
    renderNotices();
    renderLines();
    renderCalls();
    renders.push({ seq: message.seq, snapshot: true, at: Date.now() });
    setOnline(true);
    attempt = 0;
    // Calls made while this screen was reconnecting, and still recent: flashed and announced in order.
    for (const call of missed) {
      renders.push({ seq: call.seq, number: call.number, counter: call.counter, at: Date.now(), missed: true });
      flash();
      queue.push(call);
    }
    return;
  }
  const result = state.applyEvent(message);
  if (result.gap && socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify({ type: "resync" }));
  }
  if (!result.changed) return;
  if (message.type === "notices.changed") {
    renderNotices();
    return;
  }
  if (message.type === "queue.changed") {
    renderLines();
    return;
  }
  // The screen first, then the gong and the spoken call.
  for (const call of result.fresh) {
    if (call.visual_call) {
      visualUntil.set(call.number, Date.now() + VISUAL_SECONDS * 1000);
      setTimeout(renderCalls, VISUAL_SECONDS * 1000 + 50);
    }
  }
  renderCalls();
  for (const call of result.fresh) {
    renders.push({ seq: call.seq, number: call.number, counter: call.counter, at: Date.now() });
    flash(call);
    queue.push(call);
  }
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  socket = new WebSocket(`${scheme}//${location.host}/ws/sites/${encodeURIComponent(config.site)}/display`);
  let opened = false;
  socket.addEventListener("open", () => { opened = true; });
  socket.addEventListener("message", (event) => handle(JSON.parse(event.data)));
  socket.addEventListener("close", async () => {
    socket = null;
    setOnline(false);
    // Never give up. A refused handshake hides its status from scripts: ask the server how long to wait.
    const delay = (opened ? null : await askedDelay()) ?? backoff(attempt++);
    setTimeout(connect, delay);
  });
}

/** The Retry-After the server gives right now (429 or 503), in ms, or null. */
async function askedDelay() {
  try {
    const response = await fetch(`/api/v1/sites/${encodeURIComponent(config.site)}/display`, {
      cache: "no-store", signal: AbortSignal.timeout(5000),
    });
    return response.status === 429 || response.status === 503 ? retryAfterMs(response.headers.get("Retry-After")) : null;
  } catch {
    return null;
  }
}

/** A dropped network can leave a socket open for minutes: check the server now and then. */
function startWatchdog() {
  clearInterval(watchdog);
  watchdog = setInterval(async () => {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    try {
      const response = await fetch("/api/v1/health", { cache: "no-store", signal: AbortSignal.timeout(5000) });
      if (!response.ok) throw new Error(String(response.status));
    } catch {
      socket.close();
    }
  }, 15000);
}

function tick() {
  const zone = (state.site && state.site.timezone) || config.timezone || undefined;
  $("clock").textContent = new Intl.DateTimeFormat(languages[0], {
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone,
  }).format(new Date());
}

$("sound-off").addEventListener("click", () => {
  soundAllowed = true;
  $("sound-off").hidden = true;
  new Audio().play().catch(() => {});
});
addEventListener("resize", fit);
translateStatic();
setOnline(false);
tick();
setInterval(tick, 1000);
renderCalls();
connect();
startWatchdog();
