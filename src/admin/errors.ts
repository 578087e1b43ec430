/**
 * The admin API's error answers: always JSON `{ error, detail }`, never the origin, never a 500
 * for something the caller can fix.
 */

/** Every `error` a 400 can carry; docs/admin.md lists them, the dashboard words them in each language. */
export type BadRequestCode =
  | "invalid_time"
  | "invalid_range"
  | "invalid_code"
  | "invalid_host"
  | "invalid_path"
  | "invalid_limit"
  | "invalid_cursor"
  | "cursor_mismatch"
  | "invalid_bucket"
  | "too_many_buckets"
  | "invalid_ray_id"
  | "repeated_parameter";

/** A problem with the request itself (parameters, cursor, Ray ID): answered with 400. */
export class BadRequest extends Error {
  override readonly name = "BadRequest";
  constructor(
    readonly error: BadRequestCode,
    readonly detail: string,
  ) {
    super(`${error}: ${detail}`);
  }
}

/** The incident store could not be read (binding missing, list/get threw): answered with 503. */
export class StoreUnavailable extends Error {
  override readonly name = "StoreUnavailable";
  constructor(readonly detail: string, options?: ErrorOptions) {
    super(detail, options);
  }
}

/** Runs one KV operation, turning any failure into {@link StoreUnavailable}. */
export async function fromStore<T>(what: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw new StoreUnavailable(`KV ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
