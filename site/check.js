// Classic (non-module) script: it still runs where the ES module boot.js cannot
// load, such as a page opened from file:// or a folder that lacks boot.js, and
// shows the reader why the simulator did not start.
(function () {
  "use strict";

  function showError(message, fix) {
    if (document.documentElement.dataset.ready !== "false") return;
    document.getElementById("loading").hidden = true;
    document.getElementById("error-message").textContent = message;
    document.getElementById("error-fix").textContent = fix;
    document.getElementById("error").hidden = false;
    document.documentElement.dataset.ready = "error";
    console.error("attention-sim: " + message + " " + fix);
  }

  window.attentionSimCheck = { showError: showError };

  // The single-file build (attentionSimBundle) carries its runtime and works from a file.
  if (location.protocol === "file:" && !window.attentionSimBundle) {
    showError(
      "This page was opened from a file, and browsers do not let it load its Python runtime that way.",
      "Serve the folder over HTTP: in a terminal, run `python3 -m http.server 8000` inside the folder, " +
        "then open http://localhost:8000/main.html (or run `./sim serve` in the project)."
    );
    return;
  }
  // Deferred modules run before DOMContentLoaded, so by then boot.js has started.
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.attentionSimBooting) {
      showError(
        "The simulator's start-up script boot.js did not load.",
        "Copy the whole folder again, or rebuild it with `./sim build`. Very old browsers " +
          "without JavaScript modules cannot run it: use a current Chrome, Edge, Firefox or Safari."
      );
    }
  });
})();
