/* Antrian /tv: the waiting-room display in a browser, with the spoken announcements.
 *
 * An announcement is the chime, then "Nomor antrian, A, seratus dua puluh tiga, silakan
 * menuju loket, tiga" from the voice clips, the gaps of the Qt display. Announcements are
 * queued: each starts when the one before has ended, never over it. Browsers keep sound
 * off until one press ("Aktifkan suara"); until then calls are shown, not spoken.
 * `window.antrianAnnouncements` logs what was spoken (times in the audio clock's seconds).
 */
(function () {
  "use strict";

  var D = window.AntrianDevice;
  var config = D.config;
  var labels = D.labels;
  var RECENT_SHOWN = 6;
  var FLASH_MS = 6000;
  var STALE_CALL_MS = 60000;  // a call older than this (replayed after a drop) is not spoken
  var GAP_S = { word: 0.08, segment: 0.25, chime: 0.35, language: 0.8 };

  // ---------------------------------------------------------------- number words

  var ID_DIGITS = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"];
  var EN_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen"];
  var EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

  function idBelowThousand(value) {
    var hundreds = Math.floor(value / 100), rest = value % 100, words = [];
    if (hundreds === 1) words.push("seratus");
    else if (hundreds > 1) words.push(ID_DIGITS[hundreds], "ratus");
    var tens = Math.floor(rest / 10), ones = rest % 10;
    if (rest === 10) words.push("sepuluh");
    else if (rest === 11) words.push("sebelas");
    else if (tens === 1) words.push(ID_DIGITS[ones], "belas");
    else {
      if (tens > 1) words.push(ID_DIGITS[tens], "puluh");
      if (ones) words.push(ID_DIGITS[ones]);
    }
    return words;
  }

  function enBelowThousand(value) {
    var hundreds = Math.floor(value / 100), rest = value % 100, words = [];
    if (hundreds) words.push(EN_ONES[hundreds], "hundred");
    if (rest >= 20) {
      words.push(EN_TENS[Math.floor(rest / 10)]);
      if (rest % 10) words.push(EN_ONES[rest % 10]);
    } else if (rest) words.push(EN_ONES[rest]);
    return words;
  }

  function numberWords(value, language) {
    if (value === 0) return [language === "id" ? "nol" : "zero"];
    var thousands = Math.floor(value / 1000), rest = value % 1000, words = [];
    if (language === "id") {
      if (thousands === 1) words.push("seribu");
      else if (thousands > 1) words.push(ID_DIGITS[thousands], "ribu");
      return words.concat(idBelowThousand(rest));
    }
    if (thousands) words.push(EN_ONES[thousands], "thousand");
    return words.concat(enBelowThousand(rest));
  }

  var LEAD_IN = { id: ["nomor_antrian", "Nomor antrian"], en: ["number", "Number"] };
  var TO_COUNTER = { id: ["silakan_menuju_loket", "silakan menuju loket"], en: ["please_go_to_counter", "please go to counter"] };

  /* Segments of [folder, clip] and the text said, like counter_display.display.phrases. */
  function phrase(number, counter, voices) {
    var match = /^\s*([A-Za-z]{1,3})-?0*([0-9]+)\s*$/.exec(number);
    if (!match || counter < 1 || counter > 9999) return null;
    var letters = match[1].toUpperCase(), value = parseInt(match[2], 10);
    if (value > 9999) return null;
    var segments = [{ folder: "sounds", clips: ["chime"] }], texts = [];
    voices.forEach(function (language) {
      var letterClips = letters.split("").map(function (letter) { return "letter_" + letter.toLowerCase(); });
      segments.push({ folder: language, clips: [LEAD_IN[language][0]] });
      segments.push({ folder: language, clips: letterClips });
      segments.push({ folder: language, clips: numberWords(value, language) });
      segments.push({ folder: language, clips: [TO_COUNTER[language][0]] });
      segments.push({ folder: language, clips: numberWords(counter, language) });
      texts.push(LEAD_IN[language][1] + " " + letters + " " + numberWords(value, language).join(" ") +
        ", " + TO_COUNTER[language][1] + " " + numberWords(counter, language).join(" "));
    });
    return { segments: segments, text: texts.join(" / ") };
  }

  // ---------------------------------------------------------------- the announcer

  var announcer = {
    context: null,
    buffers: {},
    queue: [],
    playing: false,
    log: [],
  };
  window.antrianAnnouncements = announcer.log;

  function clipUrl(folder, clip) {
    var version = config.clips[folder + "/" + clip];
    return "/voice/" + folder + "/" + clip + ".wav" + (version ? "?v=" + version : "");
  }

  function loadClip(folder, clip) {
    var key = folder + "/" + clip;
    if (!announcer.buffers[key]) {
      announcer.buffers[key] = fetch(clipUrl(folder, clip))
        .then(function (response) {
          if (!response.ok) throw new Error("clip " + key + ": " + response.status);
          return response.arrayBuffer();
        })
        .then(function (data) {
          return new Promise(function (resolve, reject) {
            announcer.context.decodeAudioData(data, resolve, reject);
          });
        })
        .catch(function (error) {
          console.warn("voice clip skipped", key, String(error));
          delete announcer.buffers[key];
          return null;
        });
    }
    return announcer.buffers[key];
  }

  function enableSound() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    if (!announcer.context) {
      announcer.context = new Context();
      // a TV that suspends its audio (power saving, another app) shows the button again
      announcer.context.onstatechange = function () {
        var running = announcer.context.state === "running";
        document.body.classList.toggle("sound-on", running);
        D.setText("sound-note", running ? labels.sound_on : labels.sound_off);
      };
    }
    announcer.context.resume().then(function () {
      document.body.classList.add("sound-on");
      D.setText("sound-note", labels.sound_on);
      // the whole vocabulary of the configured voices, fetched once in the background
      Object.keys(config.clips).forEach(function (key) {
        var parts = key.split("/");
        if (parts[0] === "sounds" || config.voices.indexOf(parts[0]) >= 0) loadClip(parts[0], parts[1]);
      });
      pump();
    });
  }

  function soundOn() {
    return announcer.context !== null && announcer.context.state === "running";
  }

  function announce(call) {
    if (!soundOn()) return;  // silent until the press: shown, not spoken, not saved for later
    var same = announcer.queue.some(function (queued) { return queued.seq === call.seq; });
    if (!same) announcer.queue.push(call);
    pump();
  }

  /* Play the next queued announcement once the previous one has ended. */
  async function pump() {
    if (announcer.playing || !announcer.queue.length || !soundOn()) return;
    announcer.playing = true;
    var call = announcer.queue.shift();
    try {
      var spoken = phrase(call.number, call.counter, config.voices);
      if (spoken) await play(call, spoken);
    } catch (error) {
      console.error("announcement failed", error);
    }
    announcer.playing = false;
    pump();
  }

  async function play(call, spoken) {
    var context = announcer.context;
    var loaded = await Promise.all(spoken.segments.map(function (segment) {
      return Promise.all(segment.clips.map(function (clip) { return loadClip(segment.folder, clip); }));
    }));
    var at = context.currentTime + 0.05, started = at, previous = null, last = null;
    spoken.segments.forEach(function (segment, index) {
      if (previous !== null) {
        if (previous.folder === "sounds") at += GAP_S.chime;
        else if (previous.folder !== segment.folder) at += GAP_S.language;
        else at += GAP_S.segment;
      }
      loaded[index].forEach(function (buffer, clipIndex) {
        if (clipIndex) at += GAP_S.word;
        if (!buffer) return;
        var source = context.createBufferSource();
        source.buffer = buffer;
        source.connect(context.destination);
        source.start(at);
        at += buffer.duration;
        last = source;
      });
      previous = segment;
    });
    var entry = {
      number: call.number, counter: call.counter, recall: call.recall, seq: call.seq,
      text: spoken.text, start: started, end: at, duration: at - started,
    };
    announcer.log.push(entry);
    await new Promise(function (resolve) {
      var done = false;
      function finish() {
        if (!done) { done = true; resolve(); }
      }
      if (last) last.onended = finish;
      // a stuck audio output must not hold the queue: the planned end and a grace period
      setTimeout(finish, (at - context.currentTime) * 1000 + 5000);
    });
    entry.ended = context.currentTime;
  }

  // ---------------------------------------------------------------- the screen

  function serviceName(service) {
    return (config.lang === "en" ? service.name_en : service.name) || service.name || service.code;
  }

  function counterName(state, number) {
    var counter = state.counters[number];
    return counter && counter.name ? counter.name : "Loket " + number;
  }

  var flashTimer = null;
  var shownCall = null;

  /* The office-local calendar day of a time, as "YYYY-MM-DD" (for today / tomorrow). */
  function localDay(date, zone) {
    try {
      return new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit", timeZone: zone }).format(date);
    } catch (error) {
      return date.toISOString().slice(0, 10);
    }
  }

  /* Why a closed service is closed and when it opens again, as the Qt display says it:
   * "Istirahat salat Jumat · Buka kembali pukul 13.00", "Kantor tutup: Hari Raya Natal". */
  function closedText(state, service) {
    var note = service.closed_note;
    if (service.closed_reason === "holiday") {
      return note ? D.fill(labels.closed_holiday_note, { note: note }) : labels.closed_holiday;
    }
    var text = note || labels["closed_reason_" + service.closed_reason] || labels.closed_reason_closed;
    if (!service.opens_at) return text;
    var opens = new Date(service.opens_at);
    var zone = state.timezone || config.timezone;
    var locale = config.lang === "en" ? "en-GB" : "id-ID";
    var time, day;
    try {
      time = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", timeZone: zone }).format(opens);
      day = new Intl.DateTimeFormat(locale, { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: zone }).format(opens);
    } catch (error) {
      time = opens.toTimeString().slice(0, 5);
      day = opens.toDateString();
    }
    var now = new Date(Date.now() - (state.serverOffsetMs || 0));
    var today = localDay(now, zone), tomorrow = localDay(new Date(now.getTime() + 86400000), zone);
    var opensDay = localDay(opens, zone);
    var when = opensDay <= today ? D.fill(labels.opens_today, { time: time }) :
      opensDay === tomorrow ? D.fill(labels.opens_tomorrow, { time: time }) :
        D.fill(labels.opens_later, { date: day, time: time });
    return text + " · " + when;
  }

  function render(state) {
    var calls = state.recent.map(function (id) { return state.tickets[id]; }).filter(Boolean);
    var featured = calls[0];
    var key = featured ? featured.id + ":" + featured.called_at + ":" + featured.recalls : null;
    if (featured) {
      D.setText("call-number", featured.number);
      D.setText("call-counter", D.fill(labels.to_counter, { counter: counterName(state, featured.counter) }));
    } else {
      D.setText("call-number", "—");
      D.setText("call-counter", labels.nobody_called);
    }
    if (key !== shownCall && shownCall !== null && featured) {
      var calling = document.querySelector(".calling");
      calling.classList.remove("flash");
      void calling.offsetWidth;  // restart the animation
      calling.classList.add("flash");
      clearTimeout(flashTimer);
      flashTimer = setTimeout(function () { calling.classList.remove("flash"); }, FLASH_MS);
    }
    shownCall = key;

    var list = D.byId("recent-calls");
    var items = calls.slice(1, 1 + RECENT_SHOWN).map(function (ticket) {
      var item = D.make("li", "recent-call");
      item.appendChild(D.make("span", "recent-number", ticket.number));
      item.appendChild(D.make("span", "recent-counter", counterName(state, ticket.counter)));
      return item;
    });
    list.replaceChildren.apply(list, items);

    var waiting = D.byId("waiting");
    var rows = state.serviceOrder.map(function (code) {
      var service = state.services[code];
      var row = D.make("li", "service" + (service.open ? "" : " closed"));
      row.dataset.code = code;
      row.appendChild(D.make("span", "service-code", code));
      row.appendChild(D.make("span", "service-name", serviceName(service)));
      row.appendChild(D.make("span", "service-count",
        service.open ? D.fill(labels.waiting_count, { count: service.waiting }) :
          labels.closed + (service.waiting ? " · " + D.fill(labels.waiting_count, { count: service.waiting }) : "")));
      if (!service.open) row.appendChild(D.make("span", "service-closed", closedText(state, service)));
      return row;
    });
    waiting.replaceChildren.apply(waiting, rows);
  }

  // ---------------------------------------------------------------- the office's figures

  /* A measured average, to the nearest minute: "12 menit", "1 jam 5 menit". */
  function averageWait(seconds) {
    if (seconds < 60) return labels.figures_under_a_minute;
    var minutes = Math.floor(seconds / 60 + 0.5);
    var parts = [];
    var hours = Math.floor(minutes / 60);
    minutes = minutes % 60;
    if (hours) parts.push(hours === 1 ? labels.figures_hour : D.fill(labels.figures_hours, { hours: hours }));
    if (minutes) parts.push(minutes === 1 ? labels.figures_minute : D.fill(labels.figures_minutes, { minutes: minutes }));
    return parts.join(" ");
  }

  function monthName(month) {
    var parts = /^([0-9]{4})-([0-9]{2})$/.exec(month || "");
    if (!parts) return month || "";
    var locale = config.lang === "en" ? "en-GB" : "id-ID";
    try {
      return new Intl.DateTimeFormat(locale, { month: "long", year: "numeric", timeZone: "UTC" })
        .format(new Date(Date.UTC(+parts[1], +parts[2] - 1, 1)));
    } catch (error) { return month; }
  }

  /* "Rata-rata waktu tunggu hari ini 12 menit · IKM November 2026: 86,45 (B, Baik)" */
  function figuresText(figures) {
    if (!figures) return "";
    var parts = [];
    if (typeof figures.avg_wait_s_today === "number") {
      parts.push(D.fill(labels.figures_wait, { wait: averageWait(figures.avg_wait_s_today) }));
    }
    if (typeof figures.ikm === "number" && figures.ikm_month && labels["grade_" + figures.grade]) {
      var score = figures.ikm.toFixed(2);
      parts.push(D.fill(labels.figures_ikm, {
        month: monthName(figures.ikm_month), ikm: config.lang === "en" ? score : score.replace(".", ","),
        grade: figures.grade, performance: labels["grade_" + figures.grade],
      }));
    }
    return parts.join(" · ");
  }

  function renderTicker(state) {
    var figures = figuresText(state.figures);
    D.setText("ticker-text", figures ? figures + " • " + config.ticker : config.ticker);
  }

  function onChanged(state, message, live) {
    render(state);
    renderTicker(state);
    if (!live || !message.ticket) return;
    if (message.type !== "ticket.called" && message.type !== "ticket.recalled") return;
    var age = Date.now() - state.serverOffsetMs - Date.parse(message.at);
    if (age > STALE_CALL_MS) return;
    announce({
      number: message.ticket.number, counter: message.ticket.counter,
      recall: message.type === "ticket.recalled", seq: message.seq,
    });
  }

  var streamed = null;

  function tick() {
    var offset = streamed ? streamed.state.serverOffsetMs : 0;
    var now = new Date(Date.now() - offset);
    var zone = streamed ? streamed.state.timezone : config.timezone;
    var locale = config.lang === "en" ? "en-GB" : "id-ID";
    try {
      D.setText("time", new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", timeZone: zone }).format(now));
      D.setText("date", new Intl.DateTimeFormat(locale, { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: zone }).format(now));
    } catch (error) {
      D.setText("time", now.toTimeString().slice(0, 5));
      D.setText("date", now.toDateString());
    }
  }

  async function start() {
    D.setText("ticker-text", config.ticker);
    D.byId("sound-button").addEventListener("click", enableSound);
    var found = await D.device();
    tick();
    setInterval(tick, 1000);
    streamed = D.stream(found, { changed: onChanged });
  }

  window.AntrianTv = {
    phrase: phrase, numberWords: numberWords, announcer: announcer, figuresText: figuresText,
  };
  start();
})();
