// Small interactions for the demo pages; each one shows up in a replay.
(function () {
  "use strict";

  function byId(id) {
    return document.getElementById(id);
  }

  function on(id, handler) {
    var element = byId(id);
    if (element) element.addEventListener("click", handler);
  }

  function init() {
    // Home: the counter.
    var count = 0;
    var counterValue = byId("counter-value");
    on("counter-button", function () {
      count += 1;
      counterValue.textContent = String(count);
    });
    on("counter-reset", function () {
      count = 0;
      counterValue.textContent = "0";
    });

    // Home: the collapsible details panel.
    var panel = byId("details-panel");
    on("details-toggle", function (event) {
      var open = panel.hidden;
      panel.hidden = !open;
      event.currentTarget.setAttribute("aria-expanded", String(open));
      event.currentTarget.textContent = open ? "Hide details" : "Show details";
    });

    // Home: console, network and error events for the replay timeline.
    var output = byId("timeline-output");
    on("console-button", function () {
      console.log("Demo shop: hello from the console button");
      output.textContent = "Logged a message to the console.";
    });
    on("fetch-button", function () {
      output.textContent = "Calling /api/ping/…";
      fetch("/api/ping/", { headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) { output.textContent = "Server time: " + data.time; })
        .catch(function (error) { output.textContent = "The call failed: " + error; });
    });
    on("error-button", function () {
      output.textContent = "Threw an error (see the console).";
      throw new Error("Demo shop: an error thrown on purpose");
    });

    // Products: filter and cart.
    var filter = byId("product-filter");
    if (filter) {
      filter.addEventListener("input", function () {
        var query = filter.value.trim().toLowerCase();
        var shown = 0;
        document.querySelectorAll("#product-list .product").forEach(function (item) {
          var match = item.dataset.name.indexOf(query) !== -1;
          item.hidden = !match;
          if (match) shown += 1;
        });
        byId("no-products").hidden = shown !== 0;
      });
    }
    var cart = 0;
    document.querySelectorAll(".add-to-cart").forEach(function (button) {
      button.addEventListener("click", function () {
        cart += 1;
        byId("cart-count").textContent = String(cart);
        button.textContent = "Added";
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
