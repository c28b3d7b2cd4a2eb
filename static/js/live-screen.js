/*
 * The room's screen keeps itself up to date. Every two seconds it asks for the
 * screen's state with the ETag it last had (a 304 when nothing changed) and redraws
 * only the parts that changed: the key question, the points, the poll and the tables.
 * Everything people sent is written with textContent, never as HTML. The page starts
 * from the state it was drawn with, kept in the page as JSON. There is no live region:
 * a screen reader on the projector's computer would never stop talking. Its words come
 * from Django's JavaScript catalogue.
 */
(function () {
  "use strict";

  var screen = document.querySelector("[data-live-screen]");
  var initial = document.getElementById("live-screen-state");
  if (!screen || !initial || !window.fetch || !window.gettext) {
    return;
  }
  var EVERY_MS = 2000;
  var stateUrl = screen.getAttribute("data-state-url");
  var shown = JSON.parse(initial.textContent);
  var etag = null;
  var asking = false;
  var timer = null;

  function find(name) {
    return document.querySelector("[data-" + name + "]");
  }

  function element(tag, className, text) {
    var made = document.createElement(tag);
    if (className) {
      made.className = className;
    }
    if (text !== undefined) {
      made.textContent = text;
    }
    return made;
  }

  function same(part, state) {
    return JSON.stringify(shown[part]) === JSON.stringify(state[part]);
  }

  function tableName(number) {
    return interpolate(gettext("Table %s"), [number]);
  }

  function drawQuestion(question) {
    find("question").textContent =
      question || gettext("An open discussion: say what matters to you.");
  }

  function drawPoints(points) {
    var list = find("points");
    list.textContent = "";
    points.forEach(function (point) {
      var item = element("li", "screen-point");
      var support = element("span", "screen-support");
      support.appendChild(element("span", "screen-support-count", String(point.supports)));
      support.appendChild(element("span", "screen-support-label",
        ngettext("supporter", "supporters", point.supports)));
      item.appendChild(support);
      var text = element("p", "screen-point-text");
      if (point.kind === "question") {
        text.appendChild(element("span", "screen-kind", gettext("Question")));
        text.appendChild(document.createTextNode(" "));
      }
      // Isolated, so a point written in Arabic or Urdu reads right to left.
      text.appendChild(element("bdi", "", point.text));
      if (point.table) {
        text.appendChild(document.createTextNode(" "));
        text.appendChild(element("span", "screen-point-table", tableName(point.table)));
      }
      item.appendChild(text);
      list.appendChild(item);
    });
  }

  function bar(share) {
    var svgNs = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(svgNs, "svg");
    svg.setAttribute("viewBox", "0 0 100 10");
    svg.setAttribute("preserveAspectRatio", "none");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var rect = document.createElementNS(svgNs, "rect");
    rect.setAttribute("x", "0");
    rect.setAttribute("y", "0");
    rect.setAttribute("width", String(share));
    rect.setAttribute("height", "10");
    svg.appendChild(rect);
    return svg;
  }

  function drawPoll(poll) {
    var section = find("poll");
    section.hidden = !poll;
    if (!poll) {
      return;
    }
    find("poll-heading").textContent = poll.open ?
      gettext("Quick question: answer on your phone") : gettext("Results");
    find("poll-question").textContent = poll.question;
    var labels = poll.answers.slice();
    if (poll.scale && labels.length) {
      labels[0] = labels[0] + " – " + poll.scale[0];
      labels[labels.length - 1] = labels[labels.length - 1] + " – " + poll.scale[1];
    }
    var answered = poll.answered || 0;
    var bars = find("poll-bars");
    bars.textContent = "";
    labels.forEach(function (label, index) {
      var count = poll.results[index] || 0;
      var item = element("li", "screen-bar");
      item.appendChild(element("span", "screen-bar-label", label));
      var track = element("span", "screen-bar-track");
      track.appendChild(bar(answered ? Math.round(100 * count / answered) : 0));
      item.appendChild(track);
      item.appendChild(element("span", "screen-bar-count", String(count)));
      bars.appendChild(item);
    });
    find("poll-answered").textContent =
      interpolate(ngettext("%s answered", "%s answered", answered), [answered]);
  }

  function drawTables(tables) {
    var section = find("tables");
    var grid = find("table-list");
    section.hidden = tables.length === 0;
    grid.textContent = "";
    tables.forEach(function (table) {
      var part = element("section", "screen-table");
      var heading = element("h3", "", tableName(table.number));
      heading.id = "screen-table-" + table.number;
      part.setAttribute("aria-labelledby", heading.id);
      part.appendChild(heading);
      var notes = element("ul");
      if (table.notes.length === 0) {
        notes.appendChild(element("li", "screen-muted", gettext("No notes from this table.")));
      }
      table.notes.forEach(function (note) {
        notes.appendChild(element("li", "", note)).setAttribute("dir", "auto");
      });
      part.appendChild(notes);
      grid.appendChild(part);
    });
  }

  function draw(state) {
    if (!same("question", state)) {
      drawQuestion(state.question);
    }
    if (!same("points", state)) {
      drawPoints(state.points);
    }
    if (!same("poll", state)) {
      drawPoll(state.poll);
    }
    if (!same("tables", state)) {
      drawTables(state.tables);
    }
    find("points-empty").hidden = state.points.length > 0 || !state.open;
    find("closed").hidden = state.open;
    find("join").hidden = !state.open;
    shown = state;
    if (!state.open) {
      window.clearInterval(timer);
    }
  }

  function ask() {
    if (asking || document.hidden) {
      return;
    }
    asking = true;
    var headers = { "Accept": "application/json" };
    if (etag) {
      headers["If-None-Match"] = etag;
    }
    fetch(stateUrl, { credentials: "same-origin", cache: "no-store", headers: headers })
      .then(function (response) {
        if (response.status !== 200) {
          return null;
        }
        var tag = response.headers.get("ETag");
        return response.json().then(function (state) {
          draw(state);
          etag = tag;
        });
      })
      .catch(function () { /* The connection dropped for a moment: ask again. */ })
      .then(function () { asking = false; });
  }

  // The QR code is drawn at a fixed size; with a viewBox it scales to the screen.
  var qr = document.querySelector("[data-qr] svg");
  if (qr && !qr.getAttribute("viewBox") && qr.getAttribute("width")) {
    qr.setAttribute("viewBox", "0 0 " + qr.getAttribute("width") + " " + qr.getAttribute("height"));
    qr.removeAttribute("width");
    qr.removeAttribute("height");
  }

  var fullScreen = find("fullscreen");
  if (document.fullscreenEnabled && fullScreen) {
    fullScreen.hidden = false;
    fullScreen.addEventListener("click", function () {
      document.documentElement.requestFullscreen().catch(function () {});
    });
    document.addEventListener("fullscreenchange", function () {
      fullScreen.hidden = Boolean(document.fullscreenElement);
    });
  }

  document.addEventListener("visibilitychange", ask);
  if (shown.open) {
    timer = window.setInterval(ask, EVERY_MS);
    ask();
  }
})();
