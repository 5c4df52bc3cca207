/* Status page: follows the ticket live, alerts before the turn, gives the ticket up on request. */
(function () {
  "use strict";
  var stateNode = document.getElementById("aufruf-state");
  if (!stateNode || !window.JSON) { return; }
  var S = JSON.parse(stateNode.textContent);
  var T = S.messages;
  var ticket = S.ticket;
  var token = S.token;
  var apiUrl = "/api/v1/tickets/" + encodeURIComponent(token);
  var CANCELLABLE = { waiting: 1, called: 1, parked: 1 };
  // Statuses after which the ticket never changes again: the page stops listening.
  var FINAL = { done: 1, cancelled: 1, expired: 1 };
  var POLL_MS = Math.max(500, (S.pollSeconds || 15) * 1000);
  var socket = null, lastSeq = -1, resyncing = false, retries = 0;
  var pollTimer = null, reconnectTimer = null, audio = null, stopped = false, notBefore = 0;
  var alerted = readAlerted();
  // The server's clock minus this device's: "step out until" counts from the server's now.
  var clockOffset = S.serverNow ? Date.parse(S.serverNow) - Date.now() : 0;

  function $(id) { return document.getElementById(id); }
  var FINAL = { done: true, cancelled: true, no_show: true };
  var alertsPossible = !!("Notification" in window || navigator.vibrate || window.AudioContext);
  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (all, name) {
      return values[name] === undefined || values[name] === null ? "" : String(values[name]);
    });
  }
  function show(id, visible) { $(id).hidden = !visible; }

  // ---- rendering -------------------------------------------------------------------------
  function serviceName() {
    var names = (S.serviceNames || {})[ticket.service] || {};
    return names[S.lang] || names[S.lang.split("-")[0]] || names.en || names.de || ticket.service_name;
  }
  function waitText() {
    var eta = ticket.eta_minutes;
    if (ticket.served_now === false) {
      return ticket.served_from_time ? fill(T.wait_not_served_from, { time: ticket.served_from_time }) : T.wait_not_served;
    }
    return eta ? fill(T.wait_range, { lo: eta[0], hi: eta[1] }) : T.wait_unknown;
  }
  // "You can step out until HH:MM": the range's low end as a clock time of the office, in CLDR's 24-hour form.
  function stepOutText() {
    var eta = ticket.eta_minutes;
    if (ticket.status !== "waiting" || !eta || eta[0] < (S.stepOutMinutes || 5) || !window.Intl) { return ""; }
    var at = new Date(Date.now() + clockOffset + eta[0] * 60000), time;
    try {
      time = new Intl.DateTimeFormat(S.lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23",
        timeZone: S.site.timezone }).format(at);
    } catch (error) { return ""; }
    return fill(T["step_out.until"], { time: time });
  }
  function render() {
    var status = ticket.status, values = { counter: ticket.counter };
    document.body.className = "status-" + status;
    document.title = ticket.number + " – " + T["status." + status];
    $("number").textContent = ticket.number;
    $("service").lastChild.textContent = serviceName();
    $("status").textContent = T["status." + status];
    $("ahead").textContent = String(ticket.people_ahead);
    $("wait").textContent = waitText();
    var stepOut = stepOutText();
    $("step-out").textContent = stepOut;
    show("step-out", !!stepOut);
    show("row-ahead", status === "waiting");
    show("row-wait", status === "waiting");
    show("called", status === "called");
    $("called-counter").textContent = fill(T.called_counter, values);
    var where = ticket.counter_location || {};
    $("called-location").textContent = where[S.lang] || where.de || "";
    show("called-location", !!$("called-location").textContent);
    // Near the turn the sentence asks to come back; it must not still say one may leave.
    var near = status === "waiting" && ticket.people_ahead <= S.site.near_turn_alert;
    $("message").textContent = near ? T.near_text : fill(T["text." + status], values);
    // A finished ticket has nothing left to alert about.
    show("alerts", alertsPossible && !FINAL[status]);
    show("cancel", !!CANCELLABLE[status]);
    if (!CANCELLABLE[status]) { show("cancel-confirm", false); }
  }
  function setLive(kind) { $("live").textContent = T["live_" + kind]; }

  // ---- state changes ---------------------------------------------------------------------
  function applyTicket(data) {
    if (!data || data.id !== ticket.id) { return; }
    var copy = {};
    for (var key in data) { if (Object.prototype.hasOwnProperty.call(data, key)) { copy[key] = data[key]; } }
    ticket = copy;
    if (FINAL[ticket.status]) { stop(); }
    render();
    checkAlerts();
  }
  // Where the ticket stands in its line: the index of its number in the service's line.
  function applyLines(lines, services) {
    if (ticket.status !== "waiting" || !lines) { return; }
    var line = lines[ticket.service] || [];
    var index = -1;
    for (var i = 0; i < line.length; i++) { if (line[i] === ticket.number) { index = i; break; } }
    if (index < 0) { return; }
    ticket.people_ahead = index;
    ticket.position = index + 1;
    for (var j = 0; services && j < services.length; j++) {
      var service = services[j];
      if (service.id === ticket.service) {
        ticket.served_now = service.served_now !== false;
        ticket.served_from_time = service.served_from_time || null;
      }
      if (service.id === ticket.service && service.eta_minutes) {
        // The line's range is for someone behind all `waiting`; scale it to this place.
        var share = (index + 0.5) / (service.waiting + 0.5);
        var low = Math.floor(service.eta_minutes[0] * share);
        ticket.eta_minutes = [low, Math.max(low + 1, Math.ceil(service.eta_minutes[1] * share))];
      }
    }
    render();
    checkAlerts();
  }
  // A supervisor closed this ticket's service for the day: their message, in this page's language where given.
  // The ticket keeps its place and is still served.
  function applyOfficeMessage(services) {
    for (var i = 0; services && i < services.length; i++) {
      if (services[i].id !== ticket.service) { continue; }
      var texts = services[i].closed_message || null;
      var text = texts ? texts[S.lang] || texts[S.lang.split("-")[0]] || texts.de || "" : "";
      $("office-message").textContent = text;
      show("office-message", !!text && !FINAL[ticket.status]);
    }
  }
  function applySnapshot(data) {
    applyOfficeMessage(data.services);
    if (data.site) { S.site = { near_turn_alert: data.site.near_turn_alert, timezone: data.site.timezone || S.site.timezone }; }
    for (var i = 0; data.services && i < data.services.length; i++) {
      S.serviceNames[data.services[i].id] = data.services[i].names;
    }
    applyTicket(data.ticket);
  }
  function onEvent(message) {
    if (message.at && !isNaN(Date.parse(message.at))) { clockOffset = Date.parse(message.at) - Date.now(); }
    if (message.type === "snapshot") {
      lastSeq = message.seq; resyncing = false;
      applySnapshot(message.data || {});
      return;
    }
    if (resyncing || typeof message.seq !== "number" || message.seq <= lastSeq) { return; }
    if (lastSeq >= 0 && message.seq > lastSeq + 1) {
      // A gap: ask for a fresh snapshot and ignore events until it comes.
      resyncing = true;
      if (socket) { socket.send(JSON.stringify({ type: "resync" })); }
      return;
    }
    lastSeq = message.seq;
    if (message.type === "queue.changed") {
      applyOfficeMessage(message.data.services);
      applyLines(message.data.lines, message.data.services);
    } else if (message.type.indexOf("ticket.") === 0) {
      applyTicket(message.data);
    }
  }

  // ---- connection: websocket first, polling while it is down ------------------------------
  function request(method, url, body, done) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, url, true);
    xhr.setRequestHeader("Accept", "application/json");
    if (body) { xhr.setRequestHeader("Content-Type", "application/json"); }
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      var data = null;
      try { data = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch (error) { data = null; }
      if (xhr.status === 429 || xhr.status === 503) { holdOff(xhr.getResponseHeader("Retry-After")); }
      done(xhr.status, data);
    };
    xhr.send(body ? JSON.stringify(body) : null);
  }
  // A busy server's Retry-After: neither polls nor reconnects go out before it, plus a little jitter.
  function holdOff(header) {
    var seconds = Number(header), wait = isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
    if (header && isFinite(wait)) {
      notBefore = Math.max(notBefore, Date.now() + Math.min(Math.max(wait, 0), 300000) + Math.random() * 1000);
    }
  }
  function poll() {
    if (Date.now() < notBefore) { return; }
    request("GET", apiUrl, null, function (code, data) {
      if (code === 200) { applyTicket(data); if (!socket) { setLive("polling"); } }
      else if (code === 404) { window.location.reload(); }
    });
  }
  function startPolling() {
    if (pollTimer === null) { poll(); pollTimer = window.setInterval(poll, POLL_MS); }
  }
  function stopPolling() {
    if (pollTimer !== null) { window.clearInterval(pollTimer); pollTimer = null; }
  }
  // A finished ticket never changes again: stop listening.
  function stop() {
    stopped = true;
    stopPolling();
    window.clearTimeout(reconnectTimer);
    if (socket) { var ws = socket; socket = null; ws.close(); }
    $("live").textContent = "";
  }
  function connect() {
    if (stopped) { return; }
    if (!window.WebSocket) { startPolling(); return; }
    window.clearTimeout(reconnectTimer);
    if (Date.now() < notBefore) { reconnectTimer = window.setTimeout(connect, notBefore - Date.now()); return; }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + window.location.host + "/ws/tickets/" + encodeURIComponent(token));
    socket = ws;
    ws.onopen = function () { retries = 0; lastSeq = -1; resyncing = false; stopPolling(); setLive("connected"); };
    ws.onmessage = function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (error) { return; }
      onEvent(message);
    };
    ws.onclose = function () {
      if (socket !== ws) { return; }
      socket = null;
      if (stopped) { return; }
      setLive("offline");
      startPolling();
      // Back off 1, 2, 4 … 30 s with jitter, so a restarted server is not stormed.
      var delay = Math.min(30000, 1000 * Math.pow(2, retries)) * (0.75 + Math.random() / 2);
      retries = Math.min(retries + 1, 5);
      reconnectTimer = window.setTimeout(connect, delay);
    };
  }

  // ---- alerts: vibration, sound, notification --------------------------------------------
  function readAlerted() {
    try { return JSON.parse(window.sessionStorage.getItem("aufruf-alerts-" + ticket.id) || "{}"); }
    catch (error) { return {}; }
  }
  function remember(key) {
    alerted[key] = 1;
    try { window.sessionStorage.setItem("aufruf-alerts-" + ticket.id, JSON.stringify(alerted)); } catch (error) { /* private mode */ }
  }
  function unlockAudio() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) { try { audio = new Context(); } catch (error) { audio = null; } }
    if (audio && audio.state === "suspended" && audio.resume) { audio.resume(); }
  }
  function beep(count) {
    unlockAudio();
    if (!audio) { return; }
    for (var i = 0; i < count; i++) {
      var start = audio.currentTime + i * 0.35, tone = audio.createOscillator(), gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.4, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.25);
      tone.connect(gain); gain.connect(audio.destination);
      tone.start(start); tone.stop(start + 0.3);
    }
  }
  function notify(title, body, kind) {
    if (!("Notification" in window) || window.Notification.permission !== "granted") { return; }
    var options = { body: body, tag: "aufruf-" + ticket.number, lang: S.lang, dir: document.documentElement.dir, renotify: true };
    try {
      new window.Notification(title, options);
    } catch (error) {
      // Android browsers only show notifications through the service worker.
      if (navigator.serviceWorker) {
        navigator.serviceWorker.getRegistration("/t/").then(function (registration) {
          if (registration) { registration.showNotification(title, options); }
        });
      }
    }
  }
  function fire(kind) {
    var called = kind === "called";
    var title = ticket.number + ": " + (called ? T.called_heading : T.near_title);
    var body = called ? fill(T.called_counter, { counter: ticket.counter }) : T.near_text;
    $("announce").textContent = title + " – " + body;
    if (navigator.vibrate) {
      // A citizen who cannot hear calls chose this at the kiosk: a long, unmistakable pattern.
      var strong = called && ticket.visual_call;
      navigator.vibrate(strong ? [800, 200, 800, 200, 800, 200, 800, 200, 800] : called ? [400, 150, 400, 150, 400] : [300, 100, 300]);
    }
    beep(called ? 3 : 2);
    notify(title, body, kind);
    var root = document.documentElement;
    root.setAttribute("data-alerts", ((root.getAttribute("data-alerts") || "") + " " + kind).trim());
  }
  function checkAlerts() {
    if (ticket.status === "called") {
      var key = "called:" + ticket.called_at + ":" + ticket.recalls;
      if (!alerted[key]) { remember(key); fire("called"); }
    } else if (ticket.status === "waiting" && ticket.people_ahead <= S.site.near_turn_alert) {
      if (!alerted.near) { remember("near"); fire("near"); }
    } else {
      $("announce").textContent = "";
    }
  }

  // ---- Web Push: alerts with the browser in the background --------------------------------
  function keyBytes(base64) {
    var text = window.atob((base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/"));
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
    return bytes;
  }
  function subscribePush() {
    if (!S.vapid || !navigator.serviceWorker || !window.PushManager) { return; }
    navigator.serviceWorker.register("/t/sw.js", { scope: "/t/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return registration.pushManager.getSubscription().then(function (existing) {
        return existing || registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(S.vapid) });
      });
    }).then(function (subscription) {
      request("PUT", apiUrl + "/push", { subscription: subscription.toJSON(), language: S.lang }, function () {});
    }).catch(function () { /* no push service reachable: the open page still alerts */ });
  }
  function showAlertState() {
    var permission = "Notification" in window ? window.Notification.permission : "unsupported";
    show("alerts-button", permission === "default");
    $("alerts-state").textContent = permission === "granted" ? T.alerts_on : permission === "denied" ? T.alerts_denied : "";
  }
  function enableAlerts() {
    unlockAudio();
    if (!("Notification" in window)) { showAlertState(); return; }
    var answered = function () { showAlertState(); if (window.Notification.permission === "granted") { subscribePush(); } };
    var pending = window.Notification.requestPermission(answered);
    if (pending && pending.then) { pending.then(answered); }
  }

  // ---- giving the ticket up ---------------------------------------------------------------
  function askCancel(event) {
    event.preventDefault();
    show("cancel-link", false);
    show("cancel-confirm", true);
    $("cancel-error").textContent = "";
    $("cancel-question").focus();
  }
  function keepTicket() {
    show("cancel-confirm", false);
    show("cancel-link", true);
    $("cancel-link").focus();
  }
  function confirmCancel() {
    $("cancel-yes").disabled = true;
    request("DELETE", apiUrl, null, function (code, data) {
      $("cancel-yes").disabled = false;
      if (code === 200 && data) {
        show("cancel-confirm", false);
        show("cancel-link", true);
        applyTicket(data);
        $("message").focus();
      } else {
        $("cancel-error").textContent = T.cancel_failed;
      }
    });
  }

  // ---- start ------------------------------------------------------------------------------
  $("cancel-link").addEventListener("click", askCancel);
  $("cancel-no").addEventListener("click", keepTicket);
  $("cancel-yes").addEventListener("click", confirmCancel);
  if (alertsPossible) {
    show("alerts", !FINAL[ticket.status]);
    $("alerts-button").addEventListener("click", enableAlerts);
    showAlertState();
    if ("Notification" in window && window.Notification.permission === "granted") { subscribePush(); }
  }
  // Browsers only allow sound after a touch: any touch on the page unlocks it.
  document.addEventListener("click", unlockAudio, { once: true });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && !socket && !stopped) { connect(); }
  });
  render();
  checkAlerts();
  if (FINAL[ticket.status]) { stop(); } else { connect(); }
  window.aufrufStatus = { state: function () { return ticket; } };
}());
