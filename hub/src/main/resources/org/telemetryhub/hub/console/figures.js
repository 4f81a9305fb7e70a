// The hub's own figures in the header, polled from GET /api/hub every 2 s; readings per second is
// the change of the stored count between two polls.
import { get } from './api.js';
import { count } from './format.js';

const POLL_MS = 2000;

export class HubFigures {
  constructor(target, onError) {
    this.target = target;
    this.onError = onError;
    this.previous = null;
    this.poll();
    this.timer = setInterval(() => this.poll(), POLL_MS);
  }

  async poll() {
    let hub;
    try {
      hub = await get('/api/hub');
    } catch (e) {
      this.onError(e);
      return;
    }
    const now = performance.now();
    let rate = null;
    if (this.previous) {
      rate = (hub.readingsStored - this.previous.stored) / ((now - this.previous.at) / 1000);
    }
    this.previous = { stored: hub.readingsStored, at: now };
    this.target.innerHTML = '';
    const parts = [
      ['node', hub.node],
      ['device connections', count(hub.deviceConnections)],
      ['subscribers', count(hub.subscriberConnections)],
      ['readings/s', rate === null ? '…' : count(Math.max(0, rate))],
      ['subscriber losses', count(hub.subscriberMessagesLost)],
    ];
    parts.forEach(([label, v]) => {
      const span = document.createElement('span');
      span.dataset.figure = label;
      span.append(label + ' ');
      const b = document.createElement('b');
      b.textContent = v;
      span.append(b, '   ');
      this.target.append(span);
    });
  }

  stop() {
    clearInterval(this.timer);
  }
}
