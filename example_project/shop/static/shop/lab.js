// The lab page: a shadow root, a canvas and single-page-app tabs.
(function () {
  "use strict";

  function shadow() {
    var host = document.getElementById("shadow-host");
    if (!host || host.shadowRoot) return;
    var root = host.attachShadow({ mode: "open" });
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(".badge { color: rgb(0, 128, 0); font-weight: 700; border: 2px solid rgb(0, 128, 0); padding: 2px 6px; }");
    root.adoptedStyleSheets = [sheet];
    var badge = document.createElement("span");
    badge.className = "badge";
    badge.id = "shadow-badge";
    badge.textContent = "Inside the shadow root";
    root.appendChild(badge);
  }

  var strokes = 0;
  function draw() {
    var canvas = document.getElementById("lab-canvas");
    if (!canvas) return;
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "rgb(255, 0, 0)";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = "rgb(0, 0, 255)";
    ctx.fillRect(10 + (strokes % 5) * 28, 20, 24, 40);
    strokes += 1;
  }

  function show(tab, title) {
    var content = document.getElementById("tab-content");
    content.textContent = "The " + tab + " tab.";
    document.querySelectorAll("[data-tab]").forEach(function (link) {
      if (link.getAttribute("data-tab") === tab) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    });
    // As routers do: the title changes a moment after the URL.
    setTimeout(function () {
      document.title = title;
    }, 50);
  }

  function init() {
    shadow();
    draw();
    var button = document.getElementById("canvas-button");
    if (button) button.addEventListener("click", draw);
    document.querySelectorAll("[data-tab]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var tab = link.getAttribute("data-tab");
        var title = link.getAttribute("data-title");
        history.pushState({ tab: tab, title: title }, "", link.href);
        show(tab, title);
      });
    });
    // The first entry's state too, so going back to it shows its tab.
    var current = document.querySelector('[data-tab][aria-current="page"]');
    if (current) {
      history.replaceState({ tab: current.getAttribute("data-tab"), title: current.getAttribute("data-title") }, "");
    }
    window.addEventListener("popstate", function (event) {
      if (event.state && event.state.tab) show(event.state.tab, event.state.title);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
