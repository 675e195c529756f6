// Tells the parent page the height of this page's content, so that a host page
// can size its iframe to fit (the README has the few lines a host page needs).
//
// Inside a frame, it posts {type: "attention-sim:height", height} to the parent,
// with the height in CSS pixels, once at start and whenever the height changes.
// A parent that starts listening late can post {type: "attention-sim:request-height"}
// to get the current height again. Outside a frame it does nothing.
(function () {
  "use strict";

  if (window.parent === window) return;

  var lastHeight = -1;

  function postHeight(force) {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === lastHeight && force !== true) return;
    lastHeight = height;
    // The target origin is "*" because any site may embed the page, and a height
    // is no secret.
    window.parent.postMessage({ type: "attention-sim:height", height: height }, "*");
  }

  if (typeof ResizeObserver === "function") {
    new ResizeObserver(function () {
      postHeight(false);
    }).observe(document.documentElement);
  } else {
    window.addEventListener("resize", function () {
      postHeight(false);
    });
  }
  window.addEventListener("load", function () {
    postHeight(false);
  });
  window.addEventListener("message", function (event) {
    if (event.source !== window.parent) return;
    if (event.data && event.data.type === "attention-sim:request-height") postHeight(true);
  });
})();
