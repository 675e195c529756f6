// Lets Pyodide 0.17.1 run under a Content-Security-Policy whose script-src has
// 'wasm-unsafe-eval' but not 'unsafe-eval'.
//
// Module.pyproxy_new in pyodide.asm.js makes the target of every callable PyProxy
// (a Python function, method or class handed to JavaScript) with
// Reflect.construct(Function, [], cls). Calling the Function constructor is eval
// to CSP, so without 'unsafe-eval' the first such proxy throws an EvalError and the
// runtime fails to start. The wrapper below lets that one call build the same kind
// of target, a function object whose prototype is cls.prototype, without eval.
// NOTE: depends on the internals of Pyodide 0.17.1. If a later version renames
// pyproxy_new, the wrapper is never installed and the policy needs 'unsafe-eval'.

/** The Function constructor, except that `new Function()` with no source skips eval. */
const FunctionWithoutEval = new Proxy(Function, {
  construct(target, args, newTarget) {
    if (args.length !== 0) return Reflect.construct(target, args, newTarget);
    const callable = function () {};
    Object.setPrototypeOf(callable, newTarget.prototype);
    return callable;
  },
});

/**
 * Wrap module.pyproxy_new, once the runtime assigns it, so that it runs with
 * FunctionWithoutEval as the global Function. Call before the module factory.
 */
export function removeEvalFromPyProxies(module) {
  let pyproxyNew;
  Object.defineProperty(module, "pyproxy_new", {
    configurable: true,
    get() {
      return pyproxyNew;
    },
    set(original) {
      pyproxyNew = function (pointer) {
        const saved = globalThis.Function;
        globalThis.Function = FunctionWithoutEval;
        try {
          return original.call(this, pointer);
        } finally {
          globalThis.Function = saved;
        }
      };
    },
  });
}

const POLICY_FIX =
  "The server's Content-Security-Policy blocks the Python runtime, which is " +
  "WebAssembly. Add 'wasm-unsafe-eval' to its script-src (or 'unsafe-eval' for " +
  "browsers that do not support 'wasm-unsafe-eval').";

/** Return how to fix the policy if a Content-Security-Policy caused error, else null. */
export function policyFix(error) {
  const message = String(error && error.message ? error.message : error);
  return /Content Security Policy/i.test(message) ? POLICY_FIX : null;
}
