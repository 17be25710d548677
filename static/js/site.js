// Keyboard focus across htmx swaps: when a swap removes the focused element, focus moves to the same control in
// the new content (same id, aria-label, or name and value) or else to the swapped region's heading, never back to <body>.
(() => {
  const FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";
  let lost = null;

  function sameControl(region, was) {
    if (was.id && document.getElementById(was.id)) return document.getElementById(was.id);
    const selectors = [];
    if (was.label) selectors.push(`[aria-label="${CSS.escape(was.label)}"]`);
    if (was.name && was.value) selectors.push(`[name="${CSS.escape(was.name)}"][value="${CSS.escape(was.value)}"]`);
    if (was.name) selectors.push(`[name="${CSS.escape(was.name)}"]`);
    for (const selector of selectors) {
      const match = region.querySelector(selector);
      if (match) return match;
    }
    return null;
  }

  document.addEventListener("htmx:beforeSwap", (event) => {
    const active = document.activeElement;
    const region = event.detail.target;
    // Only a swap that removes the focused element records it: another region's swap (a poll) settling in between
    // must not forget what this one has to restore.
    if (!active || active === document.body || !region.contains(active)) return;
    lost = {
      id: active.id,
      region: region.id,
      label: active.getAttribute("aria-label"),
      name: active.getAttribute("name"),
      value: active.getAttribute("value"),
    };
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    const focused = document.activeElement;
    const was = lost;
    lost = null;
    if (!was || (focused && focused !== document.body && focused.isConnected)) return;
    const region = (was.region && document.getElementById(was.region)) || event.detail.target;
    if (!region || !region.isConnected) return;
    const next = sameControl(region, was) || region.querySelector("h1, h2, h3") || region;
    if (!next.matches(FOCUSABLE)) next.setAttribute("tabindex", "-1");
    next.focus({ preventScroll: true });
  });
})();
// Behaviour that would otherwise be inline script (the Content-Security-Policy allows scripts from files only).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

// <form data-confirm="…">: ask before submitting (an inline onsubmit would need 'unsafe-inline' scripts).
document.addEventListener("submit", (event) => {
  const message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});

// htmx requests that change something carry the page's CSRF token as a header too (forms also post it as a field).
// The token is read from the page's forms, so pages without a form neither sign a token nor write a session.
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.verb === "get" || event.detail.headers["X-CSRFToken"]) return;
  const field = document.querySelector("input[name='csrf_token']");
  if (field) event.detail.headers["X-CSRFToken"] = field.value;
});

// 승인 확인 중: [data-recheck] counts down to the receipt's next check (each htmx swap brings a fresh one).
setInterval(() => {
  document.querySelectorAll("[data-recheck]").forEach((el) => {
    const left = Number(el.textContent) - 1;
    if (left >= 0) el.textContent = String(left);
  });
}, 1000);
