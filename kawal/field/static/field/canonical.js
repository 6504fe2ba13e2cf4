// The bytes a device signs for a record: canonical JSON of its fields.
//
// Twin of `canonical()` in kawal/field/signatures.py, which rebuilds the same bytes on the
// server: keep the two in step. Keys sorted, no whitespace, non-ASCII kept as is, top-level
// fields that are absent or null left out, numbers as JSON.stringify writes them. The record
// keeps "device" but never its own "signature" or "cosignatures".

const UNSIGNED = new Set(["signature", "cosignatures"]);

// Python sorts keys by code point; JavaScript's sort() by UTF-16 unit, which differs past U+FFFF.
function byCodePoint(a, b) {
  const x = Array.from(a, (c) => c.codePointAt(0));
  const y = Array.from(b, (c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

export function canonicalJSON(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJSON).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort(byCodePoint);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJSON(value[k])}`).join(",")}}`;
  }
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new Error("a number in the record is not finite");
  }
  return JSON.stringify(value);
}

export function signedFields(record) {
  const fields = {};
  for (const [key, value] of Object.entries(record)) {
    if (!UNSIGNED.has(key) && value !== null && value !== undefined) fields[key] = value;
  }
  return fields;
}

export function signedBytes(record) {
  return new TextEncoder().encode(canonicalJSON(signedFields(record)));
}
