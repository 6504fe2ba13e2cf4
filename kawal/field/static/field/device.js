// This phone as an enrolled device: its ECDSA P-256 key pair, its token, and signed requests.
//
// The private key is made non-extractable by WebCrypto and kept as a CryptoKey in
// IndexedDB: the page can sign with it, but nothing can read it out.

import { signedBytes } from "./canonical.js";
import { getMeta, setMeta, transact, done } from "./db.js";

const CURVE = { name: "ECDSA", namedCurve: "P-256" };
const SIGNING = { name: "ECDSA", hash: "SHA-256" };

export class Revoked extends Error {
  constructor() {
    super("device revoked");
  }
}

let current;

export async function device() {
  current ??= await getMeta("device");
  return current;
}

export function base64(buffer) {
  let text = "";
  for (const byte of new Uint8Array(buffer)) text += String.fromCharCode(byte);
  return btoa(text);
}

// Makes the key pair, registers the public key with the one-time code and keeps the token.
export async function enrol(code, label) {
  const keys = await crypto.subtle.generateKey(CURVE, false, ["sign", "verify"]);
  const spki = await crypto.subtle.exportKey("spki", keys.publicKey);
  const response = await fetch("/api/v1/devices/enrol", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ code: code.trim(), public_key: base64(spki), label }),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.detail || `HTTP ${response.status}`);
  const enrolled = {
    id: answer.device,
    token: answer.token,
    member: answer.member,
    region: answer.region,
    enrolledAt: new Date().toISOString(),
  };
  await transact("meta", "readwrite", async ({ meta }) => {
    await done(meta.put(keys, "keys"));
    await done(meta.put(enrolled, "device"));
    await done(meta.delete("revoked"));
  });
  current = enrolled;
  // Ask the browser never to evict the queue to make room (granted to installed apps).
  navigator.storage?.persist?.();
  return enrolled;
}

// The base64 raw r||s signature of `record`'s canonical bytes (see canonical.js).
export async function sign(record) {
  const keys = await getMeta("keys");
  return base64(await crypto.subtle.sign(SIGNING, keys.privateKey, signedBytes(record)));
}

// A request with the device token; 401 means the device was revoked, which stops all sync.
export async function api(path, { method = "GET", body, headers = {}, pending } = {}) {
  const dev = await device();
  const sent = { Authorization: `Bearer ${dev.token}`, ...headers };
  if (pending !== undefined) sent["X-Kawal-Pending"] = String(pending);
  let payload = body;
  if (body !== undefined && !(body instanceof Blob)) {
    sent["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(path, { method, headers: sent, body: payload, cache: "no-store" });
  if (response.status === 401) {
    await setMeta("revoked", true);
    throw new Revoked();
  }
  return response;
}
