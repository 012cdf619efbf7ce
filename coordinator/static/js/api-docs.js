// Starts Swagger UI on the API reference page; kept in a file because the CSP forbids inline script.
(function () {
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: root.dataset.specUrl, domNode: root, deepLinking: true });
})();
