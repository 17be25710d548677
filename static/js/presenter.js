// Presenter: arrow keys step through a replay, a type-size control for the room, and a copy button.
// Controls that need this script are rendered `hidden data-needs-js` and shown here.
(() => {
  const STEPS = { ArrowRight: "next", ArrowLeft: "prev", PageDown: "next", PageUp: "prev" }; // clickers send PageUp/Down
  const SCALE_KEY = "strada-presenter-scale";
  const SCALES = [0.8, 0.9, 1, 1.15, 1.3, 1.5, 1.75];

  document.addEventListener("keydown", (event) => {
    const rel = STEPS[event.key];
    if (!rel || event.altKey || event.ctrlKey || event.metaKey || event.target.closest("input, select, textarea")) return;
    const link = document.querySelector(`#replay a[rel="${rel}"]`);
    if (!link) return;
    event.preventDefault();
    link.focus();
    link.click();
  });

  function applyScale(index) {
    const root = document.documentElement;
    if (index === null) {
      root.style.removeProperty("--pr-scale");
      localStorage.removeItem(SCALE_KEY);
    } else {
      root.style.setProperty("--pr-scale", String(SCALES[index]));
      localStorage.setItem(SCALE_KEY, String(index));
    }
  }

  function savedScale() {
    const index = Number.parseInt(localStorage.getItem(SCALE_KEY) ?? "", 10);
    return Number.isInteger(index) && SCALES[index] ? index : null;
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-scale]");
    if (button) {
      const step = Number(button.dataset.scale);
      const current = savedScale() ?? SCALES.indexOf(1);
      applyScale(step === 0 ? null : Math.min(Math.max(current + step, 0), SCALES.length - 1));
      return;
    }
    const copy = event.target.closest("[data-copy]");
    if (copy) copyText(copy.dataset.copy);
  });

  async function copyText(id) {
    const source = document.getElementById(id);
    const status = document.querySelector(`[data-copied-for="${id}"]`);
    try {
      await navigator.clipboard.writeText(source.textContent);
      status.textContent = "복사했습니다.";
    } catch {
      // Not a secure context (e.g. a LAN address over http): select the text so Ctrl+C copies it.
      getSelection().selectAllChildren(source);
      status.textContent = "텍스트를 선택했습니다. Ctrl+C로 복사하세요.";
    }
  }

  function reveal(root) {
    for (const control of root.querySelectorAll("[data-needs-js]")) control.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", () => {
    const saved = savedScale();
    if (saved !== null) applyScale(saved);
    reveal(document);
  });
  document.addEventListener("htmx:load", (event) => reveal(event.detail.elt)); // content swapped in by polling
})();
