/**
 * `edge-error-pages/classify`: the failure classes. Evidence in, the code and its meaning out:
 * the closed union of failure kinds, the table of codes and 1xxx sub-codes, and `classify`.
 */
export {
  classify,
  type Failure,
  type FailureKind,
  type Observation,
  type ResponseObservation,
  type ErrorObservation,
  type FaultObservation,
  type ProbeResult,
  type TcpOutcome,
  type TlsOutcome,
} from "../core/classify";
export {
  CODES,
  ERROR_CODES,
  SUBCODES,
  isErrorCode,
  isSubCode,
  type ErrorCode,
  type SubCode,
  type CodeSpec,
  type SubCodeSpec,
  type Category,
  type Hop,
} from "../core/codes";
export type { IncidentRecord, IncidentSummary } from "../core/incident";
