/*
 * The progress bar of a spreadsheet import being checked or imported by a worker. It
 * asks the server how far the work has got every second and reloads the page when it
 * is done, to show the result. Without this script the page says to refresh it. The
 * words come from Django's JavaScript catalogue, which the staff layout loads first.
 */
(function () {
  "use strict";

  var box = document.querySelector("[data-import-progress]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-progress-url");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-progress-text]");
  var refresh = box.querySelector("[data-progress-refresh]");
  var INTERVAL = 1000;
  var RETRY_AFTER_FAILURE = 5000;
  // Screen readers hear the words only every ten per cent, not every second.
  var spokenStep = -1;

  function words(template, values) {
    var translated = window.gettext ? window.gettext(template) : template;
    return window.interpolate ? window.interpolate(translated, values, true) :
      translated.replace(/%\((\w+)\)s/g, function (match, name) { return values[name]; });
  }

  function show(progress) {
    bar.max = Math.max(progress.total, 1);
    bar.value = Math.min(progress.processed, bar.max);
    bar.textContent = progress.percent + "%";
    var step = Math.floor(progress.percent / 10);
    if (step !== spokenStep) {
      spokenStep = step;
      text.textContent = words("%(processed)s of %(total)s rows (%(percent)s%)", {
        processed: progress.processed.toLocaleString(),
        total: progress.total.toLocaleString(),
        percent: progress.percent
      });
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("The server answered " + response.status);
        }
        return response.json();
      })
      .then(function (progress) {
        if (progress.done) {
          window.location.reload();
          return;
        }
        if (refresh) {
          refresh.hidden = true;
        }
        show(progress);
        window.setTimeout(poll, INTERVAL);
      })
      .catch(function () {
        // Offline for a moment, or signed out: say how to see progress by hand.
        if (refresh) {
          refresh.hidden = false;
        }
        window.setTimeout(poll, RETRY_AFTER_FAILURE);
      });
  }

  if (refresh) {
    refresh.hidden = true;
  }
  window.setTimeout(poll, INTERVAL);
})();
