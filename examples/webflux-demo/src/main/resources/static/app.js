'use strict';
// Submits the form, then follows the job's Server-Sent Events. Server text is only ever set as
// textContent, and media only from http(s) URLs.

const form = document.getElementById('job-form');
const family = document.getElementById('family');
const input = document.getElementById('input');
const inputLabel = document.getElementById('input-label');
const submit = document.getElementById('submit');
const errorBox = document.getElementById('error');
const jobBox = document.getElementById('job');
const requestIdBox = document.getElementById('request-id');
const statuses = document.getElementById('statuses');
const result = document.getElementById('result');
let events = null;

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = false;
}

function clearError() {
  errorBox.textContent = '';
  errorBox.hidden = true;
}

function syncInputField() {
  const speech = family.value === 'speech';
  input.name = speech ? 'text' : 'prompt';
  inputLabel.textContent = speech ? 'Text to speak' : 'Prompt';
  input.placeholder = speech ? 'Hello from async-invoke!' : 'a lighthouse at dusk, oil painting';
}

function addStatus(status, startedAt) {
  const last = statuses.lastElementChild;
  if (last && last.dataset.status === status) {
    return;
  }
  const item = document.createElement('li');
  item.dataset.status = status;
  item.className = 'status';
  item.append(status);
  const time = document.createElement('time');
  time.textContent = '+' + ((performance.now() - startedAt) / 1000).toFixed(1) + 's';
  item.append(time);
  statuses.append(item);
}

function safeUrl(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch (e) {
    return null;
  }
}

function showResult(data) {
  result.replaceChildren();
  const url = data.url ? safeUrl(data.url) : null;
  if (url && data.kind === 'image') {
    const img = document.createElement('img');
    img.id = 'result-image';
    img.alt = 'The generated image';
    img.src = url;
    result.append(img);
  } else if (url && data.kind === 'audio') {
    const audio = document.createElement('audio');
    audio.id = 'result-audio';
    audio.controls = true;
    audio.preload = 'metadata';
    audio.src = url;
    result.append(audio);
  } else {
    const message = document.createElement('p');
    message.id = 'job-error';
    message.className = 'error';
    message.textContent = 'The job failed: ' + (data.error || 'no reason given');
    result.append(message);
  }
}

function finish() {
  if (events) {
    // Closing matters: an EventSource reconnects by itself when the stream ends.
    events.close();
    events = null;
  }
  submit.disabled = false;
}

function follow(requestId, startedAt) {
  events = new EventSource('/api/jobs/' + encodeURIComponent(requestId) + '/events');
  events.addEventListener('status', event => addStatus(JSON.parse(event.data).status, startedAt));
  events.addEventListener('result', event => {
    showResult(JSON.parse(event.data));
    finish();
  });
  events.addEventListener('failure', event => {
    showError(JSON.parse(event.data).message);
    finish();
  });
  events.onerror = () => {
    if (events && events.readyState === EventSource.CLOSED) {
      showError('Lost the connection to the server.');
      finish();
    }
  };
}

form.addEventListener('submit', async event => {
  event.preventDefault();
  clearError();
  finish();
  submit.disabled = true;
  const startedAt = performance.now();
  try {
    const response = await fetch('/api/jobs', { method: 'POST', body: new URLSearchParams(new FormData(form)) });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      showError(body.error || ('The server answered HTTP ' + response.status + '.'));
      submit.disabled = false;
      return;
    }
    jobBox.hidden = false;
    requestIdBox.textContent = body.request_id;
    statuses.replaceChildren();
    result.replaceChildren();
    addStatus(body.status, startedAt);
    follow(body.request_id, startedAt);
  } catch (e) {
    showError('Could not reach the server: ' + e.message);
    submit.disabled = false;
  }
});

family.addEventListener('change', syncInputField);
syncInputField();

fetch('/api/info').then(r => r.json()).then(info => {
  const mode = document.getElementById('mode');
  mode.textContent = info.mode === 'simulator'
    ? 'Running on the embedded simulator: nothing leaves this machine. Put ' + info.fail_word
      + ' in the prompt to see a job fail.'
    : 'Jobs go to DigitalOcean Serverless Inference.';
  mode.hidden = false;
}).catch(() => {});
