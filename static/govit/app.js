/* govit page behaviour, served by the platform itself (no inline script: CSP script-src 'self').
 *
 * - A button with data-confirm asks for confirmation in a dialog that shows what will
 *   happen (the action's summary) before its form is submitted.
 * - A form is submitted once: its submit buttons are disabled while the request runs, so a
 *   double click cannot file an official act twice.
 * - Leaving a page with typed but unsaved input asks first (the browser's own "leave this
 *   page?" prompt), so chapter text is not lost by following a link; a form marked
 *   data-no-leave-warning (a search or filter bar) does not count.
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

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") {
      return;
    }
    if (!lockForm(form)) {
      event.preventDefault();
      return;
    }
    unsaved.delete(form); // what is being saved is not lost
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
