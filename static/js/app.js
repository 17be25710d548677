// The Strada 앱 in a browser (GET /app): a client of /api/v1 and nothing else. It opens its app session, lists the
// products, creates a payment with an Idempotency-Key on the chosen platform, opens its next_action in its web view
// (an iframe) and follows the URL rules a real app's web view must (another app's scheme and intent:// leave the web
// view, strada:// comes back to the app), then finishes with the API (confirm, abandon) and shows its own result and
// 결제 내역. Every call is logged beside it.
(function () {
  "use strict";
  var root = document.querySelector("[data-app]");
  if (!root) return;
  var API = root.dataset.api;
  var SCHEME = root.dataset.scheme;
  var PLATFORMS = JSON.parse(root.dataset.platforms); // platform → its name, as buyers read it
  var PLATFORM_APPS = JSON.parse(root.dataset.apps); // platform → {scheme its pages open: that app's name}
  var APPS = Object.assign.apply(null, [{}].concat(Object.values(PLATFORM_APPS)));
  var SESSION_KEY = "strada-app-session";
  var RETURN_PATH = /\/app\/return\/[^/]+\/(approve|cancel|fail)$/;
  var PAID = ["approved", "partially_refunded", "refunded"];
  var state = { session: null, product: null, payment: null, openWith: "app_url", returnedVia: null, cursor: null };

  function $(selector) { return root.querySelector(selector); }
  function sleep(ms) { return new Promise(function (done) { setTimeout(done, ms); }); }
  function won(amount) { return amount.toLocaleString("ko-KR") + "원"; }
  function when(iso) { return iso ? new Date(iso).toLocaleString("ko-KR", { timeZone: "Asia/Seoul" }) : ""; }
  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function randomKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes); // crypto.randomUUID needs a secure context; a phone on the LAN has plain http
    return Array.prototype.map.call(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  // ── The call log ──────────────────────────────────────────────────────────────────────────────────────────
  var log = $("[data-log]");
  function pretty(value) {
    if (value === undefined || value === null || value === "") return "(없음)";
    return typeof value === "string" ? value : JSON.stringify(value, null, 2);
  }
  function masked(body) {
    if (!body || typeof body !== "object" || typeof body.token !== "string") return body;
    return Object.assign({}, body, { token: body.token.slice(0, 6) + "…" });
  }
  function logCall(call) {
    var item = element("li", "api-call api-call-" + String(call.status).charAt(0));
    var details = element("details");
    var summary = element("summary");
    summary.append(element("span", "call-method", call.method), " ", element("code", "call-path", call.path), " ",
      element("span", "call-status", String(call.status)), " ", element("span", "call-ms", call.ms + " ms"));
    details.append(summary);
    if (call.key) details.append(element("p", "call-label", "Idempotency-Key: " + call.key));
    details.append(element("p", "call-label", "요청"), element("pre", "call-json", pretty(call.request)));
    details.append(element("p", "call-label", "응답"), element("pre", "call-json", pretty(masked(call.response))));
    details.querySelectorAll("pre").forEach(function (pre) { pre.tabIndex = 0; });
    item.append(details);
    log.prepend(item);
  }
  function logStep(text) {
    var item = element("li", "api-step", text);
    log.prepend(item);
  }
  $("[data-clear-log]").addEventListener("click", function () { log.replaceChildren(); });

  // ── The API client ────────────────────────────────────────────────────────────────────────────────────────
  async function call(method, path, body, headers) {
    var init = { method: method, headers: Object.assign({ Accept: "application/json" }, headers || {}) };
    if (state.session) init.headers.Authorization = "Bearer " + state.session.token;
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    var started = performance.now();
    var response;
    try {
      response = await fetch(API + path, init);
    } catch (error) {
      logCall({ method: method, path: API + path, status: "—", ms: Math.round(performance.now() - started), request: body });
      return { status: 0, data: { detail: "서버에 연결할 수 없습니다." }, headers: new Headers() };
    }
    var text = await response.text();
    var data = null;
    try { data = text ? JSON.parse(text) : null; } catch (error) { data = text; }
    logCall({
      method: method, path: API + path, status: response.status, ms: Math.round(performance.now() - started),
      request: body, response: data, key: init.headers["Idempotency-Key"],
    });
    return { status: response.status, data: data, headers: response.headers };
  }

  async function openSession() {
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(SESSION_KEY) || "null"); } catch (error) { saved = null; }
    if (saved && Date.parse(saved.expires_at) > Date.now() + 60000) {
      state.session = saved;
      return;
    }
    state.session = null;
    var answer = await call("POST", "/app-sessions", { device_name: "Strada 앱 (브라우저)" });
    if (answer.status !== 201) throw new Error((answer.data && answer.data.detail) || "앱 세션을 열 수 없습니다.");
    state.session = answer.data;
    localStorage.setItem(SESSION_KEY, JSON.stringify(answer.data));
  }

  // An expired or revoked token: a new app session (a new buyer, as a reinstalled app would be), then once more.
  async function api(method, path, body, headers) {
    var answer = await call(method, path, body, headers);
    if (answer.status !== 401) return answer;
    localStorage.removeItem(SESSION_KEY);
    await openSession();
    return call(method, path, body, headers);
  }

  // ── Screens ───────────────────────────────────────────────────────────────────────────────────────────────
  function show(name) {
    root.querySelectorAll("[data-screen]").forEach(function (screen) { screen.hidden = screen.dataset.screen !== name; });
    var heading = $("[data-screen=" + name + "] h2");
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
    if (name === "history") loadHistory(true);
  }
  root.addEventListener("click", function (event) {
    var target = event.target.closest("[data-go]");
    if (target) show(target.dataset.go);
  });

  async function loadProducts() {
    var note = $("[data-session]");
    try {
      await openSession();
    } catch (error) {
      note.textContent = error.message;
      return;
    }
    var answer = await api("GET", "/products");
    var list = $("[data-products]");
    list.replaceChildren();
    (answer.data.items || []).filter(function (p) { return !p.recurring; }).forEach(function (product) {
      var button = element("button", "app-product");
      button.type = "button";
      button.append(element("span", "app-product-name", product.name), element("span", "app-product-price", won(product.price)));
      button.addEventListener("click", function () { choose(product); });
      var item = element("li");
      item.append(button);
      list.append(item);
    });
    note.textContent = "상품을 고르세요.";
  }

  var form = $("[data-pay-form]");
  function choose(product) {
    state.product = product;
    $("[data-product-name]").textContent = product.name;
    $("[data-product-price]").textContent = won(product.price);
    $("[data-form-error]").hidden = true;
    total();
    show("product");
  }
  function total() {
    if (state.product) $("[data-total]").textContent = won(state.product.price * Number(form.quantity.value));
  }
  form.quantity.addEventListener("change", total);
  function platformName(platform) { return PLATFORMS[platform] || "결제 플랫폼"; }
  form.addEventListener("change", function (event) {
    if (event.target.name !== "platform") return;
    var platform = form.platform.value, names = Object.values(PLATFORM_APPS[platform] || {});
    $("[data-pay-label]").textContent = platformName(platform) + "로 결제";
    $("[data-app-name]").textContent = names.join(" · ");
    $("[data-open-choice]").hidden = names.length === 0; // only a platform with an app of its own opens it by scheme
    if (!names.length) form.open.value = "app_url";
  });

  function formError(text) {
    var box = $("[data-form-error]");
    box.textContent = text;
    box.hidden = false;
  }

  // 결제 준비: one Idempotency-Key per tap; a 503 or a 409 (still running) is retried with the same key.
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    var button = form.querySelector("[data-testid=app-pay]");
    button.disabled = true;
    var body = {
      product: state.product.id, quantity: Number(form.quantity.value), return_mode: form.return_mode.value,
      platform: form.platform.value,
    };
    var headers = { "Idempotency-Key": randomKey() };
    state.openWith = form.open.value;
    var answer;
    for (var attempt = 0; attempt < 3; attempt++) {
      answer = await api("POST", "/payments", body, headers);
      if (answer.status !== 503 && answer.status !== 409) break;
      await sleep(1000 * Number(answer.headers.get("Retry-After") || 1));
    }
    button.disabled = false;
    if (answer.status === 201) {
      state.payment = answer.data;
      openPayment();
    } else if (body.return_mode === "scheme" && answer.status === 502) {
      schemeRefused(answer.data, body.platform);
    } else {
      formError((answer.data && answer.data.detail) || "결제를 시작하지 못했습니다.");
    }
  });

  // ── The web view and its URL rules ────────────────────────────────────────────────────────────────────────
  var webview = $("[data-webview]");
  var talk = $("[data-talk]");
  // next_action: every type has app_url (the web view's page); a platform with an app of its own also has its scheme.
  function openPayment() {
    var action = state.payment.next_action;
    var ios = /iPhone|iPad|iPod/.test(navigator.userAgent);
    var scheme = ios ? action.ios_app_scheme : action.android_app_scheme;
    state.returnedVia = null;
    $("[data-webview-title]").textContent = platformName(state.payment.platform);
    navigate(state.openWith === "scheme" && scheme ? scheme : action.app_url);
  }

  function appOf(url) {
    var scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
    return scheme && Object.prototype.hasOwnProperty.call(APPS, scheme[1]) ? APPS[scheme[1]] : null;
  }

  // What a real app's web view does with each URL (Android shouldOverrideUrlLoading, iOS decidePolicyFor):
  // http(s) loads in the web view; another app's scheme (the providers name them) opens that app;
  // intent:// is Android's wrapper of a scheme; strada:// is the app's own deep link, back from the platform.
  function navigate(url) {
    if (url.indexOf(SCHEME + "://") === 0) return deepLink(url);
    if (appOf(url)) return openApp(url, appOf(url));
    if (url.indexOf("intent://") === 0) return openIntent(url);
    if (!/^https?:\/\//.test(url)) return logStep("열 수 없는 주소: " + url);
    if (new URL(url).origin !== location.origin) {
      logStep("다른 사이트는 외부 브라우저로 엽니다: " + url);
      return window.open(url, "_blank");
    }
    logStep("웹뷰: " + url);
    $("[data-webview-url]").textContent = url;
    webview.src = url;
    show("webview");
  }

  function openApp(url, name) {
    var page = url.slice(url.indexOf("url=") + 4);
    page = /^https?%3A/i.test(page) ? decodeURIComponent(page) : page;
    logStep(name + " 앱 열기: " + url);
    root.querySelectorAll("[data-talk-name]").forEach(function (node) { node.textContent = name; });
    $("[data-talk-url]").textContent = page;
    talk.src = page;
    show("talk");
  }

  function openIntent(url) {
    var match = /^intent:\/\/([^#]*)#Intent;(.*);end$/.exec(url);
    if (!match) return logStep("intent 주소를 읽을 수 없습니다: " + url);
    var params = {};
    match[2].split(";").forEach(function (pair) {
      var cut = pair.indexOf("=");
      params[pair.slice(0, cut)] = pair.slice(cut + 1);
    });
    if (params.scheme === SCHEME || appOf(params.scheme + "://")) return navigate(params.scheme + "://" + match[1]);
    if (params["S.browser_fallback_url"]) return navigate(decodeURIComponent(params["S.browser_fallback_url"]));
  }

  function framePath(frame) {
    try { return frame.location.pathname; } catch (error) { return ""; } // another site's page: not ours to read
  }
  webview.addEventListener("load", function () {
    if (framePath(webview.contentWindow)) $("[data-webview-url]").textContent = webview.contentWindow.location.href;
  });

  // The hand-over page inside a frame (or a window this app opened) hands its strada:// URL to the app.
  window.addEventListener("message", function (event) {
    if (event.origin !== location.origin || !event.data || event.data.type !== "strada-return") return;
    var via = RETURN_PATH.exec(event.source ? framePath(event.source) : "");
    state.returnedVia = via ? via[1] : null;
    navigate(String(event.data.url));
  });

  function closeFrames() {
    webview.removeAttribute("src");
    talk.removeAttribute("src");
  }

  // ✕ on the web view: the app reports 결제 중단 (abandon); the platform may still hold the payment open.
  root.querySelectorAll("[data-close-webview]").forEach(function (button) {
    button.addEventListener("click", async function () {
      closeFrames();
      abandoned(await api("POST", paymentPath("/abandon"), { reason: "quit", message: "결제 화면을 닫음" }));
    });
  });
  $("[data-reopen]").addEventListener("click", openPayment);

  // What abandon answered: the payment ended, or (409) it is paid or still payable at the platform.
  function abandoned(answer) {
    if (answer.status === 200) return showResult(answer.data);
    var payment = answer.data && answer.data.payment;
    if (payment && payment.status === "ready" && payment.next_action) {
      state.payment = payment;
      $("[data-closed-text]").textContent = platformName(payment.platform) + "에서는 결제가 아직 열려 있습니다. " +
        "다시 열어 마칠 수 있고, 마치지 않으면 유효 시간이 지난 뒤 결제 중단으로 끝납니다.";
      return show("closed");
    }
    showResult(payment || state.payment, answer.data);
  }

  function paymentPath(suffix, orderId) {
    return "/payments/" + encodeURIComponent(orderId || state.payment.order_id) + (suffix || "");
  }

  // strada://payments/<order_id>: only the order id travels; the app asks its server for the rest.
  async function deepLink(url) {
    var orderId = url.slice((SCHEME + "://payments/").length).split(/[?#/]/)[0];
    logStep("앱으로 돌아옴: " + url);
    closeFrames();
    var answer = await api("GET", paymentPath("", orderId));
    if (answer.status !== 200) return showResult(null, answer.data);
    state.payment = answer.data;
    if (state.returnedVia === "cancel" || state.returnedVia === "fail") return abandon(state.returnedVia);
    if (state.payment.status === "ready" && state.payment.return_mode === "app") return confirm();
    showResult(state.payment);
  }

  // 결제 완료 API (앱이 승인): approve with the pg_token the server kept; −701 (not yet) is retried.
  async function confirm() {
    for (var attempt = 0; attempt < 5; attempt++) {
      var answer = await api("POST", paymentPath("/confirm"), {});
      if (answer.status === 200) return showResult(answer.data);
      if (answer.status !== 409 || answer.data.code !== "not_authenticated_yet") {
        return showResult(answer.data.payment || state.payment, answer.data);
      }
      await sleep(1000);
    }
    showResult(state.payment);
  }

  // updateStatus: the way back came from cancel_url or fail_url; the server finishes what the platform confirms
  // (a platform whose fail_url also means "window closed" keeps the payment payable: the app offers it again).
  async function abandon(via) {
    var reason = via === "cancel" ? "quit" : "failed";
    abandoned(await api("POST", paymentPath("/abandon"), { reason: reason }));
  }

  // ── The result screen ─────────────────────────────────────────────────────────────────────────────────────
  var RESULTS = {
    paid: ["✓", "결제 완료", "결제가 완료되었습니다."],
    approving: ["…", "결제 승인 확인 중", "{platform}의 답을 기다리고 있습니다. 결제는 중복으로 처리되지 않습니다."],
    ready: ["…", "결제가 아직 끝나지 않았습니다", "{platform} 결제 화면에서 결제를 마쳐 주세요."],
    cancelled: ["✕", "결제 중단", "결제를 중단했습니다. 다시 결제할 수 있습니다."],
    failed: ["!", "결제 실패", "결제를 완료하지 못했습니다. 다시 결제할 수 있습니다."],
  };
  function fact(list, term, value) {
    if (!value) return;
    list.append(element("dt", "", term), element("dd", "", value));
  }
  function showResult(payment, problem) {
    var kind = !payment ? "failed" : PAID.indexOf(payment.status) >= 0 ? "paid" : payment.status;
    var words = RESULTS[kind] || RESULTS.ready;
    $("[data-result]").dataset.kind = kind;
    $("[data-result-mark]").textContent = words[0];
    $("[data-result-title]").textContent = words[1];
    var text = words[2].replace("{platform}", platformName(payment && payment.platform));
    $("[data-result-text]").textContent = (payment && payment.status_reason) || (problem && !payment && problem.detail) || text;
    var facts = $("[data-result-facts]");
    facts.replaceChildren();
    if (payment) {
      fact(facts, "상품", payment.item.name + " × " + payment.item.quantity);
      fact(facts, "결제 금액", won(payment.amount.total));
      if (payment.canceled_amount) fact(facts, "취소 금액", won(payment.canceled_amount));
      fact(facts, "결제 플랫폼", platformName(payment.platform));
      fact(facts, "결제 수단", payment.card && payment.card.issuer ? payment.card.issuer : payment.method_label);
      fact(facts, "상태", payment.status_label);
      fact(facts, "승인 시각", when(payment.approved_at));
      var mode = $("input[name=return_mode][value=" + payment.return_mode + "]");
      if (mode) fact(facts, "앱 복귀 방식", mode.parentElement.textContent.trim());
      fact(facts, "주문번호", payment.order_id);
    }
    show("result");
    if (kind === "approving") watch(payment);
  }

  // While the server waits on the platform, ask again cheaply: If-None-Match answers 304 until it changes.
  async function watch(payment) {
    var tag = null;
    for (var attempt = 0; attempt < 30 && !$("[data-screen=result]").hidden; attempt++) {
      await sleep(1000);
      var answer = await api("GET", paymentPath("", payment.order_id), undefined, tag ? { "If-None-Match": tag } : {});
      if (answer.status === 200) {
        tag = answer.headers.get("ETag");
        if (answer.data.status !== "approving") return showResult(answer.data);
      }
    }
  }

  function schemeRefused(problem, platform) {
    var provider = problem.provider || {};
    $("[data-result]").dataset.kind = "failed";
    $("[data-result-mark]").textContent = "!";
    $("[data-result-title]").textContent = "해결방법2 그대로는 쓸 수 없습니다";
    $("[data-result-text]").textContent =
      platformName(platform) + "가 결제 준비를 거절했습니다 (" + provider.code + "). 승인 주소는 등록된 사이트 도메인의 http(s) 주소여야 해서 " +
      SCHEME + ":// 같은 앱 스킴은 받지 않습니다. 그래서 Strada는 서버의 /app/return/… 주소로 돌아온 뒤 앱을 엽니다 (서버가 승인).";
    var facts = $("[data-result-facts]");
    facts.replaceChildren();
    fact(facts, platformName(platform) + " 답", provider.message);
    show("result");
  }

  // ── 결제 내역 ────────────────────────────────────────────────────────────────────────────────────────────
  async function loadHistory(first) {
    var list = $("[data-history]");
    if (first) {
      list.replaceChildren();
      state.cursor = null;
    }
    var answer = await api("GET", "/payments?limit=10" + (state.cursor ? "&cursor=" + encodeURIComponent(state.cursor) : ""));
    if (answer.status !== 200) return;
    answer.data.items.forEach(function (payment) {
      var button = element("button", "app-history-item");
      button.type = "button";
      button.append(element("span", "app-history-name", payment.item.name + " × " + payment.item.quantity),
        element("span", "app-history-amount", won(payment.amount.total)),
        element("span", "app-history-status status-" + payment.status, payment.status_label),
        element("span", "app-history-time", when(payment.created_at)));
      button.addEventListener("click", function () { state.payment = payment; showResult(payment); });
      var item = element("li");
      item.append(button);
      list.append(item);
    });
    state.cursor = answer.data.next_cursor;
    $("[data-more]").hidden = !state.cursor;
    $("[data-history-empty]").hidden = list.children.length > 0;
  }
  $("[data-more]").addEventListener("click", function () { loadHistory(false); });

  function clock() {
    $("[data-clock]").textContent = new Date().toLocaleTimeString("ko-KR", { hour: "numeric", minute: "2-digit", hour12: false });
  }
  clock();
  setInterval(clock, 30000);
  loadProducts();
})();
