// The Moral Bank's inclusion-proof verifier, in the browser: the same checks, in the same order,
// as the offline verifier (jiceng/transparency/verify.py, note.py and merkle.py), so a bundle one
// accepts the other accepts, and a tampered one both refuse.
//
//   JicengLedger.verifyBundle(bundle, trustedKey) -> Promise<{origin, size, index, signer, entry}>
//
// rejects with an Error whose .kind is "format", "signature", "proof" or "unsupported" (no
// WebCrypto SHA-256 / Ed25519 here: an old browser, or a page not served over HTTPS).
// SHA-256 and Ed25519 are WebCrypto's own (crypto.subtle); nothing is fetched.
// Messages are English for auditors; the page turns .kind into plain Chinese.
(function (root) {
  "use strict";

  var ALG_ED25519 = 1;
  var SIG_PREFIX = "\u2014 ";
  var MAX_SIGNATURES = 100;
  var MAX_TREE_SIZE = (1n << 64n) - 1n;
  var HASH_SIZE = 32;

  function fail(kind, message) {
    var err = new Error(message);
    err.kind = kind;
    return err;
  }

  function subtle() {
    if (!root.crypto || !root.crypto.subtle) {
      throw fail("unsupported", "WebCrypto is not available (it needs HTTPS or localhost)");
    }
    return root.crypto.subtle;
  }

  // ── bytes ──────────────────────────────────────────────────────────────────────────────

  var B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

  function b64encode(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s);
  }

  // Only canonical padded base64, as the Python verifier: one spelling per value.
  function b64decode(text, what) {
    if (typeof text !== "string") throw fail("format", what + " must be a base64 string");
    if (!B64.test(text)) throw fail("format", what + " is not valid base64");
    var raw = atob(text);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    if (b64encode(out) !== text) throw fail("format", what + " is not canonical padded base64");
    return out;
  }

  function concat() {
    var n = 0, i;
    for (i = 0; i < arguments.length; i++) n += arguments[i].length;
    var out = new Uint8Array(n), at = 0;
    for (i = 0; i < arguments.length; i++) { out.set(arguments[i], at); at += arguments[i].length; }
    return out;
  }

  function equal(a, b) {
    if (a.length !== b.length) return false;
    var d = 0;
    for (var i = 0; i < a.length; i++) d |= a[i] ^ b[i];
    return d === 0;
  }

  var utf8 = new TextEncoder();

  async function sha256(bytes) {
    return new Uint8Array(await subtle().digest("SHA-256", bytes));
  }

  // ── RFC 6962 hashing and RFC 9162 §2.1.3.2 inclusion verification ───────────────────────

  function leafHash(entry) { return sha256(concat(new Uint8Array([0]), entry)); }
  function nodeHash(left, right) { return sha256(concat(new Uint8Array([1]), left, right)); }

  async function verifyInclusion(entry, index, size, proof, rootHash) {
    if (index < 0n || size > MAX_TREE_SIZE || index >= size) return false;
    var fn = index, sn = size - 1n;
    var r = await leafHash(entry);
    for (var i = 0; i < proof.length; i++) {
      var p = proof[i];
      if (sn === 0n) return false;
      if ((fn & 1n) === 1n || fn === sn) {
        r = await nodeHash(p, r);
        if ((fn & 1n) === 0n) {
          while (fn !== 0n && (fn & 1n) === 0n) { fn >>= 1n; sn >>= 1n; }
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    return sn === 0n && equal(r, rootHash);
  }

  // ── keys, signed notes, checkpoints (C2SP), as note.py ──────────────────────────────────

  function checkKeyName(name) {
    if (typeof name !== "string" || !name) throw fail("format", "key name must be a non-empty string");
    if (/[+\s\u0000-\u001f]/.test(name)) {
      throw fail("format", "key name must not contain '+', spaces or control characters");
    }
    return name;
  }

  async function keyId(name, publicKey) {
    var digest = await sha256(concat(utf8.encode(name + "\n"), new Uint8Array([ALG_ED25519]), publicKey));
    return ((digest[0] << 24) | (digest[1] << 16) | (digest[2] << 8) | digest[3]) >>> 0;
  }

  async function parseVerifierKey(text) {
    if (typeof text !== "string") throw fail("format", "verifier key must be a string");
    var first = text.indexOf("+"), second = first < 0 ? -1 : text.indexOf("+", first + 1);
    if (second < 0) throw fail("format", "verifier key must look like <name>+<8 hex digits>+<base64 key>");
    var name = checkKeyName(text.slice(0, first)), hex = text.slice(first + 1, second);
    if (!/^[0-9a-fA-F]{8}$/.test(hex)) throw fail("format", "verifier key ID is not 8 hex digits");
    var raw = b64decode(text.slice(second + 1), "verifier key material");
    if (raw.length !== 33 || raw[0] !== ALG_ED25519) {
      throw fail("format", "verifier key is not an Ed25519 key (type 0x01, 32 bytes)");
    }
    var pub = raw.slice(1), id = parseInt(hex, 16);
    if ((await keyId(name, pub)) !== id) throw fail("format", "verifier key ID does not match its name and key");
    var key;
    try {
      key = await subtle().importKey("raw", pub, { name: "Ed25519" }, false, ["verify"]);
    } catch (e) {
      if (e && e.kind) throw e;
      if (e && e.name === "NotSupportedError") throw fail("unsupported", "this browser has no WebCrypto Ed25519");
      throw fail("format", "verifier key is not a valid Ed25519 public key");
    }
    return { name: name, id: id, key: key, label: name + "+" + hex.toLowerCase() };
  }

  function checkNoteChars(text, what) {
    if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) throw fail("format", what + " contains control characters");
  }

  // Returns the note text (everything up to the blank line) once a signature by `key` verifies.
  async function openNote(note, key) {
    if (typeof note !== "string") throw fail("format", "note must be a string");
    checkNoteChars(note, "note");
    var split = note.lastIndexOf("\n\n");
    if (split < 0) throw fail("format", "note has no blank line between its text and its signatures");
    var text = note.slice(0, split + 1), signatures = note.slice(split + 2);
    if (!signatures || signatures[signatures.length - 1] !== "\n") {
      throw fail("format", "note has no signature lines, or they do not end in a newline");
    }
    var lines = signatures.slice(0, -1).split("\n");
    if (lines.length > MAX_SIGNATURES) throw fail("format", "note has more than " + MAX_SIGNATURES + " signatures");
    var message = utf8.encode(text), verified = false;
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i];
      if (line.indexOf(SIG_PREFIX) !== 0) throw fail("format", "note signature line does not start with '\u2014 '");
      var rest = line.slice(SIG_PREFIX.length), sp = rest.indexOf(" ");
      if (sp < 0) throw fail("format", "note signature line has no space between key name and signature");
      var sigName = checkKeyName(rest.slice(0, sp));
      var raw = b64decode(rest.slice(sp + 1), "note signature");
      if (raw.length < 5) throw fail("format", "note signature is too short");
      var id = ((raw[0] << 24) | (raw[1] << 16) | (raw[2] << 8) | raw[3]) >>> 0;
      if (sigName !== key.name || id !== key.id) continue;
      var ok = await subtle().verify({ name: "Ed25519" }, key.key, raw.slice(4), message);
      if (!ok) throw fail("signature", "signature by " + key.label + " does not match the note text");
      verified = true;
    }
    if (!verified) throw fail("signature", "note is not signed by " + key.label);
    return text;
  }

  function parseCheckpoint(text) {
    if (text[text.length - 1] !== "\n") throw fail("format", "checkpoint must be text ending in a newline");
    var lines = text.slice(0, -1).split("\n");
    if (lines.length < 3) throw fail("format", "checkpoint needs an origin, a tree size and a root hash line");
    if (!lines[0]) throw fail("format", "checkpoint origin line is empty");
    if (!/^(0|[1-9][0-9]*)$/.test(lines[1]) || BigInt(lines[1]) > MAX_TREE_SIZE) {
      throw fail("format", "checkpoint tree size is not a decimal uint64");
    }
    var rootHash = b64decode(lines[2], "checkpoint root hash");
    if (rootHash.length !== HASH_SIZE) throw fail("format", "checkpoint root hash is not " + HASH_SIZE + " bytes");
    for (var i = 3; i < lines.length; i++) {
      if (!lines[i]) throw fail("format", "checkpoint has an empty extension line");
    }
    return { origin: lines[0], size: BigInt(lines[1]), root: rootHash };
  }

  // ── bundles, as verify.py ───────────────────────────────────────────────────────────────

  function field(bundle, name, kind) {
    var v = bundle[name];
    var ok = kind === "int" ? Number.isSafeInteger(v) : kind === "list" ? Array.isArray(v) : typeof v === kind;
    if (!ok) throw fail("format", "bundle field '" + name + "' is missing or not a " + kind);
    return v;
  }

  async function verifyBundle(bundle, trustedKey) {
    if (!bundle || typeof bundle !== "object" || Array.isArray(bundle)) {
      throw fail("format", "bundle must be a JSON object");
    }
    var key = await parseVerifierKey(trustedKey != null ? trustedKey : field(bundle, "verifier_key", "string"));
    if (bundle.type !== "inclusion") throw fail("format", "bundle type is not 'inclusion'");
    var entry = b64decode(field(bundle, "entry", "string"), "entry");
    var index = field(bundle, "index", "int"), treeSize = field(bundle, "tree_size", "int");
    var proof = field(bundle, "proof", "list").map(function (item, i) {
      var h = b64decode(item, "proof[" + i + "]");
      if (h.length !== HASH_SIZE) throw fail("format", "every proof hash must be " + HASH_SIZE + " bytes");
      return h;
    });
    var cp;
    try {
      cp = parseCheckpoint(await openNote(field(bundle, "checkpoint", "string"), key));
    } catch (e) {
      if (e && e.kind) e.message = "checkpoint: " + e.message;
      throw e;
    }
    if (BigInt(treeSize) !== cp.size) {
      throw fail("proof", "bundle claims tree size " + treeSize + " but the checkpoint is for size " + cp.size);
    }
    if (!(await verifyInclusion(entry, BigInt(index), cp.size, proof, cp.root))) {
      throw fail("proof", "entry #" + index + " is not proven to be in " + cp.origin + " at tree size " + cp.size);
    }
    return { origin: cp.origin, size: Number(cp.size), index: index, signer: key.label, entry: entry };
  }

  // The decoded leaf: the transfer as the log holds it (canonical JSON, see bank/log.py).
  function readEntry(entry) {
    return JSON.parse(new TextDecoder().decode(entry));
  }

  root.JicengLedger = { verifyBundle: verifyBundle, readEntry: readEntry };
})(window);
