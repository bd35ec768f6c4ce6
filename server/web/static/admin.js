// The supervisor's dashboard, live: polls the dashboard JSON every 2 s and writes its
// texts into the page (textContent only: nothing from the server becomes markup).
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root || !window.fetch) { return; }
  var pollMs = parseInt(root.getAttribute("data-poll-ms"), 10) || 2000;
  var source = root.getAttribute("data-source");
  var offline = document.getElementById("offline");

  function setText(element, text) {
    if (element && element.textContent !== String(text)) { element.textContent = String(text); }
  }

  function fill(container, item) {
    if (!container) { return; }
    var fields = container.querySelectorAll("[data-field]");
    for (var i = 0; i < fields.length; i++) {
      var name = fields[i].getAttribute("data-field");
      if (Object.prototype.hasOwnProperty.call(item, name)) { setText(fields[i], item[name]); }
    }
  }

  function show(view) {
    setText(document.getElementById("time"), view.time_text);
    for (var key in view.today) {
      if (Object.prototype.hasOwnProperty.call(view.today, key)) {
        setText(document.getElementById("total-" + key), view.today[key]);
      }
    }
    view.services.forEach(function (service) {
      var card = document.getElementById("service-" + service.code);
      fill(card, service);
      if (card) { card.classList.toggle("closed", !service.open); }
    });
    view.counters.forEach(function (counter) {
      fill(document.getElementById("counter-" + counter.number), counter);
    });
  }

  function poll() {
    fetch(source, { credentials: "same-origin", cache: "no-store" })
      .then(function (answer) {
        if (answer.status === 401) { window.location.href = "/admin/login"; return null; }
        if (!answer.ok) { throw new Error("HTTP " + answer.status); }
        return answer.json();
      })
      .then(function (view) {
        if (view) { show(view); offline.hidden = true; }
      })
      .catch(function () { offline.hidden = false; })
      .then(function () { window.setTimeout(poll, pollMs); });
  }

  window.setTimeout(poll, pollMs);
})();
