// Command center pages: live parts polled by htmx with conditional requests, a "last updated"
// clock that turns red when the connection goes stale, and filters kept in the URL.
// No inline scripts: the CSP allows only files from 'self'.
(function () {
  "use strict";
  var STALE_AFTER_MS = 15000;
  var etags = {};
  var lastOk = Date.now();
  var clock = new Intl.DateTimeFormat("id-ID", {
    timeZone: "Asia/Jakarta", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
  });

  function isLive(elt) {
    return elt && elt.hasAttribute && elt.hasAttribute("data-live");
  }

  function typingIn(target) {
    var active = document.activeElement;
    if (active && target.contains(active) && active.matches("input, textarea, select")) {
      return true;
    }
    return Array.prototype.some.call(target.querySelectorAll("input[name=note]"), function (i) {
      return i.value.trim() !== "";
    });
  }

  function markUpdated() {
    lastOk = Date.now();
    var label = document.getElementById("updated");
    if (!label) return;
    label.classList.remove("stale");
    var time = label.querySelector("time");
    if (time) time.textContent = clock.format(new Date(lastOk)).replace(/\./g, ":");
  }

  function checkStale() {
    var label = document.getElementById("updated");
    if (label) label.classList.toggle("stale", Date.now() - lastOk > STALE_AFTER_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.htmx) return;
    // 304: nothing changed, keep the page as it is. 422: show the row with its error.
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "304", swap: false },
      { code: "422", swap: true },
      { code: "[23]..", swap: true },
      { code: "[45]..", swap: false, error: true },
    ];
    window.setInterval(checkStale, 1000);

    var wall = document.querySelector("[data-fullscreen]");
    if (wall) {
      wall.addEventListener("click", function () {
        if (document.fullscreenElement) document.exitFullscreen();
        else document.documentElement.requestFullscreen();
      });
    }
  });

  document.addEventListener("htmx:configRequest", function (evt) {
    var elt = evt.detail.elt;
    if (isLive(elt) && etags[elt.id]) {
      evt.detail.headers["If-None-Match"] = etags[elt.id];
    }
  });

  document.addEventListener("htmx:beforeSwap", function (evt) {
    var elt = evt.detail.requestConfig && evt.detail.requestConfig.elt;
    if (isLive(elt) && evt.detail.xhr.status === 200 && typingIn(evt.detail.target)) {
      // Someone is writing a note: keep their text, take the update on a later poll.
      evt.detail.shouldSwap = false;
      evt.detail.xhr.kawalSkipped = true;
    }
  });

  document.addEventListener("htmx:afterRequest", function (evt) {
    var xhr = evt.detail.xhr;
    // The element that asked. A live part replaced by its own answer (the wall's outerHTML
    // swap) has left the page by now, so htmx tells its parent instead, as detail.elt.
    var elt = evt.detail.requestConfig ? evt.detail.requestConfig.elt : evt.detail.elt;
    if (!xhr || !(xhr.status === 200 || xhr.status === 304)) return;
    if (isLive(elt)) {
      var etag = xhr.getResponseHeader("ETag");
      if (xhr.kawalSkipped) delete etags[elt.id];
      else if (etag) etags[elt.id] = etag;
      markUpdated();
    }
    if (elt && elt.id === "controls") {
      var params = new URLSearchParams(new FormData(elt));
      history.replaceState(null, "", "?" + params.toString());
      delete etags.live;
      markUpdated();
    }
  });
})();
