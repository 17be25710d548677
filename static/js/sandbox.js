/* The sandbox's hosted pages: the 남은 시간 countdown and the 결제 비밀번호 keypad. No inline script (CSP). */
(function () {
  "use strict";

  // 남은 시간: each [data-countdown] counts down from its data-seconds; htmx swaps bring fresh ones.
  var ends = new WeakMap();
  function format(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }
  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      if (!ends.has(el)) ends.set(el, Date.now() + Number(el.dataset.seconds) * 1000);
      var left = Math.max(0, Math.ceil((ends.get(el) - Date.now()) / 1000));
      var text = format(left);
      if (el.textContent !== text) el.textContent = text;
      el.classList.toggle("kp-timer-low", left < 60);
    });
  }
  tick();
  setInterval(tick, 1000);

  // 결제 비밀번호: the keypad types into the password field; six digits submit the form.
  function keypad(form) {
    var input = form.querySelector("input[name=password]");
    var pad = form.querySelector("[data-keypad]");
    var dots = form.querySelectorAll(".kp-dots span");
    var submitter = form.querySelector("button[name=action][value=pay]");
    function show() {
      dots.forEach(function (dot, i) { dot.classList.toggle("on", i < input.value.length); });
      if (/^\d{6}$/.test(input.value)) form.requestSubmit(submitter);
    }
    form.classList.add("kp-js");
    pad.hidden = false;
    pad.addEventListener("click", function (event) {
      var key = event.target.closest("[data-key]");
      if (!key) return;
      var value = key.dataset.key;
      if (value === "clear") input.value = "";
      else if (value === "back") input.value = input.value.slice(0, -1);
      else if (input.value.length < 6) input.value += value;
      show();
    });
    input.addEventListener("input", function () {
      input.value = input.value.replace(/\D/g, "").slice(0, 6);
      show();
    });
  }
  document.querySelectorAll("[data-keypad-form]").forEach(keypad);

  // Once a form leaves this page (paying, quitting: not an htmx swap), the browser is on its way elsewhere: stop
  // asking whether the payment ended elsewhere, or an answer arriving mid-way would pull the page back here.
  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) return; // htmx (or a declined confirm) keeps the page
    document.querySelectorAll("[data-watch]").forEach(function (el) { el.remove(); });
  });
})();
