import type { Messages } from "../types";

/** The 1xxx codes that travel with a 530, in Korean. */
export const subCodes: Messages["subCodes"] = {
  1000: {
    title: "DNS가 금지된 IP를 가리킴",
    happened: "웹사이트 주소가 사용할 수 없는 서버를 가리키고 있어 페이지를 불러오지 못했습니다.",
    visitor: "새로고침으로는 해결되지 않습니다. 사이트 소유자가 DNS를 고쳐야 합니다.",
    owner: [
      "Cloudflare DNS의 A 레코드가 Cloudflare IP 주소를 가리키고 있습니다. 원본 서버의 IP로 바꾸세요.",
      "리버스 프록시(예: nginx proxy_pass)가 요청을 다시 Cloudflare로 보낸다면 원본 서버를 직접 가리키게 하거나 리디렉션을 쓰세요.",
      "CF-Connecting-IP 헤더가 있거나, X-Forwarded-For 헤더가 두 개이거나 100자를 넘는 요청도 거부됩니다.",
      "레코드가 Cloudflare를 쓰는 SaaS 업체를 가리킨다면 해당 업체에 도메인의 사용자 지정 호스트 이름 설정을 요청하세요.",
    ],
  },
  1001: {
    title: "DNS 조회 오류",
    happened: "웹사이트 주소를 조회하지 못해 서버를 찾지 못했습니다.",
    visitor: "몇 분 후에 다시 시도해 주세요.",
    owner: [
      "도메인이 Cloudflare 계정에서 활성 상태인지 확인하세요. Cloudflare에 없는 도메인으로 요청이 오면 이 오류가 납니다.",
      "CNAME을 쓴다면 대상이 존재하고 조회되는지, 해당 DNS 제공 업체가 정상 동작하는지 확인하세요.",
      "Cloudflare 밖의 도메인은 Cloudflare 계정에 추가하지 않는 한 Cloudflare 도메인을 CNAME으로 가리킬 수 없습니다.",
      "Cloudflare for SaaS 사용자 지정 호스트 이름이라면 Always Online을 끄고, 하위 도메인에는 A 대신 CNAME 레코드를 쓰세요.",
    ],
  },
  1002: {
    title: "DNS가 금지된 IP를 가리킴",
    happened: "웹사이트 주소가 사용할 수 없는 서버를 가리키고 있어 페이지를 불러오지 못했습니다.",
    visitor: "새로고침으로는 해결되지 않습니다. 사이트 소유자가 DNS를 고쳐야 합니다.",
    owner: [
      "DNS 레코드가 Cloudflare IP나 로컬 주소, 허용되지 않는 주소(예: 127.0.0.1)를 가리키고 있습니다. 원본 서버의 공인 IP로 바꾸세요.",
      "호스팅 업체에 원본 서버의 IP나 CNAME 대상을 확인한 뒤 Cloudflare DNS의 A 또는 CNAME 레코드를 수정하세요.",
      "원본 서버가 자기 도메인을 내부 IP나 공인 IP로 조회하도록 설정해, 자신의 요청을 Cloudflare로 다시 보내지 않게 하세요.",
    ],
  },
  1003: {
    title: "IP 직접 접속 불가",
    happened: "이 웹사이트는 숫자로 된 IP 주소가 아니라 사이트 이름으로만 접속할 수 있습니다. 사이트 이름으로 다시 접속해 주세요.",
    visitor: "IP 주소가 아니라 사이트 이름으로 접속해 주세요.",
    owner: [
      "요청이 도메인 이름이 아니라 Cloudflare IP 주소로 바로 들어왔습니다.",
      "링크, 북마크, API 클라이언트에는 Cloudflare IP 대신 도메인 이름을 쓰세요.",
      "IP로 사이트를 호출하는 서비스가 있다면 호스트 이름을 보내도록 설정을 바꾸세요.",
    ],
  },
  1004: {
    title: "웹 트래픽을 처리하도록 설정되지 않은 호스트",
    happened: "이 웹사이트는 지금 페이지를 제공하도록 설정되어 있지 않습니다. 설정을 바꾸는 동안 잠시 나타나는 경우가 많습니다.",
    visitor: "설정 변경 중에 잠시 나타나는 경우가 많으니 몇 분 후에 다시 시도해 주세요.",
    owner: [
      "최근에 DNS를 변경했다면 변경 사항이 전파될 때까지 기다리세요. 보통 몇 분 안에 해결됩니다.",
      "A 레코드가 Cloudflare IP가 아니라 원본 서버의 IP를 가리키는지 확인하세요.",
      "5분 넘게 계속되면 Cloudflare 지원팀에 문의하세요. 악용 신고 등으로 도메인의 프록시가 비활성화되었을 수 있습니다.",
    ],
  },
  1014: {
    title: "다른 계정 간 CNAME 금지",
    happened: "웹사이트 주소가 허용되지 않는 방식으로 다른 계정의 사이트를 가리키고 있어 페이지를 불러오지 못했습니다.",
    visitor: "새로고침으로는 해결되지 않습니다. 사이트 소유자가 DNS를 고쳐야 합니다.",
    owner: [
      "CNAME이 다른 Cloudflare 계정의 도메인을 가리키고 있습니다. Cloudflare는 기본적으로 이를 막습니다.",
      "같은 영역 안이나 같은 계정의 영역끼리는 CNAME을 쓸 수 있으니, 대상을 옮기거나 본인 계정에 있는 대상을 가리키세요.",
      "다른 계정으로의 CNAME을 허용하려면 대상 도메인 소유자가 Cloudflare for SaaS로 설정해야 합니다.",
      "R2 사용자 지정 도메인이라면 대상 영역의 영역 보류(zone hold)를 해제하고, 영역이 차단되지 않았는지 확인하세요.",
    ],
  },
  1016: {
    title: "원본 DNS 오류",
    happened: "웹사이트 서버의 이름을 찾지 못해 페이지를 불러오지 못했습니다.",
    visitor: "몇 분 후에 다시 시도해 주세요.",
    owner: [
      "Cloudflare가 원본 서버의 호스트 이름을 IP 주소로 조회하지 못했습니다.",
      "올바른 원본 IP를 가진 A 레코드가 있는지, CNAME 대상이 조회되는지 dig나 DNS 조회 도구로 확인하세요.",
      "로드 밸런서 풀의 원본 호스트 이름을 확인하고, IP 주소로 지정한 대체(fallback) 풀을 마련해 두세요.",
      "부분(CNAME) 설정 영역으로 Workers 하위 요청을 보낸다면 해당 호스트 이름이 Cloudflare 영역에 등록되어 있어야 합니다.",
      "Cloudflare for SaaS라면 사용자 지정 호스트 이름의 검증 상태와 대체 원본(fallback origin) 레코드를 확인하세요.",
    ],
  },
  1018: {
    title: "호스트를 찾을 수 없음",
    happened: "웹사이트 주소가 아직 준비되지 않았거나 최근에 바뀌어 찾지 못했습니다.",
    visitor: "새 사이트는 접속되기까지 몇 분 걸릴 수 있으니 잠시 후 다시 시도해 주세요.",
    owner: [
      "최근에 Cloudflare에서 도메인을 활성화했다면 설정이 아직 반영되는 중일 수 있으니 몇 분 기다리세요.",
      "호스팅 파트너를 통해 도메인을 설정했다면 파트너 측 DNS 설정에 문제가 없는지 문의하세요.",
      "계속되면 도메인 이름, Ray ID가 보이는 오류 화면 캡처, 오류를 재현하며 기록한 HAR 파일을 Cloudflare 지원팀에 보내세요.",
    ],
  },
  1019: {
    title: "컴퓨팅 서버 오류",
    happened: "이 웹사이트를 실행하는 프로그램에 오류가 발생해 페이지를 불러오지 못했습니다.",
    visitor: "몇 분 후에 다시 시도해 주세요.",
    owner: [
      "이 경로의 Cloudflare Worker가 실패했습니다. 흔한 원인은 Worker가 자기 자신을 반복해서 호출하는 것입니다.",
      "Worker가 같은 Worker 스크립트로 라우팅되는 URL을 fetch하지 않는지 확인하세요.",
      "Worker 로그(예: wrangler tail)에서 오류 발생 시각의 예외를 확인하세요.",
    ],
  },
  1033: {
    title: "터널 오류",
    happened: "이 웹사이트와 서버를 잇는 보안 연결이 지금 끊겨 있습니다.",
    visitor: "연결이 저절로 복구되는 경우가 많으니 잠시 후 다시 시도해 주세요.",
    owner: [
      "이 호스트 이름은 Cloudflare Tunnel로 연결되는데, 현재 연결된 cloudflared 커넥터가 없습니다.",
      "원본 서버에서 cloudflared가 실행 중이고 인터넷에 접속할 수 있는지 확인한 뒤, 대시보드에서 터널 상태를 확인하세요.",
      "cloudflared 로그에 연결 오류가 있는지 확인하세요.",
      "커넥터 하나가 멈춰도 서비스가 유지되도록 cloudflared 복제본을 더 실행하거나 터널 앞에 로드 밸런서를 두세요.",
    ],
  },
  1101: {
    title: "Worker 예외 발생",
    happened: "Cloudflare 네트워크에서 이 웹사이트 앞단을 실행하는 프로그램이 응답하기 전에 오류로 멈췄습니다.",
    visitor: "몇 분 후 다시 시도하면 나아질 수 있습니다. 계속되면 사이트 운영자가 고쳐야 합니다.",
    owner: [
      "이 사이트가 호출하는 서버 앞의 Cloudflare Worker가 처리되지 않은 예외를 던졌거나, Response가 아닌 값을 반환했습니다.",
      "오류 발생 시각의 예외를 해당 Worker의 로그(wrangler tail 또는 대시보드의 Workers Logs)에서 찾으세요.",
      "fetch() 호출 주변의 오류를 잡고 모든 경로에서 Response를 반환하세요. ctx.passThroughOnException()을 쓰면 Worker가 실패할 때 요청이 원본 서버로 전달됩니다.",
    ],
  },
  1102: {
    title: "Worker 리소스 한도 초과",
    happened: "Cloudflare 네트워크에서 이 웹사이트 앞단을 실행하는 프로그램이 허용된 것보다 많은 CPU 시간이나 메모리를 써서 중단되었습니다.",
    visitor: "몇 분 후에 다시 시도해 주세요.",
    owner: [
      "이 사이트가 호출하는 서버 앞의 Cloudflare Worker가 CPU 시간 또는 메모리 한도를 넘었습니다.",
      "해당 Worker의 지표에서 CPU 시간과 메모리를, 로그에서 오류 전후의 요청을 확인하세요.",
      "무거운 작업은 요청 경로 밖(큐, Durable Object, 캐시)으로 옮기거나, 유료 플랜에서 CPU 한도를 올리세요.",
    ],
  },
};
