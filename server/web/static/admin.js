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
    if (view.city_text) { setText(document.getElementById("city-link"), view.city_text); }
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
    if (view.servers) {
      list(document.getElementById("servers-warnings"), view.servers.warnings);
      list(document.getElementById("servers-lines"), view.servers.lines);
    }
  }

  function list(element, texts) {
    if (!element) { return; }
    var shown = Array.prototype.map.call(element.children, function (item) { return item.textContent; });
    if (shown.join("\n") === texts.join("\n")) { return; }
    while (element.firstChild) { element.removeChild(element.firstChild); }
    texts.forEach(function (text) {
      var item = document.createElement("li");
      if (element.id === "servers-warnings") { item.className = "error"; item.setAttribute("role", "alert"); }
      item.textContent = text;
      element.appendChild(item);
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
