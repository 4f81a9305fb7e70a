// How the console prints times and values.
export function clock(epochMillis) {
  if (epochMillis === null || epochMillis === undefined) {
    return '';
  }
  const date = new Date(epochMillis);
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay ? date.toLocaleTimeString() : date.toLocaleString();
}

export function ago(epochMillis) {
  if (!epochMillis) {
    return '';
  }
  const seconds = Math.max(0, Math.round((Date.now() - epochMillis) / 1000));
  if (seconds < 90) {
    return seconds + ' s ago';
  }
  if (seconds < 5400) {
    return Math.round(seconds / 60) + ' min ago';
  }
  return Math.round(seconds / 3600) + ' h ago';
}

export function value(number, digits) {
  return number === null || number === undefined ? '' : Number(number).toFixed(digits);
}

export function count(number) {
  return Math.round(number).toLocaleString('en-US');
}

export function element(tag, attributes, ...children) {
  const node = document.createElement(tag);
  Object.entries(attributes || {}).forEach(([name, v]) => {
    if (name === 'className') {
      node.className = v;
    } else {
      node.setAttribute(name, v);
    }
  });
  children.forEach((child) => node.append(child));
  return node;
}

// Runs fn at most once per `ms`, however often it is asked for: live messages ask for a redraw
// each; the page draws a few times a second.
export class Throttle {
  constructor(fn, ms) {
    this.fn = fn;
    this.ms = ms;
    this.timer = null;
  }

  request() {
    if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.fn();
      }, this.ms);
    }
  }

  cancel() {
    clearTimeout(this.timer);
    this.timer = null;
  }
}
