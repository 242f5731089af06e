// Runs the three TM Forum CTKs through newman's Node API against a live CloseLoop server.
// The collections are loaded from disk unchanged; a collection-level bearer auth is added in
// memory (requests inherit it) and the base URL is given as an environment-variable override.
// Usage: node scripts/tmf_ctk.js BASE_URL TOKEN KIT_DIR   (exit 1 unless every assertion passes)
'use strict';
const fs = require('fs');
const path = require('path');
const newman = require('newman');

const [base, token, kitDir] = process.argv.slice(2);
if (!base || !token || !kitDir) {
  console.error('usage: tmf_ctk.js BASE_URL TOKEN KIT_DIR');
  process.exit(2);
}
// TMF629 first: the trouble-ticket kit's tickets go to a system customer it would list.
const kits = [
  ['TMF629', 'TMF629_CTK_v4.0.0.postman_collection.json', 'TMF629_CTK_v4.0.0.postman_environment.json',
    'Customer', base + '/tmf-api/customerManagement/v4/'],
  ['TMF621', 'TMF621_CTK_R18.0_v2.postman_collection.json', 'TMF621_CTK_R18.0.postman_environment.json',
    'TroubleTicketAPI', base + '/tmf-api/troubleTicket/v4'],
  ['TMF681', 'TMF681_CTK_v4.0.0.postman_collection.json', 'TMF681_CTK_v4.0.0.postman_environment.json',
    'Communication', base + '/tmf-api/communicationManagement/v4/'],
];

function run([name, collectionFile, envFile, key, value]) {
  const collection = JSON.parse(fs.readFileSync(path.join(kitDir, collectionFile), 'utf8'));
  collection.auth = { type: 'bearer', bearer: [{ key: 'token', value: token, type: 'string' }] };
  return new Promise((resolve) => {
    newman.run({
      collection,
      environment: path.join(kitDir, envFile),
      envVar: [{ key, value }],
      reporters: ['cli'],
      reporter: { cli: { noSummary: false } },
    }, (err, summary) => {
      if (err) { console.error(name, 'error:', err); resolve({ name, total: 0, failed: 1 }); return; }
      const a = summary.run.stats.assertions;
      const broken = summary.run.stats.requests.failed + summary.run.stats.testScripts.failed;
      resolve({ name, total: a.total, failed: a.failed + broken });
    });
  });
}

(async () => {
  let ok = true;
  const results = [];
  for (const kit of kits) {
    const r = await run(kit);
    results.push(r);
    if (r.failed !== 0 || r.total === 0) ok = false;
  }
  for (const r of results) {
    console.log(`${r.name}: ${r.total - r.failed}/${r.total} assertions passed`);
  }
  process.exit(ok ? 0 : 1);
})();
