// Journeys: every deployed journey with its version, customers in it now, and today's entries, conversions and exits.
import { api, table, link, render, simplePage } from '../lib.js';

async function update(body) {
  const journeys = await api('/api/console/journeys');
  const columns = [
    { title: 'Journey', value: j => link(`#/journey/${encodeURIComponent(j.key)}`, `${j.name || j.key}`) },
    { title: 'Key', value: j => j.key },
    { title: 'Version', value: j => j.version, num: true },
    { title: 'Active customers', value: j => j.active, num: true },
    { title: 'Entered today', value: j => j.enteredToday, num: true },
    { title: 'Converted today', value: j => j.convertedToday, num: true },
    { title: 'Exited today', value: j => j.exitedToday, num: true },
    { title: 'Incidents', value: j => j.incidents ? link(`#/incidents?journey=${encodeURIComponent(j.key)}`, j.incidents, `incidents in ${j.name || j.key}`) : 0, num: true },
  ];
  render(body, table('journeys', columns, journeys, 'No journeys deployed.', { key: j => j.key }));
}

export default simplePage('Journeys', 'Journeys', 'journeys-table', update);
