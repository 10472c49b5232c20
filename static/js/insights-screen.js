// The operations big screen: a full-screen button, and a fallback reload every minute when
// htmx (which polls the panel) is not available. No inline script (CSP).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-fullscreen]");
    if (!button) return;
    var root = document.documentElement;
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (root.requestFullscreen) {
      root.requestFullscreen();
    }
  });
  window.addEventListener("load", function () {
    if (!window.htmx) {
      window.setTimeout(function () { window.location.reload(); }, 60000);
    }
  });
})();
