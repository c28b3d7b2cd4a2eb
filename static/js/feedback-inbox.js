/*
 * Keyboard shortcuts for the feedback inbox: j and k move between items, x ticks the
 * current one, t jumps to the tagging controls. Ignored while typing in a field. A
 * tick box above the list turns them off (WCAG 2.1.4: single-key shortcuts can
 * get in the way of speech input), and the choice is remembered on this device.
 */
(function () {
  "use strict";

  var items = Array.prototype.slice.call(document.querySelectorAll("[data-inbox-item]"));
  if (items.length === 0) {
    return;
  }
  var storageKey = "community-voice-inbox-shortcuts";
  var toggle = document.querySelector("[data-shortcuts-toggle]");
  var toggleBox = toggle && toggle.querySelector("input");
  var current = -1;

  function remembered() {
    try {
      return localStorage.getItem(storageKey) !== "off";
    } catch (error) {
      return true;
    }
  }

  if (toggle && toggleBox) {
    toggleBox.checked = remembered();
    toggle.hidden = false;
    toggleBox.addEventListener("change", function () {
      try {
        localStorage.setItem(storageKey, toggleBox.checked ? "on" : "off");
      } catch (error) {
        // Private browsing may refuse storage; the choice then lasts for this page.
      }
    });
  }

  function enabled() {
    return toggleBox ? toggleBox.checked : true;
  }

  function typing(target) {
    return (/^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName) && target.type !== "checkbox") ||
      target.isContentEditable;
  }

  function focusItem(index) {
    current = Math.max(0, Math.min(items.length - 1, index));
    var target = items[current].querySelector("input[type=checkbox]") ||
      items[current].querySelector("a");
    if (target) {
      target.focus();
      items[current].scrollIntoView({block: "nearest"});
    }
  }

  document.addEventListener("keydown", function (event) {
    if (!enabled() || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    var focused = items.findIndex(function (item) { return item.contains(document.activeElement); });
    if (focused !== -1) {
      current = focused;
    }
    if (event.key === "j") {
      event.preventDefault();
      focusItem(current + 1);
    } else if (event.key === "k") {
      event.preventDefault();
      focusItem(current - 1);
    } else if (event.key === "x" && focused !== -1) {
      // Only the item that has the focus: never one the reader has moved away from.
      var box = items[focused].querySelector("input[type=checkbox]");
      if (box) {
        event.preventDefault();
        box.checked = !box.checked;
      }
    } else if (event.key === "t") {
      var tags = document.querySelector("[data-bulk-tags] input[type=checkbox]");
      if (tags) {
        event.preventDefault();
        tags.focus();
        tags.scrollIntoView({block: "center"});
      }
    }
  });
})();
