// One WebSocket to /ws/subscribe carrying every channel a page follows. When it drops, it
// reconnects with the device simulator's backoff: 1 s doubling to 30 s, plus up to half that again
// at random, reset once a connection is up. Every (re)connection subscribes again and asks for the
// retained last message of each channel, and, where the page says since when, for the readings
// stored meanwhile: nothing shown goes stale or missing across a reconnect.
import { token } from './session.js';

const INITIAL_DELAY_MS = 1000;
const MAX_DELAY_MS = 30000;

export class LiveFeed {
  // channels: filters to follow; onMessage(channel, payload); onState('live' | 'retrying', detail);
  // onRefused(channel): a filter the token does not grant; sinceFor(channel): the epoch second after
  // which the hub should replay stored readings on a (re)subscribe, or null (resume after a reconnect).
  constructor(channels, { onMessage, onState, onRefused, sinceFor }) {
    this.channels = channels;
    this.onMessage = onMessage;
    this.sinceFor = sinceFor || (() => null);
    this.onState = onState || (() => {});
    this.onRefused = onRefused || (() => {});
    this.failures = 0;
    this.closed = false;
    this.requests = new Map();
    this.nextId = 1;
    this.connect();
  }

  connect() {
    const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    const url = scheme + '//' + window.location.host + '/ws/subscribe?token=' + encodeURIComponent(token());
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      this.failures = 0;
      this.onState('live');
      this.channels.forEach((channel) => this.subscribe(channel));
    };
    socket.onmessage = (event) => this.received(JSON.parse(event.data));
    socket.onclose = () => {
      if (this.closed) {
        return;
      }
      const base = Math.min(INITIAL_DELAY_MS * 2 ** this.failures, MAX_DELAY_MS);
      const delay = base + Math.random() * base / 2;
      this.failures++;
      this.onState('retrying', { delay, attempts: this.failures });
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }

  // One request per filter, so that a refused one is known by its id and the others still apply.
  subscribe(channel) {
    const id = this.nextId++;
    this.requests.set(id, channel);
    const request = { action: 'subscribe', channels: [channel], id, last: true };
    const since = this.sinceFor(channel);
    if (since !== null && since !== undefined) {
      request.since = since;
    }
    this.socket.send(JSON.stringify(request));
  }

  follow(channel) {
    if (!this.channels.includes(channel)) {
      this.channels.push(channel);
      if (this.socket.readyState === WebSocket.OPEN) {
        this.subscribe(channel);
      }
    }
  }

  received(message) {
    if (message.channel) {
      this.onMessage(message.channel, message.payload);
    } else if (message.error !== undefined && this.requests.has(message.id)) {
      const channel = this.requests.get(message.id);
      this.channels = this.channels.filter((c) => c !== channel);
      this.onRefused(channel, message.error);
    }
    if (message.id !== undefined) {
      this.requests.delete(message.id);
    } else if (message.ack !== undefined) {
      this.requests.delete(message.ack);
    }
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    this.socket.close(1000);
  }
}
