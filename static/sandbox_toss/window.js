/* The Toss sandbox's pages: the window's countdown, closing a popup window, and the handoff from a popup back to the
 * merchant's page. No inline script (CSP). */
(function () {
  "use strict";

  var ends = new WeakMap();
  function format(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }
  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      if (!ends.has(el)) ends.set(el, Date.now() + Number(el.dataset.seconds) * 1000);
      var left = Math.max(0, Math.ceil((ends.get(el) - Date.now()) / 1000));
      if (el.textContent !== format(left)) el.textContent = format(left);
      el.classList.toggle("tp-timer-low", left < 60);
    });
  }
  tick();
  setInterval(tick, 1000);

  document.querySelectorAll("[data-close-window]").forEach(function (button) {
    button.addEventListener("click", function () { window.close(); });
  });

  // Paid (or refused) in a popup: the merchant's page goes to successUrl / failUrl, the popup closes.
  var handoff = document.querySelector("[data-handoff]");
  if (handoff) {
    var target = handoff.dataset.handoff;
    if (window.opener && !window.opener.closed) {
      window.opener.location.href = target;
      window.close();
    } else {
      window.location.replace(target);
    }
  }
})();
