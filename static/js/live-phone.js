/*
 * The live session on a phone, over plain forms that work without it: keeps up with
 * the room (asking with the last ETag, so mostly "not modified") and sends without
 * leaving the page. A point waits in localStorage until the server has it; the server
 * stores a reference once. Words come from the page's data-w-* attributes.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-live-phone]");
  if (!root || !window.fetch) { return; }
  function find(selector, within) { return (within || root).querySelector(selector); }
  function w(name) { return root.getAttribute("data-w-" + name); }
  var sendForm = find("[data-live-send]");
  var textInput = sendForm.elements.text;
  var csrfToken = sendForm.elements.csrfmiddlewaretoken.value;
  var status = find("[data-live-status]");
  var outbox = find("[data-live-outbox]");
  var question = find("[data-live-question]");
  var pollBlock = find("[data-live-poll]");
  var pollBody = find("[data-poll-body]");
  var list = find("[data-live-points]");
  var key = "community-voice-live-" + root.getAttribute("data-code");
  var saved = {}, etag = null, timer = null, sending = false, retryAt = 0, shown = "";

  try { saved = JSON.parse(localStorage.getItem(key)) || {}; } catch (error) { /* none */ }
  saved.outbox = saved.outbox || [];
  saved.supported = saved.supported || [];
  saved.answered = saved.answered || [];

  function persist() {
    // Without storage (private browsing) the open page still keeps it.
    try { localStorage.setItem(key, JSON.stringify(saved)); } catch (error) { /* */ }
  }

  function remember(name, id) {
    if (saved[name].indexOf(id) < 0) { saved[name].push(id); }
    persist();
  }

  function make(tag, className, text, properties) {
    var node = document.createElement(tag);
    node.className = className || "";
    node.textContent = text || "";
    for (var name in properties) { node[name] = properties[name]; }
    return node;
  }

  function say(state, text) {
    status.setAttribute("data-state", state);
    status.textContent = text;
  }

  function post(url, fields) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": csrfToken
      },
      body: Object.keys(fields).map(function (name) {
        return name + "=" + encodeURIComponent(fields[name]);
      }).join("&")
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    });
  }

  // Like the page's own small forms, which work if the script cannot send them.
  function smallForm(name, id, button) {
    var form = make("form", "", "", {
      method: "post",
      action: root.getAttribute("data-" + name + "-url").replace(/0\/$/, id + "/")
    });
    form.appendChild(make("input", "", "", {
      type: "hidden", name: "csrfmiddlewaretoken", value: csrfToken
    }));
    form.appendChild(button);
    return form;
  }

  function submitPlainly(form) {
    if (navigator.onLine === false) { say("offline", w("offline")); } else { form.submit(); }
  }

  function pointOf(node) {
    while (node !== list && !node.getAttribute("data-point")) { node = node.parentNode; }
    return node === list ? null : node;
  }

  // Sending points.

  function showOutbox() {
    outbox.textContent = "";
    saved.outbox.forEach(function (point) {
      outbox.appendChild(make("li", "", point.fields.text + " "))
        .appendChild(make("span", "note-pending", w("waiting")));
    });
    outbox.hidden = !saved.outbox.length;
  }

  function drop(point) {
    saved.outbox = saved.outbox.filter(function (waiting) { return waiting !== point; });
    persist();
    showOutbox();
  }

  function flush(now) {
    if (sending || !saved.outbox.length || (!now && Date.now() < retryAt)) { return; }
    if (navigator.onLine === false) { return say("offline", w("saved")); }
    var point = saved.outbox[0];
    sending = true;
    say("sending", w("sending"));
    post(sendForm.action, point.fields).then(function () {
      sending = false;
      drop(point);
      if (saved.outbox.length) { flush(true); } else { say("saved", w("sent")); }
    }, function (error) {
      var code = parseInt(error.message, 10);
      sending = false;
      if (code === 410) {
        window.location.reload(); // the session has ended
      } else if (code === 400) {
        // Refused as it is: back in the box, and the plain form says why beside it.
        drop(point);
        textInput.value = point.fields.text;
        sendForm.submit();
      } else if (code) {
        retryAt = Date.now() + 10000; // busy, or a problem at our end
        say("problem", w("retry"));
      } else {
        say("offline", w("saved"));
      }
    });
  }

  sendForm.addEventListener("submit", function (event) {
    if (!/\S/.test(textInput.value)) { return; } // the server says what is missing
    event.preventDefault();
    var fields = {};
    [].forEach.call(sendForm.elements, function (field) {
      if (field.name && (field.type !== "radio" || field.checked)) {
        fields[field.name] = field.value;
      }
    });
    delete fields.csrfmiddlewaretoken;
    saved.outbox.push({ fields: fields });
    saved.draft = textInput.value = "";
    persist();
    sendForm.elements.client_reference.value = window.crypto && crypto.randomUUID
      ? crypto.randomUUID() : Date.now() + "-" + Math.random().toString(36).slice(2);
    showOutbox();
    flush(true);
  });

  textInput.addEventListener("input", function () {
    saved.draft = textInput.value;
    persist();
  });

  // Supports and answers.

  function supportedButton() {
    var button = make("button", "btn btn-outline-success live-supported", w("supported"), {
      type: "button", disabled: true
    });
    button.setAttribute("data-supported", "");
    return button;
  }

  list.addEventListener("submit", function (event) {
    var form = event.target;
    var item = pointOf(form);
    event.preventDefault();
    post(form.action, {}).then(function (data) {
      if (!data.supported) { return; }
      remember("supported", data.id);
      var count = find("strong", item);
      count.textContent = +count.textContent + 1;
      form.parentNode.replaceChild(supportedButton(), form);
      item.tabIndex = -1;
      item.focus();
    }).catch(function () { submitPlainly(form); });
  });

  function showAnswered(text, word) {
    pollBody.textContent = "";
    pollBody.appendChild(make("p", "question-text", text));
    pollBody.appendChild(make("p", "alert alert-" + (word ? "info" : "success"),
      w(word || "answered")));
  }

  pollBody.addEventListener("submit", function (event) {
    var form = event.target;
    var choice = find(":checked", form);
    if (!choice) { return; } // the server says what is missing
    event.preventDefault();
    post(form.action, { value: choice.value }).then(function (data) {
      if (data.answered) { remember("answered", data.id); }
      showAnswered(find("legend", form).textContent, data.answered ? "" : "closed");
    }).catch(function () { submitPlainly(form); });
  });

  // Keeping up with the room.

  function showPoll(poll) {
    pollBlock.hidden = !poll;
    if (!poll) { return pollBlock.removeAttribute("data-poll"); }
    if (pollBlock.getAttribute("data-poll") === "" + poll.id) { return; } // as it is
    pollBlock.setAttribute("data-poll", poll.id);
    if (saved.answered.indexOf(poll.id) >= 0) { return showAnswered(poll.question); }
    var fieldset = make("fieldset", "question");
    fieldset.appendChild(make("legend", "question-text", poll.question));
    var last = poll.answers.length - 1;
    poll.answers.forEach(function (label, index) {
      var choice = fieldset.appendChild(make("div", "form-check answer"));
      var id = "id_value_" + index;
      // A scale says what its ends mean: "1 – Not at all", "5 – Completely".
      if (poll.scale && (index === 0 || index === last)) {
        label += " – " + poll.scale[index && 1];
      }
      choice.appendChild(make("input", "form-check-input", "", {
        type: "radio", name: "value", value: index, id: id
      }));
      choice.appendChild(make("label", "form-check-label", label, { htmlFor: id }));
    });
    var form = smallForm("answer", poll.id,
      make("button", "btn btn-primary btn-lg", w("answer"), { type: "submit" }));
    form.insertBefore(fieldset, form.lastChild);
    pollBody.textContent = "";
    pollBody.appendChild(form);
  }

  function pointItem(point) {
    var item = make("li", "live-point");
    var text = item.appendChild(make("p", "live-point-text", "", { id: "point-" + point.id }));
    var meta = item.appendChild(make("div", "live-point-meta"));
    var isQuestion = point.kind === "question";
    item.setAttribute("data-point", point.id);
    if (isQuestion) { text.appendChild(make("span", "live-kind", w("question"))); }
    if (isQuestion) { text.appendChild(document.createTextNode(" ")); }
    // Isolated, so words in another script read in their own direction.
    text.appendChild(make("bdi", "", point.text));
    meta.appendChild(make("span", "", (point.table ? w("table").replace("%s", point.table) +
      " · " : "") + w("supporters") + " ")).appendChild(make("strong", "", "" + point.supports));
    if (saved.supported.indexOf(point.id) >= 0) {
      meta.appendChild(supportedButton());
    } else {
      var button = make("button", "btn btn-outline-primary", w("support"), { type: "submit" });
      button.setAttribute("aria-describedby", text.id);
      meta.appendChild(smallForm("support", point.id, button));
    }
    return item;
  }

  function showPoints(points) {
    var now = JSON.stringify([points, saved.supported]);
    if (now === shown) { return; }
    shown = now;
    // The keyboard stays on the point it was on.
    var was = list.contains(document.activeElement) && pointOf(document.activeElement);
    var id = was && was.getAttribute("data-point");
    list.textContent = "";
    points.forEach(function (point) { list.appendChild(pointItem(point)); });
    find("[data-live-empty]").hidden = points.length > 0;
    var again = id && find('[data-point="' + id + '"]', list);
    if (again) {
      again.tabIndex = -1;
      (find("button:enabled", again) || again).focus();
    }
  }

  function show(state) {
    if (!state.open) { return window.location.reload(); } // the session has ended
    if (state.question !== question.getAttribute("data-live-question")) {
      question.setAttribute("data-live-question", state.question);
      question.textContent = state.question || w("open");
    }
    showPoll(state.poll && state.poll.open ? state.poll : null);
    showPoints(state.points);
  }

  function update() {
    window.clearTimeout(timer);
    fetch(root.getAttribute("data-state-url"), {
      credentials: "same-origin",
      cache: "no-store",
      headers: etag ? { "If-None-Match": etag } : {}
    }).then(function (response) {
      if (response.status === 200) {
        etag = response.headers.get("ETag");
        return response.json().then(show);
      }
    }).catch(function () { /* no signal: try again soon */ }).then(function () {
      flush();
      if (!document.hidden) { timer = window.setTimeout(update, 2000); }
    });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { window.clearTimeout(timer); } else { update(); }
  });
  window.addEventListener("online", function () { flush(true); update(); });
  window.addEventListener("offline", function () {
    if (saved.outbox.length) { say("offline", w("saved")); }
  });

  // What this phone did, as the server's cookie remembers it.
  [].forEach.call(list.querySelectorAll("[data-supported]"), function (node) {
    remember("supported", +pointOf(node).getAttribute("data-point"));
  });
  if (find("[data-answered]", pollBody)) {
    remember("answered", +pollBlock.getAttribute("data-poll"));
  }
  if (!textInput.value && saved.draft) { textInput.value = saved.draft; }
  showOutbox();
  flush(true);
  update();
})();
