// The provider's redirect back: finish the sign-in with the server, keep the token, return to the page.
const $ = (id) => document.getElementById(id);
const query = new URLSearchParams(location.search);
const state = query.get("state") || "";
const pending = JSON.parse(sessionStorage.getItem(`aufruf.sso.${state}`) || "null");
sessionStorage.removeItem(`aufruf.sso.${state}`);

function fail(reason) {
  $("status").textContent = `${$("status").dataset.failed} ${reason}`;
  $("status").classList.add("error");
  $("back").hidden = false;
  if (pending) $("back").href = `/supervisor/${encodeURIComponent(pending.site)}?lang=${pending.lang}`;
}

async function finish() {
  if (query.get("error")) return fail(query.get("error_description") || query.get("error"));
  if (!pending) return fail("unknown sign-in; start it again from the supervisor page.");
  const response = await fetch(`/api/v1/auth/oidc/${encodeURIComponent(pending.provider)}/finish`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ code: query.get("code") || "", state }),
  });
  const body = await response.json();
  if (!response.ok) return fail(body.detail || String(response.status));
  sessionStorage.setItem(`aufruf.supervisor.${pending.site}`, body.access_token);
  location.replace(`/supervisor/${encodeURIComponent(pending.site)}?lang=${pending.lang}`);
}

finish();
