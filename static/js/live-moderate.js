/*
 * The moderator's page keeps up with the room. Every three seconds it asks the
 * screen's state whether anything changed (a 304 when nothing did). When something
 * did, the page reloads so that new points appear, unless the moderator is in the
 * middle of something: a button or box has the focus, something is typed or chosen
 * and not sent, or the mouse, keys or a finger were used a moment ago. Then a button
 * offers the reload instead, so nothing moves under a click. Without this script the
 * page is plain forms. Its words come from Django's JavaScript catalogue.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-live-moderate]");
  if (!root || root.hasAttribute("data-closed") || !window.fetch || !window.gettext) {
    return;
  }
  var stateUrl = root.getAttribute("data-state-url");
  var version = Number(root.getAttribute("data-version"));
  var area = document.querySelector("[data-live-refresh]");
  var EVERY_MS = 3000;
  var QUIET_MS = 4000;
  var etag = null;
  var changed = false;
  var asking = false;
  var lastActivity = 0;

  ["pointerdown", "pointermove", "keydown", "wheel", "touchstart", "scroll"].forEach(function (name) {
    window.addEventListener(name, function () { lastActivity = Date.now(); }, { passive: true });
  });

  function defaultIndex(select) {
    for (var index = 0; index < select.options.length; index += 1) {
      if (select.options[index].defaultSelected) {
        return index;
      }
    }
    return select.options.length ? 0 : -1;
  }

  function isChanged(control) {
    if (control.tagName === "SELECT") {
      return !control.multiple && control.selectedIndex !== defaultIndex(control);
    }
    if (control.type === "checkbox" || control.type === "radio") {
      return control.checked !== control.defaultChecked;
    }
    if (control.type === "hidden" || control.type === "submit" || control.type === "button") {
      return false;
    }
    return control.value !== control.defaultValue;
  }

  function busy() {
    var focused = document.activeElement;
    if (focused && focused !== document.body && focused.id !== "main-content") {
      return true;
    }
    if (Date.now() - lastActivity < QUIET_MS) {
      return true;
    }
    var controls = root.querySelectorAll("input, select, textarea");
    for (var index = 0; index < controls.length; index += 1) {
      if (isChanged(controls[index])) {
        return true;
      }
    }
    return false;
  }

  function offerReload() {
    if (area.querySelector("button")) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-primary";
    button.textContent = gettext("New points arrived — reload");
    button.addEventListener("click", function () { window.location.reload(); });
    area.appendChild(button);
  }

  function act() {
    if (!changed) {
      return;
    }
    if (busy()) {
      offerReload();
    } else {
      window.location.reload();
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
          etag = tag;
          if (state.version !== version || !state.open) {
            changed = true;
          }
        });
      })
      .catch(function () { /* Offline for a moment: ask again next time. */ })
      .then(function () {
        asking = false;
        act();
      });
  }

  document.addEventListener("visibilitychange", ask);
  window.setInterval(ask, EVERY_MS);
  ask();
})();
