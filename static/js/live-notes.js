/*
 * Live note-taking that survives flaky Wi-Fi. Each point gets a reference when it is
 * typed and waits in localStorage until the server has stored it. The server ignores
 * a reference it has seen, so a point sent twice (say the answer was lost) is stored
 * once. Without this script the page is a plain form. Its words come from Django's
 * JavaScript catalogue (/jsi18n/), which the staff layout loads first.
 */
(function () {
  "use strict";

  var form = document.querySelector("[data-live-notes]");
  if (!form || !window.fetch || !window.localStorage || !window.gettext) {
    return;
  }
  var list = document.querySelector("[data-notes-list]");
  var status = document.querySelector("[data-connection-status]");
  var counter = document.querySelector("[data-note-count]");
  var textInput = form.querySelector("[name=text]");
  var questionInput = form.querySelector("[name=key_question]");
  var csrfToken = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var storageKey = "community-voice-notes-" + form.getAttribute("data-event");
  var sending = false;

  function pending() {
    try {
      return JSON.parse(localStorage.getItem(storageKey) || "[]");
    } catch (error) {
      return [];
    }
  }

  function save(notes) {
    localStorage.setItem(storageKey, JSON.stringify(notes));
  }

  function newReference() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  function setStatus(state, text) {
    status.setAttribute("data-state", state);
    status.textContent = text;
  }

  function showStatus() {
    var waiting = pending().length;
    var online = navigator.onLine !== false;
    if (waiting === 0) {
      if (online) {
        setStatus("saved", gettext("All points are saved."));
      } else {
        setStatus("offline", gettext("Offline. Keep typing: new points are kept on this " +
          "device and sent when the connection comes back."));
      }
    } else if (online) {
      setStatus("sending", interpolate(
        ngettext("Sending %s point…", "Sending %s points…", waiting), [waiting]));
    } else {
      setStatus("offline", interpolate(ngettext(
        "Offline. %s point waiting to send. It is kept on this device and sent when " +
          "the connection comes back.",
        "Offline. %s points waiting to send. They are kept on this device and sent when " +
          "the connection comes back.",
        waiting), [waiting]));
    }
  }

  function renderNote(note, isPending, problem) {
    var empty = list.querySelector("[data-empty]");
    if (empty) {
      empty.remove();
    }
    var item = list.querySelector('[data-reference="' + note.reference + '"]');
    if (!item) {
      item = document.createElement("li");
      item.setAttribute("data-reference", note.reference);
      list.insertBefore(item, list.firstChild);
      counter.textContent = String(list.querySelectorAll("li[data-reference]").length);
    }
    item.textContent = "";
    if (note.question) {
      var question = document.createElement("span");
      question.className = "small text-body-secondary";
      question.textContent = note.question;
      item.appendChild(question);
      item.appendChild(document.createElement("br"));
    }
    item.appendChild(document.createTextNode(note.text));
    var label = null;
    if (problem) {
      label = document.createElement("span");
      label.className = "note-problem";
      label.textContent = interpolate(gettext("Not saved: %s"), [problem]);
    } else if (isPending) {
      label = document.createElement("span");
      label.className = "note-pending";
      label.textContent = gettext("Waiting to send");
    } else if (note.flagged) {
      label = document.createElement("span");
      label.className = "badge flag-badge";
      label.textContent = gettext("Safeguarding flag");
    }
    if (label) {
      item.appendChild(document.createTextNode(" "));
      item.appendChild(label);
    }
  }

  function firstError(data) {
    var errors = (data && data.errors) || {};
    for (var field in errors) {
      if (Object.prototype.hasOwnProperty.call(errors, field) && errors[field].length) {
        return errors[field][0];
      }
    }
    return gettext("the server refused it.");
  }

  function send(note) {
    var body = new URLSearchParams();
    body.append("text", note.text);
    body.append("key_question", note.keyQuestion);
    body.append("client_reference", note.reference);
    return fetch(form.action || window.location.href, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: {
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": csrfToken
      },
      body: body.toString()
    });
  }

  function flush() {
    if (sending) {
      return;
    }
    var notes = pending();
    if (notes.length === 0) {
      showStatus();
      return;
    }
    sending = true;
    var note = notes[0];
    send(note).then(function (response) {
      if (response.status === 201 || response.status === 400) {
        // Stored, or refused for good because the point itself is wrong (too long).
        return response.json().catch(function () { return {}; }).then(function (data) {
          save(pending().filter(function (waiting) { return waiting.reference !== note.reference; }));
          if (response.status === 201) {
            // Show what was stored: personal details may have been taken out.
            renderNote({
              reference: note.reference,
              text: data.text || note.text,
              question: note.question,
              flagged: data.flagged
            }, false);
          } else {
            renderNote(note, false, firstError(data));
          }
          sending = false;
          flush();
        });
      }
      // Signed out, a stale form or a server problem: keep the point and say so.
      sending = false;
      setStatus("problem", gettext("Could not save yet. Your points are kept on this " +
        "device. If you were signed out, sign in again in a new tab and they will be sent."));
    }).catch(function () {
      sending = false;
      showStatus();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = textInput.value.trim();
    if (!text) {
      textInput.focus();
      return;
    }
    var option = questionInput.options[questionInput.selectedIndex];
    var note = {
      reference: newReference(),
      text: text,
      keyQuestion: questionInput.value,
      question: questionInput.value ? option.text : ""
    };
    var notes = pending();
    notes.push(note);
    save(notes);
    renderNote(note, true);
    textInput.value = "";
    textInput.focus();
    showStatus();
    flush();
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", showStatus);
  window.setInterval(flush, 5000);
  pending().forEach(function (note) { renderNote(note, true); });
  showStatus();
  flush();
})();
