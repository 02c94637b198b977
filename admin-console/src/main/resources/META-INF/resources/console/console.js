// The console's first page: journeys with live counts and the development mailbox, refreshed every 5 seconds.
const text = (value) => document.createTextNode(value == null ? '' : String(value));

function row(cells) {
  const tr = document.createElement('tr');
  for (const cell of cells) {
    const td = document.createElement('td');
    td.appendChild(cell instanceof Node ? cell : text(cell));
    tr.appendChild(td);
  }
  return tr;
}

function fill(tableId, rows, emptyMessage, columns) {
  const body = document.querySelector(`#${tableId} tbody`);
  body.replaceChildren(...(rows.length ? rows : [row([emptyMessage])]));
  if (!rows.length) body.firstChild.firstChild.colSpan = columns;
}

async function loadJourneys() {
  const journeys = await (await fetch('/api/console/journeys')).json();
  fill('journeys', journeys.map(j => row([
    `${j.name || j.key} (${j.key})`, j.version, j.active, j.completed,
    Object.entries(j.waitingAt).map(([step, n]) => `${step}: ${n}`).join(', ')
  ])), 'No journeys deployed.', 5);
}

async function loadMailbox() {
  const response = await fetch('/api/dev/mailbox');
  if (response.status === 404) { document.getElementById('mailbox-section').hidden = true; return; }
  const mails = await response.json();
  fill('mailbox', mails.map(m => {
    const pre = document.createElement('pre');
    pre.textContent = m.text;
    return row([m.to.join(', '), m.subject, pre]);
  }), 'No email received yet.', 3);
}

async function refresh() {
  try {
    await Promise.all([loadJourneys(), loadMailbox()]);
    document.getElementById('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (e) {
    document.getElementById('updated').textContent = `cannot reach the engine: ${e.message}`;
  }
}

refresh();
setInterval(refresh, 5000);
