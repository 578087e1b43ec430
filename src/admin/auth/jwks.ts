/**
 * The signing keys of a Cloudflare Access team, fetched from `<team>/cdn-cgi/access/certs` and
 * kept per isolate. Access rotates its keys and publishes the next one beside the current one, so
 * a token with an unknown `kid` triggers one refetch, at most once per {@link REFETCH_MIN_MS}:
 * a stream of forged `kid`s cannot turn into a stream of fetches.
 */

/** Keys are refreshed at the latest after this long. */
export const KEYS_MAX_AGE_MS = 60 * 60 * 1000;
/** Least time between two fetches of the same key set (an unknown `kid` does not refetch sooner). */
export const REFETCH_MIN_MS = 30 * 1000;
/** Most keys kept from one key set; Access publishes two. */
export const MAX_KEYS = 8;
/** Most bytes read from the key endpoint. */
const MAX_BODY_BYTES = 64 * 1024;
const FETCH_TIMEOUT_MS = 5000;

const RS256 = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;

interface Jwk {
  readonly kty?: unknown;
  readonly kid?: unknown;
  readonly alg?: unknown;
  readonly use?: unknown;
  readonly n?: unknown;
  readonly e?: unknown;
}

interface KeySet {
  readonly keys: ReadonlyMap<string, CryptoKey>;
  readonly fetchedAt: number;
}

/** The key endpoint could not be read or gave no usable key. */
export class KeysUnavailable extends Error {
  override readonly name = "KeysUnavailable";
}

async function importKey(jwk: Jwk): Promise<[string, CryptoKey] | undefined> {
  if (jwk.kty !== "RSA" || typeof jwk.kid !== "string" || typeof jwk.n !== "string" || typeof jwk.e !== "string") return undefined;
  if ((jwk.alg !== undefined && jwk.alg !== "RS256") || (jwk.use !== undefined && jwk.use !== "sig")) return undefined;
  try {
    const key = await crypto.subtle.importKey("jwk", { kty: "RSA", n: jwk.n, e: jwk.e, alg: "RS256", ext: true }, RS256, false, ["verify"]);
    return [jwk.kid, key];
  } catch {
    return undefined;
  }
}

async function readBody(res: Response): Promise<string> {
  const text = await res.text();
  if (text.length > MAX_BODY_BYTES) throw new KeysUnavailable(`the key set is larger than ${MAX_BODY_BYTES} bytes`);
  return text;
}

async function download(url: string, now: number): Promise<KeySet> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (err) {
    throw new KeysUnavailable(`fetching ${url} failed`, { cause: err });
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new KeysUnavailable(`${url} answered ${res.status}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(await readBody(res));
  } catch (err) {
    throw err instanceof KeysUnavailable ? err : new KeysUnavailable(`${url} did not answer JSON`, { cause: err });
  }
  const list = (body as { keys?: unknown } | null)?.keys;
  const jwks = Array.isArray(list) ? (list.slice(0, MAX_KEYS) as Jwk[]) : [];
  const keys = new Map((await Promise.all(jwks.map(importKey))).filter((k) => k !== undefined));
  if (keys.size === 0) throw new KeysUnavailable(`${url} holds no RS256 signing key`);
  return { keys, fetchedAt: now };
}

/** The key set of one team, with the refetch rules above. Make one per isolate (or per test). */
export class KeyCache {
  #set: KeySet | undefined;
  #pending: Promise<KeySet> | undefined;
  #lastAttempt = -Infinity;
  /** How many times the endpoint was fetched (for tests and logs). */
  fetches = 0;

  constructor(readonly url: string) {}

  /** The key for `kid`, fetching or refreshing the set when the rules allow; undefined if unknown. */
  async key(kid: string, now: number): Promise<CryptoKey | undefined> {
    const set = this.#set;
    const fresh = set !== undefined && now - set.fetchedAt < KEYS_MAX_AGE_MS;
    const known = set?.keys.get(kid);
    if (known && fresh) return known;
    if (this.#pending === undefined && now - this.#lastAttempt < REFETCH_MIN_MS) {
      if (set !== undefined) return known;
      throw new KeysUnavailable(`${this.url} failed less than ${REFETCH_MIN_MS / 1000} s ago`);
    }
    try {
      return (await this.#refresh(now)).keys.get(kid);
    } catch (err) {
      // A stale key is better than refusing the owner while the endpoint hiccups.
      if (known) return known;
      throw err;
    }
  }

  #refresh(now: number): Promise<KeySet> {
    this.#pending ??= (async () => {
      this.#lastAttempt = now;
      this.fetches++;
      try {
        this.#set = await download(this.url, now);
        return this.#set;
      } finally {
        this.#pending = undefined;
      }
    })();
    return this.#pending;
  }
}
