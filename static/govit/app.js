/* govit page behaviour, served by the platform itself (no inline script: CSP script-src 'self').
 *
 * - A button with data-confirm asks for confirmation in a dialog that shows what will
 *   happen (the action's summary) before its form is submitted.
 * - A form is submitted once: its submit buttons are disabled while the request runs, so a
 *   double click cannot file an official act twice.
 * - Leaving a page with typed but unsaved input asks first (the browser's own "leave this
 *   page?" prompt), so chapter text is not lost by following a link; a form marked
 *   data-no-leave-warning (a search or filter bar) does not count.
 * - A file field states the upload limit before anything is chosen, refuses a file above it
 *   at once (nothing is sent), and a form with a file is sent with a progress bar (issue 18
 *   pt 7); the server checks the same limit again.
 * - A long multiple choice (data-searchable, e.g. 抄送) gets a search box that hides the
 *   options (and groups) not matching what is typed; chosen options stay chosen.
 * - A form marked data-autosave (the chapter editor) saves itself as the user types: a few
 *   seconds after the last keystroke, or when a field is left, it is posted in the background
 *   (X-Govit-Autosave: the server answers JSON) and its status line says when it was kept or
 *   why not. The leave-page warning holds until a save has kept the latest input.
 */
(function () {
  "use strict";

  function dialog() {
    return document.getElementById("govit-confirm");
  }

  function lockForm(form) {
    if (form.dataset.submitting === "1") {
      return false;
    }
    form.dataset.submitting = "1";
    form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) {
      b.disabled = true;
      b.setAttribute("aria-busy", "true");
    });
    return true;
  }

  var unsaved = new Set();

  function watched(form) {
    return (
      form instanceof HTMLFormElement &&
      form.method.toLowerCase() === "post" &&
      !form.hasAttribute("data-no-leave-warning")
    );
  }

  function markUnsaved(event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-search-for")) {
      return; // a search box changes nothing that would be lost
    }
    var form = event.target.form;
    if (form && watched(form)) {
      unsaved.add(form);
    }
  }

  document.addEventListener("input", markUnsaved);
  document.addEventListener("change", markUnsaved);

  window.addEventListener("beforeunload", function (event) {
    if (unsaved.size > 0) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  var body = document.body.dataset;

  var AUTOSAVE_IDLE_MS = 3000;

  function autosaveStatus(form, text) {
    var status = form.querySelector("[data-autosave-status]");
    if (status) {
      status.textContent = text;
    }
  }

  function clockNow() {
    var now = new Date();
    return ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2);
  }

  function autosave(form) {
    if (form.dataset.saving === "1") {
      form.dataset.again = "1"; // typed while a save was on its way: save once more after it
      return;
    }
    form.dataset.saving = "1";
    var edits = form.dataset.edits;
    autosaveStatus(form, form.dataset.autosaveSaving || "");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Govit-Autosave": "1" },
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          return { ok: response.ok && answer.ok, message: answer.message || "" };
        });
      })
      .then(function (answer) {
        if (answer.ok && form.dataset.edits === edits) {
          unsaved.delete(form);
        }
        autosaveStatus(
          form,
          answer.ok ? (form.dataset.autosaveSaved || "") + " " + clockNow() : answer.message
        );
      })
      .catch(function () {
        autosaveStatus(form, form.dataset.autosaveFailed || "");
      })
      .finally(function () {
        form.dataset.saving = "0";
        if (form.pendingSubmitter !== undefined) {
          var submitter = form.pendingSubmitter;
          delete form.pendingSubmitter;
          form.requestSubmit(submitter || undefined);
          return;
        }
        if (form.dataset.again === "1") {
          form.dataset.again = "0";
          autosave(form);
        }
      });
  }

  function scheduleAutosave(event) {
    var form = event.target.form;
    if (!form || !form.hasAttribute("data-autosave")) {
      return;
    }
    form.dataset.edits = String(parseInt(form.dataset.edits || "0", 10) + 1);
    window.clearTimeout(form.autosaveTimer);
    var delay = event.type === "change" ? 0 : AUTOSAVE_IDLE_MS;
    form.autosaveTimer = window.setTimeout(function () {
      autosave(form);
    }, delay);
  }

  document.addEventListener("input", scheduleAutosave);
  document.addEventListener("change", scheduleAutosave);

  function searchBox(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = body.filterLabel || "";
    box.setAttribute("aria-label", body.filterLabel || "");
    box.setAttribute("aria-controls", select.id);
    box.setAttribute("data-search-for", select.id);
    box.addEventListener("input", function () {
      var words = box.value.trim().toLowerCase();
      Array.prototype.forEach.call(select.options, function (o) {
        o.hidden = words !== "" && !o.selected && o.text.toLowerCase().indexOf(words) < 0;
      });
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (g) {
        g.hidden = Array.prototype.every.call(g.children, function (o) {
          return o.hidden;
        });
      });
    });
    select.insertAdjacentElement("beforebegin", box);
  }

  document.querySelectorAll("select[multiple][data-searchable]").forEach(searchBox);
  var maxBytes = parseInt(body.uploadMaxBytes || "0", 10);

  function fileInputs(root) {
    return Array.prototype.slice.call(root.querySelectorAll("input[type=file]"));
  }

  function hintOf(input) {
    var hint = input.parentNode.querySelector("[data-upload-hint]");
    if (!hint) {
      hint = document.createElement("div");
      hint.className = "form-text";
      hint.setAttribute("data-upload-hint", "");
      hint.id = (input.id || input.name) + "-upload-hint";
      hint.textContent = body.uploadMaxText || "";
      input.insertAdjacentElement("afterend", hint);
      input.setAttribute("aria-describedby", hint.id);
    }
    return hint;
  }

  function oversized(input) {
    return Array.prototype.some.call(input.files || [], function (f) {
      return maxBytes > 0 && f.size > maxBytes;
    });
  }

  function showSize(input) {
    var hint = hintOf(input);
    var tooLarge = oversized(input);
    hint.textContent = tooLarge ? body.uploadTooLarge : body.uploadMaxText;
    hint.className = tooLarge ? "invalid-feedback d-block" : "form-text";
    hint.setAttribute("role", tooLarge ? "alert" : "note");
    input.classList.toggle("is-invalid", tooLarge);
    return !tooLarge;
  }

  fileInputs(document).forEach(function (input) {
    if (maxBytes > 0) {
      input.dataset.maxBytes = String(maxBytes);
      hintOf(input);
    }
  });

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.type === "file") {
      showSize(input);
    }
  });

  function progressBar(form) {
    var bar = form.querySelector("progress[data-upload-progress]");
    if (!bar) {
      bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.className = "w-100 mt-2";
      bar.setAttribute("data-upload-progress", "");
      bar.setAttribute("aria-label", body.uploadProgress || "");
      form.appendChild(bar);
    }
    return bar;
  }

  function sendWithProgress(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
    }
    var bar = progressBar(form);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.value = Math.round((e.loaded / e.total) * 100);
      }
    });
    xhr.addEventListener("load", function () {
      bar.value = 100;
      var target = xhr.responseURL || window.location.href;
      var sameTarget = target === (form.action || window.location.href);
      if (!sameTarget && xhr.status < 400) {
        window.location.assign(target); // saved: the page it leads to, as a normal post would
        return;
      }
      document.open(); // refused: the page with its messages and what was typed
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener("error", function () {
      form.dataset.submitting = "";
      form.submit();
    });
    xhr.send(data);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") {
      return;
    }
    window.clearTimeout(form.autosaveTimer); // the whole form is being sent anyway
    if (form.dataset.saving === "1") {
      // an autosave is on its way: send the form once it has answered, not beside it
      event.preventDefault();
      form.pendingSubmitter = event.submitter || null;
      return;
    }
    var files = fileInputs(form);
    if (!files.every(showSize)) {
      event.preventDefault(); // nothing is sent: the file is above the limit
      return;
    }
    if (!lockForm(form)) {
      event.preventDefault();
      return;
    }
    unsaved.delete(form); // what is being saved is not lost
    var chosen = files.some(function (f) {
      return f.files && f.files.length > 0;
    });
    if (chosen && window.XMLHttpRequest && window.FormData) {
      event.preventDefault();
      sendWithProgress(form, event.submitter);
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (!button || !button.form || button.dataset.confirmed === "1") {
      return;
    }
    event.preventDefault();
    var modal = dialog();
    if (!modal || !window.bootstrap) {
      if (window.confirm(button.dataset.confirm)) {
        button.dataset.confirmed = "1";
        button.form.requestSubmit(button);
      }
      return;
    }
    modal.querySelector("[data-confirm-text]").textContent = button.dataset.confirm;
    modal.querySelector("[data-confirm-title]").textContent =
      button.dataset.confirmTitle || button.textContent.trim();
    var ok = modal.querySelector("[data-confirm-ok]");
    var instance = window.bootstrap.Modal.getOrCreateInstance(modal);
    ok.onclick = function () {
      button.dataset.confirmed = "1";
      instance.hide();
      button.form.requestSubmit(button);
    };
    instance.show();
  });
})();
