/* The visitor's phone page: live updates of one ticket, sound and vibration when called.
   Plain ES5 for old Android browsers: EventSource where there is one, else polling. */
(function () {
  'use strict';
  var element = document.getElementById('config');
  if (!element || !window.JSON) { return; }
  var config = JSON.parse(element.textContent || element.innerHTML);
  var view = config.view;
  var labels = config.labels;
  var source = null;
  var failures = 0;
  var pollTimer = null;
  var audio = null;

  function byId(id) { return document.getElementById(id); }

  function setText(id, text) {
    var node = byId(id);
    if (!node) { return; }
    node.textContent = text || '';
    if (text) { node.removeAttribute('hidden'); } else { node.setAttribute('hidden', ''); }
  }

  function show(next) {
    var wasCalled = view.state === 'called';
    var recalled = next.recalls > view.recalls;
    if (next.state === 'done' && view.state !== 'done' && config.survey) {
      window.location.reload();  // the page comes back with the survey
      return;
    }
    view = next;
    byId('number').textContent = next.number;
    setText('service', next.service);
    setText('headline', next.headline);
    setText('ahead', next.ahead);
    setText('wait', next.wait);
    var list = byId('lines');
    while (list.firstChild) { list.removeChild(list.firstChild); }
    for (var i = 0; i < next.lines.length; i++) {
      var item = document.createElement('li');
      item.textContent = next.lines[i];
      list.appendChild(item);
    }
    document.body.className = 'state-' + next.state;
    if (next.state === 'called' && (!wasCalled || recalled)) { alertVisitor(); }
    if (!next.live) { stop(); setText('note', ''); setText('alerts', ''); }
  }

  function receive(text) {
    var data;
    try { data = JSON.parse(text); } catch (error) { return; }
    if (data && data.view) { show(data.view); }
  }

  function audioContext() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return null; }
    if (!audio) { try { audio = new Context(); } catch (error) { return null; } }
    if (audio.state === 'suspended' && audio.resume) { audio.resume(); }
    return audio;
  }

  function tone(context, start, frequency, length) {
    var oscillator = context.createOscillator();
    var gain = context.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.3, start);
    gain.gain.exponentialRampToValueAtTime(0.01, start + length);
    oscillator.connect(gain);
    gain.connect(context.destination);
    oscillator.start(start);
    oscillator.stop(start + length);
  }

  function beep() {
    var context = audioContext();
    if (context) {
      try {
        var now = context.currentTime;
        tone(context, now, 880, 0.25);
        tone(context, now + 0.3, 660, 0.4);
        return;
      } catch (error) { /* fall back to the file */ }
    }
    try {
      var played = new Audio(config.sound).play();
      if (played && played['catch']) { played['catch'](function () {}); }
    } catch (error) { /* no sound here: the vibration and the page say it */ }
  }

  function vibrate(pattern) {
    if (navigator.vibrate) { try { navigator.vibrate(pattern); } catch (error) { /* none */ } }
  }

  function alertVisitor() {
    vibrate([400, 200, 400, 200, 800]);
    beep();
  }

  function stop() {
    if (source) { source.close(); source = null; }
    if (pollTimer) { clearTimeout(pollTimer); pollTimer = null; }
  }

  function poll() {
    pollTimer = null;
    if (!view.live) { return; }
    var request = new XMLHttpRequest();
    request.open('GET', config.state, true);
    request.onreadystatechange = function () {
      if (request.readyState !== 4) { return; }
      if (request.status === 200) {
        setText('note', labels.live);
        byId('note').className = 'note live';
        receive(request.responseText);
      } else {
        setText('note', labels.offline);
      }
      if (view.live) { pollTimer = setTimeout(poll, config.poll_ms); }
    };
    request.send();
  }

  function connect() {
    if (!config.stream || !view.live) { return; }
    if (!window.EventSource) { poll(); return; }
    source = new EventSource(config.stream);
    source.onopen = function () {
      failures = 0;
      setText('note', labels.live);
      byId('note').className = 'note live';
    };
    source.onmessage = function (event) { failures = 0; receive(event.data); };
    source.onerror = function () {
      failures += 1;
      setText('note', labels.offline);
      byId('note').className = 'note offline';
      if (failures >= 3 && source) {
        source.close();
        source = null;
        pollTimer = setTimeout(poll, config.poll_ms);
      }
    };
  }

  var button = byId('alerts');
  if (button && view.live) {
    button.removeAttribute('hidden');
    button.onclick = function () {
      // browsers allow sound and vibration only after a tap on the page
      audioContext();
      vibrate(60);
      button.textContent = labels.alerts_on;
      button.disabled = true;
    };
  }
  connect();
}());
