/*
 * Keyboard shortcuts for the feedback inbox: j and k move between items, x selects
 * the current one, t jumps to the tagging controls. Ignored while typing in a field.
 */
(function () {
  "use strict";

  var items = Array.prototype.slice.call(document.querySelectorAll("[data-inbox-item]"));
  if (items.length === 0) {
    return;
  }
  var current = -1;

  function typing(target) {
    return /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName) && target.type !== "checkbox";
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
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
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
    } else if (event.key === "x" && current !== -1) {
      var box = items[current].querySelector("input[type=checkbox]");
      if (box) {
        event.preventDefault();
        box.checked = !box.checked;
      }
    } else if (event.key === "t") {
      var tags = document.getElementById("bulk-topics");
      if (tags) {
        event.preventDefault();
        tags.focus();
      }
    }
  });
})();
