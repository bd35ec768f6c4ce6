/* Antrian /loket: the counter terminal in a browser, with the Qt counter's actions.
 *
 * Keys: Space calls the next, R recalls, D done, N no-show, T transfer, U re-queue,
 * P pause/resume (F1, F3, F5 and F6 belong to the browser). A press whose answer was
 * lost is never sent again by itself: the page reads the server's state and says whether
 * it happened, like the Qt counter (counter_display/counter/outcome.py).
 */
(function () {
  "use strict";

  var D = window.AntrianDevice;
  var labels = D.labels;
  var config = D.config;
  var RECENT_SHOWN = 6;
  var CHECK_RETRY_MS = 1000;
  var KEYS = {
    " ": "next", r: "recall", d: "done", n: "no-show", t: "transfer", u: "requeue", k: "call", p: "pause",
  };
  var LABEL_KEYS = {
    next: "action_next", recall: "action_recall", done: "action_done", "no-show": "action_no_show",
    transfer: "action_transfer", requeue: "action_requeue", call: "action_call",
    pause: "action_pause", resume: "action_resume",
  };
  var MESSAGE_KEYS = {
    next: "msg_next", recall: "msg_recall", done: "msg_done", "no-show": "msg_no_show",
    transfer: "msg_transfer", requeue: "msg_requeue", call: "msg_next",
    pause: "msg_pause", resume: "msg_resume",
  };
  var REQUEUE_NUMBER = /^\s*[A-Za-z]{1,3}-?[0-9]{1,4}\s*$/;

  var found = null;
  var streamed = null;
  var busy = false;

  function counterNumber() {
    return found ? found.counter : null;
  }

  function counterOf(state) {
    return state ? state.counters[counterNumber()] : null;
  }

  function serviceName(service) {
    return (config.lang === "en" ? service.name_en : service.name) || service.name || service.code;
  }

  function say(text, level) {
    var message = D.byId("message");
    message.textContent = text;
    message.className = "message " + (level || "info");
  }

  // ---------------------------------------------------------------- what may be pressed

  function enabledActions(state) {
    var counter = counterOf(state);
    var enabled = {};
    if (busy || !counter || document.body.dataset.connection !== "connected") return enabled;
    enabled.requeue = true;
    var current = counter.current;
    if (current) {
      enabled.recall = enabled.done = enabled["no-show"] = true;
      if (state.serviceOrder.some(function (code) { return code !== current.service; })) enabled.transfer = true;
    }
    if (counter.state === "paused") {
      enabled.resume = true;
    } else {
      enabled.pause = true;
      var waiting = counter.services.reduce(function (sum, code) {
        return sum + (state.services[code] ? state.services[code].waiting : 0);
      }, 0);
      if (waiting > 0) enabled.next = enabled.call = true;
    }
    return enabled;
  }

  function buttonAction(state, name) {
    if (name !== "pause") return name;
    var counter = counterOf(state);
    return counter && counter.state === "paused" ? "resume" : "pause";
  }

  // ---------------------------------------------------------------- the screen

  function render(state) {
    var counter = counterOf(state);
    if (!counter) return;
    D.setText("counter-name", counter.name || "Loket " + counter.number);
    document.title = (counter.name || "Loket " + counter.number) + " · " + config.office;
    D.setText("counter-services", D.fill(labels.services, { codes: counter.services.join(", ") }));
    var current = counter.current;
    var paused = counter.state === "paused";
    document.body.classList.toggle("paused", paused);
    D.setText("current-label", paused ? labels.paused : labels.serving);
    if (current) {
      D.setText("current-number", current.number);
      var details = [state.services[current.service] ? serviceName(state.services[current.service]) : current.service];
      if (current.called_at) details.push(D.fill(labels.called_at, { time: D.formatTime(current.called_at) }));
      if (current.recalls) details.push(D.fill(labels.recalls, { count: current.recalls }));
      if (current.transferred_from) details.push(D.fill(labels.transferred_from, { service: current.transferred_from }));
      if (current.requeued) details.push(labels.requeued);
      D.setText("current-details", details.join(" · "));
    } else {
      D.setText("current-number", "—");
      D.setText("current-details", labels.none_called);
    }

    var enabled = enabledActions(state);
    document.body.classList.toggle("busy", busy);
    document.querySelectorAll("#actions button").forEach(function (button) {
      var action = buttonAction(state, button.dataset.action);
      button.disabled = !enabled[action];
    });
    D.setText("pause-label", paused ? labels.action_resume : labels.action_pause);

    var total = 0;
    var rows = counter.services.map(function (code) {
      var service = state.services[code];
      var row = D.make("li", "service");
      if (!service) return row;
      total += service.waiting;
      row.dataset.code = code;
      row.appendChild(D.make("span", "service-code", code));
      row.appendChild(D.make("span", "service-name", serviceName(service)));
      var count = String(service.waiting);
      if (service.waiting_priority) count += " (" + D.fill(labels.priority, { count: service.waiting_priority }) + ")";
      row.appendChild(D.make("span", "service-count", count));
      return row;
    });
    var waiting = D.byId("waiting");
    waiting.replaceChildren.apply(waiting, rows);
    D.setText("waiting-total", total ? D.fill(labels.waiting_total, { count: total }) : labels.waiting_empty);

    var handled = Object.keys(state.tickets).map(function (id) { return state.tickets[id]; })
      .filter(function (ticket) {
        return ticket.counter === counter.number && (ticket.status === "done" || ticket.status === "no_show");
      })
      .sort(function (a, b) { return (b.finished_at || "").localeCompare(a.finished_at || ""); })
      .slice(0, RECENT_SHOWN);
    var recent = D.byId("recent");
    var items = handled.map(function (ticket) {
      var item = D.make("li", "recent-item " + ticket.status);
      item.appendChild(D.make("span", "recent-number", ticket.number));
      var outcome = ticket.status === "done" ? labels.action_done : labels.action_no_show;
      item.appendChild(D.make("span", "recent-outcome",
        outcome + (ticket.finished_at ? " · " + D.formatTime(ticket.finished_at) : "")));
      return item;
    });
    if (!items.length) items = [D.make("li", "recent-empty", labels.recent_empty)];
    recent.replaceChildren.apply(recent, items);
    renderClerk(counter);
  }

  function renderClerk(counter) {
    var clerk = counter.clerk || null;
    D.setText("clerk", clerk ? D.fill(labels.clerk_signed_in, { name: clerk }) : labels.clerk_nobody);
    D.setText("clerk-button", clerk ? labels.clerk_sign_out : labels.clerk_sign_in);
    D.byId("clerk-button").disabled = document.body.dataset.connection !== "connected";
  }

  function requeueCandidates(state) {
    var counter = counterOf(state);
    return Object.keys(state.tickets).map(function (id) { return state.tickets[id]; })
      .filter(function (ticket) { return ticket.status === "no_show" && counter.services.indexOf(ticket.service) >= 0; })
      .sort(function (a, b) { return (b.finished_at || "").localeCompare(a.finished_at || ""); });
  }

  // ---------------------------------------------------------------- presses

  function tookEffect(action, baseline, snapshot) {
    var counter = (snapshot.counters || []).filter(function (c) { return c.number === baseline.counter; })[0];
    if (!counter) return false;
    var current = counter.current;
    var currentId = current ? current.id : null;
    if (action === "next") return currentId !== null && currentId !== baseline.currentId;
    if (action === "recall") return current !== null && currentId === baseline.currentId && current.recalls > baseline.recalls;
    if (action === "done" || action === "no-show" || action === "transfer") {
      return baseline.currentId !== null && currentId !== baseline.currentId;
    }
    if (action === "pause") return counter.state === "paused" && !baseline.paused;
    if (action === "resume") return counter.state === "open" && baseline.paused;
    if (action === "call") {
      return current !== null && current.number === (baseline.argument || "").trim().toUpperCase();
    }
    if (action === "requeue") {
      var number = (baseline.argument || "").trim().toUpperCase();
      return (snapshot.waiting || []).some(function (t) { return t.number === number && t.status === "waiting"; });
    }
    return false;
  }

  function refusal(body) {
    var code = body && body.error ? body.error : "unknown";
    var key = "error_" + code;
    return labels[key] ? labels[key] : D.fill(labels.error_other, { code: code });
  }

  function success(action, body, argument) {
    var number = body && body.number ? body.number : "";
    return D.fill(labels[MESSAGE_KEYS[action]], { number: number, service: argument || "" });
  }

  async function check(action, name, baseline) {
    say(D.fill(labels.checking, { action: name }), "warning");
    for (;;) {
      try {
        var answer = await D.api("/snapshot", { token: found.token });
        if (answer.status === 200 && answer.body) {
          if (tookEffect(action, baseline, answer.body)) {
            say(D.fill(labels.verified_happened, { action: name }), "success");
          } else {
            say(D.fill(labels.verified_not_happened, { action: name }), "error");
          }
          return;
        }
      } catch (error) { /* still unreachable: ask again */ }
      await D.sleep(CHECK_RETRY_MS);
    }
  }

  async function press(action, argument) {
    var state = streamed.state;
    var counter = counterOf(state);
    if (busy || !counter) return;
    var name = labels[LABEL_KEYS[action]];
    var baseline = {
      counter: counter.number,
      currentId: counter.current ? counter.current.id : null,
      recalls: counter.current ? counter.current.recalls : 0,
      paused: counter.state === "paused",
      argument: argument || null,
    };
    var body;
    if (action === "transfer") body = { service: argument };
    if (action === "requeue" || action === "call") body = { number: argument };
    busy = true;
    render(state);
    say(D.fill(labels.in_flight, { action: name }), "info");
    try {
      var answer;
      try {
        answer = await D.api("/counters/" + counter.number + "/" + action,
          { method: "POST", token: found.token, body: body, timeout_ms: 10000 });
      } catch (error) {
        // sent, but no answer: it may have happened. Never sent again blindly.
        await check(action, name, baseline);
        return;
      }
      if (answer.status >= 200 && answer.status < 300) {
        say(success(action, answer.body, argument), "success");
      } else {
        say(D.fill(labels.refused, { action: name, reason: refusal(answer.body) }), "error");
      }
    } finally {
      busy = false;
      render(streamed.state);
    }
  }

  // ---------------------------------------------------------------- the dialog

  var dialog = null;

  /* "a2", "A-2", "a002" → "A002": the number as tickets show it (three digits at least). */
  function ticketNumber(typed) {
    var match = /^\s*([A-Za-z]{1,3})-?([0-9]{1,4})\s*$/.exec(typed);
    var digits = String(parseInt(match[2], 10));
    while (digits.length < 3) digits = "0" + digits;
    return match[1].toUpperCase() + digits;
  }

  function openChooser(prompt, options, typed, onChosen, none) {
    dialog = D.byId("choose");
    D.setText("choose-prompt", prompt);
    D.setText("choose-error", "");
    var list = D.byId("choose-options");
    var buttons = options.map(function (option) {
      var button = D.make("button", "option", option.label);
      button.type = "button";
      button.dataset.value = option.value;
      button.addEventListener("click", function () { closeChooser(); onChosen(option.value); });
      return button;
    });
    if (!buttons.length && typed) buttons = [D.make("p", "none", none || labels.requeue_none)];
    list.replaceChildren.apply(list, buttons);
    D.byId("choose-typed-row").hidden = !typed;
    D.byId("choose-ok").hidden = !typed;
    var input = D.byId("choose-typed");
    input.value = "";
    D.byId("choose-form").onsubmit = function (event) {
      event.preventDefault();
      if (!REQUEUE_NUMBER.test(input.value)) {
        D.setText("choose-error", labels.requeue_invalid);
        return;
      }
      closeChooser();
      onChosen(ticketNumber(input.value));
    };
    dialog.showModal();
    if (typed) input.focus();
    else if (buttons[0]) buttons[0].focus();
  }

  function closeChooser() {
    if (dialog && dialog.open) dialog.close();
  }

  function chooseTransfer() {
    var state = streamed.state;
    var current = counterOf(state).current;
    if (!current) return;
    var options = state.serviceOrder.filter(function (code) { return code !== current.service; })
      .map(function (code) {
        var service = state.services[code];
        var note = service.open ? D.fill(labels.waiting_count, { count: service.waiting }) : labels.closed;
        return { value: code, label: code + " · " + serviceName(service) + " · " + note };
      });
    openChooser(D.fill(labels.transfer_prompt, { number: current.number }), options, false,
      function (code) { press("transfer", code); });
  }

  function chooseRequeue() {
    var options = requeueCandidates(streamed.state).map(function (ticket) {
      return { value: ticket.number, label: ticket.number + (ticket.finished_at ? " · " + D.formatTime(ticket.finished_at) : "") };
    });
    openChooser(labels.requeue_prompt, options, true, function (number) { press("requeue", number); });
  }

  function chooseCall() {
    var state = streamed.state;
    var services = counterOf(state).services;
    var waiting = Object.keys(state.tickets).map(function (id) { return state.tickets[id]; })
      .filter(function (ticket) { return ticket.status === "waiting" && services.indexOf(ticket.service) >= 0; })
      .sort(function (a, b) { return a.issued_at.localeCompare(b.issued_at); })
      .slice(0, 12);
    var options = waiting.map(function (ticket) {
      return { value: ticket.number, label: ticket.number + " · " + D.formatTime(ticket.issued_at) };
    });
    openChooser(labels.call_prompt, options, true, function (number) { press("call", number); }, labels.call_none);
  }

  // ---------------------------------------------------------------- the clerk's sign-in

  var SIGN_IN_ERRORS = {
    wrong_pin: "clerk_wrong_pin", not_a_clerk: "clerk_not_a_clerk", bad_request: "clerk_missing",
  };

  function signInError(answer) {
    var code = answer.body && answer.body.error;
    if (code === "too_many_attempts") {
      // the server's words name the minutes to wait (Indonesian); English has its own
      return config.lang === "en" ? labels.clerk_too_many : answer.body.message;
    }
    if (SIGN_IN_ERRORS[code]) return labels[SIGN_IN_ERRORS[code]];
    if (answer.status === 503) return labels.clerk_unavailable;
    return D.fill(labels.error_other, { code: code || answer.status });
  }

  function openSignIn() {
    var signIn = D.byId("sign-in");
    D.setText("sign-in-error", "");
    D.byId("sign-in-pin").value = "";
    D.byId("sign-in-ok").disabled = false;
    signIn.showModal();
    D.byId("sign-in-name").focus();
  }

  async function submitSignIn(event) {
    event.preventDefault();
    var name = D.byId("sign-in-name").value.trim();
    var pin = D.byId("sign-in-pin").value;
    if (!name || !pin) { D.setText("sign-in-error", labels.clerk_missing); return; }
    D.byId("sign-in-ok").disabled = true;
    var answer = null;
    try {
      answer = await D.api("/counters/" + counterNumber() + "/sign-in",
        { method: "POST", token: found.token, body: { name: name, pin: pin }, timeout_ms: 10000 });
    } catch (error) { answer = null; }
    D.byId("sign-in-ok").disabled = false;
    if (answer && answer.status === 200) {
      D.byId("sign-in").close();
      if (answer.body) { streamed.state.counters[answer.body.number] = answer.body; render(streamed.state); }
      return;
    }
    D.setText("sign-in-error", answer ? signInError(answer) : labels.clerk_unavailable);
    D.byId("sign-in-pin").value = "";
    D.byId("sign-in-pin").focus();
  }

  async function signOut() {
    try {
      var answer = await D.api("/counters/" + counterNumber() + "/sign-out",
        { method: "POST", token: found.token, timeout_ms: 10000 });
      if (answer.status === 200 && answer.body) {
        streamed.state.counters[answer.body.number] = answer.body;
        render(streamed.state);
      } else {
        say(D.fill(labels.error_other, { code: (answer.body && answer.body.error) || answer.status }), "error");
      }
    } catch (error) { say(labels.clerk_unavailable, "error"); }
  }

  function onClerkButton() {
    var counter = streamed ? counterOf(streamed.state) : null;
    if (!counter) return;
    if (counter.clerk) signOut();
    else openSignIn();
  }

  function activate(name) {
    var state = streamed ? streamed.state : null;
    if (!state) return;
    var action = buttonAction(state, name);
    if (!enabledActions(state)[action]) return;
    if (action === "transfer") chooseTransfer();
    else if (action === "requeue") chooseRequeue();
    else if (action === "call") chooseCall();
    else press(action);
  }

  function onKey(event) {
    if (event.repeat || event.ctrlKey || event.altKey || event.metaKey) return;
    if (dialog && dialog.open) return;  // the dialog has Enter and Escape
    if (D.byId("sign-in").open) return;
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA")) return;
    var name = KEYS[event.key.length === 1 ? event.key.toLowerCase() : event.key];
    if (!name) return;
    event.preventDefault();  // Space would scroll or press a focused button a second time
    activate(name);
  }

  async function start() {
    document.querySelectorAll("#actions button").forEach(function (button) {
      button.addEventListener("click", function () { activate(button.dataset.action); button.blur(); });
    });
    D.byId("choose-cancel").addEventListener("click", closeChooser);
    D.byId("clerk-button").addEventListener("click", function () { onClerkButton(); D.byId("clerk-button").blur(); });
    D.byId("sign-in-form").addEventListener("submit", submitSignIn);
    D.byId("sign-in-cancel").addEventListener("click", function () { D.byId("sign-in").close(); });
    document.addEventListener("keydown", onKey);
    found = await D.device();
    streamed = D.stream(found, {
      changed: function (state) { render(state); },
      status: function () { if (streamed) render(streamed.state); },
    });
  }

  window.AntrianLoket = { press: press };
  start();
})();
