// The page's script: sign in, get a short-lived aigate token from our own
// backend, and stream a chat answer through aigate with the official OpenAI
// JS SDK, served by the backend from node_modules (no CDN).
import OpenAI from '/vendor/openai/index.mjs';

const $ = (id) => document.getElementById(id);

// The current token and where to use it, held in memory only: never in
// localStorage, sessionStorage or a cookie, and never shown on the page.
let grant = null;

function setStatus(state, text) {
  $('status').dataset.state = state;
  $('status').textContent = text;
}

function showError(status, message) {
  $('error').dataset.status = status;
  $('error').textContent = message;
}

async function postJSON(path) {
  const res = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${path}: ${res.status} ${body.error ?? ''}`);
  return body;
}

async function signIn() {
  const { user } = await postJSON('/api/login');
  $('who').textContent = `Signed in as ${user}.`;
  $('get-token').disabled = false;
  $('ask').disabled = false;
  setStatus('signed-in', 'Signed in.');
}

// getToken asks our backend, which holds the aigate key, for a token for
// the signed-in user. A real app would get a new one shortly before
// expires_at, or after a 401; this demo only does so when asked, so that an
// expired token can be seen being refused.
async function getToken() {
  grant = await postJSON('/api/token');
  $('token-info').textContent = `Token for ${grant.model}, valid until ${new Date(grant.expires_at).toLocaleTimeString()}.`;
  setStatus('token', 'Got a token.');
}

async function ask(prompt) {
  if (!grant) await getToken();
  // dangerouslyAllowBrowser is safe here: the SDK's warning is about
  // putting a long-lived API key in a page, where anyone can copy it from
  // devtools. This apiKey is an aigate end-user token: it expires within
  // minutes, it is bound to one user, to this page's origin and to one
  // model, and revoking the backend's aigate key ends it at once. The
  // provider key stays in aigate; the aigate key stays in our backend.
  const client = new OpenAI({
    apiKey: grant.token,
    baseURL: grant.base_url,
    dangerouslyAllowBrowser: true,
  });
  const stream = await client.chat.completions.create({
    model: grant.model,
    messages: [{ role: 'user', content: prompt }],
    stream: true,
  });
  setStatus('streaming', 'Streaming…');
  const answer = $('answer');
  let deltas = 0;
  for await (const chunk of stream) {
    const text = chunk.choices[0]?.delta?.content;
    if (text) {
      answer.append(text);
      answer.dataset.deltas = String(++deltas);
    }
  }
}

$('login').addEventListener('click', () => {
  signIn().catch((err) => { showError('login', err.message); setStatus('error', 'Error.'); });
});

$('get-token').addEventListener('click', () => {
  getToken().catch((err) => { showError('token', err.message); setStatus('error', 'Error.'); });
});

$('ask-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  $('answer').textContent = '';
  $('answer').dataset.deltas = '0';
  showError('', '');
  setStatus('asking', 'Asking…');
  ask($('prompt').value).then(
    () => setStatus('done', 'Done.'),
    (err) => {
      // The SDK raises an APIError with the HTTP status when aigate refuses
      // (401 for an expired token, 403 for a wrong origin or model), and an
      // APIConnectionError when the browser itself blocks the call, as it
      // does when the gateway does not allow this page's origin (CORS).
      if (err instanceof OpenAI.APIError && err.status) {
        showError(String(err.status), `${err.name}: ${err.message}`);
      } else {
        showError('connection', `${err.name}: ${err.message}`);
      }
      setStatus('error', 'Error.');
    },
  );
});

setStatus('ready', 'Ready.');
