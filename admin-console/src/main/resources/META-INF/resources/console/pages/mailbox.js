// Development mailbox: the emails the engine's development SMTP sink received (the page says so when the sink is off).
import { api, el, table, time } from '../lib.js';

let main;

async function update() {
  let mails;
  try {
    mails = await api('/api/dev/mailbox');
  } catch (e) {
    if (e.status !== 404) throw e;
    main.querySelector('#mailbox-body').replaceChildren(el('p', { class: 'empty' }, 'The development mail sink is off (as in production).'));
    return;
  }
  main.querySelector('#mailbox-body').replaceChildren(table('mailbox', [
    { title: 'Received', value: m => time(m.receivedAt) }, { title: 'To', value: m => m.to.join(', ') },
    { title: 'Subject', value: m => m.subject }, { title: 'Text', value: m => el('pre', {}, m.text) },
  ], mails, 'No email received yet.'));
}

export default {
  title: 'Mailbox',
  async mount(target) {
    main = target;
    main.append(el('h2', {}, 'Development mailbox'), el('div', { id: 'mailbox-body' }));
    await update();
  },
  update,
};
