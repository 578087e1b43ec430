import type { Messages } from "../types";

/** Worker가 실제로 확인한 내용. `observed`는 공개되는 한 줄, `owner`는 코드별 조치보다 먼저 표시됩니다. */
export const findings: Messages["findings"] = {
  origin_status: { observed: "원본 서버가 HTTP {status}(으)로 응답했습니다." },
  edge_status: { observed: "Cloudflare 오류 페이지가 HTTP {status}(으)로 돌아왔습니다." },
  reported: { observed: "원본 서버 요청에 Cloudflare가 {status}(으)로 응답했습니다." },
  sub_code: { observed: "Cloudflare가 530과 함께 {code} 오류를 반환했습니다." },
  sub_code_missing: { observed: "Cloudflare가 1xxx 코드 없이 530을 반환했습니다." },
  refused: { observed: "{port} 포트가 연결을 거부했습니다." },
  connect_timeout: { observed: "{s}초 안에 {port} 포트로 TCP 연결이 맺어지지 않았습니다." },
  no_headers: {
    observed: "{s}초 안에 응답 헤더가 오지 않았습니다.",
    owner: [
      "Worker가 응답 헤더를 {s}초(ORIGIN_TIMEOUT_MS) 동안 기다렸습니다. 이 제한은 Cloudflare 프록시 읽기 제한 시간(문제 해결 문서 기준 100초, 최신 문서 기준 120초)보다 먼저 적용됩니다.",
      "Enterprise 요금제에서 proxy_read_timeout을 늘리면 ORIGIN_TIMEOUT_MS도 함께 늘리세요. 그러지 않으면 Worker가 먼저 포기합니다.",
    ],
  },
  empty_reply: { observed: "원본 서버가 아무것도 보내지 않고 {port} 포트의 연결을 닫았습니다." },
  not_http: { observed: "{port} 포트의 응답이 HTTP가 아닙니다(상태 줄 없음)." },
  closed_before_headers: { observed: "원본 서버가 헤더를 끝까지 보내기 전에 {port} 포트의 연결을 닫았습니다." },
  headers_too_large: { observed: "{port} 포트의 응답 헤더가 16KB를 넘습니다." },
  bad_reply: { observed: "{port} 포트의 응답을 HTTP로 읽을 수 없었습니다." },
  tls_alert: {
    observed: "{port} 포트가 {alert} 경고로 TLS 핸드셰이크를 거부했습니다.",
    owner: ["그 시각의 원본 서버 TLS 오류 로그에 이유가 있습니다(흔히 공통 암호 그룹이 없거나 SNI 이름에 맞는 인증서가 없음)."],
  },
  tls_not_tls: {
    observed: "{port} 포트는 TLS를 사용하지 않습니다.",
    owner: ["{port} 포트는 일반 HTTP나 다른 프로토콜로 응답합니다. 이 포트에서 HTTPS를 제공하거나 HTTPS를 제공하는 포트를 쓰세요."],
  },
  tls_silent: { observed: "{port} 포트가 연결은 받았지만 TLS 핸드셰이크에 응답하지 않았습니다." },
  tls_legacy: {
    observed: "{port} 포트는 {version}만 지원하며, 검증하는 연결은 이를 거부합니다.",
    owner: ["원본 서버에서 TLS 1.2와 1.3을 켜세요. 이 Worker의 런타임을 포함한 최신 클라이언트는 TLS 1.0과 1.1을 거부합니다."],
  },
  cert_self_signed: {
    observed: "{port} 포트의 인증서는 자체 서명 인증서입니다.",
    owner: ["전체(엄격) 모드는 자체 서명 인증서를 거부합니다. CA가 서명한 인증서(무료 Cloudflare 원본 CA 인증서도 가능)를 설치하거나 전체 모드를 쓰세요."],
  },
  cert_expired: { observed: "{port} 포트의 인증서는 {date}에 만료되었습니다." },
  cert_not_yet_valid: { observed: "{port} 포트의 인증서는 {date}부터 유효합니다." },
  cert_wrong_host: { observed: "{port} 포트의 인증서에 원본 서버의 호스트 이름이 없습니다." },
  cert_hidden: {
    observed: "{port} 포트는 인증서를 암호화하는 {version}을 써서, 거부된 이유는 여기서 볼 수 없습니다.",
    owner: ["openssl s_client -connect <원본>:{port} -servername <호스트>로 발급자, 유효 기간, 이름을 확인하세요."],
  },
  cert_untrusted: {
    observed: "{port} 포트의 인증서는 기간과 이름이 맞는데도 거부되었습니다. 발급자를 신뢰할 수 없거나 체인이 불완전합니다.",
    owner: ["공인 CA나 Cloudflare 원본 CA의 인증서를 중간 인증서까지 포함한 전체 체인으로 제공하세요."],
  },
  unreachable: { observed: "원본 서버({port} 포트)로 가는 경로가 없습니다." },
  dns: { observed: "원본 서버의 호스트 이름을 조회하지 못했습니다." },
  worker_fault: { observed: "이 사이트의 Worker가 요청을 처리하다 실패했습니다." },
};
