// Development mailbox: the emails the engine's development SMTP sink received (the page says so when the sink is off).
import { api, el, table, time, render, simplePage } from '../lib.js';

async function update(body) {
  let mails;
  try {
    mails = await api('/api/dev/mailbox');
  } catch (e) {
    if (e.status !== 404) throw e;
    render(body, el('p', { class: 'empty' }, 'The development mail sink is off (as in production).'));
    return;
  }
  render(body, table('mailbox', [
    { title: 'Received', value: m => time(m.receivedAt) }, { title: 'To', value: m => m.to.join(', ') },
    { title: 'Subject', value: m => m.subject }, { title: 'Text', value: m => el('pre', {}, m.text) },
  ], mails, 'No email received yet.', { key: m => `${m.receivedAt} ${m.to.join(',')} ${m.subject}` }));
}

export default simplePage('Mailbox', 'Development mailbox', 'mailbox-body', update);
