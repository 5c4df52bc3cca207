// UI-free core of the call display: state from snapshot and events, and the announcement queue.
// No DOM access here, so the same rules are easy to check in isolation.

const CALL_EVENTS = new Set(["ticket.called", "ticket.recalled"]);

/** Tell whether a call belongs on a display filtered to some services and counters. */
export function matchesFilter(call, filter) {
  const services = filter.services || [];
  const counters = filter.counters || [];
  if (services.length && !services.includes(call.service)) return false;
  if (counters.length && !counters.includes(call.counter)) return false;
  return true;
}

/** What tells one call from another of the same number: a recall or a call after an undo differ. */
function callKey(call) {
  return `${call.number}|${call.called_at || ""}|${(call.recalls || 0) > 0 || call.recall === true}`;
}

/** Display state: a snapshot sets it silently; only events newer than what was shown are new calls. */
export class DisplayState {
  constructor(filter = {}, keep = 7) {
    this.filter = filter;
    this.keep = keep;
    this.seq = null;
    this.site = null;
    this.services = [];
    this.counters = new Map();
    this.calls = [];
    // A supervisor's notices ("Wegen einer Störung …"); each hides itself at its expiry.
    this.notices = [];
    // Server time minus this screen's clock, from each message's `at`: expiries follow the server's clock.
    this.clockOffset = 0;
  }

  /** Follow the server's clock from a message's time. */
  #track(message, now = Date.now()) {
    const at = message && message.at ? Date.parse(message.at) : NaN;
    if (Number.isFinite(at)) this.clockOffset = at - now;
  }

  /** The notices showing at this moment (by the server's clock), oldest first. */
  activeNotices(now = Date.now()) {
    const serverNow = now + this.clockOffset;
    return this.notices.filter((n) => Date.parse(n.expires_at) > serverNow);
  }

  /** Milliseconds until the next notice expires, or null when none shows. */
  nextExpiryMs(now = Date.now()) {
    const serverNow = now + this.clockOffset;
    const left = this.activeNotices(now).map((n) => Date.parse(n.expires_at) - serverNow);
    return left.length ? Math.max(0, Math.min(...left)) : null;
  }

  /**
   * Replace everything from a snapshot. Returns, oldest first, the calls it shows that were made while
   * this display was away and are at most `missedSeconds` old (by the snapshot's own time); the first
   * snapshot, and older calls, are shown silently.
   */
  applySnapshot(message, missedSeconds = 0) {
    const known = this.seq === null ? null : new Set(this.calls.map(callKey));
    const data = message.data;
    this.#track(message);
    this.seq = message.seq;
    this.site = data.site;
    this.notices = data.notices || [];
    this.services = data.services || [];
    this.counters = new Map((data.counters || []).map((c) => [c.id, c]));
    this.calls = (data.calls || []).filter((c) => c.counter && matchesFilter(c, this.filter)).slice(0, this.keep);
    if (known === null || !(missedSeconds > 0) || !message.at) return [];
    const now = Date.parse(message.at);
    return this.calls
      .filter((c) => !known.has(callKey(c)) && c.called_at && now - Date.parse(c.called_at) <= missedSeconds * 1000)
      .reverse()
      .map((c) => ({ ...c, recall: (c.recalls || 0) > 0, seq: message.seq }));
  }

  /** Apply one event; returns the calls to present as new and whether a gap asks for a resync. */
  applyEvent(message) {
    if (this.seq === null || message.seq <= this.seq) {
      // Before the snapshot, or already reflected by it: never new.
      return { fresh: [], gap: false, changed: false };
    }
    const gap = message.seq > this.seq + 1;
    this.seq = message.seq;
    this.#track(message);
    const data = message.data || {};
    if (message.type === "notices.changed") {
      this.notices = data.notices || [];
      return { fresh: [], gap, changed: true };
    }
    if (CALL_EVENTS.has(message.type)) {
      if (!data.counter || !matchesFilter(data, this.filter)) return { fresh: [], gap, changed: false };
      const call = { ...data, recall: message.type === "ticket.recalled", seq: message.seq };
      this.calls = [call, ...this.calls.filter((c) => c.number !== call.number)].slice(0, this.keep);
      return { fresh: [call], gap, changed: true };
    }
    if (message.type === "ticket.requeued") {
      // The clerk undid the call: it must vanish from the screen, the citizen is waiting again.
      const before = this.calls.length;
      this.calls = this.calls.filter((c) => c.number !== data.number);
      return { fresh: [], gap, changed: this.calls.length !== before };
    }
    if (message.type === "queue.changed") {
      this.services = data.services || this.services;
      return { fresh: [], gap, changed: true };
    }
    if (message.type === "counter.changed") {
      this.counters.set(data.id, data);
      return { fresh: [], gap, changed: false };
    }
    return { fresh: [], gap, changed: false };
  }

  /** The services this display lists, in the site's order. */
  visibleServices() {
    const wanted = this.filter.services || [];
    return this.services.filter((s) => !wanted.length || wanted.includes(s.id));
  }
}

/** What a call is spoken in: fixed languages, or German plus the language chosen at the kiosk. */
export function callLanguages(call, fixed) {
  if (fixed && fixed.length) return [...new Set(fixed)];
  return [...new Set(["de", call.language || "de"])];
}

/** No call is spoken later than this after it was shown (ms). */
export const LAG_MS = 5000;

/**
 * Plays announcements strictly one after another: a new call never cuts off the one playing.
 * Calls that arrive together (within `gatherMs`, at most `maxGathers` waits) or while another is
 * spoken are announced together: `play(batch, { within, chime, waiting })` receives every call
 * that waited, oldest first, the seconds each has left to be spoken in time, whether a chime
 * should lead (not right after a gong), and a function telling how many calls wait meanwhile.
 * `play` may resolve to "handover": only the gong was played, and its calls go first into the
 * next announcement together with the calls that came during the gong.
 */
export class AnnouncementQueue {
  constructor(play, { gatherMs = 300, maxGathers = 4, later = (ms, fn) => setTimeout(fn, ms), now = () => Date.now(), lagMs = LAG_MS } = {}) {
    this.play = play;
    this.gatherMs = gatherMs;
    this.maxGathers = maxGathers;
    this.later = later;
    this.now = now;
    this.lagMs = lagMs;
    this.pending = [];
    this.shown = new WeakMap();
    this.chimed = false;
    this.busy = false;
    this.gathers = 0;
    this.done = [];
    this.current = null;
    this.onDone = () => {};
  }

  push(item) {
    this.shown.set(item, this.now());
    this.pending.push(item);
    if (this.busy) return; // the running announcement hands over to the waiting calls
    if (this.gatherMs <= 0) {
      this.#drain();
    } else if (this.gathers < this.maxGathers) {
      const mark = ++this.gathers;
      this.later(this.gatherMs, () => {
        if (mark === this.gathers && !this.busy) this.#drain();
      });
    }
  }

  /** The items playing now (calls merged into one announcement), then those still to play. */
  unfinished() {
    return [...(this.current ?? []), ...this.pending];
  }

  get size() {
    return this.pending.length + (this.busy ? 1 : 0);
  }

  async #drain() {
    this.busy = true;
    this.gathers = 0;
    while (this.pending.length) {
      const batch = this.pending.splice(0, this.pending.length);
      this.current = batch;
      const now = this.now();
      const within = batch.map((item) => Math.max(0, (this.shown.get(item) + this.lagMs - now) / 1000));
      const chime = !this.chimed;
      this.chimed = false;
      let outcome;
      try {
        outcome = await this.play(batch, { within, chime, waiting: () => this.pending.length });
      } catch (error) {
        console.warn("announcement failed", batch, error);
      }
      this.current = null;
      if (outcome === "handover") {
        // Others came during the gong: these calls lead the catch-up that follows, without a second chime.
        this.pending.unshift(...batch);
        this.chimed = true;
        continue;
      }
      this.done.push(...batch);
      batch.forEach((item) => this.onDone(item));
    }
    this.busy = false;
  }
}

/** Reconnect delays: 0.5 s doubling to 10 s, with jitter so many displays do not return at once. */
export function backoff(attempt, random = Math.random) {
  const base = Math.min(10000, 500 * 2 ** Math.min(attempt, 5));
  return Math.round(base * (0.75 + 0.5 * random()));
}

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date) plus up to 1 s jitter; null without one. */
export function retryAfterMs(header, now = Date.now(), random = Math.random) {
  if (!header) return null;
  const seconds = Number(header);
  const wait = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  if (!Number.isFinite(wait)) return null;
  return Math.min(Math.max(wait, 0), 300000) + Math.round(1000 * random());
}

/** Smallest font size in CSS px whose cap height meets 12 mm per metre of viewing distance. */
export function minNumberFontPx({ minMm, diagonalInches, width, height, capRatio = 0.62 }) {
  const pxPerMm = Math.hypot(width, height) / (diagonalInches * 25.4);
  return (minMm * pxPerMm) / capRatio;
}

/**
 * Which calls the screen shows: the newest large; recent rows prefer calls whose audio is still
 * queued or playing, so every call stays on screen at least as long as it is heard.
 */
export function screenful(calls, unfinished, rows) {
  const shown = [...calls];
  for (const call of unfinished) {
    if (!shown.some((c) => c.number === call.number)) shown.push(call);
  }
  const audible = new Set(unfinished.map((c) => c.number));
  let [current, ...rest] = shown;
  if (rows === 0 && current && !audible.has(current.number) && unfinished.length) current = unfinished[0];
  if (rest.length > rows) {
    // The call being heard first, then those still to be heard, then the rest by recency.
    const order = unfinished.map((c) => c.number);
    const keep = rest
      .filter((c) => audible.has(c.number))
      .sort((a, b) => order.indexOf(a.number) - order.indexOf(b.number))
      .slice(0, rows);
    const others = rest.filter((c) => !audible.has(c.number)).slice(0, rows - keep.length);
    const chosen = new Set([...keep, ...others].map((c) => c.number));
    rest = rest.filter((c) => chosen.has(c.number));
  }
  return { current, recent: rest };
}
