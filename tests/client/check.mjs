// Loads schema.graphql with graphql-js's buildSchema (as Apollo, Relay and urql tooling do) and
// validates every example operation in tests/operations against it with graphql-js's own rules:
// a second implementation checking what async-graphql printed and what the tests execute.
import { readFileSync, readdirSync } from "node:fs";
import { buildSchema, parse, validate } from "graphql";

const root = new URL("../../", import.meta.url);
const schema = buildSchema(readFileSync(new URL("schema.graphql", root), "utf8"));
const dir = new URL("tests/operations/", root);
const files = readdirSync(dir).filter((f) => f.endsWith(".graphql")).sort();
let operations = 0;
let failures = 0;
for (const file of files) {
  const document = parse(readFileSync(new URL(file, dir), "utf8"));
  for (const error of validate(schema, document)) {
    failures += 1;
    console.error(`${file}: ${error.message}`);
  }
  operations += document.definitions.filter((d) => d.kind === "OperationDefinition").length;
}
const types = Object.keys(schema.getTypeMap()).filter((t) => !t.startsWith("__")).length;
console.log(`schema.graphql: ${types} types; ${operations} example operations in ${files.length} files, ${failures} invalid`);
if (failures > 0 || operations === 0) process.exit(1);
