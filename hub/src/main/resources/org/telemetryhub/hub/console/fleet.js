// The fleet page: every device with its state, since, last reading and node, live; counts by
// state; a filter by id; the alerts firing now. Live messages update a model; the table is drawn
// from it at most four times a second, and at most ROW_LIMIT rows, so that a large fleet at full
// rate does not hold the browser.
import { get } from './api.js';
import { clock, ago, value, count, element, Throttle } from './format.js';
import { LiveFeed } from './live.js';

const ROW_LIMIT = 500;
const DRAW_EVERY_MS = 250;
const STATES = ['online', 'silent', 'offline'];
const KINDS = ['status', 'readings', 'alerts'];

export class FleetPage {
  constructor(view, { onState, onError }) {
    this.view = view;
    this.onError = onError;
    this.devices = new Map();
    this.alerts = new Map();
    this.filter = '';
    this.refused = new Set();
    this.redraw = new Throttle(() => this.draw(), DRAW_EVERY_MS);
    this.refreshPending = false;
    this.filterInput = view.querySelector('#device-filter');
    this.filterInput.value = '';
    this.filterInput.oninput = () => {
      this.filter = this.filterInput.value.trim();
      this.draw();
    };
    this.feed = new LiveFeed(KINDS.map((kind) => kind + '/+'), {
      onMessage: (channel, payload) => this.received(channel, payload),
      onState,
      onRefused: (channel) => this.followEachDevice(channel.split('/')[0]),
    });
    this.load();
  }

  async load() {
    try {
      const [list, firing] = await Promise.all([get('/api/devices'), get('/api/alerts')]);
      list.devices.forEach((device) => this.devices.set(device.device, device));
      firing.alerts.forEach((alert) => this.alerts.set(alert.device + '/' + alert.rule, alert));
      this.refused.forEach((kind) => this.followEachDevice(kind));
    } catch (e) {
      this.onError(e);
    }
    this.draw();
  }

  // A subscriber token granted single devices cannot follow "status/+": follow each device it sees instead.
  followEachDevice(kind) {
    this.refused.add(kind);
    this.devices.forEach((_, id) => this.feed.follow(kind + '/' + id));
  }

  received(channel, payload) {
    const kind = channel.slice(0, channel.indexOf('/'));
    if (kind === 'status') {
      const known = this.devices.get(payload.device);
      const device = known || { device: payload.device, node: null, lastReading: null, lastSeen: null };
      if (!known || device.state !== payload.state) {
        this.refreshSoon();
      }
      if (!known) {
        this.refused.forEach((refusedKind) => this.feed.follow(refusedKind + '/' + payload.device));
      }
      Object.assign(device, { state: payload.state, since: payload.since, reason: payload.reason });
      this.devices.set(payload.device, device);
    } else if (kind === 'readings') {
      const device = this.devices.get(payload.device) || { device: payload.device, state: 'online' };
      device.lastReading = payload;
      device.lastSeen = Date.now();
      this.devices.set(payload.device, device);
    } else if (kind === 'alerts') {
      const key = payload.device + '/' + payload.rule;
      if (payload.state === 'firing') {
        this.alerts.set(key, payload);
      } else {
        this.alerts.delete(key);
      }
    }
    this.redraw.request();
  }

  // The node holding a device's connection is not in its status message: a change of state
  // reloads the list (at most once every 5 s) to learn it.
  refreshSoon() {
    if (this.refreshPending) {
      return;
    }
    this.refreshPending = true;
    this.refreshTimer = setTimeout(async () => {
      this.refreshPending = false;
      try {
        const list = await get('/api/devices');
        list.devices.forEach((fresh) => {
          const device = this.devices.get(fresh.device);
          this.devices.set(fresh.device, device ? Object.assign(device, { node: fresh.node }) : fresh);
        });
        this.redraw.request();
      } catch (e) {
        this.onError(e);
      }
    }, 5000);
  }

  draw() {
    const counts = { online: 0, silent: 0, offline: 0 };
    this.devices.forEach((device) => {
      counts[device.state] = (counts[device.state] || 0) + 1;
    });
    const countsView = this.view.querySelector('#state-counts');
    countsView.innerHTML = '';
    STATES.forEach((state) => countsView.append(
        element('span', { 'data-count': state, className: 'state-' + state }, state + ' ' + count(counts[state] || 0))));

    const shown = [...this.devices.values()]
        .filter((device) => device.device.includes(this.filter))
        .sort((a, b) => a.device.localeCompare(b.device, 'en', { numeric: true }));
    const body = this.view.querySelector('#devices tbody');
    body.replaceChildren(...shown.slice(0, ROW_LIMIT).map((device) => this.row(device)));
    const empty = this.view.querySelector('#devices-empty');
    empty.hidden = shown.length > 0 && shown.length <= ROW_LIMIT;
    empty.textContent = shown.length === 0 ? (this.devices.size === 0 ? 'No devices yet.' : 'No device matches the filter.')
        : 'Showing ' + ROW_LIMIT + ' of ' + count(shown.length) + ' devices: filter by id to narrow.';

    const alerts = [...this.alerts.values()].sort((a, b) => b.ts - a.ts);
    this.view.querySelector('#alerts tbody').replaceChildren(...alerts.map((alert) => element('tr',
        { 'data-device': alert.device, 'data-rule': alert.rule },
        element('td', {}, link(alert.device)), element('td', { className: 'state-firing' }, alert.rule),
        element('td', { className: 'num' }, value(alert.value, 1)), element('td', {}, clock(alert.ts * 1000)))));
    this.view.querySelector('#alerts-empty').hidden = alerts.length > 0;
  }

  row(device) {
    const reading = device.lastReading;
    return element('tr', { 'data-device': device.device, 'data-state': device.state },
        element('td', {}, link(device.device)),
        element('td', { className: 'state state-' + device.state }, device.state),
        element('td', { title: device.reason || '' }, clock(device.since)),
        element('td', {}, reading ? clock(reading.ts * 1000) : (device.lastSeen ? ago(device.lastSeen) : '')),
        element('td', { className: 'num' }, reading ? value(reading.temperature, 1) + ' °C' : ''),
        element('td', { className: 'num' }, reading ? value(reading.humidity, 1) + ' %' : ''),
        element('td', { className: 'num' }, reading ? value(reading.pressure, 1) + ' hPa' : ''),
        element('td', {}, device.node || ''));
  }

  close() {
    this.feed.close();
    clearTimeout(this.refreshTimer);
    this.redraw.cancel();
  }
}

function link(id) {
  return element('a', { href: '#/device/' + encodeURIComponent(id) }, id);
}
