/* The Toss Payments checkout: TossPayments(clientKey).payment({customerKey}).requestPayment({...}) in redirect
 * mode, with the parameters our server stored for this order. A refusal before the window opens is shown here. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var form = document.querySelector("[data-toss-checkout]");
  if (!form) return;
  var error = form.querySelector("[data-toss-error]");
  form.querySelector("[type=submit]").disabled = false; // until now a click would only have reloaded the page
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var d = form.dataset;
    error.textContent = "";
    try {
      var payment = TossPayments(d.clientKey).payment({ customerKey: d.customerKey });
      payment.requestPayment({
        method: "CARD",
        amount: { currency: "KRW", value: Number(d.amount) },
        taxFreeAmount: Number(d.taxFreeAmount) || 0,
        orderId: d.orderId,
        orderName: d.orderName,
        successUrl: d.successUrl,
        failUrl: d.failUrl,
      }).catch(function (reason) {
        error.textContent = (reason && reason.message) || "결제창을 열지 못했습니다. 다시 시도해 주세요.";
      });
    } catch (reason) {
      error.textContent = "결제창을 열지 못했습니다. 잠시 후 다시 시도해 주세요.";
    }
  });
});
