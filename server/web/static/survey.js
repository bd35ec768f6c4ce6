/* The SKM survey form: sent as JSON without leaving the page, then a thank-you.
   Without this script the form posts as plain HTML and the server answers with a page.
   On the tablet (/survey/N, with device.js) it also waits for the next visitor. */
(function () {
  'use strict';
  var section = document.getElementById('survey');
  var config = JSON.parse((document.getElementById('config') || {}).textContent || '{}');
  var labels = config.survey_labels || {};
  var device = window.AntrianDevice;
  var waiting = document.getElementById('survey-waiting');
  var POLL_MS = 3000;
  var THANKS_MS = 6000;

  function byId(id) { return document.getElementById(id); }

  function body(form) {
    var answers = {};
    var respondent = {};
    for (var i = 0; i < form.elements.length; i++) {
      var field = form.elements[i];
      if (!field.name || (field.type === 'radio' && !field.checked)) { continue; }
      if (/^u[1-9]$/.test(field.name)) { answers[field.name] = parseInt(field.value, 10); }
      else if (field.name === 'age' && field.value) { respondent.age = parseInt(field.value, 10); }
      else if (field.name !== 'comment' && field.name !== 'age' && field.value) {
        respondent[field.name] = field.value;
      }
    }
    var result = { answers: answers, respondent: respondent };
    if (form.elements.comment && form.elements.comment.value) {
      result.comment = form.elements.comment.value;
    }
    return result;
  }

  function showError(text) {
    var node = byId('survey-error');
    node.textContent = text;
    node.removeAttribute('hidden');
    node.scrollIntoView && node.scrollIntoView({ block: 'center' });
  }

  function enhance(form, url, headers, extra, done) {
    form.onsubmit = function (event) {
      event.preventDefault();
      var sent = body(form);
      if (Object.keys(sent.answers).length < 9) { showError(labels.missing); return; }
      for (var key in extra) { sent[key] = extra[key]; }
      var button = byId('survey-send');
      button.disabled = true;
      button.textContent = labels.sending;
      var request = new XMLHttpRequest();
      request.open('POST', url, true);
      request.setRequestHeader('Content-Type', 'application/json');
      for (var name in headers) { request.setRequestHeader(name, headers[name]); }
      request.onreadystatechange = function () {
        if (request.readyState !== 4) { return; }
        button.disabled = false;
        button.textContent = labels.send;
        if (request.status === 201 || request.status === 409) { done(); return; }
        var message = labels.failed;
        try { message = JSON.parse(request.responseText).message || message; } catch (e) { /* text */ }
        showError(message);
      };
      request.send(JSON.stringify(sent));
    };
  }

  function thank() {
    var form = byId('survey-form');
    if (form) { form.parentNode.removeChild(form); }
    byId('survey-thanks').removeAttribute('hidden');
    if (waiting) { waiting.setAttribute('hidden', ''); }
    window.scrollTo(0, 0);
  }

  if (!device) {  // the phone page
    var form = byId('survey-form');
    if (form && section) { enhance(form, section.getAttribute('data-api'), {}, {}, thank); }
    return;
  }

  // ---------------------------------------------------------------- the tablet
  var template = byId('survey-template');
  var shown = null;
  var thanking = false;

  function ask(found, ticket) {
    shown = ticket.id;
    waiting.setAttribute('hidden', '');
    var holder = byId('survey-holder');
    holder.innerHTML = '';
    holder.appendChild(template.content.cloneNode(true));
    device.setText('survey-heading', device.fill(labels.tablet_heading,
      { counter: found.counter, number: ticket.number }));
    var url = '/api/v1/counters/' + found.counter + '/survey';
    enhance(byId('survey-form'), url, { Authorization: 'Bearer ' + found.token },
      { ticket: ticket.id }, function () {
        thank();
        thanking = true;
        setTimeout(function () {
          holder.innerHTML = '';
          shown = null;
          thanking = false;
          showWaiting();
        }, THANKS_MS);
      });
  }

  function showWaiting() {
    if (shown === null) { waiting.removeAttribute('hidden'); }
  }

  async function run() {
    var found = await device.device();
    byId('screen').removeAttribute('hidden');
    document.body.classList.remove('starting');
    device.setText('survey-waiting-more', device.fill(labels.tablet_waiting_more,
      { counter: found.counter }));
    for (;;) {
      try {
        var answer = await device.api('/counters/' + found.counter + '/survey', { token: found.token });
        if (answer.status === 401) { window.location.reload(); return; }
        var ticket = answer.status === 200 ? answer.body.ticket : null;
        if (ticket && ticket.id !== shown) {
          ask(found, ticket);  // a new visitor (also one served while the last one hesitated)
        } else if (!ticket && shown !== null && !thanking) {
          byId('survey-holder').innerHTML = '';  // too late now, or answered elsewhere
          shown = null;
          showWaiting();
        }
      } catch (error) { /* the server is away: ask again */ }
      await device.sleep(POLL_MS);
    }
  }
  run();
}());
