// Development mailbox: the emails the engine's development SMTP sink received (the page says so when the sink is off).
import { api, el, table, time, simplePage } from '../lib.js';

async function update(body) {
  let mails;
  try {
    mails = await api('/api/dev/mailbox');
  } catch (e) {
    if (e.status !== 404) throw e;
    body.replaceChildren(el('p', { class: 'empty' }, 'The development mail sink is off (as in production).'));
    return;
  }
  body.replaceChildren(table('mailbox', [
    { title: 'Received', value: m => time(m.receivedAt) }, { title: 'To', value: m => m.to.join(', ') },
    { title: 'Subject', value: m => m.subject }, { title: 'Text', value: m => el('pre', {}, m.text) },
  ], mails, 'No email received yet.'));
}

export default simplePage('Mailbox', 'Development mailbox', 'mailbox-body', update);
