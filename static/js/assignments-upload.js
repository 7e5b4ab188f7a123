/*
 * Hand-in form with an upload progress bar.
 *
 * Progressive enhancement: without this script the form posts normally. With it, the form
 * is sent with XMLHttpRequest (asking for JSON), a <progress> shows how much has been
 * uploaded, errors from the server appear above the buttons, and on success the browser
 * goes to the page the server names.
 */
(function () {
  "use strict";

  function setup(form) {
    var progressBox = form.querySelector("[data-upload-progress]");
    var bar = progressBox ? progressBox.querySelector("progress") : null;
    var percent = form.querySelector("[data-upload-percent]");
    var errorBox = form.querySelector("[data-upload-error]");
    var busy = false;

    function showError(text) {
      if (!errorBox) { return; }
      errorBox.textContent = text;
      errorBox.hidden = !text;
    }

    function setBusy(state) {
      busy = state;
      Array.prototype.forEach.call(form.querySelectorAll("button"), function (button) {
        button.disabled = state;
      });
    }

    form.addEventListener("submit", function (event) {
      if (busy || typeof window.FormData === "undefined") { return; }
      event.preventDefault();
      var data = new FormData(form);
      var submitter = event.submitter;
      if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
      var request = new XMLHttpRequest();
      // getAttribute: the buttons are named "action", which shadows the form's property.
      request.open("POST", form.getAttribute("action") || window.location.href);
      request.setRequestHeader("Accept", "application/json");
      request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      showError("");
      if (progressBox) { progressBox.hidden = false; }
      if (bar) { bar.value = 0; }
      request.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var value = Math.round((e.loaded / e.total) * 100);
        if (bar) { bar.value = value; }
        if (percent) { percent.textContent = value + " %"; }
      });
      request.addEventListener("load", function () {
        var answer = null;
        try { answer = JSON.parse(request.responseText); } catch (err) { answer = null; }
        if (request.status >= 200 && request.status < 300 && answer && answer.redirect) {
          window.location.assign(answer.redirect);
          return;
        }
        setBusy(false);
        if (progressBox) { progressBox.hidden = true; }
        showError((answer && answer.detail) || form.getAttribute("data-error-text") || request.statusText);
      });
      request.addEventListener("error", function () {
        setBusy(false);
        if (progressBox) { progressBox.hidden = true; }
        // The network failed: fall back to an ordinary post, which shows the server's page.
        if (submitter && submitter.name) {
          var hidden = document.createElement("input");
          hidden.type = "hidden";
          hidden.name = submitter.name;
          hidden.value = submitter.value;
          form.appendChild(hidden);
        }
        busy = true;
        form.submit();
      });
      setBusy(true);
      request.send(data);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-upload-form]"), setup);
})();
