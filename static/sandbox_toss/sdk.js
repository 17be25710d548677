/* The Toss sandbox's stand-in for the browser SDK (https://js.tosspayments.com/v2/standard): the same calls.
 *
 *   const payment = TossPayments(clientKey).payment({ customerKey });   // or { customerKey: TossPayments.ANONYMOUS }
 *   await payment.requestPayment({ method: "CARD", amount: { currency: "KRW", value: 15000 }, orderId, orderName,
 *                                  successUrl, failUrl, customerName, customerEmail });
 *   TossPayments(clientKey).requestPayment("카드", { amount: 15000, orderId, ... });   // the v1 call
 *
 * Redirect mode only (successUrl and failUrl given), as on phones: the window opens as a popup over the page on a
 * PC (the whole page if popups are blocked) and as the whole page on a phone; paying sends the browser to
 * successUrl, a refusal or 취소 to failUrl, and closing the window sends nothing. Parameters the real SDK refuses
 * before opening anything reject the returned promise with {code, message}.
 */
(function (global) {
  "use strict";

  var script = document.currentScript;
  var base = script ? script.src.replace(/\/v2\/standard(\?.*)?$/, "") : "";
  var ANONYMOUS = "@@ANONYMOUS";
  var ORDER_ID = /^[A-Za-z0-9\-_=.]{6,64}$/;
  var POPUP = "tosspayments-sandbox-window";

  function TossPaymentsError(code, message) {
    var error = new Error(message);
    error.name = "TossPaymentsError";
    error.code = code;
    return error;
  }

  function absolute(url) {
    try {
      var parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:";
    } catch (e) {
      return false;
    }
  }

  function refusal(p) {
    var value = p.amount;
    if (!Number.isInteger(value) || value < 0) return ["INVALID_AMOUNT_VALUE", "결제 금액은 정수여야 합니다."];
    if (value === 0) return ["BELOW_ZERO_AMOUNT", "결제 금액은 0보다 커야 합니다."];
    if (!ORDER_ID.test(p.orderId || "")) {
      return ["INVALID_ORDER_ID", "orderId는 영문 대소문자, 숫자, 특수문자(-, _) 만 허용합니다. 6자 이상 64자 이하여야 합니다."];
    }
    if (!p.orderName || String(p.orderName).length > 100) return ["INVALID_ORDER_NAME", "orderName은 1자 이상 100자 이하여야 합니다."];
    if (!p.successUrl && !p.failUrl) {
      return ["NOT_SUPPORTED_PROMISE_MODE", "샌드박스는 리다이렉트 방식만 지원합니다. successUrl과 failUrl을 주세요."];
    }
    if (!absolute(p.successUrl)) return ["INCORRECT_SUCCESS_URL_FORMAT", "successUrl이 올바른 URL이 아닙니다."];
    if (!absolute(p.failUrl)) return ["INCORRECT_FAIL_URL_FORMAT", "failUrl이 올바른 URL이 아닙니다."];
    return null;
  }

  // The whole page on a phone and in a frame (an app's web view), as the real SDK does there; a popup elsewhere.
  function wholePage() {
    return /Mobi|Android|iPhone|iPod/i.test(navigator.userAgent) || global.top !== global.self;
  }

  // While the popup is open, the merchant's page is dimmed (as under Toss's own window) until it closes.
  function overlay(popup) {
    var shade = document.createElement("div");
    shade.setAttribute("role", "dialog");
    shade.setAttribute("aria-modal", "true");
    shade.setAttribute("aria-label", "토스페이먼츠 결제창");
    shade.dataset.tosspaymentsOverlay = "";
    Object.assign(shade.style, {
      position: "fixed", inset: "0", zIndex: "2147483647", background: "rgba(0, 0, 0, .55)", display: "flex",
      alignItems: "center", justifyContent: "center", fontFamily: "system-ui, sans-serif",
    });
    var box = document.createElement("div");
    Object.assign(box.style, {
      background: "#fff", color: "#191f28", borderRadius: "16px", padding: "24px 28px", maxWidth: "340px",
      textAlign: "center", lineHeight: "1.5",
    });
    var text = document.createElement("p");
    text.textContent = "새 창에서 결제를 진행해 주세요. 결제창을 닫으면 이 화면으로 돌아옵니다.";
    text.style.margin = "0 0 16px";
    var show = document.createElement("button");
    show.type = "button";
    show.textContent = "결제창 보기";
    Object.assign(show.style, {
      font: "inherit", fontWeight: "700", border: "0", borderRadius: "10px", padding: "12px 18px",
      background: "#0064ff", color: "#fff", cursor: "pointer",
    });
    show.addEventListener("click", function () { popup.focus(); });
    box.append(text, show);
    shade.append(box);
    document.body.append(shade);
    show.focus();
    var timer = setInterval(function () {
      if (popup.closed) {
        clearInterval(timer);
        shade.remove();
      }
    }, 300);
  }

  function open(clientKey, customerKey, p) {
    var problem = refusal(p);
    if (problem) return Promise.reject(TossPaymentsError(problem[0], problem[1]));
    var popup = wholePage() ? null : global.open("", POPUP, "width=480,height=780");
    var form = document.createElement("form");
    form.method = "post";
    form.action = base + "/v2/checkout";
    form.target = popup ? POPUP : "_self";
    form.hidden = true;
    var fields = {
      clientKey: clientKey, customerKey: customerKey || "", method: p.method, amount: p.amount,
      taxFreeAmount: p.taxFreeAmount || 0, orderId: p.orderId, orderName: p.orderName, successUrl: p.successUrl,
      failUrl: p.failUrl, customerName: p.customerName || "", customerEmail: p.customerEmail || "",
      display: popup ? "popup" : "page",
    };
    Object.keys(fields).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = String(fields[name]);
      form.append(input);
    });
    document.body.append(form);
    form.submit();
    form.remove();
    if (popup) overlay(popup);
    return new Promise(function () {}); // redirect mode: the browser leaves this page; nothing resolves
  }

  function v2Method(p) {
    var easyPay = p.card && p.card.flowMode === "DIRECT" && p.card.easyPay;
    return easyPay === "TOSSPAY" ? "TOSSPAY" : p.method;
  }

  function TossPayments(clientKey) {
    if (typeof clientKey !== "string" || !clientKey) throw TossPaymentsError("INVALID_CLIENT_KEY", "클라이언트 키가 필요합니다.");
    return {
      payment: function (options) {
        var customerKey = options && options.customerKey;
        if (!customerKey) throw TossPaymentsError("INVALID_CUSTOMER_KEY", "customerKey가 필요합니다.");
        return {
          requestPayment: function (p) {
            p = p || {};
            var amount = p.amount && typeof p.amount === "object" ? p.amount : {};
            if (amount.currency && amount.currency !== "KRW") {
              return Promise.reject(TossPaymentsError("INVALID_CURRENCY", "샌드박스는 KRW만 지원합니다."));
            }
            return open(clientKey, customerKey, Object.assign({}, p, { amount: amount.value, method: v2Method(p) }));
          },
        };
      },
      requestPayment: function (method, p) { // v1: TossPayments(clientKey).requestPayment('카드', {...})
        return open(clientKey, null, Object.assign({}, p || {}, { method: method }));
      },
    };
  }
  TossPayments.ANONYMOUS = ANONYMOUS;
  global.TossPayments = TossPayments;
})(window);
