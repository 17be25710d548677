// GET /api/v1/docs: the vendored Swagger UI, reading the spec by URL (no inline script: CSP script-src 'self').
(function () {
  "use strict";
  var target = document.getElementById("api-reference");
  if (!target || typeof window.SwaggerUIBundle !== "function") return;
  window.SwaggerUIBundle({
    url: target.getAttribute("data-spec-url"),
    domNode: target,
    deepLinking: true,
    defaultModelsExpandDepth: 0,
    validatorUrl: null,
  });
})();
