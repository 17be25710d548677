// The hand-over page (/app/return/…): inside the browser app shell (/app frames it, same origin) hand the app's URL
// to the shell; on a phone, try to open the Strada app once (Android: the intent:// link, with its web fallback).
(function () {
  "use strict";
  var card = document.querySelector("[data-deep-link]");
  if (!card) return;
  var deepLink = card.getAttribute("data-deep-link");
  var framed = window.parent !== window;
  if (framed) {
    try {
      if (window.parent.location.origin !== location.origin) return;
    } catch (error) {
      return; // framed by another site: hand nothing over
    }
    window.parent.postMessage({ type: "strada-return", url: deepLink }, location.origin);
    return;
  }
  var ua = navigator.userAgent;
  if (/Android/i.test(ua)) {
    location.href = card.getAttribute("data-intent-link");
  } else if (/iPhone|iPad|iPod/i.test(ua)) {
    location.href = deepLink;
  }
})();
