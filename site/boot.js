// Boots Pyodide with numpy, installs the attention_sim Python package and hands the
// page to its browser glue (attention_sim.browser). Everything else is Python.
//
// The runtime's large files are downloaded here, in parallel and with byte
// progress, and handed to Pyodide through two Emscripten module hooks
// (getPreloadedPackage, instantiateWasm), so each file crosses the network once.

import { policyFix, removeEvalFromPyProxies } from "./csp.js";
import { download, downloadImage, paint } from "./painter.js";
import { renderTables } from "./tables.js";

const RUNTIME_DIR = new URL("vendor/pyodide/", document.baseURI).href;
const PACKAGE_DIR = new URL("py/", document.baseURI).href;
// Folder of the runtime's file system that receives the Python package before Python starts.
const PACKAGE_ROOT = "/home/pyodide/py";
const started = performance.now();
window.attentionSimBooting = true;
const root = document.documentElement;

const stageText = document.getElementById("loading-stage");
const progressBar = document.getElementById("loading-progress");

function elapsed() {
  return Math.round(performance.now() - started);
}

let currentStage = "";

/** Record a User Timing mark, which the benchmark (tools/bench.py) reads. */
function mark(name) {
  performance.mark(`attention-sim:${name}`);
}

/** Show a loading stage (logged with its time) and its progress fraction, if known. */
function showStage(text, fraction) {
  currentStage = text;
  showProgress(text, fraction);
  console.info(`attention-sim: ${text} (${elapsed()} ms)`);
}

function showProgress(text, fraction) {
  stageText.textContent = text;
  if (fraction === undefined) {
    progressBar.removeAttribute("value");
  } else {
    progressBar.value = fraction;
  }
}

class LoadError extends Error {
  constructor(message, fix) {
    super(message);
    this.fix = fix;
  }
}

/** Show what failed and how to fix it, and mark the page as failed. */
function showError(message, fix) {
  document.getElementById("loading").hidden = true;
  const panel = document.getElementById("error");
  document.getElementById("error-message").textContent = message;
  document.getElementById("error-fix").textContent = fix;
  panel.hidden = false;
  root.dataset.ready = "error";
  console.error(`attention-sim: ${message} ${fix}`);
}

const DOWNLOADING = "Downloading the Python runtime";
const MISSING_RUNTIME_FIX =
  "The runtime files are missing or damaged. Rebuild the folder with `./sim build` " +
  "(or run `./sim serve`), or copy the whole folder again, vendor/ included.";

/** Download url to an ArrayBuffer, reporting each chunk's size to onBytes. */
async function downloadBytes(url, onBytes) {
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new LoadError(`Could not download ${url}: ${error.message}.`, MISSING_RUNTIME_FIX);
  }
  if (!response.ok) {
    throw new LoadError(
      `Could not download ${url}: HTTP ${response.status} ${response.statusText}.`,
      MISSING_RUNTIME_FIX,
    );
  }
  const reader = response.body.getReader();
  const chunks = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
    onBytes(value.length);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes.buffer;
}

function loadScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.onload = resolve;
    script.onerror = () =>
      reject(new LoadError(`Could not load the script ${url}.`, MISSING_RUNTIME_FIX));
    document.head.append(script);
  });
}

/** Start every runtime download at once; return their promises and the progress. */
function startDownloads() {
  const large = ["pyodide.asm.wasm", "pyodide.asm.data", "numpy.data"];
  // Estimated sizes of 0.17.1's files, replaced by the manifest's when it arrives.
  const sizes = { "pyodide.asm.wasm": 11365008, "pyodide.asm.data": 5262936, "numpy.data": 8667173 };
  let received = 0;
  let total = large.reduce((sum, name) => sum + sizes[name], 0);
  const report = (bytes) => {
    received += bytes;
    const megabytes = (value) => (value / 1e6).toFixed(1);
    const fraction = Math.min(received / total, 1);
    if (currentStage !== DOWNLOADING) return;
    showProgress(
      `${DOWNLOADING}: ${Math.round(100 * fraction)}% ` +
        `(${megabytes(received)} of ${megabytes(total)} MB)`,
      fraction,
    );
  };
  fetch(RUNTIME_DIR + "manifest.json")
    .then((response) => (response.ok ? response.json() : null))
    .then((manifest) => {
      if (manifest) total = large.reduce((sum, name) => sum + manifest.files[name].size, 0);
    })
    .catch(() => {});
  const buffers = {};
  for (const name of large) buffers[name] = downloadBytes(RUNTIME_DIR + name, report);
  // Unhandled until awaited; mark them handled so an early failure is not reported
  // twice (it is shown when the boot awaits it).
  for (const promise of Object.values(buffers)) promise.catch(() => {});
  return buffers;
}

/** Fetch the Python package: {files: {relative path: text}, pycache: bytes or null}. */
async function fetchPackage() {
  const response = await fetch(PACKAGE_DIR + "manifest.json");
  if (!response.ok) {
    throw new LoadError(
      `Could not download ${PACKAGE_DIR}manifest.json: HTTP ${response.status}.`,
      "The py/ folder is missing. Rebuild the folder with `./sim build`.",
    );
  }
  const manifest = await response.json();
  const paths = manifest.files;
  const pycache = manifest.pycache ? downloadPycache(PACKAGE_DIR + manifest.pycache.file) : null;
  const texts = await Promise.all(
    paths.map(async (path) => {
      const file = await fetch(PACKAGE_DIR + path);
      if (!file.ok) {
        throw new LoadError(
          `Could not download ${PACKAGE_DIR}${path}: HTTP ${file.status}.`,
          "A Python file is missing. Rebuild the folder with `./sim build`.",
        );
      }
      return file.text();
    }),
  );
  return {
    files: Object.fromEntries(paths.map((path, index) => [path, texts[index]])),
    pycache: pycache ? await pycache : null,
  };
}

/** Download the bytecode bundle; without it the page still works, only slower. */
async function downloadPycache(url) {
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    console.warn(`attention-sim: skipped the bytecode bundle ${url}: ${error.message}`);
    return null;
  }
}

/** Write the Python package's files (relative path: text) under PACKAGE_ROOT. */
function installSources(FS, files) {
  for (const [path, text] of Object.entries(files)) {
    const target = `${PACKAGE_ROOT}/${path}`;
    FS.mkdirTree(target.slice(0, target.lastIndexOf("/")));
    FS.writeFile(target, text);
  }
}

/**
 * Write the compiled modules of py/pycache.bin (made by tools/pycache.py) into the
 * runtime's file system, before Python starts and imports them.
 */
function installPycache(FS, bundle) {
  const magic = new TextDecoder().decode(bundle.subarray(0, 6));
  if (magic !== "PYCB1\n") {
    console.warn("attention-sim: the bytecode bundle has an unknown format; skipped");
    return;
  }
  const headerLength = new DataView(bundle.buffer, bundle.byteOffset + 6, 4).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bundle.subarray(10, 10 + headerLength)));
  let offset = 10 + headerLength;
  for (const [path, length] of header.files) {
    FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
    FS.writeFile(path, bundle.subarray(offset, offset + length));
    offset += length;
  }
}

/**
 * Wrap the Emscripten module factory that pyodide.asm.js defines, so that the
 * runtime uses the files downloaded above, and the WebAssembly module compiled from
 * them, instead of fetching them again.
 * NOTE: relies on the factory name and hooks of Pyodide 0.17.1's build; with
 * another version the wrapper is skipped by Pyodide and files load twice.
 */
function hookModuleFactory(buffers, wasmModule, sources) {
  let factory;
  Object.defineProperty(globalThis, "_createPyodideModule", {
    configurable: true,
    set(value) {
      factory = value;
    },
    get() {
      if (!factory) return undefined;
      return async (module) => {
        const [data, { files, pycache }] = await Promise.all([buffers["pyodide.asm.data"], sources]);
        module.onRuntimeInitialized = () => {
          installSources(module.FS, files);
          if (pycache) installPycache(module.FS, pycache);
        };
        showStage("Starting Python", undefined);
        module.getPreloadedPackage = (name) => {
          const file = name.slice(name.lastIndexOf("/") + 1);
          return preloaded[file] ?? null;
        };
        const preloaded = { "pyodide.asm.data": data };
        module.preloaded = preloaded;
        module.instantiateWasm = (imports, receiveInstance) => {
          const instantiated = wasmModule.then(async (compiled) => {
            const instance = await WebAssembly.instantiate(compiled, imports);
            return { instance, compiled };
          });
          // receiveInstance starts the runtime, so its errors are shown here too.
          instantiated
            .then(({ instance, compiled }) => receiveInstance(instance, compiled))
            .catch((error) => {
              if (error instanceof LoadError) {
                showError(error.message, error.fix);
              } else {
                showError(
                  `The Python runtime failed to start: ${error.message}.`,
                  policyFix(error) ?? MISSING_RUNTIME_FIX,
                );
              }
            });
          return {};
        };
        removeEvalFromPyProxies(module);
        return factory(module);
      };
    },
  });
}

/**
 * Register sw.js, which keeps a copy of the folder for visits without a network.
 * Only over http(s): a sandboxed frame without allow-same-origin, or blocked
 * storage, makes registration fail, and the page works on without it.
 */
function registerServiceWorker() {
  if (!/^https?:$/.test(location.protocol)) return;
  try {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register("sw.js", { updateViaCache: "none" }).then(
      () => console.info(`attention-sim: offline copy registered (${elapsed()} ms)`),
      (error) => console.info(`attention-sim: no offline copy: ${error.message}`),
    );
  } catch (error) {
    console.info(`attention-sim: no offline copy: ${error.message}`);
  }
}

async function boot() {
  // A page opened from file:// cannot fetch its runtime (check.js explains what to
  // do), except the single-file build, which carries its files inside.
  const bundle = globalThis.attentionSimBundle;
  if (location.protocol === "file:" && !bundle) return;
  showStage(DOWNLOADING, 0);
  const buffers = startDownloads();
  Promise.all(Object.values(buffers)).then(() => mark("downloaded"), () => {});
  // Compile the WebAssembly module as soon as its bytes arrive: the browser compiles
  // it off the main thread while the other files download and pyodide.asm.js runs.
  const wasmModule = buffers["pyodide.asm.wasm"].then((bytes) => WebAssembly.compile(bytes));
  wasmModule.catch(() => {});
  const sources = fetchPackage();
  sources.catch(() => {});
  hookModuleFactory(buffers, wasmModule, sources);

  if (bundle) await bundle.ready; // the runtime scripts, unpacked
  if (typeof globalThis.loadPyodide !== "function") {
    await loadScript(RUNTIME_DIR + "pyodide.js");
  }
  const pyodide = await globalThis.loadPyodide({ indexURL: RUNTIME_DIR });
  mark("runtime-started");
  console.info(`attention-sim: Pyodide ${pyodide.version} started (${elapsed()} ms)`);

  showStage("Loading numpy", undefined);
  pyodide._module.preloaded["numpy.data"] = await buffers["numpy.data"];
  const errors = [];
  await pyodide.loadPackage(["numpy"], () => {}, (message) => errors.push(message));
  if (errors.length) {
    throw new LoadError(`numpy failed to load: ${errors.join(" ")}`, MISSING_RUNTIME_FIX);
  }
  mark("numpy-loaded");
  console.info(`attention-sim: numpy loaded (${elapsed()} ms)`);

  showStage("Drawing the first frame", undefined);
  pyodide.runPython("import sys\nsys.path.insert(0, '/home/pyodide/py')"); // PACKAGE_ROOT
  globalThis.attentionSim = { pyodide };
  const browser = pyodide.runPython("import attention_sim.browser\nattention_sim.browser");
  browser.start({ paint, download, downloadImage, started, tables: renderTables });
  mark("first-frame");
  console.info(`attention-sim: first frame painted (${elapsed()} ms)`);
  if (!bundle) registerServiceWorker();
}

boot().catch((error) => {
  if (error instanceof LoadError) {
    showError(error.message, error.fix);
  } else {
    showError(
      `The simulator failed to start: ${error && error.message ? error.message : error}`,
      policyFix(error) ??
        "Reload the page. If it fails again, open the browser console for details and report them.",
    );
  }
});
