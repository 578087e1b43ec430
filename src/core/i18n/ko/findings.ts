import type { Messages } from "../types";

const logLine = '웹 서버 오류 로그에서 그 시각에 "upstream prematurely closed connection"이 기록되었는지 찾아보세요. 뒤에서 실행되는 애플리케이션이 비정상 종료되었거나 연결을 끊은 것입니다.';
const check13 = "셸에서 openssl s_client -connect <원본>:{port} -servername <호스트 이름>을 실행하면 인증서의 발급자, 유효 기간, 이름을 확인할 수 있습니다.";

/** Worker가 실제로 확인한 내용. `observed`는 공개되는 한 줄, `owner`는 코드별 조치보다 먼저 표시됩니다. */
export const findings: Messages["findings"] = {
  origin_status: { observed: "원본 서버가 HTTP {status}(으)로 응답했습니다." },
  edge_status: { observed: "Cloudflare 오류 페이지가 HTTP {status}(으)로 돌아왔습니다." },
  reported: { observed: "원본 서버로 보낸 요청에 Cloudflare가 {status}(으)로 응답했고, Worker가 확인할 수 있는 정보는 그것뿐입니다." },
  sub_code: { observed: "Cloudflare가 530과 함께 {code} 오류를 반환했습니다." },
  sub_code_missing: { observed: "Cloudflare가 1xxx 코드 없이 530을 반환했습니다." },
  refused: {
    observed: "{port} 포트가 연결을 거부했습니다.",
    owner: ["{port} 포트에서 연결을 받는 프로세스가 없습니다. 웹 서버를 시작하거나, Cloudflare IP 대역이 이 포트에 접속할 수 있게 허용하세요."],
  },
  connect_timeout: {
    observed: "{s}초 안에 {port} 포트로 TCP 연결이 맺어지지 않았습니다.",
    owner: ["연결이 거부된 것이 아니라 {port} 포트로 가는 패킷이 버려지고 있습니다. Cloudflare IP를 조용히 차단하거나 속도 제한하는 방화벽이 있는지 확인하세요."],
  },
  no_headers: {
    observed: "{s}초 안에 응답 헤더가 오지 않았습니다.",
    owner: [
      "Worker가 원본 서버의 응답 헤더를 {s}초(ORIGIN_TIMEOUT_MS) 동안 기다린 뒤 중단했습니다.",
      "이 제한은 Cloudflare 자체의 프록시 읽기 제한 시간(문제 해결 문서 기준 100초, 최신 문서 기준 120초)보다 먼저 적용되며, 둘 중 짧은 쪽에서 요청이 끝납니다.",
      "Enterprise 요금제에서 proxy_read_timeout을 늘린다면 ORIGIN_TIMEOUT_MS도 함께 늘리세요. 그렇지 않으면 Worker가 먼저 중단합니다.",
    ],
  },
  empty_reply: {
    observed: "원본 서버가 아무것도 보내지 않고 {port} 포트의 연결을 닫았습니다.",
    owner: [logLine],
  },
  not_http: {
    observed: "{port} 포트에서 온 원본 서버의 응답이 HTTP가 아닙니다(상태 줄 없음).",
    owner: ["{port} 포트에서 웹 서버가 아닌 다른 프로그램이 응답하고 있거나, 서버가 상태 줄보다 먼저 다른 내용을 출력하고 있습니다."],
  },
  closed_before_headers: {
    observed: "원본 서버가 응답 헤더를 끝까지 보내기 전에 {port} 포트의 연결을 닫았습니다.",
    owner: [logLine],
  },
  headers_too_large: {
    observed: "{port} 포트에서 온 원본 서버의 응답 헤더가 16KB를 넘습니다.",
    owner: ["응답 헤더를 16KB 아래로 줄이세요. 대개 쿠키가 너무 많거나 큰 것이 원인입니다."],
  },
  bad_reply: { observed: "{port} 포트에서 온 원본 서버의 응답을 HTTP로 읽을 수 없었습니다." },
  tls_alert: {
    observed: "{port} 포트가 {alert} 경고와 함께 TLS 핸드셰이크를 거부했습니다.",
    owner: ["{alert}는 원본 서버의 TLS 라이브러리가 보낸 경고입니다. 그 시각의 오류 로그에 이유가 남아 있습니다(흔히 공통 암호 그룹이 없거나, SNI로 보낸 이름에 맞는 인증서가 없는 경우)."],
  },
  tls_not_tls: {
    observed: "{port} 포트는 TLS를 사용하지 않습니다. 핸드셰이크에 TLS가 아닌 응답을 보냈습니다.",
    owner: ["{port} 포트는 일반 HTTP(또는 다른 프로토콜)를 제공합니다. 이 포트에서 HTTPS를 제공하거나, HTTPS를 제공하는 포트로 Cloudflare가 연결하게 하세요."],
  },
  tls_silent: {
    observed: "{port} 포트가 연결은 받았지만 TLS 핸드셰이크에 응답하지 않았습니다.",
    owner: ["{port} 포트에서 무엇이 실행 중인지 확인하세요. TLS 서버라면 ClientHello에 바로 응답합니다."],
  },
  tls_legacy: {
    observed: "{port} 포트는 {version}만 지원하며, 검증하는 연결은 이를 거부합니다.",
    owner: ["원본 서버에서 TLS 1.2와 TLS 1.3을 켜세요. TLS 1.0과 1.1은 Worker 런타임을 포함한 최신 클라이언트가 거부합니다."],
  },
  cert_self_signed: {
    observed: "{port} 포트의 인증서는 자체 서명 인증서입니다.",
    owner: ["전체(엄격) 모드는 자체 서명 인증서를 거부합니다. 인증 기관(CA)이 서명한 인증서(무료 Cloudflare 원본 CA 인증서도 가능)를 설치하거나, SSL/TLS 암호화 모드를 전체로 바꾸세요."],
  },
  cert_expired: {
    observed: "{port} 포트의 인증서는 {date}에 만료되었습니다.",
    owner: ["인증서를 갱신하고, 새 인증서를 쓰도록 웹 서버를 다시 불러오세요."],
  },
  cert_not_yet_valid: {
    observed: "{port} 포트의 인증서는 {date}부터 유효합니다.",
    owner: ["원본 서버의 시계와 인증서의 시작 날짜를 확인하세요."],
  },
  cert_wrong_host: {
    observed: "{port} 포트의 인증서에 원본 서버의 호스트 이름이 없습니다.",
    owner: ["호스트 이름을 인증서의 주체 대체 이름(SAN)에 넣거나, 그 이름에 맞는 인증서를 제공하세요(SNI)."],
  },
  cert_hidden: {
    observed: "{port} 포트는 {version}을 사용하지만 인증서가 받아들여지지 않았습니다. {version}은 인증서를 암호화하므로 이유는 여기서 볼 수 없습니다.",
    owner: [check13],
  },
  cert_untrusted: {
    observed: "{port} 포트의 인증서는 유효 기간 안이고 호스트 이름도 맞지만 받아들여지지 않았습니다. 발급자를 신뢰할 수 없거나 인증서 체인이 불완전합니다.",
    owner: ["공인 CA나 Cloudflare 원본 CA의 인증서를 쓰고, 중간 인증서까지 포함한 전체 체인을 제공하세요."],
  },
  unreachable: { observed: "원본 서버({port} 포트)로 가는 경로가 없습니다." },
  dns: { observed: "원본 서버의 호스트 이름을 조회하지 못했습니다." },
  worker_fault: { observed: "이 사이트의 Worker가 요청을 처리하다 실패했습니다." },
};
