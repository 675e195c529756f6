// SCORM 1.2 bridge: reports the learner's progress when the page runs as a SCO
// inside a learning management system (LMS), and does nothing without one.
//
// The LMS API object (window.API) is searched for as the SCORM 1.2 Run-Time
// Environment describes. The search goes through this window and each parent frame
// up to the top, then through the window that opened the top window and its
// parents, and so on. Progress:
// cmi.core.lesson_status becomes "incomplete" at start and "completed" once all
// five steps have been shown (a status of "completed" or "passed" from an earlier
// session is kept). The steps seen are kept in cmi.suspend_data, so a resumed
// session goes on counting. LMSCommit follows each change, LMSFinish the page hide.
(function () {
  "use strict";

  var STEP_COUNT = 5;
  // The usual bound on windows to search. ADL's first SCORM 1.2 sample code
  // stopped after 7 parents, which is too few for some LMS frame sets.
  var MAX_WINDOWS = 500;
  var SUSPEND_PREFIX = "steps=";

  var state = { connected: false, lessonStatus: "", visitedSteps: [] };
  window.attentionSimScorm = state;

  /** Return win.API if it is a SCORM 1.2 API object, else null. */
  function readAPI(win) {
    try {
      var api = win.API;
      if (api && typeof api.LMSInitialize === "function") return api;
    } catch (error) {
      // A window on another origin: its properties cannot be read, but its
      // parent and opener can, so the search goes on.
    }
    return null;
  }

  function parentOf(win) {
    try {
      return win.parent && win.parent !== win ? win.parent : null;
    } catch (error) {
      return null;
    }
  }

  function openerOf(win) {
    try {
      return win.top.opener || null;
    } catch (error) {
      return null;
    }
  }

  /** Search this window, its parents, then the opener of the top window, and so on. */
  function findAPI() {
    var visited = 0;
    var start = window;
    while (start && visited < MAX_WINDOWS) {
      for (var win = start; win && visited < MAX_WINDOWS; win = parentOf(win)) {
        visited += 1;
        var api = readAPI(win);
        if (api) return api;
      }
      var opener = openerOf(start);
      start = opener && opener !== start ? opener : null;
    }
    return null;
  }

  var api = findAPI();
  if (!api) {
    console.info("attention-sim: no SCORM 1.2 LMS found, so progress is not reported");
    return;
  }

  /** Log the LMS's last error after a call that returned "false". */
  function check(result, call) {
    if (String(result) === "true") return true;
    var code = String(api.LMSGetLastError());
    console.warn(
      "attention-sim: SCORM " + call + " failed with LMS error " + code + ": " + api.LMSGetErrorString(code)
    );
    return false;
  }

  function setValue(element, value) {
    return check(api.LMSSetValue(element, value), "LMSSetValue(" + element + ")");
  }

  function commit() {
    return check(api.LMSCommit(""), "LMSCommit");
  }

  /** Format milliseconds as a SCORM 1.2 CMITimespan, HHHH:MM:SS.SS. */
  function timespan(milliseconds) {
    var centiseconds = Math.round(milliseconds / 10);
    var hours = Math.floor(centiseconds / 360000);
    var minutes = Math.floor((centiseconds % 360000) / 6000);
    var seconds = (centiseconds % 6000) / 100;
    function pad(number, width) {
      var text = String(number);
      while (text.length < width) text = "0" + text;
      return text;
    }
    return pad(Math.min(hours, 9999), 4) + ":" + pad(minutes, 2) + ":" + pad(seconds.toFixed(2), 5);
  }

  function byNumber(a, b) {
    return a - b;
  }

  function readVisitedSteps(suspendData) {
    var text = String(suspendData || "");
    if (text.indexOf(SUSPEND_PREFIX) !== 0) return [];
    var steps = [];
    text
      .slice(SUSPEND_PREFIX.length)
      .split(",")
      .forEach(function (part) {
        var step = Number(part);
        if (step >= 1 && step <= STEP_COUNT && step % 1 === 0 && steps.indexOf(step) < 0) steps.push(step);
      });
    return steps.sort(byNumber);
  }

  if (!check(api.LMSInitialize(""), "LMSInitialize")) return;
  state.connected = true;
  var startedAt = Date.now();
  var finished = false;

  state.lessonStatus = String(api.LMSGetValue("cmi.core.lesson_status"));
  state.visitedSteps = readVisitedSteps(api.LMSGetValue("cmi.suspend_data"));
  function isDone() {
    return state.lessonStatus === "completed" || state.lessonStatus === "passed";
  }
  if (!isDone()) {
    state.lessonStatus = "incomplete";
    setValue("cmi.core.lesson_status", "incomplete");
    commit();
  }

  document.addEventListener("attention-sim:step", function (event) {
    var step = event.detail && Number(event.detail.step);
    if (finished || !(step >= 1 && step <= STEP_COUNT) || state.visitedSteps.indexOf(step) >= 0) return;
    state.visitedSteps.push(step);
    state.visitedSteps.sort(byNumber);
    setValue("cmi.suspend_data", SUSPEND_PREFIX + state.visitedSteps.join(","));
    if (state.visitedSteps.length === STEP_COUNT && !isDone()) {
      state.lessonStatus = "completed";
      setValue("cmi.core.lesson_status", "completed");
    }
    commit();
  });

  // Saved when the tab is hidden too, because mobile browsers may close it later
  // without a pagehide event.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && !finished) commit();
  });

  function finish() {
    if (finished) return;
    finished = true;
    setValue("cmi.core.session_time", timespan(Date.now() - startedAt));
    // "suspend" requests that the LMS keep suspend_data for the next session.
    setValue("cmi.core.exit", isDone() ? "" : "suspend");
    commit();
    check(api.LMSFinish(""), "LMSFinish");
    state.connected = false;
  }
  // pagehide fires on navigation, reload, closing the tab and removing the frame.
  // Browsers without it get unload, which Chromium is phasing out.
  if ("onpagehide" in window) {
    window.addEventListener("pagehide", finish);
  } else {
    window.addEventListener("unload", finish);
  }
})();
