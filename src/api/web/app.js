// envctl's web interface: live status from Server-Sent Events, and the
// environment page's panel refreshed on every change and every 10 seconds.
// Plain script, no library; the pages work without it (reload to update).
(function () {
  "use strict";
  if (!document.querySelector("[data-live]")) return;
  var panel = document.getElementById("panel");
  // Rows are added only where a new environment belongs (see the list page).
  var rows = document.querySelector("tbody[data-rows][data-append]");

  function refreshPanel() {
    fetch("/environments/" + encodeURIComponent(panel.dataset.env) + "/panel", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) panel.innerHTML = html; });
  }

  function update(change) {
    var status = change.status || "deleted";
    document.querySelectorAll("tr[data-env]").forEach(function (row) {
      if (row.dataset.env !== change.id) return;
      var s = row.querySelector(".status");
      if (s) { s.textContent = status; s.dataset.status = status; }
      var r = row.querySelector(".ready");
      if (r) r.textContent = change.ready ? "yes" : "no";
    });
    if (rows && change.status && !document.querySelector('tr[data-env="' + CSS.escape(change.id) + '"]')) {
      fetch("/environments/" + encodeURIComponent(change.id) + "/row", { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { if (html) rows.insertAdjacentHTML("beforeend", html); });
    }
    if (panel && panel.dataset.env === change.id) {
      if (change.status) refreshPanel();
      else panel.innerHTML = '<p class="notice" role="status">This environment was deleted. <a href="/">Back to the list</a></p>';
    }
  }

  if (window.EventSource) {
    var events = new EventSource("/ui/events");
    events.addEventListener("status", function (e) { update(JSON.parse(e.data)); });
    // Close it on leaving: a page kept for "back" would hold its connection
    // open, and a browser allows only 6 per server.
    window.addEventListener("pagehide", function () { events.close(); });
    window.addEventListener("pageshow", function (e) { if (e.persisted) location.reload(); });
  }
  if (panel) setInterval(refreshPanel, 10000);
})();
