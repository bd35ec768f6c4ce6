/* Antrian browser devices (/tv, /loket): the token, the pairing screen, the event stream.
 *
 * The token comes from ?token= (a kiosk-mode browser started with one) or localStorage;
 * without one the page pairs: it shows a short code until a supervisor approves it.
 * The stream folds the snapshot and each event (`seq`, `prev`, `tickets`); a gap or a day
 * rollover asks for a new snapshot, a drop reconnects with ?after=SEQ&log=LOG_ID.
 *
 * An HA hall (two servers on one database): ?servers=URL,URL names the hall's servers
 * (it stays in the address: the server's security policy lets the page reach only those). When the stream cannot reconnect, the page asks its own server's
 * /health: a standby names the active server, and the page moves there; a server that does
 * not answer has the other addresses tried (a WebSocket opens only on the active one, and
 * WebSockets need no CORS); the page moves to the first that opens, taking its token along.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("config").textContent);
  var labels = config.labels;
  var STORE_KEY = "antrian." + config.page + ".device";
  var PAGE_ROLE = { tv: "display", loket: "counter", survey: "survey" }[config.page];
  var RECENT_KEPT = 20;
  var POLL_WAIT_S = 25;

  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function byId(id) {
    return document.getElementById(id);
  }

  function setText(id, text) {
    var element = byId(id);
    if (element && element.textContent !== text) element.textContent = text;
  }

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function make(tag, className, text) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined) element.textContent = text;  // never innerHTML: names are text
    return element;
  }

  // ---------------------------------------------------------------- the device's token

  function readStored() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(STORE_KEY) || "null");
      return stored && typeof stored.token === "string" ? stored : null;
    } catch (error) {
      return null;
    }
  }

  function save(device) {
    try {
      window.localStorage.setItem(STORE_KEY, JSON.stringify(device));
    } catch (error) { /* private mode: the token lives as long as the page */ }
  }

  function forget() {
    try { window.localStorage.removeItem(STORE_KEY); } catch (error) { /* nothing kept */ }
  }

  // ---------------------------------------------------------------- other servers (HA)

  var SERVERS_KEY = STORE_KEY + ".servers";

  function origin(url) {
    try { return new URL(url, window.location.href).origin; } catch (error) { return null; }
  }

  function otherServers() {
    var known = [];
    try { known = JSON.parse(window.localStorage.getItem(SERVERS_KEY) || "[]"); } catch (error) { known = []; }
    var listed = new URLSearchParams(window.location.search).get("servers");
    if (listed) known = listed.split(",").concat(known);
    var seen = {};
    seen[window.location.origin] = true;
    var others = [];
    known.forEach(function (url) {
      var root = origin(String(url).trim());
      if (root && !seen[root]) { seen[root] = true; others.push(root); }
    });
    return others;
  }

  function keepServers(others) {
    try { window.localStorage.setItem(SERVERS_KEY, JSON.stringify(others)); } catch (error) { /* the page keeps them */ }
  }

  /* True when a WebSocket to that server's stream opens: it is the active one. */
  function opensStream(root, token) {
    return new Promise(function (resolve) {
      var socket = null;
      var done = false;
      function finish(opened) {
        if (done) return;
        done = true;
        if (socket) { try { socket.close(); } catch (error) { /* closed already */ } }
        resolve(opened);
      }
      try {
        socket = new WebSocket(root.replace(/^http/, "ws") + "/api/v1/events?token=" + encodeURIComponent(token));
      } catch (error) {
        finish(false);
        return;
      }
      socket.onopen = function () { finish(true); };
      socket.onerror = function () { finish(false); };
      socket.onclose = function () { finish(false); };
      setTimeout(function () { finish(false); }, 2000);
    });
  }

  /* Move this page to another server, token and the list of the others along with it. */
  function moveTo(root, token) {
    var others = otherServers().filter(function (url) { return url !== root; });
    others.push(window.location.origin);
    var query = new URLSearchParams(window.location.search);
    query.delete("servers");
    query.set("token", token);
    query.set("servers", others.join(","));
    window.location.href = root + window.location.pathname + "?" + query.toString();
  }

  /* The stream could not reconnect here: find the active server; true if the page moves. */
  async function lookElsewhere(token) {
    try {
      var health = await api("/health", { timeout_ms: 2000 });
      var active = health.body && health.body.status === "standby" && health.body.active;
      var root = active && active.url ? origin(active.url) : null;
      if (root && root !== window.location.origin) {
        moveTo(root, token);
        return true;
      }
      if (health.status === 200 && health.body && health.body.status === "ok") return false;
    } catch (error) { /* this server is down: the others are tried */ }
    var others = otherServers();
    var answers = await Promise.all(others.map(function (root) { return opensStream(root, token); }));
    for (var index = 0; index < others.length; index += 1) {
      if (answers[index]) {
        moveTo(others[index], token);
        return true;
      }
    }
    return false;
  }

  function fromAddress() {
    var query = new URLSearchParams(window.location.search);
    // ?servers= stays in the address: it is what the page's security policy lets it reach
    if (query.get("servers")) keepServers(otherServers());
    var token = query.get("token");
    if (!token) return null;
    query.delete("token");  // out of the address bar (and of any screenshot)
    var rest = query.toString();
    window.history.replaceState(null, "", window.location.pathname + (rest ? "?" + rest : ""));
    return { token: token };
  }

  function api(path, options) {
    options = options || {};
    var headers = options.headers || {};
    if (options.token) headers.Authorization = "Bearer " + options.token;
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, options.timeout_ms || 10000) : null;
    return fetch("/api/v1" + path, {
      method: options.method || "GET",
      headers: headers,
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      cache: "no-store",
      signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      if (timer) clearTimeout(timer);
      return response.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (error) { body = null; }
        return { status: response.status, body: body };
      });
    }, function (error) {
      if (timer) clearTimeout(timer);
      throw error;
    });
  }

  function showPairing(visible) {
    byId("pairing").hidden = !visible;
    byId("screen").hidden = visible;
    document.body.classList.remove("starting");
  }

  function formatTime(iso) {
    var date = new Date(iso);
    try {
      return new Intl.DateTimeFormat(config.lang === "en" ? "en-GB" : "id-ID", {
        hour: "2-digit", minute: "2-digit", timeZone: config.timezone,
      }).format(date);
    } catch (error) {
      return date.toTimeString().slice(0, 5);
    }
  }

  /* Ask for a code, show it, long-poll until approved; a new code when it expires. */
  async function pair() {
    showPairing(true);
    var suggested = (PAGE_ROLE === "counter" || PAGE_ROLE === "survey") ? PAGE_ROLE + " --counter N" : PAGE_ROLE || "display";
    for (;;) {
      var started;
      try {
        started = await api("/pairings", { method: "POST", body: { device: config.page } });
      } catch (error) {
        setText("pair-status", labels.pair_error);
        await sleep(3000);
        continue;
      }
      if (started.status === 429) {
        setText("pair-status", labels.pair_busy);
        await sleep(15000);
        continue;
      }
      if (started.status !== 201) {
        setText("pair-status", labels.pair_error);
        await sleep(5000);
        continue;
      }
      var pairing = started.body;
      setText("pair-code", pairing.code_display);
      setText("pair-status", labels.pair_waiting);
      setText("pair-expires", fill(labels.pair_expires, { time: formatTime(pairing.expires_at) }));
      setText("pair-cli", fill(labels.pair_cli, { code: pairing.code, role: suggested }));
      document.body.classList.add("pairing-shown");
      for (;;) {
        var answer;
        try {
          answer = await api("/pairings/" + encodeURIComponent(pairing.id) + "?wait=" + POLL_WAIT_S,
            { timeout_ms: (POLL_WAIT_S + 10) * 1000 });
        } catch (error) {
          setText("pair-status", labels.pair_error);
          await sleep(2000);
          continue;
        }
        if (answer.status === 200 && answer.body.status === "approved") {
          document.body.classList.remove("pairing-shown");
          return {
            token: answer.body.token, role: answer.body.role,
            counter: answer.body.counter, name: answer.body.name,
          };
        }
        if (answer.status === 404) {
          setText("pair-status", labels.pair_expired);
          break;  // expired (or the server restarted): a new code
        }
        if (answer.status !== 200) await sleep(2000);
      }
    }
  }

  /* A token this page may use: stored, from the address, or paired now. */
  async function device() {
    var found = fromAddress() || readStored();
    for (;;) {
      if (!found) found = await pair();
      var who;
      try {
        who = await api("/device", { token: found.token });
      } catch (error) {
        await sleep(2000);  // the server is not there yet: the same token, later
        continue;
      }
      if (who.status === 401) {
        forget();
        found = null;
        continue;
      }
      if (who.status !== 200) {
        await sleep(2000);
        continue;
      }
      var role = who.body.role;
      if (role !== PAGE_ROLE && role !== "admin") {
        forget();
        setText("pair-status", fill(labels.pair_wrong_role, { role: role }));
        found = null;
        continue;
      }
      found.role = role;
      found.name = who.body.name;
      if (role === "admin") {
        var asked = config.counter || parseInt(new URLSearchParams(window.location.search).get("counter") || "", 10);
        found.counter = isNaN(asked) ? null : asked;
      } else {
        found.counter = who.body.counter;
      }
      save(found);
      showPairing(false);
      return found;
    }
  }

  // ---------------------------------------------------------------- the office's state

  function emptyState() {
    return {
      seq: null, logId: null, today: null, office: config.office, timezone: config.timezone,
      serverOffsetMs: 0, services: {}, serviceOrder: [], counters: {}, counterOrder: [],
      tickets: {}, recent: [], figures: null,
    };
  }

  function foldSnapshot(state, message) {
    var fresh = emptyState();
    fresh.seq = message.seq;
    fresh.logId = message.log_id || null;
    fresh.today = message.today;
    fresh.figures = message.figures || null;  // the office's figures, when it shows them
    fresh.timezone = message.timezone || config.timezone;
    fresh.serverOffsetMs = message.server_time ? Date.now() - Date.parse(message.server_time) : 0;
    (message.services || []).forEach(function (service) {
      fresh.services[service.code] = service;
      fresh.serviceOrder.push(service.code);
    });
    (message.counters || []).forEach(function (counter) {
      fresh.counters[counter.number] = counter;
      fresh.counterOrder.push(counter.number);
      if (counter.current) fresh.tickets[counter.current.id] = counter.current;
    });
    (message.waiting || []).forEach(function (ticket) { fresh.tickets[ticket.id] = ticket; });
    (message.recent_calls || []).forEach(function (ticket) {
      fresh.tickets[ticket.id] = ticket;
      fresh.recent.push(ticket.id);
    });
    Object.keys(fresh).forEach(function (key) { state[key] = fresh[key]; });
  }

  function putTicket(state, ticket) {
    state.tickets[ticket.id] = ticket;
    // a ticket a counter no longer serves leaves that counter (its event may not carry it)
    state.counterOrder.forEach(function (number) {
      var counter = state.counters[number];
      if (counter.current && counter.current.id === ticket.id) {
        counter.current = ticket.status === "called" && ticket.counter === number ? ticket : null;
      }
    });
  }

  function dropRecent(state, ticketId) {
    state.recent = state.recent.filter(function (id) { return id !== ticketId; });
  }

  /* Apply one event; "gap" or "resync" when a snapshot is needed instead. */
  function foldEvent(state, message) {
    if (state.seq === null) return "resync";
    if (typeof message.prev === "number" && message.prev !== state.seq) return "gap";
    if (typeof message.seq === "number") state.seq = message.seq;
    if (message.type === "day.rollover") return "resync";
    if (message.figures) state.figures = message.figures;
    var touched = message.tickets || (message.ticket ? [message.ticket] : []);
    touched.forEach(function (ticket) { putTicket(state, ticket); });
    if (message.ticket) putTicket(state, message.ticket);
    if (message.counter) {
      if (!(message.counter.number in state.counters)) state.counterOrder.push(message.counter.number);
      state.counters[message.counter.number] = message.counter;
      if (message.counter.current) state.tickets[message.counter.current.id] = message.counter.current;
    }
    (message.services || []).forEach(function (service) {
      if (!(service.code in state.services)) state.serviceOrder.push(service.code);
      state.services[service.code] = service;
    });
    var ticket = message.ticket;
    if (ticket && (message.type === "ticket.called" || message.type === "ticket.recalled")) {
      dropRecent(state, ticket.id);
      state.recent.unshift(ticket.id);
      state.recent.length = Math.min(state.recent.length, RECENT_KEPT);
    } else if (ticket && (message.type === "ticket.transferred" || message.type === "ticket.requeued")) {
      dropRecent(state, ticket.id);
    }
    return "ok";
  }

  // ---------------------------------------------------------------- the stream

  var RECONNECT_MS = [500, 1000, 2000, 4000, 8000];

  /* Connect, fold, reconnect; `handlers.changed(state, message, live)` after each message. */
  function stream(found, handlers) {
    var state = emptyState();
    var attempt = 0;
    var socket = null;
    var awaitingSnapshot = true;

    function status(name) {
      document.body.dataset.connection = name;
      setText("connection", labels[name]);
      if (handlers.status) handlers.status(name);
    }

    function connect() {
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      var url = scheme + window.location.host + "/api/v1/events?token=" + encodeURIComponent(found.token);
      if (state.seq !== null && state.logId) {
        url += "&after=" + state.seq + "&log=" + encodeURIComponent(state.logId);
      }
      var opened = false;
      status(attempt ? "disconnected" : "connecting");
      socket = new WebSocket(url);
      socket.onopen = function () {
        opened = true;
        attempt = 0;
        status("connected");
      };
      socket.onmessage = function (event) {
        var message;
        try { message = JSON.parse(event.data); } catch (error) { return; }
        if (message.type === "snapshot") {
          foldSnapshot(state, message);
          awaitingSnapshot = false;
          handlers.changed(state, message, false);
          return;
        }
        if (awaitingSnapshot && state.seq === null) return;
        var outcome = foldEvent(state, message);
        if (outcome !== "ok") {
          awaitingSnapshot = true;
          state.seq = null;  // until the snapshot: nothing is folded onto a broken state
          socket.send(JSON.stringify({ type: "resync" }));
          return;
        }
        handlers.changed(state, message, true);
      };
      socket.onclose = function (event) {
        socket = null;
        status("disconnected");
        if (event.code === 1008) {  // token revoked
          forget();
          window.location.reload();
          return;
        }
        var delay = RECONNECT_MS[Math.min(attempt, RECONNECT_MS.length - 1)];
        attempt += 1;
        if (!opened) {
          // an HA hall: another server may be active now; ask at once, again every 0.5 s
          var elsewhere = otherServers().length ? RECONNECT_MS[0] : delay;
          // refused at the handshake: a revoked token is 401 there, seen by /device
          api("/device", { token: found.token }).then(function (who) {
            if (who.status === 401) {
              forget();
              window.location.reload();
            } else if (who.status === 503) {
              lookElsewhere(found.token).then(function (moved) {
                if (!moved) setTimeout(connect, elsewhere);
              });
            } else {
              setTimeout(connect, delay);
            }
          }, function () {
            lookElsewhere(found.token).then(function (moved) {
              if (!moved) setTimeout(connect, elsewhere);
            });
          });
          return;
        }
        setTimeout(connect, delay);
      };
    }

    connect();
    return {
      state: state,
      resync: function () {
        if (socket && socket.readyState === 1) socket.send(JSON.stringify({ type: "resync" }));
      },
    };
  }

  window.AntrianDevice = {
    config: config,
    labels: labels,
    fill: fill,
    byId: byId,
    setText: setText,
    make: make,
    sleep: sleep,
    api: api,
    formatTime: formatTime,
    device: device,
    stream: stream,
    foldSnapshot: foldSnapshot,
    emptyState: emptyState,
  };
})();
