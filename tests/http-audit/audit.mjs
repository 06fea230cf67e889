// Runs graphql-http's server audits against a live kopir and prints one line per audit that
// did not pass, then a summary line. Exits non-zero on any failure, or on a warning not listed
// in `justified.json` (each listed one says why it is acceptable).
import { readFileSync } from 'node:fs';
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:8080/graphql');
  process.exit(2);
}
const justified = JSON.parse(readFileSync(new URL('./justified.json', import.meta.url)));
let ok = 0;
const warnings = [];
const failures = [];
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  if (result.status === 'ok') ok += 1;
  else if (result.status === 'warn') warnings.push(result);
  else failures.push(result);
}
const unexplained = warnings.filter((w) => !(w.name in justified));
for (const w of warnings) {
  const why = justified[w.name];
  console.log(`WARN ${w.id} ${w.name}: ${w.reason}${why ? ` (justified: ${why})` : ''}`);
}
for (const f of failures) console.log(`FAIL ${f.id} ${f.name}: ${f.reason}`);
console.log(
  `graphql-http audit: ${ok} passed, ${warnings.length} warnings (${unexplained.length} unjustified), ${failures.length} failures`,
);
process.exit(failures.length + unexplained.length > 0 ? 1 : 0);
