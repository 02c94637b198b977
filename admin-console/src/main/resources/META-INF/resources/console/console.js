// The console's frame: signs the user in or out, routes #/page/argument to a page module and keeps it live by
// polling every 3 seconds. A page is {title, mount(main, argument, query), update()}; add one to PAGES to grow.
// title may be a function of the argument. A refresh updates values in place (lib.js render) and waits while the user
// selects text or types in a field; when the engine cannot be reached a banner says so and the figures are marked stale.
import { loadSession, session, notice, el } from './lib.js';
import journeys from './pages/journeys.js';
import journey from './pages/journey.js';
import customers from './pages/customers.js';
import run from './pages/run.js';
import incidents from './pages/incidents.js';
import messages from './pages/messages.js';
import analytics from './pages/analytics.js';
import rules from './pages/rules.js';
import mailbox from './pages/mailbox.js';
import offers from './pages/offers.js';
import segments from './pages/segments.js';
import tryJourney from './pages/try.js';

const PAGES = { journeys, journey, customers, run, incidents, messages, analytics, rules, offers, segments, mailbox, try: tryJourney };
const NAV = { journey: 'journeys', run: 'journeys' };
const REFRESH_MS = 3000;
let current = null;
let lastGood = null;
let busy = Promise.resolve(); // the mount or refresh under way: the next one waits for it, so none writes into another page

const notFound = {
  title: 'Page not found',
  async mount(main, argument, query, name) {
    main.append(el('h1', {}, 'Page not found'),
      el('p', { id: 'not-found' }, `There is no page "${name}". `, el('a', { href: '#/journeys' }, 'Go to the journeys.')));
  },
};

function route() {
  busy = busy.then(show, show);
  return busy;
}

async function show() {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const [name = '', ...rest] = path.split('/');
  const page = name === '' ? journeys : (Object.hasOwn(PAGES, name) ? PAGES[name] : notFound);
  const argument = rest.map(decodeURIComponent).join('/') || null;
  const section = `#/${NAV[name] || name || 'journeys'}`;
  document.querySelectorAll('#nav a').forEach(a => {
    const active = a.getAttribute('href') === section;
    a.classList.toggle('active', active);
    if (active) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  notice(null);
  current = page;
  const main = document.getElementById('page');
  main.replaceChildren();
  main.classList.remove('stale');
  const title = typeof page.title === 'function' ? page.title(argument) : page.title;
  document.title = `${title} · Touchpoint console`;
  try {
    await page.mount(main, argument, new URLSearchParams(query), name);
    reachable();
  } catch (e) {
    if (e.unreachable) unreachable(e); else notice(e.message, true);
  }
}

/** The user is reading or typing: a text selection or a focused field in the page. Refresh after they are done. */
function userIsBusy() {
  const selection = document.getSelection();
  if (selection && !selection.isCollapsed && document.getElementById('page').contains(selection.anchorNode)) return true;
  const focused = document.activeElement;
  return !!focused && focused.matches('#page input:not([type=checkbox]):not([type=radio]), #page select, #page textarea');
}

let refreshQueued = false;

function refresh() {
  if (refreshQueued) return busy; // a slow engine: do not pile refreshes up
  refreshQueued = true;
  const run = () => { refreshQueued = false; return update(); };
  busy = busy.then(run, run);
  return busy;
}

async function update() {
  if (!current || !current.update || document.hidden || userIsBusy()) return;
  try {
    await current.update();
    reachable();
  } catch (e) {
    if (e.unreachable) unreachable(e);
    else document.getElementById('updated').textContent = `cannot refresh: ${e.message}`;
  }
}

function reachable() {
  lastGood = new Date();
  document.getElementById('updated').textContent = `live · ${lastGood.toLocaleTimeString()}`;
  document.getElementById('unreachable').hidden = true;
  document.getElementById('page').classList.remove('stale');
}

function unreachable() {
  const since = lastGood ? `the figures below are from ${lastGood.toLocaleTimeString()} and may be out of date` : 'nothing could be loaded';
  const banner = document.getElementById('unreachable');
  const text = `The engine cannot be reached: ${since}. The console keeps trying every few seconds.`;
  if (banner.textContent !== text) banner.textContent = text;
  banner.hidden = false;
  document.getElementById('page').classList.add('stale');
  document.getElementById('updated').textContent = 'engine unreachable';
}

await loadSession();
if (!session.user) {
  location.href = '/console/login.html';
} else {
  document.getElementById('user').textContent = `${session.user} (${session.roles[session.roles.length - 1]})`;
  const csrf = document.getElementById('sign-out-csrf');
  csrf.name = session.csrf.parameter;
  csrf.value = session.csrf.token;
  window.addEventListener('hashchange', route);
  await route();
  setInterval(refresh, REFRESH_MS);
}
