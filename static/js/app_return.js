// The hand-over page (/app/return/…): inside the browser app shell (/app frames it, same origin) hand the app's URL
// (or to the shell that opened this window); on a phone, try to open the Strada app once (Android: the intent:// link, with its web fallback).
(function () {
  "use strict";
  var card = document.querySelector("[data-deep-link]");
  if (!card) return;
  var deepLink = card.getAttribute("data-deep-link");
  var shell = window.parent !== window ? window.parent : window.opener; // a frame of the shell, or a window it opened
  if (shell) {
    try {
      if (shell.location.origin !== location.origin) return;
    } catch (error) {
      return; // another site's page: hand nothing over
    }
    shell.postMessage({ type: "strada-return", url: deepLink }, location.origin);
    return;
  }
  var ua = navigator.userAgent;
  if (/Android/i.test(ua)) {
    location.href = card.getAttribute("data-intent-link");
  } else if (/iPhone|iPad|iPod/i.test(ua)) {
    location.href = deepLink;
  }
})();
