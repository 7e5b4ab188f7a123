/* Lesson forms: ask the server for conflicts while the tutor picks a time.
 * Progressive: without JavaScript the "Check for conflicts" button does the same. */
(function () {
    "use strict";
    var form = document.querySelector("form.lesson-form[data-conflict-url]");
    if (!form || !window.fetch) { return; }
    var area = form.querySelector(".conflict-area");
    var watched = ["student", "classroom", "date", "start_time", "duration_minutes"];
    var timer = null;

    function render(conflicts) {
        area.textContent = "";
        if (!conflicts.length) { return; }
        var box = document.createElement("div");
        box.className = "conflict-preview";
        box.setAttribute("role", "alert");
        var list = document.createElement("ul");
        conflicts.forEach(function (sentence) {
            var item = document.createElement("li");
            item.textContent = sentence;
            list.appendChild(item);
        });
        box.appendChild(list);
        area.appendChild(box);
    }

    function check() {
        var url = form.getAttribute("data-conflict-url");
        var params = new URLSearchParams(new FormData(form));
        params.delete("csrfmiddlewaretoken");
        url += (url.indexOf("?") === -1 ? "?" : "&") + params.toString();
        fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
            .then(function (response) { return response.ok ? response.json() : null; })
            .then(function (data) { if (data && data.valid) { render(data.conflicts); } })
            .catch(function () { /* the Check button still works */ });
    }

    form.addEventListener("change", function (event) {
        if (watched.indexOf(event.target.name) === -1) { return; }
        window.clearTimeout(timer);
        timer = window.setTimeout(check, 250);
    });
}());
