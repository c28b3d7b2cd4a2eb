/*
 * A table's notes during a live session, typed by its facilitator, that survive flaky
 * Wi-Fi: the same approach as the event's live notes (live-notes.js), for a form that
 * asks whether the note is a point or a question instead of the key question. Each
 * note gets a reference when it is typed and waits in localStorage, under a key of
 * the session and table, until the server has stored it; the server ignores a
 * reference it has seen, so a note sent twice is stored once. Without this script the
 * page is a plain form. Its words come from Django's JavaScript catalogue.
 */
(function () {
  "use strict";

  var form = document.querySelector("[data-live-table-notes]");
  if (!form || !window.fetch || !window.localStorage || !window.gettext) {
    return;
  }
  var list = document.querySelector("[data-notes-list]");
  var status = document.querySelector("[data-connection-status]");
  var counter = document.querySelector("[data-note-count]");
  var textInput = form.querySelector("[name=text]");
  var csrfToken = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var storageKey = "community-voice-notes-" + form.getAttribute("data-storage-key");
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

  function chosenKind() {
    var checked = form.querySelector("[name=kind]:checked");
    return checked ? checked.value : "point";
  }

  function setStatus(state, text) {
    status.setAttribute("data-state", state);
    status.textContent = text;
  }

  function showStatus() {
    var waiting = pending().length;
    var online = navigator.onLine !== false;
    if (waiting === 0) {
      setStatus(online ? "saved" : "offline", online ? gettext("All notes are saved.") :
        gettext("Offline. Keep typing: new notes are kept on this device and sent when " +
          "the connection comes back."));
    } else if (online) {
      setStatus("sending", interpolate(
        ngettext("Sending %s note…", "Sending %s notes…", waiting), [waiting]));
    } else {
      setStatus("offline", interpolate(ngettext(
        "Offline. %s note waiting to send. It is kept on this device and sent when " +
          "the connection comes back.",
        "Offline. %s notes waiting to send. They are kept on this device and sent when " +
          "the connection comes back.",
        waiting), [waiting]));
    }
  }

  function label(className, text) {
    var made = document.createElement("span");
    made.className = className;
    made.textContent = text;
    return made;
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
    if (note.kind === "question") {
      item.appendChild(label("live-kind", gettext("Question")));
      item.appendChild(document.createTextNode(" "));
    }
    item.appendChild(document.createTextNode(note.text));
    var state = null;
    if (problem) {
      state = label("note-problem", interpolate(gettext("Not saved: %s"), [problem]));
    } else if (isPending) {
      state = label("note-pending", gettext("Waiting to send"));
    }
    if (state) {
      item.appendChild(document.createTextNode(" "));
      item.appendChild(state);
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
    body.append("kind", note.kind);
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

  function forget(note) {
    save(pending().filter(function (waiting) { return waiting.reference !== note.reference; }));
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
      if (response.status !== 201 && response.status !== 400) {
        // Signed out, the session closed, or a server problem: keep the note, say so.
        sending = false;
        setStatus("problem", gettext("Could not save yet. Your notes are kept on this " +
          "device. If you were signed out, sign in again in a new tab and they will be sent."));
        return null;
      }
      return response.json().catch(function () { return {}; }).then(function (data) {
        forget(note);
        if (response.status === 201) {
          // Show what was stored: personal details may have been taken out.
          renderNote({ reference: note.reference, text: data.text || note.text, kind: note.kind }, false);
        } else {
          renderNote(note, false, firstError(data));
        }
        sending = false;
        flush();
      });
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
    var note = { reference: newReference(), text: text, kind: chosenKind() };
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
