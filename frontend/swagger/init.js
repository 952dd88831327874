// Starts Swagger UI on the API docs page (src/django_session_replay/api/docs.py).
// build.mjs copies it next to swagger-ui-dist's bundle; no inline script, so a
// strict Content-Security-Policy allows the page.
(function () {
  var config = JSON.parse(document.getElementById('swagger-settings').textContent);
  var csrfToken = document.body.dataset.csrfToken;
  config.dom_id = '#swagger-ui';
  config.presets = [SwaggerUIBundle.presets.apis]; // ninja's settings pick BaseLayout
  if (csrfToken) {
    config.requestInterceptor = function (request) {
      request.headers['X-CSRFToken'] = csrfToken;
      return request;
    };
  }
  window.ui = SwaggerUIBundle(config);
})();
