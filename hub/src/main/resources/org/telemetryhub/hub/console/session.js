// The token the console signs in with. Kept in sessionStorage: it lives as long as the tab, and
// a token given in the address (#token=..., as the demo prints it) is moved there and out of the
// address bar, so that it is neither bookmarked nor sent to the server in a URL.
const KEY = 'telemetry-hub-token';

export function takeTokenFromAddress() {
  const match = /^#token=([^&]+)/.exec(window.location.hash);
  if (match) {
    sessionStorage.setItem(KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', window.location.pathname + '#/');
  }
}

export function token() {
  return sessionStorage.getItem(KEY);
}

export function signIn(value) {
  sessionStorage.setItem(KEY, value.trim());
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}
