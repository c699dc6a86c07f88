// GET /api/openapi.json of a real server validates against the official
// OpenAPI 3.1 JSON schema (@seriousme/openapi-schema-validator, pinned by
// package-lock.json), and every operation declares its success answer (no
// "success (not declared)"). That the document lists exactly the routed
// paths is checked by
// ServerTest.OpenApiDocumentListsExactlyTheRoutedPathsAndMethods.
//   node openapi.test.mjs <trainyard binary>
import assert from "node:assert/strict";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Harness } from "./harness.mjs";

const t = new Harness(process.argv[2]);
t.checkResponses = true;
try {
  await t.startServer();
  const res = await fetch(t.base + "/api/openapi.json");
  assert.equal(res.status, 200);
  const doc = await res.json();
  const validator = new Validator();
  const result = await validator.validate(doc);
  assert.equal(validator.version, "3.1", "the document declares OpenAPI 3.1");
  assert.ok(result.valid, "not a valid OpenAPI 3.1 document: " +
    JSON.stringify(result.errors, null, 1)?.slice(0, 4000));
  // Every operation declares its success answer: a 2xx with a schema (or
  // a typed body such as image/png), or a 204 without one.
  const undeclared = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const ok = Object.entries(op.responses).some(([status, r]) =>
        status === "204" || (/^2\d\d$/.test(status) && r.content &&
          Object.values(r.content).every((m) => !("schema" in m) ||
            (m.schema !== false && Object.keys(m.schema).length > 0)) &&
          !/not declared/.test(r.description)));
      if (!ok) undeclared.push(`${method.toUpperCase()} ${path}`);
    }
  }
  assert.deepEqual(undeclared, [],
    "operations whose success answer is not declared: " + undeclared.join(", "));
  console.log(`valid OpenAPI ${validator.version}: ${Object.keys(doc.paths).length} paths, every success answer declared`);
} finally {
  await t.stop();
}
