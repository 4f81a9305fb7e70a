// The device page: the last hour of temperature, humidity and pressure as charts (history from
// the REST API, then live readings), the device's status changes and its alerts.
import { get } from './api.js';
import { clock, value, element, Throttle } from './format.js';
import { LiveFeed } from './live.js';

const WINDOW_SECONDS = 3600;
const PAGE_LIMIT = 10000;
const MAX_PAGES = 10;
const DRAW_EVERY_MS = 500;
const LOG_LIMIT = 200;
const SERIES = [
  { field: 'temperature', label: 'Temperature (°C)', stroke: '#c53030' },
  { field: 'humidity', label: 'Humidity (%)', stroke: '#2f6fde' },
  { field: 'pressure', label: 'Pressure (hPa)', stroke: '#1a8f4c' },
];

export class DevicePage {
  constructor(view, id, { onState, onError }) {
    this.view = view;
    this.id = id;
    this.onError = onError;
    this.readings = new Map(); // ts -> reading: history and live overlap at the seam; one per ts
    this.redraw = new Throttle(() => this.draw(), DRAW_EVERY_MS);
    view.querySelector('#device-title').textContent = id;
    view.querySelector('#device-state').textContent = '';
    view.querySelector('#device-status-log').replaceChildren();
    view.querySelector('#device-alerts').replaceChildren();
    this.charts = SERIES.map((series) => this.chart(series));
    // Live first, then history: a reading that arrives while the history loads is kept either way.
    this.feed = new LiveFeed(['readings/', 'status/', 'alerts/'].map((kind) => kind + id), {
      onMessage: (channel, payload) => this.received(channel, payload),
      onState,
      // After a reconnect the hub replays the readings stored since the newest one charted.
      sinceFor: (channel) => (channel.startsWith('readings/') && this.readings.size > 0 ? this.newestTs() : null),
    });
    this.load();
  }

  chart(series) {
    const target = this.view.querySelector('#chart-' + series.field);
    target.replaceChildren();
    target.dataset.points = '0';
    const options = {
      title: series.label,
      width: Math.max(300, target.clientWidth || 800),
      height: 180,
      series: [{}, { label: series.label, stroke: series.stroke, width: 1.5, spanGaps: false }],
      scales: { x: { time: true } },
    };
    return { series, target, plot: new uPlot(options, [[], []], target) };
  }

  async load() {
    try {
      const device = await get('/api/devices/' + encodeURIComponent(this.id));
      this.showState(device);
      const firing = await get('/api/alerts');
      firing.alerts.filter((alert) => alert.device === this.id).forEach((alert) => this.logAlert(alert));
      await this.loadHistory();
    } catch (e) {
      if (e.status === 404) {
        this.view.querySelector('#device-state').textContent = 'No device "' + this.id + '" is known to this hub.';
        return;
      }
      this.onError(e);
    }
  }

  // The API keeps the oldest rows of a window that holds more than the limit: ask again from the
  // last one until the window is complete.
  async loadHistory() {
    let from = Math.floor(Date.now() / 1000) - WINDOW_SECONDS;
    for (let page = 0; page < MAX_PAGES; page++) {
      const history = await get('/api/devices/' + encodeURIComponent(this.id) + '/readings?limit=' + PAGE_LIMIT + '&from=' + from);
      history.readings.forEach((reading) => this.readings.set(reading.ts, reading));
      if (!history.truncated || history.readings.length === 0) {
        break;
      }
      from = history.readings[history.readings.length - 1].ts + 1;
    }
    this.redraw.request();
  }

  newestTs() {
    let newest = 0;
    for (const ts of this.readings.keys()) {
      newest = Math.max(newest, ts);
    }
    return newest;
  }

  received(channel, payload) {
    if (channel.startsWith('readings/')) {
      this.readings.set(payload.ts, payload);
      this.redraw.request();
    } else if (channel.startsWith('status/')) {
      this.showState(payload);
      this.log('#device-status-log', payload.since, payload.state + (payload.reason ? ' (' + payload.reason + ')' : ''),
          'state-' + payload.state);
    } else if (channel.startsWith('alerts/')) {
      this.logAlert(payload);
    }
  }

  showState(device) {
    const text = device.state + ' since ' + clock(device.since) + (device.node ? ' on node ' + device.node : '');
    const target = this.view.querySelector('#device-state');
    target.textContent = text;
    target.className = 'device-state state state-' + device.state;
    target.dataset.state = device.state;
  }

  logAlert(alert) {
    this.log('#device-alerts', alert.ts * 1000, alert.rule + ' ' + alert.state + ' at ' + value(alert.value, 1),
        alert.state === 'firing' ? 'state-firing' : '');
  }

  log(selector, epochMillis, text, className) {
    const list = this.view.querySelector(selector);
    const last = list.firstElementChild;
    const line = clock(epochMillis) + '  ' + text;
    if (last && last.textContent === line) {
      return; // the retained message sent again after a reconnect
    }
    list.prepend(element('li', { className }, line));
    while (list.children.length > LOG_LIMIT) {
      list.lastElementChild.remove();
    }
  }

  draw() {
    const oldest = Math.floor(Date.now() / 1000) - WINDOW_SECONDS;
    for (const ts of this.readings.keys()) {
      if (ts < oldest) {
        this.readings.delete(ts);
      }
    }
    const rows = [...this.readings.values()].sort((a, b) => a.ts - b.ts);
    const times = rows.map((reading) => reading.ts);
    this.charts.forEach(({ series, target, plot }) => {
      plot.setData([times, rows.map((reading) => reading[series.field])]);
      target.dataset.points = String(rows.length);
    });
  }

  close() {
    this.feed.close();
    this.redraw.cancel();
    this.charts.forEach(({ plot }) => plot.destroy());
  }
}
