// Runs first in the single-file build (dist/attention-mechanism.html), a classic
// inline script written by tools/single_file.py. It serves the page's own files
// from <script type="application/octet-stream" data-path=...> blocks embedded at
// the end of the document (base64 of gzip, unpacked with DecompressionStream), so
// that the page works from file:// and makes no request beyond itself:
//
// - fetch() of a bundled path, relative to the page, returns the unpacked file;
//   any other URL except data: and blob: is rejected without a request;
// - a <script> whose src property is set to a bundled path gets a blob: URL of it
//   instead (Pyodide loads pyodide.asm.js and numpy.js that way). Those blob: URLs
//   exist once `attentionSimBundle.ready` has resolved, which boot.js awaits.
// NOTE: setAttribute("src", ...) and XMLHttpRequest are not redirected; Pyodide
// 0.17.1 needs neither because boot.js preloads numpy.data.
(function () {
  "use strict";

  var CONTENT_TYPES = {
    js: "text/javascript",
    json: "application/json",
    wasm: "application/wasm",
    py: "text/x-python; charset=utf-8",
    data: "application/octet-stream",
  };
  var baseDirectory = new URL(".", document.baseURI).href;
  var blocks = null; // path -> <script type="application/octet-stream"> element
  var packed = new Map(); // path -> Blob of the gzip bytes
  var scriptURLs = new Map(); // path -> blob: URL of the unpacked script
  var preparing = null;

  /** Return the bundled path that url names, or null. */
  function bundledPath(url) {
    if (!url.startsWith(baseDirectory)) return null;
    var path = decodeURIComponent(url.slice(baseDirectory.length).split(/[?#]/)[0]);
    return findBlocks().has(path) ? path : null;
  }

  function findBlocks() {
    if (blocks) return blocks;
    var found = new Map();
    var elements = document.querySelectorAll('script[type="application/octet-stream"][data-path]');
    for (var i = 0; i < elements.length; i++) found.set(elements[i].dataset.path, elements[i]);
    // The blocks follow the page's markup, so they are all there once parsing ends.
    if (document.readyState !== "loading") blocks = found;
    return found;
  }

  function base64ToBytes(text) {
    if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(text);
    var binary = atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function packedBlob(path) {
    if (!packed.has(path)) {
      var element = findBlocks().get(path);
      packed.set(path, new Blob([base64ToBytes(element.textContent.trim())]));
      element.textContent = ""; // the bytes live on in the Blob
    }
    return packed.get(path);
  }

  /** Return a stream of the unpacked bytes of a bundled file. */
  function unpack(path) {
    if (typeof DecompressionStream !== "function") {
      throw new Error(
        "This browser cannot unpack the single-file MicroSim (it lacks DecompressionStream). " +
          "Use a current Chrome, Edge, Firefox or Safari."
      );
    }
    return packedBlob(path).stream().pipeThrough(new DecompressionStream("gzip"));
  }

  function contentType(path) {
    return CONTENT_TYPES[path.slice(path.lastIndexOf(".") + 1)] || "application/octet-stream";
  }

  function respond(path) {
    var element = findBlocks().get(path);
    var headers = { "Content-Type": contentType(path), "Content-Length": element.dataset.size };
    return new Response(unpack(path), { status: 200, statusText: "OK", headers: headers });
  }

  var networkFetch = window.fetch.bind(window);
  window.fetch = function (input, init) {
    var url;
    try {
      url = new URL(input instanceof Request ? input.url : String(input), document.baseURI).href;
    } catch (error) {
      return Promise.reject(error);
    }
    if (/^(data|blob):/.test(url)) return networkFetch(input, init);
    var path = bundledPath(url);
    if (path === null) {
      return Promise.reject(new TypeError("Failed to fetch " + url + ": the single-file MicroSim does not contain it."));
    }
    try {
      return Promise.resolve(respond(path));
    } catch (error) {
      return Promise.reject(error);
    }
  };

  var srcProperty = Object.getOwnPropertyDescriptor(HTMLScriptElement.prototype, "src");
  Object.defineProperty(HTMLScriptElement.prototype, "src", {
    configurable: true,
    enumerable: srcProperty.enumerable,
    get: function () {
      return srcProperty.get.call(this);
    },
    set: function (value) {
      var path = bundledPath(new URL(String(value), document.baseURI).href);
      if (path !== null && !scriptURLs.has(path)) {
        console.error("attention-sim: " + path + " was loaded before the single file was unpacked.");
      }
      srcProperty.set.call(this, path !== null && scriptURLs.has(path) ? scriptURLs.get(path) : value);
    },
  });

  /** Unpack every bundled script into a blob: URL. */
  function prepare() {
    var scripts = Array.from(findBlocks().keys()).filter(function (path) {
      return /\.js$/.test(path);
    });
    return Promise.all(
      scripts.map(function (path) {
        return new Response(unpack(path)).blob().then(function (blob) {
          var typed = new Blob([blob], { type: "text/javascript" });
          scriptURLs.set(path, URL.createObjectURL(typed));
        });
      })
    );
  }

  window.attentionSimBundle = {
    get ready() {
      if (!preparing) preparing = prepare();
      return preparing;
    },
    paths: function () {
      return Array.from(findBlocks().keys());
    },
  };
})();
