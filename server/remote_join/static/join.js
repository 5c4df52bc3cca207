// The join page: fetch a puzzle, solve it (SHA-256 with leading zero bits), draw the ticket, open its page.
(function () {
  "use strict";
  var form = document.getElementById("join");
  if (!form) { return; }
  var data = JSON.parse(document.getElementById("join-data").textContent);
  var progress = document.getElementById("progress");
  var error = document.getElementById("error");
  var submit = document.getElementById("submit");
  var api = "/api/v1/sites/" + encodeURIComponent(data.site) + "/remote-join/";

  function text(key) { return data.texts[key] || data.texts["error.generic"]; }

  function zeroBits(bytes) {
    var bits = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { bits += 8; continue; }
      return bits + Math.clz32(bytes[i]) - 24;
    }
    return bits;
  }

  // Digests in batches: crypto.subtle is asynchronous, so many in flight keep it busy.
  async function solve(challenge, bits) {
    var encoder = new TextEncoder();
    var batch = 256;
    for (var start = 0; ; start += batch) {
      var tries = [];
      for (var n = start; n < start + batch; n++) {
        tries.push(crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + n)));
      }
      var digests = await Promise.all(tries);
      for (var k = 0; k < digests.length; k++) {
        if (zeroBits(new Uint8Array(digests[k])) >= bits) { return String(start + k); }
      }
    }
  }

  function fail(code) {
    error.textContent = text("error." + code);
    error.hidden = false;
    progress.textContent = "";
    submit.disabled = false;
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    var chosen = form.querySelector("input[name=service]:checked");
    if (!chosen) { fail("no_service"); return; }
    submit.disabled = true;
    error.hidden = true;
    progress.textContent = text("working");
    try {
      var asked = await fetch(api + "challenge", { method: "POST", credentials: "same-origin" });
      var puzzle = await asked.json();
      if (!asked.ok) { fail(puzzle.code || "generic"); return; }
      var nonce = await solve(puzzle.challenge, puzzle.bits);
      var answer = await fetch(api + "tickets", {
        method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ service: chosen.value, language: data.language, challenge: puzzle.challenge,
          nonce: nonce })
      });
      var joined = await answer.json();
      if (!answer.ok) { fail(joined.code || "generic"); return; }
      window.location.assign(joined.page_url + "?lang=" + encodeURIComponent(data.language));
    } catch (problem) {
      fail("network");
    }
  });
}());
