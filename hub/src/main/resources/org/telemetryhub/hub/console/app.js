// The console's shell: sign-in, the page for the address (#/ the fleet, #/device/<id> one device),
// the hub's figures, and the messages a user needs when the token is refused or the hub is gone.
import { ApiError, get } from './api.js';
import { takeTokenFromAddress, token, signIn, signOut } from './session.js';
import { FleetPage } from './fleet.js';
import { DevicePage } from './device.js';
import { HubFigures } from './figures.js';

const $ = (selector) => document.querySelector(selector);
let page = null;
let figures = null;
let retryTimer = null;
let failures = 0;

function show(id) {
  ['#sign-in', '#fleet', '#device'].forEach((selector) => { $(selector).hidden = selector !== id; });
  $('#sign-out').hidden = id === '#sign-in';
}

function banner(text) {
  $('#banner').textContent = text || '';
  $('#banner').hidden = !text;
}

function stopAll() {
  if (page) {
    page.close();
    page = null;
  }
  if (figures) {
    figures.stop();
    figures = null;
  }
  clearTimeout(retryTimer);
}

function askForToken(message) {
  stopAll();
  signOut();
  $('#live-state').dataset.state = 'idle';
  $('#hub-figures').textContent = '';
  $('#sign-in-error').textContent = message || '';
  banner('');
  show('#sign-in');
  $('#token-input').focus();
}

// Any failure of a request: a refused token goes back to sign-in saying why; an unreachable hub
// is said in the banner while the pages keep retrying.
function failed(error) {
  if (error instanceof ApiError && error.kind === 'refused') {
    askForToken('The hub refused this token: ' + error.message);
  } else if (error instanceof ApiError && error.kind === 'unreachable') {
    banner('The hub is unreachable (' + error.message + '); retrying.');
  } else {
    banner('The hub answered with an error: ' + error.message);
  }
}

function liveState(state, detail) {
  $('#live-state').dataset.state = state;
  if (state === 'live') {
    banner('');
  } else if (detail) {
    // A refused token also ends in a closed socket: ask the API which it was.
    get('/api/hub').then(
        () => banner('Live updates lost; reconnecting in ' + Math.round(detail.delay / 1000) + ' s (attempt ' + detail.attempts + ').'),
        failed);
  }
}

function route() {
  if (page) {
    page.close();
    page = null;
  }
  const handlers = { onState: liveState, onError: failed };
  const device = /^#\/device\/(.+)$/.exec(window.location.hash);
  if (device) {
    show('#device');
    page = new DevicePage($('#device'), decodeURIComponent(device[1]), handlers);
  } else {
    show('#fleet');
    page = new FleetPage($('#fleet'), handlers);
  }
}

// Checks the token once before opening any page, retrying with backoff while the hub is unreachable.
async function start() {
  stopAll();
  if (!token()) {
    askForToken('');
    return;
  }
  try {
    await get('/api/hub');
  } catch (e) {
    failed(e);
    if (e instanceof ApiError && e.kind !== 'refused') {
      const base = Math.min(1000 * 2 ** failures, 30000);
      failures++;
      retryTimer = setTimeout(start, base + Math.random() * base / 2);
    }
    return;
  }
  failures = 0;
  banner('');
  figures = new HubFigures($('#hub-figures'), failed);
  route();
}

$('#sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = $('#token-input').value.trim();
  if (!value) {
    $('#sign-in-error').textContent = 'Paste a token first.';
    return;
  }
  signIn(value);
  $('#token-input').value = '';
  start();
});
$('#sign-out').addEventListener('click', () => askForToken(''));
window.addEventListener('hashchange', () => {
  if (window.location.hash.startsWith('#token=')) {
    takeTokenFromAddress();
    start();
  } else if (figures) {
    route();
  }
});

takeTokenFromAddress();
start();
