/* The sandbox's SDK 시험 페이지: calls the SDK stand-in exactly as a merchant's checkout page would. */
(function () {
  "use strict";
  var form = document.querySelector("[data-try]");
  if (!form) return;
  var error = form.querySelector("[data-try-error]");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    error.textContent = "";
    var payment = TossPayments(form.dataset.clientKey).payment({ customerKey: TossPayments.ANONYMOUS });
    var direct = form.elements.method.value === "TOSSPAY";
    payment.requestPayment({
      method: "CARD",
      amount: { currency: "KRW", value: Number(form.elements.amount.value) },
      orderId: form.dataset.orderId,
      orderName: form.elements.orderName.value,
      successUrl: form.dataset.successUrl,
      failUrl: form.dataset.failUrl,
      customerName: "김토스",
      card: direct ? { flowMode: "DIRECT", easyPay: "TOSSPAY" } : { flowMode: "DEFAULT" },
    }).catch(function (e) {
      error.textContent = e.message + " (" + e.code + ")";
    });
  });
})();
