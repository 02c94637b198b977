// The console's frame: signs the user in or out, routes #/page/argument to a page module and keeps it live by
// polling every 3 seconds. A page is {title, mount(main, argument, query), update()}; add one to PAGES to grow.
import { loadSession, session, notice } from './lib.js';
import journeys from './pages/journeys.js';
import journey from './pages/journey.js';
import customers from './pages/customers.js';
import incidents from './pages/incidents.js';
import messages from './pages/messages.js';
import analytics from './pages/analytics.js';
import rules from './pages/rules.js';
import mailbox from './pages/mailbox.js';

const PAGES = { journeys, journey, customers, incidents, messages, analytics, rules, mailbox };
const REFRESH_MS = 3000;
let current = null;

async function route() {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const [name, ...rest] = path.split('/');
  const page = PAGES[name] || journeys;
  const argument = rest.map(decodeURIComponent).join('/') || null;
  document.querySelectorAll('#nav a').forEach(a => a.classList.toggle('active', a.getAttribute('href') === `#/${name || 'journeys'}`));
  notice(null);
  current = page;
  const main = document.getElementById('page');
  main.replaceChildren();
  document.title = `${page.title} · Touchpoint console`;
  try {
    await page.mount(main, argument, new URLSearchParams(query));
    stamp();
  } catch (e) {
    notice(e.message, true);
  }
}

async function refresh() {
  if (!current || !current.update || document.hidden) return;
  try {
    await current.update();
    stamp();
  } catch (e) {
    document.getElementById('updated').textContent = `cannot refresh: ${e.message}`;
  }
}

function stamp() {
  document.getElementById('updated').textContent = `live · ${new Date().toLocaleTimeString()}`;
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
