/* A web worker for pages opened from disk (file://), in the offline build only (hooks/nnla_offline.py).
 *
 * Material's search runs in a web worker, and a page opened from a folder may not start one (Chromium refuses a
 * worker script from a file:// address). This script stands in for `Worker` there: the worker's script runs in a
 * hidden frame of the page instead, and messages pass between the page and the frame as they would to and from a
 * worker, copied and delivered later, never at once. The frame is written as `srcdoc`, so it shares the page's
 * origin; it loads this script first, then the worker's. No inline script, no other host.
 *
 * The same file plays both parts: in the page it defines `Worker`; in a worker's frame it defines the worker's
 * `postMessage` and `importScripts`. Over http(s) it does nothing, and the browser's own workers run.
 */
(function () {
  "use strict";
  var self = document.currentScript.src;
  var host = window.frameElement;

  /* Later, as a worker's messages arrive: never inside the call that sent them. */
  function later(deliver, data) {
    var copy = structuredClone(data);
    setTimeout(function () {
      deliver(copy);
    }, 0);
  }

  if (host && typeof host.nnlaDeliver === "function") {
    /* Inside a worker's frame (whose address is about:srcdoc): what the worker's script calls on its global. */
    var toPage = host.nnlaDeliver;
    window.postMessage = function (data) {
      later(toPage, data);
    };
    /* A worker's importScripts, for Material's search in languages other than English: each script in turn,
       a promise that settles when the last has run (Material's worker waits for it). */
    window.importScripts = function () {
      var urls = Array.prototype.slice.call(arguments);
      return urls.reduce(function (previous, url) {
        return previous.then(function () {
          return new Promise(function (resolve, reject) {
            var script = document.createElement("script");
            script.src = new URL(url, document.baseURI).href;
            script.onload = resolve;
            script.onerror = function () {
              reject(new Error("importScripts: could not load " + script.src));
            };
            document.head.appendChild(script);
          });
        });
      }, Promise.resolve());
    };
    return;
  }

  if (location.protocol !== "file:") {
    return;
  }

  /* In the page: a Worker whose script runs in a hidden frame. */
  class FrameWorker extends EventTarget {
    constructor(url) {
      super();
      this.onmessage = null;
      this.onerror = null;
      var worker = this;
      var queue = [];
      var frame = document.createElement("iframe");
      frame.hidden = true;
      frame.setAttribute("aria-hidden", "true");
      frame.title = "search worker";
      frame.nnlaDeliver = function (data) {
        var event = new MessageEvent("message", { data: data });
        worker.dispatchEvent(event);
        if (typeof worker.onmessage === "function") {
          worker.onmessage(event);
        }
      };
      var page = document.implementation.createHTMLDocument("worker");
      [self, new URL(url, document.baseURI).href].forEach(function (src) {
        var script = page.createElement("script");
        script.src = src;
        page.head.appendChild(script);
      });
      frame.srcdoc = "<!doctype html>" + page.documentElement.outerHTML;
      /* Messages sent before the worker's script has run wait for it, as a worker's would. */
      this._send = function (data) {
        queue.push(data);
      };
      frame.addEventListener("load", function () {
        var inner = frame.contentWindow;
        var toWorker = function (data) {
          inner.dispatchEvent(new inner.MessageEvent("message", { data: data }));
        };
        worker._send = function (data) {
          later(toWorker, data);
        };
        queue.splice(0).forEach(worker._send);
      });
      this._frame = frame;
      document.body.appendChild(frame);
    }

    postMessage(data) {
      this._send(data);
    }

    terminate() {
      this._frame.remove();
    }
  }

  window.Worker = FrameWorker;
})();
