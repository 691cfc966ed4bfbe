import { parse as parseYaml } from 'yaml';
import { formatDuration } from '../../src/contracts/common.schema.js';
import type { ScenarioInput } from '../../src/contracts/scenario.schema.js';

type Sensor = 'waf' | 'ids' | 'edr' | 'av' | 'fim' | 'uptime' | 'auth-log' | 'firewall' | 'dns' | 'proxy' | 'mail-gateway' | 'page-integrity';
type ObservableType = 'ip' | 'domain' | 'url' | 'account' | 'file-path' | 'hash-sha256' | 'process' | 'email';

/** The values a kind of alert varies on, drawn per event from a cheap deterministic sequence. */
interface Vars {
  readonly ip: string;
  readonly n: number;
  readonly user: string;
  readonly path: string;
}

/** One kind of alert as our sensors emit it: bilingual texts of realistic length, observables, a raw log line. */
interface AlertKind {
  readonly sensor: Sensor;
  readonly layer: 1 | 2;
  readonly severity: 'low' | 'medium' | 'high' | 'critical';
  readonly technique?: string;
  readonly phase?: string;
  readonly asset: string;
  readonly title: (v: Vars) => { vi: string; en: string };
  readonly description: (v: Vars) => { vi: string; en: string };
  readonly observables: (v: Vars) => Array<{ type: ObservableType; value: string; role?: 'attacker' | 'victim' | 'infrastructure' | 'artifact' }>;
  readonly raw: (v: Vars) => string;
}

const KINDS: readonly AlertKind[] = [
  {
    sensor: 'waf',
    layer: 2,
    severity: 'high',
    technique: 'T1190',
    phase: 'exploit',
    asset: 'web-01',
    title: () => ({ vi: 'WAF chặn truy vấn SQL injection tới cổng thông tin', en: 'WAF blocked an SQL injection attempt on the portal' }),
    description: (v) => ({
      vi: `Yêu cầu từ ${v.ip} tới ${v.path} chứa mẫu UNION SELECT; WAF trả về mã 403.`,
      en: `A request from ${v.ip} to ${v.path} carried a UNION SELECT pattern; the WAF answered 403.`,
    }),
    observables: (v) => [
      { type: 'ip', value: v.ip, role: 'attacker' },
      { type: 'url', value: `https://portal.lamson.gov.vn${v.path}` },
    ],
    raw: (v) => `${v.ip} - - [12/Oct/2024:09:05:11 +0700] "GET ${v.path}?id=1%27%20UNION%20SELECT HTTP/1.1" 403 162 "-" "sqlmap/1.7"`,
  },
  {
    sensor: 'ids',
    layer: 2,
    severity: 'medium',
    technique: 'T1595',
    asset: 'web-01',
    title: () => ({ vi: 'IDS phát hiện quét cổng từ Internet', en: 'IDS detected a port scan from the Internet' }),
    description: (v) => ({
      vi: `Địa chỉ ${v.ip} dò ${(v.n % 900) + 100} cổng TCP trên máy chủ web trong 60 giây.`,
      en: `Address ${v.ip} probed ${(v.n % 900) + 100} TCP ports on the web server within 60 seconds.`,
    }),
    observables: (v) => [{ type: 'ip', value: v.ip, role: 'attacker' }],
    raw: (v) => `[**] [1:2010937:3] ET SCAN Suspicious inbound to port 3306 [**] {TCP} ${v.ip}:${40000 + (v.n % 20000)} -> 10.10.1.10:3306`,
  },
  {
    sensor: 'auth-log',
    layer: 2,
    severity: 'low',
    asset: 'web-01',
    title: () => ({ vi: 'Đăng nhập quản trị thất bại nhiều lần', en: 'Repeated failed administrator logins' }),
    description: (v) => ({
      vi: `Tài khoản ${v.user} đăng nhập sai mật khẩu ${(v.n % 7) + 3} lần từ ${v.ip}.`,
      en: `Account ${v.user} failed to log in ${(v.n % 7) + 3} times from ${v.ip}.`,
    }),
    observables: (v) => [
      { type: 'account', value: v.user, role: 'victim' },
      { type: 'ip', value: v.ip },
    ],
    raw: (v) => `sshd[${v.n % 30000}]: Failed password for ${v.user} from ${v.ip} port 52144 ssh2`,
  },
  {
    sensor: 'edr',
    layer: 2,
    severity: 'critical',
    technique: 'T1059.001',
    phase: 'webshell',
    asset: 'web-01',
    title: () => ({ vi: 'Tiến trình w3wp.exe khởi chạy PowerShell mã hoá', en: 'w3wp.exe spawned an encoded PowerShell' }),
    description: () => ({
      vi: 'EDR ghi nhận tiến trình máy chủ web chạy powershell.exe -enc, dấu hiệu webshell thực thi lệnh.',
      en: 'EDR saw the web server process run powershell.exe -enc, a sign of a web shell running commands.',
    }),
    observables: () => [{ type: 'process', value: 'powershell.exe -nop -w hidden -enc SQBFAFgA', role: 'artifact' }],
    raw: (v) => `ProcessCreate pid=${v.n % 60000} ppid=4120 parent=w3wp.exe image=powershell.exe`,
  },
  {
    sensor: 'fim',
    layer: 2,
    severity: 'medium',
    phase: 'webshell',
    asset: 'web-01',
    title: () => ({ vi: 'Tệp mới trong thư mục tải lên', en: 'New file in the upload folder' }),
    description: (v) => ({
      vi: `FIM phát hiện tệp ${v.path} được tạo bởi tài khoản dịch vụ IIS.`,
      en: `FIM saw ${v.path} created by the IIS service account.`,
    }),
    observables: (v) => [{ type: 'file-path', value: `C:\\inetpub\\wwwroot${v.path.replaceAll('/', '\\')}`, role: 'artifact' }],
    raw: (v) => `FIM ADDED C:\\inetpub\\wwwroot${v.path.replaceAll('/', '\\')} size=${v.n % 9000} user=IIS APPPOOL`,
  },
  {
    sensor: 'uptime',
    layer: 1,
    severity: 'low',
    asset: 'web-01',
    title: () => ({ vi: 'Cổng thông tin phản hồi chậm', en: 'Portal responding slowly' }),
    description: (v) => ({
      vi: `Thời gian phản hồi trang chủ là ${(v.n % 4000) + 800} ms, vượt ngưỡng 800 ms.`,
      en: `Home page response time was ${(v.n % 4000) + 800} ms, above the 800 ms threshold.`,
    }),
    observables: () => [{ type: 'url', value: 'https://portal.lamson.gov.vn/' }],
    raw: (v) => `check=https://portal.lamson.gov.vn/ status=200 latency_ms=${(v.n % 4000) + 800}`,
  },
  {
    sensor: 'av',
    layer: 2,
    severity: 'high',
    technique: 'T1505.003',
    phase: 'webshell',
    asset: 'web-01',
    title: () => ({ vi: 'Phần mềm diệt virus cách ly tệp nghi webshell', en: 'Antivirus quarantined a suspected web shell' }),
    description: (v) => ({
      vi: `Tệp ${v.path} khớp chữ ký Backdoor.ASP.Webshell và đã bị cách ly.`,
      en: `File ${v.path} matched signature Backdoor.ASP.Webshell and was quarantined.`,
    }),
    observables: (v) => [
      { type: 'file-path', value: v.path, role: 'artifact' },
      { type: 'hash-sha256', value: `${((v.n * 2654435761) >>> 0).toString(16).padStart(8, '0')}`.repeat(8) },
    ],
    raw: (v) => `AV Quarantine file=${v.path} threat=Backdoor.ASP.Webshell action=quarantined`,
  },
  {
    sensor: 'firewall',
    layer: 1,
    severity: 'low',
    asset: 'db-01',
    title: () => ({ vi: 'Tường lửa chặn kết nối tới CSDL', en: 'Firewall denied a connection to the database' }),
    description: (v) => ({
      vi: `Kết nối từ ${v.ip} tới cổng 1433 của máy chủ CSDL bị chặn theo chính sách.`,
      en: `A connection from ${v.ip} to port 1433 on the database server was denied by policy.`,
    }),
    observables: (v) => [{ type: 'ip', value: v.ip }],
    raw: (v) => `action=deny proto=tcp src=${v.ip} dst=10.10.1.20 dport=1433 rule=default-deny`,
  },
];

const USERS = ['admin', 'quantri', 'nguyenvana', 'tranthib', 'lethic', 'webmaster', 'backup', 'sa'];
const PATHS = ['/index.php', '/upload.php', '/tin-tuc/chi-tiet.aspx', '/van-ban/tra-cuu.aspx', '/admin/login.aspx', '/images/cache/a.aspx'];

/**
 * A synthetic scenario with `events` timeline alerts, built from a valid base scenario so every
 * reference resolves. Events look like the real ones a machine would generate for a large drill:
 * id, `at` (mostly seconds, one in ten as text like "2h15m30s"), layer, sensor, sensor severity,
 * bilingual title (~40–55 characters) and description (~70–110 characters), asset, phase and
 * ATT&CK technique where the kind has them, one or two observables, a raw log line on one alert
 * in four, and the answer key (about one in five a true positive routed to the operator).
 * Serialized as JSON, an event is about 600–700 bytes.
 */
export function generateScenario(baseYaml: string, events: number): ScenarioInput {
  const base = parseYaml(baseYaml) as ScenarioInput & { timeline: unknown[] };
  const duration = 8 * 3600;
  const timeline: unknown[] = [];
  const width = String(events).length;
  for (let i = 0; i < events; i++) {
    const kind = KINDS[(i * 7 + (i >>> 3)) % KINDS.length]!;
    const n = (i * 2654435761) >>> 0;
    const vars: Vars = {
      ip: `${[203, 198, 45, 185][n % 4]}.${(n >>> 8) % 256}.${(n >>> 16) % 256}.${((n >>> 24) % 254) + 1}`,
      n,
      user: USERS[n % USERS.length]!,
      path: PATHS[(n >>> 5) % PATHS.length]!,
    };
    const seconds = Math.floor((i * duration) / events);
    const tp = i % 5 === 0;
    const event: Record<string, unknown> = {
      id: `gen-${String(i).padStart(width, '0')}`,
      at: i % 10 === 3 ? formatDuration(seconds) : seconds,
      layer: kind.layer,
      sensor: kind.sensor,
      severity: kind.severity,
      title: kind.title(vars),
      description: kind.description(vars),
      asset: kind.asset,
    };
    if (kind.phase !== undefined) event.phase = kind.phase;
    if (kind.technique !== undefined) event.technique = kind.technique;
    event.observables = kind.observables(vars);
    if (i % 4 === 1) event.raw = kind.raw(vars);
    event.answer = tp
      ? { verdict: 'true-positive', severity: kind.severity === 'low' ? 'medium' : kind.severity, routing: ['operator'], incident: 'inc-portal' }
      : { verdict: i % 3 === 0 ? 'benign' : 'false-positive', severity: 'low', routing: [], incident: null };
    timeline.push(event);
  }
  return { ...base, id: 'bench-generated', duration, timeline: timeline as ScenarioInput['timeline'], triggers: [], responses: [], reporting: [], hints: [] };
}
