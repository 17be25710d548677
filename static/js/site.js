// Keyboard focus across htmx swaps: when a swap removes the focused element, focus moves to the same control in
// the new content (same id, aria-label or name) or else to the swapped region's heading, never back to <body>.
(() => {
  const FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";
  let lost = null;

  function sameControl(region, was) {
    if (was.id && document.getElementById(was.id)) return document.getElementById(was.id);
    for (const attribute of ["aria-label", "name"]) {
      const value = was[attribute];
      const match = value && region.querySelector(`[${attribute}="${CSS.escape(value)}"]`);
      if (match) return match;
    }
    return null;
  }

  document.addEventListener("htmx:beforeSwap", (event) => {
    const active = document.activeElement;
    const region = event.detail.target;
    lost = active && active !== document.body && region.contains(active)
      ? { id: active.id, region: region.id, "aria-label": active.getAttribute("aria-label"), name: active.getAttribute("name") }
      : null;
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
