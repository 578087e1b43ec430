import type { ErrorCode, SubCode } from "../codes";
import type { FindingKind } from "../finding";

export type Locale = "en" | "ko";
export const LOCALES: readonly Locale[] = ["en", "ko"];

/** What the page says about one code. Plain text only: the renderer escapes everything. */
export interface CodeText {
  /** Short plain-language title, e.g. "Connection timed out". */
  readonly title: string;
  /** One or two sentences: what went wrong, in words a visitor understands. */
  readonly happened: string;
  /** What a visitor can do (one or two sentences). */
  readonly visitor: string;
  /** What the site owner should check for this exact code: the article's causes and checks. */
  readonly owner: readonly string[];
}

/**
 * 500–504 change meaning when Cloudflare's own page says the edge failed (see cloudflare-page.ts),
 * not the origin. Only what differs is given.
 */
export interface EdgeVariant {
  readonly happened: string;
  readonly owner: readonly string[];
}

export interface SubCodeText {
  readonly title: string;
  readonly happened: string;
  /** What a visitor can do: agrees with the code's retry advice (a code that retrying cannot fix never says "try again"). */
  readonly visitor: string;
  readonly owner: readonly string[];
}

/**
 * What was seen, for one {@link FindingKind}. Placeholders: `{port}`, `{s}`, `{alert}`,
 * `{version}`, `{date}`, `{status}`, `{code}` (see `findingValues`); never a host or an IP.
 */
export interface FindingText {
  /** One public line: the copy block's "observed", the JSON's detail. */
  readonly observed: string;
  /** Owner steps that follow from it, shown before the code's own. */
  readonly owner?: readonly string[];
}

/** Labels and fixed phrases of the page, the problem+json body and the text body. */
export interface UiText {
  readonly whatHappened: string;
  readonly whatCanIDo: string;
  readonly ifVisitor: string;
  readonly ifOwner: string;
  readonly notYourFault: string;
  readonly browser: string;
  readonly edge: string;
  readonly origin: string;
  readonly working: string;
  readonly failed: string;
  readonly rayId: string;
  readonly timeUtc: string;
  readonly localTime: string;
  readonly url: string;
  readonly errorCode: string;
  readonly subCode: string;
  readonly details: string;
  /** Heading of the copy-ready block for the hosting provider. */
  readonly reportTitle: string;
  readonly reportHint: string;
  readonly copy: string;
  readonly copied: string;
  readonly tryNow: string;
  /** Contains `{s}`: seconds until the automatic retry. */
  readonly retryIn: string;
  readonly retrying: string;
  /** Contains `{since}`: when a known outage of this site began, formatted with its "UTC". */
  readonly knownOutage: string;
  /** Added when an alert about the outage reached the owner. */
  readonly ownerNotified: string;
  /** The status page link's text (`STATUS_PAGE_URL`). */
  readonly statusPage: string;
  readonly retryGaveUp: string;
  readonly noRetry: string;
  /** Contains `{s}`: suggested wait in seconds, for codes that send no automatic retry. */
  readonly retryAfterHint: string;
  readonly switchLanguage: string;
  readonly subCodeUnknown: string;
  /** Label of the copy block's one-line "what was observed". */
  readonly observed: string;
  /** Short text for `text/plain` answers, contains `{code}`, `{title}`, `{ray}`. */
  readonly plainHeadline: string;
  /** Title of the JSON and Markdown answers, Cloudflare's `Error 522: Connection timed out`; has `{code}`, `{title}`. */
  readonly errorHeading: string;
  /** Last line of the JSON (`footer`) and Markdown answers: who made this answer. */
  readonly machineFooter: string;
  /** Label of the data centre that answered (in the copy-ready report). */
  readonly dataCentre: string;
  /** Label of the link to this host's `/cdn-cgi/trace`. */
  readonly trace: string;
  /** Summary of the folded-away owner checks; has `{n}`, the number of checks. */
  readonly ownerChecks: string;
}

export interface Messages {
  readonly locale: Locale;
  /** The language's own name, for the language switch ("English", "한국어"). */
  readonly languageName: string;
  readonly codes: Readonly<Record<ErrorCode, CodeText>>;
  readonly edgeVariants: Readonly<Record<500 | 502 | 503 | 504, EdgeVariant>>;
  /**
   * An origin's own 5XX without a row of its own (501, 505–511, unassigned ones), sent on with its
   * status. `{status}` and `{phrase}` are filled in; `title` is used only when IANA assigned no phrase.
   */
  readonly originStatus: CodeText;
  /** This site's Worker failed (an exception in its code or in the app's handler): the owner's to fix. */
  readonly workerFault: EdgeVariant;
  readonly subCodes: Readonly<Record<SubCode, SubCodeText>>;
  readonly findings: Readonly<Record<FindingKind, FindingText>>;
  readonly ui: UiText;
}
