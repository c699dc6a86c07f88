// GET /api/openapi.json of a real server validates against the official
// OpenAPI 3.1 JSON schema (@seriousme/openapi-schema-validator, pinned by
// package-lock.json). That the document lists exactly the routed paths is
// checked by ServerTest.OpenApiDocumentListsExactlyTheRoutedPathsAndMethods.
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
  console.log(`valid OpenAPI ${validator.version}: ${Object.keys(doc.paths).length} paths`);
} finally {
  await t.stop();
}
